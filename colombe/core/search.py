"""Site search across reports, groups, discussions, documents, meetings, petitions,
committees, hashtags and the media archive.

What each kind of object contributes to the index (``colombe.core.search_index``) and
who may find it are declared side by side in ``SOURCES``: the text comes from the object,
the scope from the permission policy. The index keeps itself up to date through the
models' save and delete signals (connected by ``CoreConfig.ready``); bulk writes that
bypass signals call ``reindex_all`` (``manage.py rebuild_search_index``).

A hit is shown only when its id is in the policy's scope for the viewer, checked in SQL
with the full-text match — a secret group's anything never appears for someone outside
it, not as a result, not in a count per kind."""

import html
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.core import policy, search_index
from colombe.core.models import Hashtag
from colombe.core.search_index import CompiledScope, IndexedText
from colombe.groups.models import Document, DocumentVersion, Group, Post, Thread
from colombe.mediatheque.models import MediaItem, Outlet
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport

PAGE_SIZE = 20
# Hits counted per kind, at most; beyond, the page says "1,000+" and ranks the newest.
COUNT_CAP = 1000
MIN_QUERY_LENGTH = 2
# Text of uploaded documents is searched only for text formats, up to this size.
MAX_DOCUMENT_BYTES = 512 * 1024
TEXT_DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".csv")
REINDEX_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Source:
    """A kind of searchable object: its number in the index's row ids, its label, how
    it reads as text, which ones are worth indexing, and who may find them."""

    number: int
    kind: str
    label: Promise
    model: type[models.Model]
    text: Callable[[Any], IndexedText]
    # The SQL of the ids the viewer may find, from the search's scopes.
    scope: Callable[["ViewerScopes"], CompiledScope]
    # Narrows which objects are indexed at all (None: every one).
    indexed: Callable[[QuerySet], QuerySet] | None = None
    # A kind few queries find and whose scope costs much to build: the index is asked
    # first whether the query matches any of its rows, and its scope is built only then.
    checked_first: bool = False


# --- what each kind contributes ---------------------------------------------------------


def _report_text(report: ActionReport) -> IndexedText:
    return IndexedText(
        kind="report",
        object_id=report.pk,
        title=report.title,
        body=f"{report.town}\n{report.body}",
        url=report.get_absolute_url(),
        meta=f"{report.structure.name} · {report.town} · {report.happened_on.isoformat()}",
    )


def _group_text(group: Group) -> IndexedText:
    return IndexedText(
        kind="group",
        object_id=group.pk,
        title=group.name,
        body=group.description,
        url=group.get_absolute_url(),
        meta=group.owner.name,
    )


def _thread_text(thread: Thread) -> IndexedText:
    return IndexedText(
        kind="thread",
        object_id=thread.pk,
        title=thread.title,
        body="",
        url=thread.get_absolute_url(),
        meta=thread.group.name,
    )


def _post_text(post: Post) -> IndexedText:
    return IndexedText(
        kind="post",
        object_id=post.pk,
        title=post.thread.title,
        body=post.body,
        url=f"{post.thread.get_absolute_url()}#post-{post.pk}",
        meta=post.thread.group.name,
    )


def readable_text_of(version: DocumentVersion | None) -> str:
    """The content of a plain text or Markdown upload; other formats are searched by
    title only (no PDF or office text extractor is installed)."""
    if version is None or not version.file or version.size > MAX_DOCUMENT_BYTES:
        return ""
    name = version.original_name.lower()
    if not (version.content_type.startswith("text/") or name.endswith(TEXT_DOCUMENT_SUFFIXES)):
        return ""
    try:
        with version.file.open("rb") as handle:
            content: bytes = handle.read(MAX_DOCUMENT_BYTES)
    except OSError:
        return ""
    return content.decode("utf-8", errors="replace")


def _document_text(document: Document) -> IndexedText:
    latest = document.versions.order_by("-number").first()
    return IndexedText(
        kind="document",
        object_id=document.pk,
        title=document.title,
        body=readable_text_of(latest),
        url=reverse("groups:document", args=[document.group.slug, document.pk]),
        meta=document.group.name,
    )


def _meeting_text(meeting: Meeting) -> IndexedText:
    return IndexedText(
        kind="meeting",
        object_id=meeting.pk,
        title=meeting.title,
        body=meeting.agenda,
        url=meeting.get_absolute_url(),
        meta=meeting.owner.name,
    )


def _petition_text(petition: Petition) -> IndexedText:
    return IndexedText(
        kind="petition",
        object_id=petition.pk,
        title=petition.title,
        body=f"{petition.addressee}\n{petition.body}",
        url=petition.get_absolute_url(),
        meta=petition.addressee,
    )


