"""Turn the raw files Janus wrote for a recording (.mjr, one per audio or video track)
into one WebM attached to the meeting.

Each track is converted with ``janus-pp-rec`` (audio → .opus, video → .webm), then
``ffmpeg`` mixes every audio track and lays the video tracks out in a grid, each delayed
by the moment its first packet arrived, so people who joined late appear when they did.
On failure the raw files stay where they are and the recording says why."""

import json
import logging
import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files import File
from django_tasks import task

from colombe.meetings.models import Recording

logger = logging.getLogger(__name__)

CONVERT_TIMEOUT_SECONDS = 30 * 60  # a two-hour meeting converts in minutes; bound it anyway
TILE_WIDTH, TILE_HEIGHT = 640, 360


# What the recordings are made of (janus-pp-rec and ffmpeg write WebM, Opus or MP4): the
# browser plays the file only with the right type, and nosniff forbids guessing.
RECORDING_TYPES = {
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".mkv": "video/x-matroska",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}


def recording_type(name: str) -> str:
    return RECORDING_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


class RecordingProcessingError(Exception):
    pass


@dataclass(frozen=True)
class Track:
    raw: Path
    kind: str  # "audio" or "video"
    codec: str
    first_packet_us: int

    @property
    def converted_suffix(self) -> str:
        return ".opus" if self.kind == "audio" else ".webm"


def _run(command: list[str]) -> str:
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RecordingProcessingError(f"{command[0]} failed: {error}") from error
    if completed.returncode != 0:
        raise RecordingProcessingError(
            f"{command[0]} exited with {completed.returncode}: {completed.stderr.strip()[-500:]}"
        )
    return completed.stdout


def read_track(raw: Path) -> Track:
    header = json.loads(_run(["janus-pp-rec", "--json", str(raw)]))
    kinds = {"a": "audio", "v": "video"}
    if header.get("t") not in kinds:
        raise RecordingProcessingError(f"{raw.name} is neither audio nor video (data channel?)")
    return Track(
        raw=raw,
        kind=kinds[header["t"]],
        codec=str(header.get("c", "")),
        first_packet_us=int(header.get("u") or header.get("s") or 0),
    )


def _convert(track: Track, work_dir: Path) -> Path:
    target = work_dir / (track.raw.stem + track.converted_suffix)
    _run(["janus-pp-rec", str(track.raw), str(target)])
    if not target.exists() or target.stat().st_size == 0:
        raise RecordingProcessingError(f"{track.raw.name} holds no media")
    return target


def _filter_graph(tracks: list[Track], start_us: int) -> tuple[str, list[str]]:
    """ffmpeg filters for input i = tracks[i]: mixed audio ``[a]`` and grid video ``[v]``."""
    filters: list[str] = []
    audio = [i for i, track in enumerate(tracks) if track.kind == "audio"]
    video = [i for i, track in enumerate(tracks) if track.kind == "video"]
    maps: list[str] = []
    for i in audio:
        delay_ms = (tracks[i].first_packet_us - start_us) // 1000
        filters.append(f"[{i}:a]adelay={delay_ms}:all=1[a{i}]")
    if audio:
        inputs = "".join(f"[a{i}]" for i in audio)
        filters.append(f"{inputs}amix=inputs={len(audio)}:duration=longest:normalize=0[a]")
        maps += ["-map", "[a]"]
    for i in video:
        delay_s = (tracks[i].first_packet_us - start_us) / 1_000_000
        filters.append(
            f"[{i}:v]scale={TILE_WIDTH}:{TILE_HEIGHT}:force_original_aspect_ratio=decrease,"
            f"pad={TILE_WIDTH}:{TILE_HEIGHT}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=15,"
            f"tpad=start_duration={delay_s:.3f}[v{i}]"
        )
    if len(video) == 1:
        filters.append(f"[v{video[0]}]null[v]")
    elif video:
        columns = math.ceil(math.sqrt(len(video)))
        layout = "|".join(
            f"{(n % columns) * TILE_WIDTH}_{(n // columns) * TILE_HEIGHT}"
            for n in range(len(video))
        )
        inputs = "".join(f"[v{i}]" for i in video)
        filters.append(
            f"{inputs}xstack=inputs={len(video)}:layout={layout}:fill=black:shortest=0[v]"
        )
    if video:
        maps += ["-map", "[v]"]
    return ";".join(filters), maps


def combine(tracks: list[Track], converted: list[Path], target: Path) -> None:
    start_us = min(track.first_packet_us for track in tracks)
    graph, maps = _filter_graph(tracks, start_us)
    inputs = [argument for path in converted for argument in ("-i", str(path))]
    video_codec = ["-c:v", "libvpx", "-b:v", "1M", "-deadline", "good", "-cpu-used", "4"]
    audio_codec = ["-c:a", "libopus", "-b:a", "64k"]
    _run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *inputs),
            *("-filter_complex", graph, *maps, *video_codec, *audio_codec, str(target)),
        ]
    )


def media_duration_seconds(path: Path) -> int:
    output = _run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)]
    )
    return round(float(json.loads(output)["format"]["duration"]))


def raw_tracks(directory: Path) -> list[Track]:
    raws = sorted(directory.glob("*.mjr"))
    if not raws:
        raise RecordingProcessingError(f"No raw recording files in {directory}")
    tracks = []
    for raw in raws:
        try:
            tracks.append(read_track(raw))
        except RecordingProcessingError:
            logger.warning("Skipping %s: not an audio or video track", raw)
    if not tracks:
        raise RecordingProcessingError(f"No audio or video track in {directory}")
    return tracks


def process_recording(recording: Recording) -> Recording:
    """Convert and attach the recording; on failure mark it FAILED with a readable
    error, keeping the raw files for another try."""
    recording.status = Recording.Status.PROCESSING
    recording.save(update_fields=["status"])
    try:
        tracks = raw_tracks(Path(recording.raw_directory))
        with tempfile.TemporaryDirectory(prefix="colombe-recording-") as work:
            work_dir = Path(work)
            converted = [_convert(track, work_dir) for track in tracks]
            target = work_dir / f"{recording.meeting.slug}-{recording.pk}.webm"
            combine(tracks, converted, target)
            duration = media_duration_seconds(target)
            with target.open("rb") as content:
                recording.file.save(target.name, File(content), save=False)
    except RecordingProcessingError as error:
        recording.status = Recording.Status.FAILED
        recording.error = str(error)
        recording.save(update_fields=["status", "error"])
        return recording
    recording.status = Recording.Status.READY
    recording.duration_seconds = duration
    recording.error = ""
    recording.save(update_fields=["status", "file", "duration_seconds", "error"])
    return recording


@task()
def process_recording_task(recording_id: int) -> str:
    recording = Recording.objects.select_related("meeting").filter(pk=recording_id).first()
    if recording is None or recording.status == Recording.Status.READY:
        return "nothing to do"
    return str(process_recording(recording).status)
