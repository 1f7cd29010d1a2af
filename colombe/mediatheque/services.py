"""Keeping the archive: file, edit, delete an item, its subtitles and the people in it,
and archive a meeting's recording in one click.

Each action checks the policy, writes in one transaction and records an audit entry.
Files are removed from storage only once the deletion is committed."""

import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.core.ratelimit import hit_key
from colombe.core.slugs import first_free_slug
from colombe.groups.models import Group
from colombe.mediatheque.media_files import CheckedMedia
from colombe.mediatheque.models import Appearance, MediaItem, Outlet, Subtitle, Theme
from colombe.mediatheque.policy import reads_committee_items, recording_audience
from colombe.mediatheque.processing import start_processing
from colombe.meetings.models import Recording
from colombe.meetings.recordings import recording_type
from colombe.movement.models import Structure

# What a form may set on an item (besides hashtags, outlet, themes and committees).
EDITABLE_FIELDS = (
    "title",
    "published_on",
    "territory",
    "description",
    "rights",
    "visibility",
    "group",
    "structure",
    "external_url",
)
# Each upload is probed by ffprobe and a video or sound converted by ffmpeg: one account
# may not fill the task queue and the disk. Links cost nothing and are not counted.
UPLOADS_PER_DAY = 30
UPLOAD_PERIOD_SECONDS = 24 * 60 * 60