def _structure_text(structure: Structure) -> IndexedText:
    return IndexedText(
        kind="structure",
        object_id=structure.pk,
        title=structure.name,
        body=structure.description,
        url=structure.get_absolute_url(),
        meta=structure.territory.name,
    )


def _hashtag_text(tag: Hashtag) -> IndexedText:
    return IndexedText(
        kind="hashtag",
        object_id=tag.pk,
        title=f"#{tag.name}",
        body="",
        url=tag.get_absolute_url(),
    )


def _media_text(item: MediaItem) -> IndexedText:
    outlet = item.outlet.name if item.outlet else ""
    return IndexedText(
        kind="media",
        object_id=item.pk,
        title=item.title,
        body=f"{outlet}\n{item.description}",
        url=item.get_absolute_url(),
        meta=" · ".join(
            part
            for part in (str(item.get_kind_display()), outlet, item.published_on.isoformat())
            if part
        ),
    )


# --- who may find it --------------------------------------------------------------------


class ViewerScopes:
    """What one user may find, per kind, for one search: the SQL of the ids of each
    scope, built from the policy and compiled once. Several kinds share a scope (the
    groups whose content the user reads: discussions, messages, documents; the reports,
    groups, people and archive items that make a hashtag known): they embed its compiled
    SQL instead of building and compiling it again. Made for one user and dropped with
    the search: nothing carries over to another user or another request."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._compiled: dict[str, CompiledScope] = {}

    def compiled(self, name: str, build: Callable[[], QuerySet]) -> CompiledScope:
        """The scope called ``name``, built by ``build`` the first time only."""
        if name not in self._compiled:
            self._compiled[name] = search_index.compile_scope(build())
        return self._compiled[name]

    def visible(self, model: type[models.Model]) -> CompiledScope:
        """The policy's scope of ``model`` (``policy.visible``)."""
        return self.compiled(model._meta.label, lambda: policy.visible(model, self.user))

    def readable_groups(self) -> CompiledScope:
        """Groups whose content (discussions, documents) the user may read."""
        return self.compiled("readable groups", lambda: Group.objects.readable_by(self.user))


def _visible(model: type[models.Model]) -> Callable[[ViewerScopes], CompiledScope]:
    return lambda scopes: scopes.visible(model)


def _visible_threads(scopes: ViewerScopes) -> CompiledScope:
    groups = scopes.readable_groups().as_subquery()
    return scopes.compiled("thread", lambda: Thread.objects.filter(group_id__in=groups))


def _visible_posts(scopes: ViewerScopes) -> CompiledScope:
    groups = scopes.readable_groups().as_subquery()
    return scopes.compiled(
        "post",
        lambda: Post.objects.filter(
            thread__group_id__in=groups, deleted_at__isnull=True, hidden_at__isnull=True
        ),
    )


def _visible_documents(scopes: ViewerScopes) -> CompiledScope:
    groups = scopes.readable_groups().as_subquery()
    return scopes.compiled("document", lambda: Document.objects.filter(group_id__in=groups))


def _visible_hashtags(scopes: ViewerScopes) -> CompiledScope:
    """A hashtag is known through something the user may see that carries it."""
    return scopes.compiled("hashtag", lambda: _hashtags_carried_by_visible(scopes))


def _hashtags_carried_by_visible(scopes: ViewerScopes) -> QuerySet[Hashtag]:
    on_groups = Group.hashtags.through.objects.filter(
        group_id__in=scopes.visible(Group).as_subquery()
    )
    on_reports = ActionReport.hashtags.through.objects.filter(
        actionreport_id__in=scopes.visible(ActionReport).as_subquery()
    )
    of_people = User.interests.through.objects.filter(
        user_id__in=scopes.visible(User).as_subquery()
    )
    on_media = MediaItem.hashtags.through.objects.filter(
        mediaitem_id__in=scopes.visible(MediaItem).as_subquery()
    )
    # EXISTS per hashtag, not IN: a search checks the few hashtags it found, through
    # their links, instead of listing every hashtag carried by every person (or report)
    # the user may see.
    return Hashtag.objects.filter(
        Exists(on_groups.filter(hashtag_id=OuterRef("pk")))
        | Exists(on_reports.filter(hashtag_id=OuterRef("pk")))
        | Exists(of_people.filter(hashtag_id=OuterRef("pk")))
        | Exists(on_media.filter(hashtag_id=OuterRef("pk")))
    )


def _shown_posts(posts: QuerySet) -> QuerySet:
    return posts.filter(deleted_at__isnull=True, hidden_at__isnull=True)


