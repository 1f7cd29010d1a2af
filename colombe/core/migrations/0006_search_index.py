"""The site search index (``colombe.core.search_index``): one row per searchable object.

PostgreSQL: a table with a generated ``tsvector`` column over the text search
configuration ``french_unaccent`` (French stemming after accent removal) and a GIN index.
It needs the ``unaccent`` extension: a superuser runs ``CREATE EXTENSION unaccent`` once
in production when the application's role may not (docs/search.md).
SQLite: an FTS5 virtual table whose tokenizer folds accents."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations

POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    CREATE TABLE core_search_document (
      id bigint PRIMARY KEY,
      kind varchar(20) NOT NULL,
      object_id bigint NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      url varchar(500) NOT NULL,
      meta text NOT NULL,
      vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent'::regconfig, title), 'A')
        || setweight(to_tsvector('french_unaccent'::regconfig, body), 'B')
      ) STORED
    )
    """,
    "CREATE INDEX core_search_document_vector ON core_search_document USING gin (vector)",
    "CREATE INDEX core_search_document_kind ON core_search_document (kind, object_id)",
]
POSTGRESQL_DOWN = ["DROP TABLE IF EXISTS core_search_document"]

SQLITE_UP = [
    """
    CREATE VIRTUAL TABLE core_search_document USING fts5(
      title, body, kind UNINDEXED, object_id UNINDEXED, url UNINDEXED, meta UNINDEXED,
      tokenize = 'unicode61 remove_diacritics 2'
    )
    """
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS core_search_document"]


def _run(statements: dict[str, list[str]], schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise ImproperlyConfigured(f"Site search supports PostgreSQL and SQLite, not {vendor}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def create_index(apps: Any, schema_editor: Any) -> None:
    _run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}, schema_editor)


def drop_index(apps: Any, schema_editor: Any) -> None:
    _run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_hashtag_key_unique")]

    operations = [migrations.RunPython(create_index, drop_index)]
