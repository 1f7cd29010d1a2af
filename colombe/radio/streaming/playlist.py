"""The files Liquidsoap plays from, written by Colombe every minute (``refresh_playlists``
task, ``radio_playlist`` command):

- ``on-air.m3u``: the episode scheduled now (``programme.current_episode``), or nothing.
  Liquidsoap plays it once, from its start, as soon as it appears, cutting the rotation.
- ``playlist.m3u``: the rotation (``PlaylistEntry`` in order), played round and round when
  nobody is live and no episode is scheduled.

Each track is an ``annotate:`` URI that carries its title and artist, so that "now
playing" is right whatever tags the file has (an archive rendition may have none). Only
what an anonymous visitor may hear goes on air: the stream is public. A file that is
missing or not ready yet is left out until it is.

The files are replaced atomically and only when their content changes, so Liquidsoap
never reads half a file."""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from colombe.mediatheque.models import MediaItem
from colombe.radio import programme, services
from colombe.radio.models import Episode, PlaylistEntry
from colombe.radio.streaming.config import ON_AIR_FILE, ROTATION_FILE, STATION_NAME
from colombe.radio.streaming.titles import listener_title

UNKNOWN_DURATION = -1  # what #EXTINF says when the duration is not known


@dataclass(frozen=True)
class Track:
    path: Path
    title: str
    artist: str
    duration_seconds: int | None
    # Tells two airings of the same file apart: Liquidsoap plays an on-air entry once.
    airing: str = ""


@dataclass(frozen=True)
class Written:
    on_air: Track | None
    rotation: list[Track]
    changed: list[Path]


def _annotation(value: str) -> str:
    """A metadata value inside an annotate:key="value" pair, fit for listeners' players."""
    return listener_title(value).replace("\\", "\\\\").replace('"', '\\"')


def annotated_uri(track: Track) -> str:
    pairs = [("title", track.title), ("artist", track.artist)]
    if track.airing:
        pairs.append(("colombe_airing", track.airing))
    metadata = ",".join(f'{key}="{_annotation(value)}"' for key, value in pairs)
    return f"annotate:{metadata}:{track.path}"


def m3u(tracks: list[Track]) -> str:
    lines = ["#EXTM3U"]
    for track in tracks:
        seconds = track.duration_seconds or UNKNOWN_DURATION
        label = " - ".join(part for part in (track.artist, track.title) if part)
        lines += [f"#EXTINF:{seconds},{' '.join(label.split())}", annotated_uri(track)]
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, content: str) -> bool:
    """Replace ``path`` by ``content`` atomically (a temporary file in the same folder,
    then a rename); nothing happens when it already says that."""
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _existing(file: FieldFile) -> Path | None:
    if not file:
        return None
    path = Path(file.path)
    return path if path.is_file() else None


def item_track(item: MediaItem) -> Track | None:
    """An archive item's web rendition, when its file is there."""
    path = _existing(item.rendition)
    if path is None:
        return None
    artist = item.outlet.name if item.outlet else STATION_NAME
    return Track(path, item.title, artist, item.duration_seconds)


def episode_track(episode: Episode, airing: str = "") -> Track | None:
    """An episode's MP3, when its file is there."""
    path = _existing(episode.audio)
    if path is None:
        return None
    return Track(path, episode.title, episode.show.title, episode.duration_seconds, airing)


def rotation_tracks(now: datetime) -> list[Track]:
    """The playlist's entries that may go on air: public, converted archive audio
    (``services.playlist_items``) and episodes already aired (``programme.released``;
    one may be put in the rotation ahead of its air time). Three queries, whatever the
    playlist's length."""
    items = set(services.playlist_items().values_list("pk", flat=True))
    episodes = set(programme.released(Episode.objects.all(), now).values_list("pk", flat=True))
    tracks = []
    for entry in PlaylistEntry.objects.select_related("item__outlet", "episode__show"):
        if entry.item is not None and entry.item.pk in items:
            tracks.append(item_track(entry.item))
        elif entry.episode is not None and entry.episode.pk in episodes:
            tracks.append(episode_track(entry.episode))
    return [track for track in tracks if track is not None]


def on_air_track(now: datetime) -> Track | None:
    airing = programme.current_slot(now)
    episode = programme.episode_for(airing) if airing is not None else None
    if airing is None or episode is None:
        return None
    # The slot's start names this airing: the same episode replayed next week airs again.
    start = airing.start.astimezone(UTC).isoformat()
    return episode_track(episode, airing=f"{episode.guid}@{start}")


def write_playlists(state_dir: Path | None = None, now: datetime | None = None) -> Written:
    """Write on-air.m3u and playlist.m3u into the radio's state folder."""
    folder = Path(state_dir or settings.RADIO_STATE_DIR)
    on_air = on_air_track(now or timezone.now())
    rotation = rotation_tracks(now or timezone.now())
    changed = [
        path
        for path, content in (
            (folder / ON_AIR_FILE, m3u([on_air] if on_air else [])),
            (folder / ROTATION_FILE, m3u(rotation)),
        )
        if write_if_changed(path, content)
    ]
    return Written(on_air, rotation, changed)