SOURCES: tuple[Source, ...] = (
    Source(
        1,
        "report",
        _("Action reports"),
        ActionReport,
        _report_text,
        _visible(ActionReport),
    ),
    Source(
        2,
        "group",
        _("Groups"),
        Group,
        _group_text,
        _visible(Group),
    ),
    Source(3, "thread", _("Discussions"), Thread, _thread_text, _visible_threads),
    Source(4, "post", _("Messages"), Post, _post_text, _visible_posts, _shown_posts),
    Source(5, "document", _("Documents"), Document, _document_text, _visible_documents),
    Source(
        6,
        "meeting",
        _("Meetings"),
        Meeting,
        _meeting_text,
        _visible(Meeting),
    ),
    Source(
        7,
        "petition",
        _("Petitions"),
        Petition,
        _petition_text,
        _visible(Petition),
    ),
    Source(
        8,
        "structure",
        _("Committees and working groups"),
        Structure,
        _structure_text,
        _visible(Structure),
    ),
    Source(
        9, "hashtag", _("Hashtags"), Hashtag, _hashtag_text, _visible_hashtags, checked_first=True
    ),
    Source(
        10,
        "media",
        _("Media archive"),
        MediaItem,
        _media_text,
        _visible(MediaItem),
    ),
)
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}
SOURCES_BY_MODEL = {source.model: source for source in SOURCES}
# What the text of each kind reads besides the object itself, loaded in bulk.
RELATED = {
    "report": ["structure"],
    "group": ["owner"],
    "thread": ["group"],
    "post": ["thread__group"],
    "document": ["group"],
    "meeting": ["owner"],
    "structure": ["territory"],
    "media": ["outlet"],
}


# --- keeping the index up to date -------------------------------------------------------


def index_object(obj: models.Model) -> None:
    source = SOURCES_BY_MODEL[type(obj)]
    if (
        source.indexed is None
        or source.indexed(source.model._default_manager.filter(pk=obj.pk)).exists()
    ):
        search_index.index_documents([(source.number, source.text(obj))])
    else:
        search_index.remove_documents(source.number, [obj.pk])


def unindex_object(obj: models.Model) -> None:
    source = SOURCES_BY_MODEL[type(obj)]
    search_index.remove_documents(source.number, [obj.pk])


def _objects_to_index(source: Source) -> Iterator[tuple[int, IndexedText]]:
    objects = source.model._default_manager.all()
    if source.indexed is not None:
        objects = source.indexed(objects)
    objects = objects.select_related(*RELATED.get(source.kind, []))
    for obj in objects.order_by("pk").iterator(chunk_size=REINDEX_BATCH_SIZE):
        yield source.number, source.text(obj)


def reindex_kind(source: Source) -> int:
    search_index.clear_kind(source.kind)
    written = 0
    batch: list[tuple[int, IndexedText]] = []
    for row in _objects_to_index(source):
        batch.append(row)
        if len(batch) >= REINDEX_BATCH_SIZE:
            written += search_index.index_documents(batch)
            batch = []
    return written + search_index.index_documents(batch)


def reindex_all() -> dict[str, int]:
    """Rebuild the whole index from the database; returns the rows written per kind."""
    return {source.kind: reindex_kind(source) for source in SOURCES}


def _on_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Fixtures load raw rows whose relations may not exist yet; rebuild_search_index
    # indexes them afterwards.
    if not kwargs.get("raw"):
        index_object(instance)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    unindex_object(instance)


def _reindex(kind: str, objects: QuerySet) -> None:
    source = SOURCES_BY_KIND[kind]
    if source.indexed is not None:
        objects = source.indexed(objects)
    objects = objects.select_related(*RELATED.get(kind, []))
    search_index.index_documents((source.number, source.text(obj)) for obj in objects)


