"""Demo radio: two shows on the weekly programme with published episodes that play, a
draft each, artwork for podcast apps, a playlist and a replay in the archive."""

import json
import subprocess
from datetime import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from colombe.core import demo as core_demo
from colombe.core import policy
from colombe.mediatheque.demo import seed_archive
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.test_demo_archive import (
    Movement,
    seed_people_and_groups,
)
from colombe.radio import programme
from colombe.radio.demo import seed_radio
from colombe.radio.models import Episode, PlaylistEntry, ScheduleSlot, Show
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> Movement:
    structures, cast = seed_people_and_groups(settings, tmp_path)
    seed_archive(structures, cast, core_demo.SeedReport())
    return structures, cast


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Show, ScheduleSlot, Episode, PlaylistEntry, MediaItem)
    }


def id3_tags(path: Path) -> dict[str, str]:
    command = [
        settings.FFPROBE_BINARY,
        *("-v", "error", "-show_entries", "format_tags=title,artist", "-of", "json"),
        str(path),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
    tags: dict[str, str] = json.loads(completed.stdout)["format"]["tags"]
    return tags


def test_seed_demo_adds_the_radio_once_even_when_ffmpeg_comes_later(
    settings: Any, tmp_path: Path
) -> None:
    """Through the command, as ``make run`` does. Without ffmpeg the shows are on the
    programme without episodes; once it is installed the next run adds the episodes, the
    clips of the archive and the playlist; a third run creates nothing."""
    require_ffmpeg()
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    ffmpeg = settings.FFMPEG_BINARY
    settings.FFMPEG_BINARY = "ffmpeg-not-installed"
    call_command("seed_demo", stdout=StringIO())
    assert Show.objects.count() == 2 and ScheduleSlot.objects.count() == 2
    assert not Episode.objects.exists() and not PlaylistEntry.objects.exists()
    settings.FFMPEG_BINARY = ffmpeg
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert "radio.Episode: 9" in second.getvalue()
    assert "mediatheque.MediaItem: 13" in second.getvalue()  # 12 clips and a replay
    after_second = counts()
    third = StringIO()
    call_command("seed_demo", stdout=third)
    assert "nothing created" in third.getvalue()
    assert counts() == after_second


def test_demo_radio_has_two_shows_with_episodes_to_play(movement: Movement) -> None:
    _structures, cast = movement
    seed_radio(cast, core_demo.SeedReport())
    assert_two_shows_on_the_weekly_programme()
    assert_published_episodes_have_tagged_mp3_audio()
    assert_playlist_and_replay_in_the_archive()


def assert_two_shows_on_the_weekly_programme() -> None:
    voice = Show.objects.get(slug="la-voix-des-comites")
    words = Show.objects.get(slug="paroles-de-paix")
    assert [
        (slot.weekday, slot.starts_at, slot.duration_minutes) for slot in voice.slots.all()
    ] == [(ScheduleSlot.Weekday.TUESDAY, time(18), 60)]
    assert [
        (slot.weekday, slot.starts_at, slot.duration_minutes) for slot in words.slots.all()
    ] == [(ScheduleSlot.Weekday.SATURDAY, time(10), 30)]
    assert set(voice.presenters.values_list("display_name", flat=True)) == {
        "Claire Dubois",
        "Bob",
    }
    for show in (voice, words):
        with Image.open(show.artwork.path) as artwork:
            assert artwork.format == "JPEG" and artwork.size == (1400, 1400)


def assert_published_episodes_have_tagged_mp3_audio() -> None:
    for show in Show.objects.all():
        published = show.episodes.filter(status=Episode.Status.PUBLISHED)
        assert 3 <= published.count() <= 4
        assert show.episodes.filter(status=Episode.Status.DRAFT).count() == 1
        for episode in published:
            audio = Path(episode.audio.path)
            assert audio.stat().st_size == episode.audio_size > 0
            assert episode.audio_content_type == "audio/mpeg"
            assert episode.duration_seconds is not None and 5 <= episode.duration_seconds <= 8
            tags = id3_tags(audio)
            assert tags["title"].endswith(episode.title)
            assert tags["artist"] == show.author
    # Every published episode that has aired is a replay for listeners and podcast apps.
    aired = Episode.objects.filter(status=Episode.Status.PUBLISHED, airs_at__lte=timezone.now())
    assert set(programme.released(Episode.objects.all(), timezone.now())) == set(aired)
    # Published for next Tuesday: hidden from listeners (page, audio, feed) until then.
    next_tuesday = Episode.objects.get(show__slug="la-voix-des-comites", number=4)
    assert next_tuesday.status == Episode.Status.PUBLISHED
    assert not policy.can_see(AnonymousUser(), next_tuesday)
    assert set(policy.visible(Episode, AnonymousUser())) == set(aired)


def assert_playlist_and_replay_in_the_archive() -> None:
    entries = list(PlaylistEntry.objects.all())
    assert [entry.position for entry in entries] == list(range(len(entries)))
    assert any(entry.item for entry in entries) and any(entry.episode for entry in entries)
    assert all(
        entry.item.kind == MediaItem.Kind.AUDIO for entry in entries if entry.item is not None
    )
    (archived,) = Episode.objects.exclude(archived_as=None)
    replay = archived.archived_as
    assert replay is not None and replay.is_playable
    assert replay.visibility == MediaItem.Visibility.PUBLIC
    assert Path(replay.rendition.path).stat().st_size == replay.rendition_size > 0
