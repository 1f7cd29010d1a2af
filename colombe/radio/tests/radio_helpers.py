"""Helpers for the tests of the radio's programme pages: shows, slots and episodes whose
audio is a real MP3 made by ffmpeg (``colombe.mediatheque.clips``)."""

import io
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from colombe.mediatheque.clips import make_audio_clip
from colombe.mediatheque.models import MediaItem
from colombe.radio.models import Episode, ScheduleSlot, Show
from tests.services import require_ffmpeg

# Nothing listens on the discard port: the pages must say the stream is not reachable.
NO_ICECAST = "http://127.0.0.1:9"


def use_test_settings(settings: Any, tmp_path: Path) -> None:
    """Files go to the test's own folder; Icecast is asked where none answers (a
    developer's running radio must not decide the outcome of a test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RADIO_ICECAST_URL = NO_ICECAST


def as_user(client: Client, user: Any) -> Client:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def body_of(response: Any) -> bytes:
    """The bytes of a streamed (file) response."""
    return b"".join(response.streaming_content)


def make_show(title: str = "La voix des comités", slug: str = "voix", **fields: Any) -> Show:
    return Show.objects.create(title=title, slug=slug, **fields)


def make_slot(show: Show, weekday: int, starts_at: time, minutes: int = 60) -> ScheduleSlot:
    return ScheduleSlot.objects.create(
        show=show, weekday=weekday, starts_at=starts_at, duration_minutes=minutes
    )


def mp3_clip(tmp_path: Path, seconds: float = 2, frequency: int = 440) -> Path:
    require_ffmpeg()
    return make_audio_clip(tmp_path / f"tone-{frequency}-{seconds}.mp3", seconds, frequency)


def make_episode(
    show: Show,
    number: int,
    *,
    audio_file: Path | None = None,
    published: bool = True,
    airs_at: datetime | None = None,
    title: str | None = None,
    **fields: Any,
) -> Episode:
    """An episode; with ``audio_file``, a ready MP3 as processing would leave it."""
    episode = Episode(
        show=show,
        number=number,
        title=title or f"Épisode {number}",
        airs_at=airs_at,
        status=Episode.Status.PUBLISHED if published else Episode.Status.DRAFT,
        **fields,
    )
    if published:
        episode.published_at = airs_at or datetime.fromisoformat("2026-01-06T18:00:00+01:00")
    if audio_file is not None:
        with audio_file.open("rb") as content:
            episode.audio.save(f"{show.slug}-{number}.mp3", File(content), save=False)
        episode.audio_content_type = "audio/mpeg"
        episode.audio_size = audio_file.stat().st_size
        episode.duration_seconds = 2
        episode.processing = MediaItem.Processing.READY
    episode.save()
    return episode


def archive_audio_item(path: Path, slug: str = "interview-2026-02-01", **fields: Any) -> MediaItem:
    """A public audio item of the archive with a ready MP3 rendition."""
    item = MediaItem(
        kind=MediaItem.Kind.AUDIO,
        title=fields.pop("title", "Interview"),
        slug=slug,
        published_on=datetime(2026, 2, 1).date(),
        processing=MediaItem.Processing.READY,
        rendition_content_type="audio/mpeg",
        rendition_size=path.stat().st_size,
        duration_seconds=2,
        **fields,
    )
    with path.open("rb") as content:
        item.rendition.save(f"{slug}.mp3", File(content), save=False)
    item.save()
    return item


def image_upload(
    size: tuple[int, int], image_format: str = "JPEG", name: str = "artwork.jpg", mode: str = "RGB"
) -> SimpleUploadedFile:
    colour: Any = (11, 79, 138, 128) if mode == "RGBA" else (11, 79, 138)
    output = io.BytesIO()
    Image.new(mode, size, colour).save(output, format=image_format)
    return SimpleUploadedFile(name, output.getvalue())