def _on_thread_save(sender: type[Thread], instance: Thread, **kwargs: Any) -> None:
    """Messages are shown under their discussion's title: a renamed discussion renames
    them in the index too."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    _reindex("post", Post.objects.filter(thread=instance))


def _on_group_save(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    """Discussions, messages and documents show their group's name: a renamed group
    renames them in the index too (rare, and bounded by the group's size)."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    _reindex("thread", Thread.objects.filter(group=instance))
    _reindex("post", Post.objects.filter(thread__group=instance))
    _reindex("document", Document.objects.filter(group=instance))


def _on_outlet_save(sender: type[Outlet], instance: Outlet, **kwargs: Any) -> None:
    """Archive items show their outlet's name: a renamed outlet renames them too."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    _reindex("media", MediaItem.objects.filter(outlet=instance))


def _on_version_change(
    sender: type[DocumentVersion], instance: DocumentVersion, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    document = Document.objects.filter(pk=instance.document_id).first()
    if document is not None:
        index_object(document)


def connect_signals() -> None:
    for source in SOURCES:
        uid = f"colombe.search.{source.kind}"
        post_save.connect(_on_save, sender=source.model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_delete, sender=source.model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_on_thread_save, sender=Thread, dispatch_uid="colombe.search.thread.posts")
    post_save.connect(_on_group_save, sender=Group, dispatch_uid="colombe.search.group.content")
    post_save.connect(_on_outlet_save, sender=Outlet, dispatch_uid="colombe.search.outlet.items")
    post_save.connect(
        _on_version_change, sender=DocumentVersion, dispatch_uid="colombe.search.version.save"
    )
    post_delete.connect(
        _on_version_change, sender=DocumentVersion, dispatch_uid="colombe.search.version.delete"
    )


# --- searching --------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: Promise
    # Hits counted, at most COUNT_CAP; ``capped``: there are more ("1,000+").
    count: int
    capped: bool = False


@dataclass(frozen=True)
class Result:
    kind: str
    label: Promise
    url: str
    meta: str
    title: SafeString
    extract: SafeString


@dataclass
class SearchResults:
    query: str
    kind: str
    counts: list[KindCount] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    page: int = 1
    page_size: int = PAGE_SIZE
    cap: int = COUNT_CAP

    @property
    def total(self) -> int:
        """Hits across all kinds (the "All" tab), each kind counted up to COUNT_CAP."""
        return sum(count.count for count in self.counts)

    @property
    def total_capped(self) -> bool:
        return any(count.capped for count in self.counts)

    @property
    def shown_total(self) -> int:
        """Hits in the chosen kind, or all of them: the hits that pages go through."""
        if not self.kind:
            return self.total
        return next((c.count for c in self.counts if c.kind == self.kind), 0)

    @property
    def shown_capped(self) -> bool:
        if not self.kind:
            return self.total_capped
        return any(c.capped for c in self.counts if c.kind == self.kind)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.shown_total / self.page_size))

    @property
    def empty(self) -> bool:
        return not self.results


def highlighted(marked: str) -> SafeString:
    """Escape everything, then turn the index's marks (and only them) into <mark>."""
    escaped = html.escape(marked, quote=True)
    return mark_safe(  # Escaped above; only our own tags are added.
        escaped.replace(search_index.MARK_START, "<mark>").replace(search_index.MARK_END, "</mark>")
    )


def is_searchable(query: str) -> bool:
    return len(query) >= MIN_QUERY_LENGTH and search_index.has_words(query)


def search_everything(user: Any, query: str, *, kind: str = "", page: int = 1) -> SearchResults:
    """Hits the user may see, counted per kind, and one page of them (all kinds, or
    ``kind``), in two queries whatever the page.

    A word found nearly everywhere is not counted to the last row nor ranked over the
    whole corpus: each kind counts up to COUNT_CAP hits ("1,000+"), and a kind with more
    ranks its COUNT_CAP newest hits — the ones its pages go through."""
    kind = kind if kind in SOURCES_BY_KIND else ""
    viewer = ViewerScopes(user)
    scopes = {
        source.kind: source.scope(viewer)
        for source in SOURCES
        if not source.checked_first or search_index.any_row_matches(query, source.kind)
    }
    found = search_index.count_hits(query, scopes, cap=COUNT_CAP)
    counts = [
        KindCount(
            source.kind,
            source.label,
            min(found[source.kind], COUNT_CAP),
            capped=found[source.kind] > COUNT_CAP,
        )
        for source in SOURCES
        if found.get(source.kind)
    ]
    results = SearchResults(query=query, kind=kind, counts=counts, cap=COUNT_CAP)
    results.page = min(max(1, page), results.num_pages)
    if results.shown_total:
        # Only kinds with hits: the others would add nothing but work to the query.
        chosen = {kind: scopes[kind]} if kind else {c.kind: scopes[c.kind] for c in counts}
        hits = search_index.find_hits(
            query,
            chosen,
            limit=PAGE_SIZE,
            offset=(results.page - 1) * PAGE_SIZE,
            newest={count.kind: COUNT_CAP for count in counts if count.capped},
        )
        results.results = [
            Result(
                kind=hit.kind,
                label=SOURCES_BY_KIND[hit.kind].label,
                url=hit.url,
                meta=hit.meta,
                title=highlighted(hit.title),
                extract=highlighted(hit.extract),
            )
            for hit in hits
        ]
    return results
