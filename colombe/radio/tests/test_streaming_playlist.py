"""What Colombe writes for Liquidsoap to play: the episode on air now and the rotation,
public and ready things only, with their titles, replaced atomically when they change."""

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from colombe.core.schedule import PERIODIC_TASKS
from colombe.mediatheque.models import MediaItem, Outlet
from colombe.radio.models import PlaylistEntry
from colombe.radio.streaming import playlist
from colombe.radio.streaming.config import ON_AIR_FILE, ROTATION_FILE
from colombe.radio.streaming.playlist import Track, annotated_uri, m3u, write_playlists
from colombe.radio.streaming.tasks import refresh_playlists
from colombe.radio.tests.radio_helpers import (
    archive_audio_item,
    make_episode,
    make_show,
    make_slot,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World


@pytest.fixture
def state_dir(settings: Any, tmp_path: Path) -> Path:
    use_test_settings(settings, tmp_path)
    settings.RADIO_STATE_DIR = tmp_path / "radio"
    return settings.RADIO_STATE_DIR


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return mp3_clip(tmp_path)


def uris(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def test_a_track_carries_its_title_and_artist_escaped_on_one_line() -> None:
    track = Track(Path("/srv/a b.mp3"), 'Le "direct"\nde \\Lyon', "Radio: Colombe", 62)
    assert annotated_uri(track) == (
        'annotate:title="Le \\"direct\\" de \\\\Lyon",artist="Radio: Colombe":/srv/a b.mp3'
    )
    assert m3u([track]).splitlines()[:2] == [
        "#EXTM3U",
        '#EXTINF:62,Radio: Colombe - Le "direct" de \\Lyon',
    ]


def test_a_title_cannot_end_the_stream_title_field_that_players_read() -> None:
    track = Track(Path("/srv/c.mp3"), "Paix';StreamUrl='x", "L'';';Lyon", 5)
    assert annotated_uri(track) == (
        "annotate:title=\"Paix' ;StreamUrl='x\",artist=\"L'' ;' ;Lyon\":/srv/c.mp3"
    )


def test_an_airing_is_named_so_that_a_replay_next_week_airs_again() -> None:
    track = Track(Path("/srv/e.mp3"), "Épisode 1", "Paroles de paix", None, "guid@2026-11-28")
    assert annotated_uri(track).endswith(',colombe_airing="guid@2026-11-28":/srv/e.mp3')
    assert "#EXTINF:-1," in m3u([track])


def test_the_rotation_has_public_ready_audio_and_published_episodes_in_order(
    world: World, state_dir: Path, clip: Path
) -> None:
    outlet = Outlet.objects.create(name="Le Progrès", slug="progres", kind=Outlet.Kind.PRESS)
    show = make_show()
    interview = archive_audio_item(clip, slug="interview", title="Interview", outlet=outlet)
    episode = make_episode(show, 1, audio_file=clip, title="Premier")
    PlaylistEntry.objects.create(position=2, item=interview)
    PlaylistEntry.objects.create(position=1, episode=episode)

    written = write_playlists()

    assert [(track.artist, track.title) for track in written.rotation] == [
        ("La voix des comités", "Premier"),
        ("Le Progrès", "Interview"),
    ]
    lines = uris(state_dir / ROTATION_FILE)
    assert lines[0].endswith(f":{Path(episode.audio.path)}")
    assert lines[1].endswith(f":{Path(interview.rendition.path)}")
    assert set(written.changed) == {state_dir / ROTATION_FILE, state_dir / ON_AIR_FILE}


def test_what_listeners_may_not_hear_or_cannot_play_stays_out(
    world: World, state_dir: Path, clip: Path
) -> None:
    show = make_show()
    members_only = archive_audio_item(clip, slug="members", visibility=MediaItem.Visibility.MEMBERS)
    in_a_group = archive_audio_item(
        clip, slug="group", visibility=MediaItem.Visibility.GROUP, group=world.secret_group
    )
    being_converted = archive_audio_item(clip, slug="pending")
    MediaItem.objects.filter(pk=being_converted.pk).update(processing=MediaItem.Processing.RUNNING)
    video = archive_audio_item(clip, slug="video")
    MediaItem.objects.filter(pk=video.pk).update(kind=MediaItem.Kind.VIDEO)
    file_gone = archive_audio_item(clip, slug="gone")
    Path(file_gone.rendition.path).unlink()
    draft = make_episode(show, 1, audio_file=clip, published=False)
    for position, item in enumerate([members_only, in_a_group, being_converted, video, file_gone]):
        PlaylistEntry.objects.create(position=position, item=item)
    PlaylistEntry.objects.create(position=9, episode=draft)

    assert write_playlists().rotation == []
    assert uris(state_dir / ROTATION_FILE) == []


def test_an_episode_in_the_playlist_is_not_played_before_its_air_time(
    world: World, state_dir: Path, clip: Path
) -> None:
    """Put in the rotation ahead of time, next week's episode waits for its air time."""
    upcoming = make_episode(
        make_show(), 1, audio_file=clip, airs_at=timezone.now() + timedelta(days=7)
    )
    PlaylistEntry.objects.create(position=0, episode=upcoming)

    assert write_playlists().rotation == []

    upcoming.airs_at = timezone.now() - timedelta(minutes=1)
    upcoming.save()
    assert [track.title for track in write_playlists().rotation] == [upcoming.title]


def test_the_episode_scheduled_now_goes_on_air(world: World, state_dir: Path, clip: Path) -> None:
    now = timezone.now()
    show = make_show("Paroles de paix", "paroles")
    start = timezone.localtime(now - timedelta(minutes=10)).replace(second=0, microsecond=0)
    make_slot(show, start.weekday(), start.time(), minutes=30)
    episode = make_episode(show, 3, audio_file=clip, airs_at=start, title="Désarmer")

    written = write_playlists(now=now)

    assert written.on_air is not None
    assert (written.on_air.artist, written.on_air.title) == ("Paroles de paix", "Désarmer")
    assert written.on_air.airing == f"{episode.guid}@{start.astimezone(UTC).isoformat()}"
    [line] = uris(state_dir / ON_AIR_FILE)
    assert line.startswith('annotate:title="Désarmer",artist="Paroles de paix",colombe_airing=')

    after_the_slot = now + timedelta(minutes=30)
    assert write_playlists(now=after_the_slot).on_air is None
    assert uris(state_dir / ON_AIR_FILE) == []


def test_files_are_rewritten_only_when_they_change_and_atomically(
    world: World, state_dir: Path, clip: Path
) -> None:
    write_playlists()
    rotation = state_dir / ROTATION_FILE
    inode = rotation.stat().st_ino
    assert write_playlists().changed == []
    assert rotation.stat().st_ino == inode

    PlaylistEntry.objects.create(item=archive_audio_item(clip))
    assert write_playlists().changed == [rotation]
    # A new file renamed over the old one: Liquidsoap never reads a half-written list.
    assert rotation.stat().st_ino != inode
    assert [path.name for path in state_dir.iterdir() if path.name.startswith(".")] == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    world: World, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_playlists()
    rotation = state_dir / ROTATION_FILE
    before = rotation.read_text()

    def fail(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(playlist.os, "replace", fail)
    with pytest.raises(OSError):
        playlist.write_if_changed(rotation, '#EXTM3U\nannotate:title="x":/x\n')
    assert rotation.read_text() == before
    assert sorted(path.name for path in state_dir.iterdir()) == [ON_AIR_FILE, ROTATION_FILE]


def test_the_scheduler_refreshes_the_playlists_every_minute(
    world: World, state_dir: Path, clip: Path
) -> None:
    periodic = {entry.task: entry.every_seconds for entry in PERIODIC_TASKS}
    assert periodic["colombe.radio.streaming.tasks.refresh_playlists"] == 60
    PlaylistEntry.objects.create(item=archive_audio_item(clip))
    assert refresh_playlists.call() == 2
    assert refresh_playlists.call() == 0


def test_the_command_writes_the_playlists_and_says_what(
    world: World, state_dir: Path, clip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    PlaylistEntry.objects.create(item=archive_audio_item(clip))
    call_command("radio_playlist")
    assert "rotation: 1 tracks" in capsys.readouterr().out
    assert len(uris(state_dir / ROTATION_FILE)) == 1