class ArchiveError(Exception):
    """A refusal to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ItemChanges:
    """What the add and edit forms send: the model fields, and the relations by value."""

    fields: dict[str, Any]
    hashtags_text: str = ""
    outlet: Outlet | None = None
    new_outlet_name: str = ""
    new_outlet_kind: str = ""
    themes: list[Theme] = field(default_factory=list)
    structures: list[Structure] = field(default_factory=list)


# --- filing and editing -------------------------------------------------------------------


def unique_slug(title: str, published_on: date, exclude_pk: int | None = None) -> str:
    """'journal-de-20h-2026-03-04': the date keeps slugs apart from the archive's fixed
    paths (ajouter, presse, archiver)."""
    base = slugify(title)[:190].strip("-") or "archive"
    dated = f"{base}-{published_on.isoformat()}"
    return first_free_slug(MediaItem.objects.all(), dated, exclude_pk)


def outlet_named(name: str, kind: str) -> Outlet:
    """The outlet typed in a form: an existing one in any case, or a new one."""
    name = " ".join(name.split())
    existing = Outlet.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    slug = first_free_slug(Outlet.objects.all(), slugify(name)[:130] or "media")
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, slug=slug, kind=kind)
    except IntegrityError:  # typed by someone else at the same moment
        return Outlet.objects.get(name__iexact=name)


def _apply(item: MediaItem, changes: ItemChanges) -> None:
    for name, value in changes.fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"{name} is not an editable field of an archive item.")
        setattr(item, name, value)
    if item.visibility != MediaItem.Visibility.GROUP:
        item.group = None
    if item.visibility != MediaItem.Visibility.COMMITTEE:
        item.structure = None
    item.description_html = render_markdown(item.description)
    if changes.new_outlet_name.strip():
        item.outlet = outlet_named(changes.new_outlet_name, changes.new_outlet_kind)
    else:
        item.outlet = changes.outlet


def _set_relations(item: MediaItem, changes: ItemChanges) -> None:
    item.hashtags.set(get_or_create_hashtags(parse_hashtags(changes.hashtags_text)))
    item.themes.set(changes.themes)
    item.structures.set(changes.structures)


def _require_group_member(actor: Any, group: Group | None) -> None:
    """An item for a group's members is filed by one of them (a form offers only those
    groups; a forged request learns nothing)."""
    if group is not None and not group.memberships.filter(user=actor).exists():
        raise ArchiveError(_("You can only file an item for a group you belong to."))


def _require_committee_member(actor: Any, structure: Structure | None) -> None:
    """Likewise for a committee's members: filed by one of them, or a national
    administrator."""
    if structure is not None and not reads_committee_items(actor, structure.pk):
        raise ArchiveError(_("You can only file an item for a committee you are active in."))


def count_upload(actor: Any) -> bool:
    """Count one file sent by ``actor`` (before it is read); False once over the day's
    limit."""
    return hit_key(
        f"mediatheque.upload:{actor.pk}",
        limit=UPLOADS_PER_DAY,
        period_seconds=UPLOAD_PERIOD_SECONDS,
    )


def create_item(
    actor: Any,
    changes: ItemChanges,
    *,
    upload: CheckedMedia | None = None,
) -> MediaItem:
    """File a new item: an uploaded file (``upload``, already checked by its content)
    or a link (``changes.fields["external_url"]``). Video and audio start processing
    once the item is committed."""
    policy.require(actor, "mediatheque.add")
    item = MediaItem(created_by=actor)
    with transaction.atomic():
        _apply(item, changes)
        _require_group_member(actor, item.group)
        _require_committee_member(actor, item.structure)
        if upload is not None:
            item.kind = upload.kind
            item.external_url = ""
            _store_original(item, upload)
        elif item.external_url:
            item.kind = MediaItem.Kind.LINK
        else:
            raise ArchiveError(_("Give a file, or a link to the video or the article."))
        item.slug = unique_slug(item.title, item.published_on)
        item.save()
        _set_relations(item, changes)
        log_action(actor, "mediatheque.item.created", item, {"title": item.title})
        if needs_processing(item):
            start_processing(item)
    return item


def _store_original(item: MediaItem, upload: CheckedMedia) -> None:
    item.original_name = upload.original_name
    item.original_content_type = upload.content_type
    item.original_size = upload.size
    item.original.save(stored_name(upload.extension), upload.file, save=False)


def stored_name(extension: str) -> str:
    """A random name with the extension the content was recognised as: the uploaded
    name may say more than the item does (it is kept apart, for downloads)."""
    return f"{secrets.token_hex(8)}.{extension.lower().lstrip('.')}"


def needs_processing(item: MediaItem) -> bool:
    return item.kind in (MediaItem.Kind.VIDEO, MediaItem.Kind.AUDIO) and bool(item.original)


def update_item(actor: Any, item: MediaItem, changes: ItemChanges) -> MediaItem:
    """Save an item's new description and audience. The permission is checked on the
    item as stored: the edit form has already changed ``item`` to what was posted, and
    a group's or a committee's item may be widened only by a current member of it."""
    stored = MediaItem.objects.get(pk=item.pk)
    policy.require(actor, "mediatheque.edit", stored)
    with transaction.atomic():
        _apply(item, changes)
        if item.group_id != stored.group_id:
            _require_group_member(actor, item.group)
        if item.structure_id != stored.structure_id:
            _require_committee_member(actor, item.structure)
        if item.kind != MediaItem.Kind.LINK:
            item.external_url = ""
        item.save()
        _set_relations(item, changes)
        log_action(actor, "mediatheque.item.updated", item)
    return item


def delete_item(actor: Any, item: MediaItem) -> None:
    """The item, its subtitles and every file made for it go; a meeting's recording it
    was copied from stays with the meeting."""
    policy.require(actor, "mediatheque.edit", item)
    files = [item.original, item.rendition, item.poster]
    files += [subtitle.file for subtitle in item.subtitles.all()]
    with transaction.atomic():
        log_action(actor, "mediatheque.item.deleted", item, {"title": item.title})
        item.delete()
        transaction.on_commit(lambda: remove_files(files))


def remove_files(files: list[FieldFile]) -> None:
    for stored in files:
        if stored:
            stored.delete(save=False)


# --- subtitles and people appearing ---------------------------------------------------------


def add_subtitle(
    actor: Any, item: MediaItem, *, language: str, label: str, content: ContentFile
) -> Subtitle:
    """A WebVTT track (``content`` is already checked and converted); a new file for a
    language replaces the previous one."""
    policy.require(actor, "mediatheque.edit", item)
    with transaction.atomic():
        previous = Subtitle.objects.filter(item=item, language=language).first()
        old_file = previous.file if previous else None
        subtitle = previous or Subtitle(item=item, language=language)
        subtitle.label = label
        subtitle.file.save(f"{item.slug}-{language}.vtt", content, save=False)
        subtitle.save()
        log_action(actor, "mediatheque.subtitle.added", item, {"language": language})
        if old_file:
            transaction.on_commit(lambda: remove_files([old_file]))
    return subtitle


def remove_subtitle(actor: Any, subtitle: Subtitle) -> None:
    policy.require(actor, "mediatheque.edit", subtitle.item)
    stored = subtitle.file
    with transaction.atomic():
        log_action(
            actor, "mediatheque.subtitle.removed", subtitle.item, {"language": subtitle.language}
        )
        subtitle.delete()
        transaction.on_commit(lambda: remove_files([stored]))


def add_appearance(actor: Any, item: MediaItem, *, name: str, consent_given_on: date) -> Appearance:
    """Name someone seen or heard in the item — only once they agreed, on that date."""
    policy.require(actor, "mediatheque.edit", item)
    with transaction.atomic():
        appearance = Appearance.objects.create(
            item=item, name=name.strip(), consent_given_on=consent_given_on
        )
        # The name is personal data: the log keeps that someone was added, not who.
        log_action(actor, "mediatheque.appearance.added", item, {"appearance": appearance.pk})
    return appearance


def remove_appearance(actor: Any, appearance: Appearance) -> None:
    policy.require(actor, "mediatheque.edit", appearance.item)
    with transaction.atomic():
        log_action(
            actor, "mediatheque.appearance.removed", appearance.item, {"appearance": appearance.pk}
        )
        appearance.delete()


# --- a meeting's recording, in one click ------------------------------------------------------


def recording_kind(name: str) -> tuple[str, str]:
    """(kind, content type) from the recording's extension; ffmpeg decides the rest."""
    content_type = recording_type(name)
    if content_type.startswith("audio/"):
        return MediaItem.Kind.AUDIO, content_type
    if content_type.startswith("video/"):
        return MediaItem.Kind.VIDEO, content_type
    return MediaItem.Kind.VIDEO, "video/webm"  # what Janus recordings are


