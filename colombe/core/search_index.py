"""The site search index: one row per searchable object (kind, id, title, body, the link
and a line of context), in table ``core_search_document`` (migration core 0006).

Two back-ends behind the same functions:
- PostgreSQL: a generated ``tsvector`` over the text search configuration
  ``french_unaccent`` (accents removed, then the French stemmer), a GIN index,
  ``ts_rank_cd`` for ranking and ``ts_headline`` for the highlighted extracts;
- SQLite: an FTS5 table (tokenizer ``unicode61 remove_diacritics 2``), ``bm25`` for
  ranking, ``highlight``/``snippet`` for the extracts. No stemming: each word of the
  query is matched as a prefix instead.

Which rows a user may see is not the index's business: callers pass, per kind, the SQL
of the ids the user may see (the policy's scoping querysets), and the index keeps only
the rows in them, in the same query as the full-text match — so counts, pagination and
ranking only ever consider what the user may see.

Highlights are marked with two control characters that index_documents strips from the
text, so that the caller can escape everything else and turn only the marks into HTML."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, QuerySet
from django.db.models.expressions import RawSQL

TABLE = "core_search_document"
MARK_START = "\x02"
MARK_END = "\x03"
# ts_headline and tsvector work on bounded text; a huge upload's tail is not searched.
MAX_BODY_CHARS = 100_000
# Row ids are derived from (kind, object id): an update replaces the row in one step on
# both back-ends, and SQLite deletes by rowid without scanning.
KIND_SLOTS = 16

_UNWANTED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_QUERY_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class IndexedText:
    kind: str
    object_id: int
    title: str
    body: str
    url: str
    meta: str = ""


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    url: str
    meta: str
    title: str  # marked with MARK_START / MARK_END
    extract: str  # marked likewise; may be empty


def row_id(kind_number: int, object_id: int) -> int:
    return object_id * KIND_SLOTS + kind_number


def _clean(text: str, limit: int) -> str:
    return _UNWANTED_CHARACTERS.sub(" ", text)[:limit]


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- writing --------------------------------------------------------------------------


def index_documents(documents: Iterable[tuple[int, IndexedText]]) -> int:
    """Insert or replace ``(kind number, text)`` rows; returns how many were written."""
    rows = [
        (
            row_id(number, text.object_id),
            text.kind,
            text.object_id,
            _clean(text.title, 1000),
            _clean(text.body, MAX_BODY_CHARS),
            text.url[:500],
            _clean(text.meta, 500),
        )
        for number, text in documents
    ]
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if _is_postgresql():
            cursor.executemany(
                f"INSERT INTO {TABLE} (id, kind, object_id, title, body, url, meta) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                "title = EXCLUDED.title, body = EXCLUDED.body, url = EXCLUDED.url, "
                "meta = EXCLUDED.meta",
                rows,
            )
        else:
            cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(r[0],) for r in rows])
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, kind, object_id, title, body, url, meta) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
    return len(rows)


def remove_documents(kind_number: int, object_ids: Sequence[int]) -> None:
    if not object_ids:
        return
    key = "id" if _is_postgresql() else "rowid"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE {key} = %s",
            [(row_id(kind_number, pk),) for pk in object_ids],
        )


def clear_kind(kind: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE kind = %s", [kind])


def count_documents() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return int(cursor.fetchone()[0])


# --- reading --------------------------------------------------------------------------


def ids_of(scope: QuerySet) -> QuerySet:
    """The ids of a scoping queryset, for ``IN (…)``: without ordering nor DISTINCT
    (meaningless inside IN, and it makes PostgreSQL sort the whole scope)."""
    ids = scope.order_by().values("pk")
    ids.query.distinct = False
    return ids


@dataclass(frozen=True)
class CompiledScope:
    """The SQL of a scope's ids, compiled once for the two queries of a search page
    (compiling ten policy querysets costs about as much as running the count)."""

    sql: str
    params: tuple[Any, ...]

    def as_subquery(self) -> RawSQL:
        """The ids as an expression for ``__in``: a scope built from another one embeds
        its SQL as it is, instead of compiling its queryset again."""
        return RawSQL(self.sql, self.params, output_field=BigIntegerField())


# The ids of a scope that is empty by construction (``none()``), which has no SQL.
NO_IDS = CompiledScope("SELECT 0 WHERE 1 = 0", ())


def compile_scope(scope: QuerySet) -> CompiledScope:
    try:
        sql, params = ids_of(scope).query.sql_with_params()
    except EmptyResultSet:
        return NO_IDS
    return CompiledScope(sql, tuple(params))


Scopes = Mapping[str, CompiledScope]


def _ids_sql(scope: CompiledScope) -> tuple[str, list[Any]]:
    return scope.sql, list(scope.params)


def _visible_matches(
    columns: str,
    column_params: list[Any],
    match: str,
    match_params: list[Any],
    scopes: Scopes,
    limits: dict[str, str] | None = None,
) -> tuple[str, list[Any]]:
    """The rows matching the query that the user may see: one branch per kind
    (``kind = 'report' AND <match> AND object_id IN (<reports the user may see>)``)
    joined by UNION ALL, so that the database filters each kind by a semi-join on its own
    scope. ``limits`` ends some branches (``LIMIT 1001``, ``ORDER BY … LIMIT 1000``): the
    database then stops after that many visible rows. No kind: no row."""
    limits = limits or {}
    branches: list[str] = []
    params: list[Any] = []
    for number, (kind, scope) in enumerate(scopes.items()):
        ids, ids_params = _ids_sql(scope)
        # A subquery per branch: SQLite takes no parentheses around a compound's parts.
        branches.append(
            f"SELECT * FROM (SELECT {columns} FROM {TABLE} WHERE {TABLE}.kind = %s "
            f"AND {match} AND {TABLE}.object_id IN ({ids}) {limits.get(kind, '')}) "
            f"AS branch_{number}"
        )
        params.extend([*column_params, kind, *match_params, *ids_params])
    if not branches:
        return f"SELECT {columns} FROM {TABLE} WHERE 1 = 0", list(column_params)
    return " UNION ALL ".join(branches), params


def fts5_query(text: str) -> str:
    """Each word of the query as a quoted prefix, all required: user input never reaches
    the FTS5 query syntax (quotes, NEAR, column filters)."""
    return " ".join(f'"{word}"*' for word in _QUERY_WORDS.findall(text))


def has_words(text: str) -> bool:
    return bool(_QUERY_WORDS.search(text))


_PG_QUERY = "websearch_to_tsquery('french_unaccent', %s)"


def _match(text: str) -> tuple[str, list[Any]]:
    if _is_postgresql():
        return f"{TABLE}.vector @@ {_PG_QUERY}", [text]
    return f"{TABLE} MATCH %s", [fts5_query(text)]


def any_row_matches(text: str, kind: str) -> bool:
    """Whether any row of ``kind`` matches the query, whoever may see it: a small query
    (through the index on kind) that spares building the scope of a kind the query
    cannot find anyway. It answers nothing shown: what is counted and listed is still
    only what the user may see."""
    match, match_params = _match(text)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {TABLE} WHERE {TABLE}.kind = %s AND {match} LIMIT 1",
            [kind, *match_params],
        )
        return cursor.fetchone() is not None


def count_hits(text: str, scopes: Scopes, *, cap: int) -> dict[str, int]:
    """Hits the user may see, per kind, in one query, counted up to ``cap`` + 1: a count
    above ``cap`` means "more than cap" (a word in half the corpus is not counted to the
    last row)."""
    match, match_params = _match(text)
    limits = dict.fromkeys(scopes, f"LIMIT {int(cap) + 1}")
    rows, params = _visible_matches(f"{TABLE}.kind", [], match, match_params, scopes, limits)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, COUNT(*) FROM ({rows}) AS hits GROUP BY kind", params)
        return {kind: int(total) for kind, total in cursor.fetchall()}


def find_hits(
    text: str,
    scopes: Scopes,
    *,
    limit: int,
    offset: int,
    newest: dict[str, int] | None = None,
) -> list[Hit]:
    """One page of hits the user may see, best first, with highlighted extracts. For the
    kinds in ``newest``, only that many of the newest hits are ranked (the candidates of
    a word found nearly everywhere)."""
    limits = {
        kind: f"ORDER BY {TABLE}.object_id DESC LIMIT {int(count)}"
        for kind, count in (newest or {}).items()
    }
    if _is_postgresql():
        sql, arguments = _postgresql_page(text, scopes, limits, limit, offset)
    else:
        sql, arguments = _sqlite_page(text, scopes, limits, limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return [
            Hit(
                kind=kind,
                object_id=int(object_id),
                url=url,
                meta=meta,
                title=title,
                extract=extract or "",
            )
            for kind, object_id, url, meta, title, extract in cursor.fetchall()
        ]


_HEADLINE_TITLE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
_HEADLINE_BODY = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12"


def _postgresql_page(
    text: str, scopes: Scopes, limits: dict[str, str], limit: int, offset: int
) -> tuple[str, list[Any]]:
    match, match_params = _match(text)
    columns = f"{TABLE}.id, ts_rank_cd({TABLE}.vector, {_PG_QUERY}) AS rank"
    rows, params = _visible_matches(columns, [text], match, match_params, scopes, limits)
    # Rank every hit on narrow rows, then read the text and run the costly ts_headline
    # on the page's rows only.
    sql = (
        "SELECT d.kind, d.object_id, d.url, d.meta, "
        f"ts_headline('french_unaccent', d.title, {_PG_QUERY}, %s), "
        "CASE WHEN d.body = '' THEN '' "
        f"ELSE ts_headline('french_unaccent', d.body, {_PG_QUERY}, %s) END "
        f"FROM ({rows} ORDER BY rank DESC, id DESC LIMIT %s OFFSET %s) AS page "
        f"JOIN {TABLE} d ON d.id = page.id "
        "ORDER BY page.rank DESC, page.id DESC"
    )
    return sql, [text, _HEADLINE_TITLE, text, _HEADLINE_BODY, *params, limit, offset]


def _sqlite_page(
    text: str, scopes: Scopes, limits: dict[str, str], limit: int, offset: int
) -> tuple[str, list[Any]]:
    match, match_params = _match(text)
    # FTS5's auxiliary functions only work in the query that does the MATCH.
    columns = (
        f"{TABLE}.rowid AS id, {TABLE}.kind, {TABLE}.object_id, {TABLE}.url, {TABLE}.meta, "
        f"highlight({TABLE}, 0, %s, %s) AS title, "
        f"snippet({TABLE}, 1, %s, %s, '…', 24) AS extract, "
        f"bm25({TABLE}, 10.0, 1.0) AS rank"
    )
    marks = [MARK_START, MARK_END]
    rows, params = _visible_matches(columns, [*marks, *marks], match, match_params, scopes, limits)
    sql = (
        f"SELECT kind, object_id, url, meta, title, extract FROM ({rows}) AS hits "
        "ORDER BY rank, id DESC LIMIT %s OFFSET %s"
    )
    return sql, [*params, limit, offset]
