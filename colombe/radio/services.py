"""Running the radio's programme: shows, the weekly schedule, the playlist, episodes, and
keeping a replay in the archive.

Each action checks the policy, writes in one transaction and records an audit entry.
Files are removed from storage only once the change is committed."""

import uuid
from datetime import time
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.markdown import render_markdown
from colombe.core.slugs import first_free_slug
from colombe.mediatheque import services as archive
from colombe.mediatheque.models import MediaItem, Outlet
from colombe.mediatheque.processing import start_episode_processing
from colombe.radio import programme
from colombe.radio.models import Episode, PlaylistEntry, ScheduleSlot, Show

SHOW_FIELDS = ("title", "description", "author", "language", "explicit", "is_active")
EPISODE_FIELDS = ("title", "description", "airs_at")
AUDIO_FIELDS = [
    "audio",
    "source_item",
    "audio_content_type",
    "audio_size",
    "duration_seconds",
    "processing",
    "processing_error",
]
MP3 = "audio/mpeg"
RADIO_OUTLET = "Radio Colombe"

Ready = MediaItem.Processing.READY


class RadioActionError(Exception):
    """A refusal to show the user (overlapping slot, episode not ready…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def remove_files_on_commit(files: list[FieldFile]) -> None:
    """Forget the files' names now (the fields may be given new files), delete them once
    the transaction commits."""
    names = [(stored.storage, stored.name) for stored in files if stored and stored.name]

    def remove() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def copy_fields(target: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} may not be set by a form.")
        setattr(target, name, value)


# Shows ------------------------------------------------------------------------------------


def unique_show_slug(title: str) -> str:
    return first_free_slug(Show.objects.all(), slugify(title)[:170].strip("-") or "emission")


def store_artwork(show: Show, artwork: ContentFile | None) -> None:
    """A new artwork gets a new file name (podcast apps cache images by address); the
    old file goes once the change is committed."""
    if artwork is None:
        return
    if show.artwork:
        remove_files_on_commit([show.artwork])
    show.artwork.save(f"{uuid.uuid4().hex}.jpg", artwork, save=False)


def create_show(
    actor: Any, *, presenters: list[Any], artwork: ContentFile | None = None, **fields: Any
) -> Show:
    policy.require(actor, "radio.manage")
    show = Show()
    copy_fields(show, fields, SHOW_FIELDS)
    show.description_html = render_markdown(show.description)
    with transaction.atomic():
        show.slug = unique_show_slug(show.title)
        store_artwork(show, artwork)
        show.save()
        show.presenters.set(presenters)
        log_action(actor, "radio.show.created", show, {"title": show.title})
    return show


def update_show(
    actor: Any,
    show: Show,
    *,
    presenters: list[Any],
    artwork: ContentFile | None = None,
    **fields: Any,
) -> Show:
    """The slug stays: podcast apps know the feed by its address."""
    policy.require(actor, "radio.manage")
    copy_fields(show, fields, SHOW_FIELDS)
    show.description_html = render_markdown(show.description)
    with transaction.atomic():
        store_artwork(show, artwork)
        show.save()
        show.presenters.set(presenters)
        log_action(actor, "radio.show.updated", show)
    return show


# The weekly schedule ------------------------------------------------------------------------


def add_slot(
    actor: Any, show: Show, *, weekday: int, starts_at: time, duration_minutes: int
) -> ScheduleSlot:
    policy.require(actor, "radio.manage")
    starts_at = starts_at.replace(second=0, microsecond=0)
    with transaction.atomic():
        clash = programme.overlapping_slot(weekday, starts_at, duration_minutes)
        if clash is not None:
            raise RadioActionError(
                _("This slot overlaps “%(other)s”. The radio plays one show at a time.")
                % {"other": clash}
            )
        slot = ScheduleSlot.objects.create(
            show=show, weekday=weekday, starts_at=starts_at, duration_minutes=duration_minutes
        )
        log_action(actor, "radio.slot.added", show, {"slot": str(slot)})
    return slot


def remove_slot(actor: Any, slot: ScheduleSlot) -> None:
    policy.require(actor, "radio.manage")
    with transaction.atomic():
        log_action(actor, "radio.slot.removed", slot.show, {"slot": str(slot)})
        slot.delete()


# The playlist -------------------------------------------------------------------------------


def playlist_items() -> QuerySet[MediaItem]:
    """Archive audio that may go on air: public (the stream is heard by anyone) and
    converted."""
    return MediaItem.objects.filter(
        kind=MediaItem.Kind.AUDIO,
        visibility=MediaItem.Visibility.PUBLIC,
        processing=Ready,
    ).exclude(rendition="")


def add_to_playlist(
    actor: Any, *, item: MediaItem | None = None, episode: Episode | None = None
) -> PlaylistEntry:
    policy.require(actor, "radio.manage")
    if (item is None) == (episode is None):
        raise TypeError("A playlist entry is an archive item or an episode.")
    with transaction.atomic():
        last = PlaylistEntry.objects.aggregate(last=Max("position"))["last"]
        entry = PlaylistEntry.objects.create(
            item=item, episode=episode, position=0 if last is None else last + 1
        )
        log_action(actor, "radio.playlist.added", entry.item or entry.episode)
    return entry


def move_in_playlist(actor: Any, entry: PlaylistEntry, *, up: bool) -> None:
    """Swap the entry with the one before (``up``) or after it; positions are numbered
    again from 0 on the way, so gaps and ties left by removals disappear."""
    policy.require(actor, "radio.manage")
    with transaction.atomic():
        entries = list(PlaylistEntry.objects.select_for_update().order_by("position", "pk"))
        index = next(i for i, other in enumerate(entries) if other.pk == entry.pk)
        neighbour = index - 1 if up else index + 1
        if 0 <= neighbour < len(entries):
            entries[index], entries[neighbour] = entries[neighbour], entries[index]
        for position, other in enumerate(entries):
            other.position = position
        PlaylistEntry.objects.bulk_update(entries, ["position"])
        log_action(actor, "radio.playlist.moved", entry.item or entry.episode, {"up": up})


def remove_from_playlist(actor: Any, entry: PlaylistEntry) -> None:
    policy.require(actor, "radio.manage")
    with transaction.atomic():
        log_action(actor, "radio.playlist.removed", entry.item or entry.episode)
        entry.delete()


# Episodes -----------------------------------------------------------------------------------


def next_episode_number(show: Show) -> int:
    # Called with the show's row locked, so two presenters adding at once get 4 and 5.
    last = show.episodes.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def attach_upload(episode: Episode, upload: UploadedFile) -> None:
    """Store the checked upload as it came; the task converts it to MP3."""
    extension = PurePosixPath(upload.name or "").suffix.lower()[:8]
    remove_files_on_commit([episode.audio])
    episode.audio.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    episode.source_item = None


def attach_archive_audio(episode: Episode, item: MediaItem) -> bool:
    """Copy the archive item's converted audio into the episode (the episode keeps its
    own file: the archive item may be edited or deleted). True when it is already an MP3
    and needs no processing."""
    remove_files_on_commit([episode.audio])
    extension = PurePosixPath(item.rendition.name).suffix.lower()[:8]
    with item.rendition.open("rb") as source:
        episode.audio.save(f"{uuid.uuid4().hex}{extension}", File(source), save=False)
    episode.source_item = item
    if item.rendition_content_type != MP3:
        return False
    episode.audio_content_type = MP3
    episode.audio_size = episode.audio.size
    episode.duration_seconds = item.duration_seconds
    episode.processing = Ready
    episode.processing_error = ""
    return True


def set_audio(
    episode: Episode, upload: UploadedFile | None, source_item: MediaItem | None
) -> tuple[bool, bool]:
    """Attach the new audio, if any: (whether the audio changed, whether it must be
    converted)."""
    if upload is not None:
        attach_upload(episode, upload)
        return True, True
    if source_item is not None and source_item != episode.source_item:
        return True, not attach_archive_audio(episode, source_item)
    return False, False


def create_episode(
    actor: Any,
    show: Show,
    *,
    upload: UploadedFile | None = None,
    source_item: MediaItem | None = None,
    **fields: Any,
) -> Episode:
    """A new draft; ``upload`` was checked by ``check_audio_upload``."""
    policy.require(actor, "radio.edit_show", show)
    episode = Episode(show=show)
    copy_fields(episode, fields, EPISODE_FIELDS)
    episode.description_html = render_markdown(episode.description)
    with transaction.atomic():
        locked_show = Show.objects.select_for_update().get(pk=show.pk)
        episode.number = next_episode_number(locked_show)
        _changed, convert = set_audio(episode, upload, source_item)
        episode.save()
        log_action(actor, "radio.episode.created", episode, {"title": episode.title})
        if convert:
            start_episode_processing(episode)
    return episode


def update_episode(
    actor: Any,
    episode: Episode,
    *,
    upload: UploadedFile | None = None,
    source_item: MediaItem | None = None,
    **fields: Any,
) -> Episode:
    policy.require(actor, "radio.edit_show", episode.show)
    copy_fields(episode, fields, EPISODE_FIELDS)
    episode.description_html = render_markdown(episode.description)
    with transaction.atomic():
        changed, convert = set_audio(episode, upload, source_item)
        # Only what the form changed: the task converting the audio may have finished
        # since this episode was read, and its result must not be written over.
        episode.save(
            update_fields=[*EPISODE_FIELDS, "description_html"] + (AUDIO_FIELDS if changed else [])
        )
        log_action(actor, "radio.episode.updated", episode)
        if convert:
            start_episode_processing(episode)
    return episode


def has_ready_audio(episode: Episode) -> bool:
    return episode.processing == Ready and bool(episode.audio)


def publish_episode(actor: Any, episode: Episode) -> None:
    """Listeners and podcast apps get it (from its air time, if it has one)."""
    policy.require(actor, "radio.edit_show", episode.show)
    if not has_ready_audio(episode):
        raise RadioActionError(
            _("This episode cannot be published yet: its audio is missing or still being prepared.")
        )
    if episode.status == Episode.Status.PUBLISHED:
        return
    with transaction.atomic():
        episode.status = Episode.Status.PUBLISHED
        # Published again after a correction, it keeps its first date: podcast apps
        # would otherwise list it as new.
        episode.published_at = episode.published_at or timezone.now()
        episode.save(update_fields=["status", "published_at"])
        log_action(actor, "radio.episode.published", episode)


def unpublish_episode(actor: Any, episode: Episode) -> None:
    policy.require(actor, "radio.edit_show", episode.show)
    if episode.status == Episode.Status.DRAFT:
        return
    with transaction.atomic():
        episode.status = Episode.Status.DRAFT
        episode.save(update_fields=["status"])
        log_action(actor, "radio.episode.unpublished", episode)


def delete_episode(actor: Any, episode: Episode) -> None:
    """The episode and its audio go; a replay kept in the archive stays there."""
    policy.require(actor, "radio.edit_show", episode.show)
    with transaction.atomic():
        log_action(actor, "radio.episode.deleted", episode.show, {"title": episode.title})
        remove_files_on_commit([episode.audio])
        episode.delete()


# A replay in the archive ---------------------------------------------------------------------


def archive_episode(actor: Any, episode: Episode) -> tuple[MediaItem, bool]:
    """Keep a published episode in La mémoire as a public audio item; (item, True) when
    made now, the item made before otherwise (a second click, or two presenters at once)."""
    policy.require(actor, "radio.edit_show", episode.show)
    if episode.status != Episode.Status.PUBLISHED or not has_ready_audio(episode):
        raise RadioActionError(
            _("Only a published episode whose audio is ready can be kept in the archive.")
        )
    if episode.airs_at is not None and episode.airs_at > timezone.now():
        # The replay is public in the archive: made now, it would give the episode away.
        raise RadioActionError(
            _("This episode can be kept in the archive once it has been on air.")
        )
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.archived_as is not None:
            return locked.archived_as, False
        item = replay_item(actor, locked)
        locked.archived_as = item
        locked.save(update_fields=["archived_as"])
        episode.archived_as = item
        log_action(actor, "radio.episode.archived", locked, {"item": item.pk})
    return item, True


def replay_item(actor: Any, episode: Episode) -> MediaItem:
    """The archive item for ``episode``: its MP3 is already what browsers play, so the
    item is ready at once (the original and the rendition are two copies, as for any
    item, so that replacing one never loses the other)."""
    broadcast = episode.airs_at or episode.published_at or timezone.now()
    published_on = timezone.localdate(broadcast)
    title = f"{episode.show.title} — {episode.title}"[:200]
    item = MediaItem(
        kind=MediaItem.Kind.AUDIO,
        title=title,
        slug=archive.unique_slug(title, published_on),
        published_on=published_on,
        outlet=archive.outlet_named(RADIO_OUTLET, Outlet.Kind.RADIO),
        description=episode.description,
        description_html=episode.description_html,
        visibility=MediaItem.Visibility.PUBLIC,
        original_name=f"{episode.show.slug}-{episode.number}.mp3",
        original_content_type=MP3,
        rendition_content_type=MP3,
        duration_seconds=episode.duration_seconds,
        processing=Ready,
        processing_progress=100,
        created_by=actor,
    )
    for field in (item.original, item.rendition):
        with episode.audio.open("rb") as audio:
            field.save(f"{item.slug}.mp3", File(audio), save=False)
    item.original_size = item.original.size
    item.rendition_size = item.rendition.size
    item.save()
    return item