def archived_item(recording: Recording) -> MediaItem | None:
    return MediaItem.objects.filter(from_recording=recording).first()


def archive_recording(actor: Any, recording: Recording) -> tuple[MediaItem, bool]:
    """Copy a finished recording into the archive; (item, True) when made now, the item
    made before otherwise (a second click, or two organisers at once)."""
    policy.require(actor, "mediatheque.archive_recording", recording)
    meeting = recording.meeting
    audience = recording_audience(meeting)
    kind, content_type = recording_kind(recording.file.name)
    started = timezone.localtime(recording.started_at)
    with transaction.atomic():
        # The lock makes a double click wait for the first one, which then wins.
        Recording.objects.select_for_update().filter(pk=recording.pk).first()
        existing = archived_item(recording)
        if existing is not None:
            return existing, False
        item = MediaItem(
            kind=kind,
            title=meeting.title,
            published_on=started.date(),
            territory=meeting.owner.territory,
            visibility=audience.visibility,
            group=audience.group,
            structure=audience.structure,
            description=_("Recording of the meeting of %(date)s.")
            % {"date": date_format(started, "DATE_FORMAT")},
            from_recording=recording,
            created_by=actor,
        )
        item.description_html = render_markdown(item.description)
        item.slug = unique_slug(item.title, item.published_on)
        item.original_name = PurePosixPath(recording.file.name).name
        item.original_content_type = content_type
        with recording.file.open("rb") as source:
            extension = PurePosixPath(item.original_name).suffix or ".webm"
            item.original.save(stored_name(extension), File(source), save=False)
        item.original_size = item.original.size
        item.save()
        item.structures.set([meeting.owner])
        log_action(actor, "mediatheque.recording.archived", item, {"recording": recording.pk})
        start_processing(item)
    return item, True
