"""Turning uploaded video and audio into files every browser and podcast app plays, with
ffmpeg, in the task queue.

- video → H.264/AAC MP4, at most 720p, "fast start" (the index first, so playback begins
  before the download ends), plus a poster image taken from the rendition;
- audio → MP3 (podcast apps expect it; an MP3 is copied, not re-encoded);
- both lose the source's metadata (a phone video carries where it was shot).

ffmpeg only reads local files in the containers Colombe accepts (``-format_whitelist``,
``-protocol_whitelist file``): a playlist disguised as a video cannot make it fetch other
files or URLs. Each run is bounded by MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS, after which
the process is killed, and uses two threads (the machine's other cores stay free). On
failure the original is kept and the item says why, in a short sentence, with the last
line ffmpeg wrote."""

import json
import logging
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from colombe.mediatheque.models import MediaItem
from colombe.radio.models import Episode

logger = logging.getLogger(__name__)

Processing = MediaItem.Processing
ProgressCallback = Callable[[int], None]

# The demuxers ffmpeg may use on an upload: the containers of the accepted formats.
ALLOWED_DEMUXERS = "mov,mp4,matroska,webm,ogg,avi,mp3,aac,wav,flac"
# Below this, ffmpeg recognised the container by the file's name only, not its content
# (an executable renamed .mp3 scores 1; real files score 50 to 100).
MIN_PROBE_SCORE = 50
PROBE_TIMEOUT_SECONDS = 60
POSTER_TIMEOUT_SECONDS = 60
# The processing_progress column is written at most this often (one UPDATE each time).
PROGRESS_INTERVAL_SECONDS = 2.0
# A rendition shorter than this share of what the container announces means the source
# is cut short or damaged (ffmpeg converts what it can and still succeeds).
MIN_SHARE_OF_STATED_DURATION = 0.5
# Containers whose header states the duration; elsewhere (MP3, ADTS) it is an estimate.
STATED_DURATION_CONTAINERS = ("mov", "matroska")
AUDIO_BITRATE = "128k"
# Threads per ffmpeg run, to decode, filter and encode: a worker converting a long video
# leaves the other cores to the web server and the other tasks.
FFMPEG_THREADS = "2"
# Landscape pictures fit in 1280x720, portrait ones in 720x1280, never enlarged, with
# even dimensions (H.264 in 4:2:0 needs them).
SCALE_TO_720P = (
    "scale=w='if(gte(iw,ih),min(1280,iw),min(720,iw))'"
    ":h='if(gte(iw,ih),min(720,ih),min(1280,ih))'"
    ":force_original_aspect_ratio=decrease:force_divisible_by=2"
)
# A worker that died mid-conversion leaves its item "running"; the sweep fails it once
# every bounded step (probe, conversion, poster) would have ended, plus this margin.
INTERRUPTED_MARGIN = timedelta(minutes=15)
REQUEUE_BATCH = 100


class ProcessingError(Exception):
    """The conversion failed; ``message`` says why, for the uploader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConverterUnavailable(ProcessingError):
    """ffmpeg or ffprobe is missing or did not answer in time: the file is not at fault."""


@dataclass(frozen=True)
class MediaProbe:
    container: str  # ffmpeg's first name for the format: "mov", "matroska", "mp3"…
    probe_score: int
    duration: float | None
    video_codecs: tuple[str, ...]  # real pictures, not album covers
    audio_codecs: tuple[str, ...]
    brand: str  # an MP4/QuickTime file's major brand ("isom", "qt  "…)
    # (width, height) of the first real picture, (0, 0) without one.
    picture_size: tuple[int, int] = (0, 0)

    @property
    def has_video(self) -> bool:
        return bool(self.video_codecs)

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_codecs)


# Messages ------------------------------------------------------------------------------


def undecodable(detail: str = "") -> str:
    message = _(
        "The file could not be decoded: it may be damaged or in a format ffmpeg does not know."
    )
    return f"{message} (ffmpeg: {detail})" if detail else message


def converter_missing() -> str:
    return _("The converter (ffmpeg) is not installed on the server. Tell an administrator.")


def too_slow(limit_seconds: float) -> str:
    if limit_seconds < 120:
        seconds = round(limit_seconds)
        return ngettext(
            "The conversion took more than %(count)s second and was stopped.",
            "The conversion took more than %(count)s seconds and was stopped.",
            seconds,
        ) % {"count": seconds}
    minutes = round(limit_seconds / 60)
    return ngettext(
        "The conversion took more than %(count)s minute and was stopped.",
        "The conversion took more than %(count)s minutes and was stopped.",
        minutes,
    ) % {"count": minutes}


def interrupted() -> str:
    return _("The conversion was interrupted (the server stopped during the work). Try again.")


# Running ffmpeg and ffprobe ------------------------------------------------------------


def input_arguments(path: Path) -> list[str]:
    """How to open an upload: as a plain local file, in an accepted container only."""
    return [
        *("-format_whitelist", ALLOWED_DEMUXERS, "-protocol_whitelist", "file"),
        *("-threads", FFMPEG_THREADS, "-i", f"file:{path}"),
    ]


def probe(path: Path) -> MediaProbe:
    """What the file holds, from its content. Raises ProcessingError when ffprobe cannot
    read it, ConverterUnavailable when ffprobe is missing or hangs."""
    command = [
        *(settings.FFPROBE_BINARY, "-v", "error", "-print_format", "json"),
        *("-show_format", "-show_streams"),
        *("-format_whitelist", ALLOWED_DEMUXERS, "-protocol_whitelist", "file"),
        f"file:{path}",
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS, check=False
        )
    except OSError as error:
        logger.error("ffprobe could not run: %s", error)
        raise ConverterUnavailable(converter_missing()) from error
    except subprocess.TimeoutExpired as error:
        raise ConverterUnavailable(undecodable("ffprobe timed out")) from error
    if completed.returncode != 0:
        raise ProcessingError(undecodable(last_line(completed.stderr, command)))
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise ProcessingError(undecodable()) from error
    return media_probe(report)


def media_probe(report: dict[str, Any]) -> MediaProbe:
    media_format = report.get("format", {})
    streams = [stream for stream in report.get("streams", []) if stream.get("codec_name")]
    pictures = [
        stream
        for stream in streams
        if stream.get("codec_type") == "video"
        and not stream.get("disposition", {}).get("attached_pic")
    ]
    sounds = [stream["codec_name"] for stream in streams if stream.get("codec_type") == "audio"]
    # The first real picture is the one converted ("-map 0:V:0").
    first = pictures[0] if pictures else {}
    return MediaProbe(
        container=str(media_format.get("format_name", "")).split(",")[0],
        probe_score=int(media_format.get("probe_score", 0)),
        duration=seconds_or_none(media_format.get("duration")),
        video_codecs=tuple(stream["codec_name"] for stream in pictures),
        audio_codecs=tuple(sounds),
        brand=str(media_format.get("tags", {}).get("major_brand", "")),
        picture_size=(int(first.get("width") or 0), int(first.get("height") or 0)),
    )


def seconds_or_none(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def last_line(text: str, command: list[str]) -> str:
    """ffmpeg's last words, with the server's folders left out of the file names it
    quotes (the uploader reads them)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1]
    for argument in command:
        if argument.startswith("file:"):
            line = line.replace(argument, Path(argument.removeprefix("file:")).name)
    return line[:300]


def run_ffmpeg(
    arguments: list[str],
    *,
    duration: float | None = None,
    on_progress: ProgressCallback | None = None,
    timeout: float | None = None,
) -> None:
    """Run ffmpeg, report the percentage done (0 to 99) to ``on_progress`` as it goes, kill
    it after ``timeout`` seconds (default: the processing timeout)."""
    limit = settings.MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS if timeout is None else timeout
    command = [
        *(settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-filter_threads", FFMPEG_THREADS, "-progress", "pipe:1", "-nostats", *arguments),
    ]
    # stderr goes to a file: a damaged input makes ffmpeg write thousands of lines, which
    # would fill a pipe nobody reads and block it.
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        except OSError as error:
            logger.error("ffmpeg could not run: %s", error)
            raise ConverterUnavailable(converter_missing()) from error
        timed_out = threading.Event()
        timer = threading.Timer(limit, partial(stop, process, timed_out))
        timer.start()
        try:
            follow_progress(process, duration, on_progress)
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
            process.wait()
        if timed_out.is_set():
            raise ProcessingError(too_slow(limit))
        if process.returncode != 0:
            errors.seek(0, 2)
            errors.seek(max(errors.tell() - 4096, 0))
            said = errors.read().decode(errors="replace")
            raise ProcessingError(undecodable(last_line(said, command)))


def stop(process: subprocess.Popen[str], timed_out: threading.Event) -> None:
    timed_out.set()
    process.kill()


def follow_progress(
    process: subprocess.Popen[str], duration: float | None, on_progress: ProgressCallback | None
) -> None:
    """Read ``-progress`` lines until ffmpeg closes its output (it ends or is killed)."""
    assert process.stdout is not None
    for line in process.stdout:
        key, _sep, value = line.strip().partition("=")
        if key != "out_time_us" or on_progress is None or not duration:
            continue
        try:
            done_seconds = int(value) / 1_000_000
        except ValueError:  # "N/A" before the first frame
            continue
        on_progress(max(0, min(99, int(done_seconds * 100 / duration))))


# Conversions ---------------------------------------------------------------------------


def convert_video(
    source: Path, target: Path, duration: float | None, on_progress: ProgressCallback | None
) -> None:
    run_ffmpeg(
        [
            *input_arguments(source),
            # The first real picture (V: not an album cover) and the first sound, if any.
            *("-map", "0:V:0", "-map", "0:a:0?", "-vf", SCALE_TO_720P),
            *("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2", "-threads", FFMPEG_THREADS),
            *("-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"),
            *("-movflags", "+faststart", "-f", "mp4", f"file:{target}"),
        ],
        duration=duration,
        on_progress=on_progress,
    )


def convert_audio(
    source: Path,
    target: Path,
    media: MediaProbe,
    on_progress: ProgressCallback | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """``tags`` (title, artist…) are written after the source's own metadata is dropped:
    podcast apps show them, and nothing of the uploader's file goes out."""
    tag_arguments = [
        part for key, value in (tags or {}).items() for part in ("-metadata", f"{key}={value}")
    ]
    if media.audio_codecs[0] == "mp3":
        codec = ["-c:a", "copy"]  # already MP3: no second lossy encoding
    else:
        codec = ["-c:a", "libmp3lame", "-b:a", AUDIO_BITRATE]
    run_ffmpeg(
        [
            *input_arguments(source),
            *("-map", "0:a:0", "-vn", *codec, "-threads", FFMPEG_THREADS),
            *("-map_metadata", "-1", "-map_chapters", "-1", *tag_arguments),
            *("-f", "mp3", f"file:{target}"),
        ],
        duration=media.duration,
        on_progress=on_progress,
    )


def extract_poster(rendition: Path, target: Path, duration: float | None) -> bool:
    """A JPEG of the picture a tenth of the way in (past black opening frames), or of the
    first picture; False when there is none."""
    moments = [duration / 10, 0.0] if duration else [1.0, 0.0]
    for moment in moments:
        try:
            run_ffmpeg(
                [
                    *("-ss", f"{moment:.3f}", *input_arguments(rendition)),
                    *("-map", "0:V:0", "-frames:v", "1", "-q:v", "3"),
                    *("-f", "image2", "-c:v", "mjpeg", f"file:{target}"),
                ],
                timeout=POSTER_TIMEOUT_SECONDS,
            )
        except ProcessingError as error:
            logger.warning("No poster from %s at %ss: %s", rendition, moment, error.message)
            continue
        if target.exists() and target.stat().st_size > 0:
            return True
    return False


def check_rendition(rendition: Path, source: MediaProbe, *, video: bool) -> MediaProbe:
    """The rendition must play and hold (about) all of the source."""
    result = probe(rendition)
    playable = result.has_video if video else result.has_audio
    if not playable or not result.duration:
        raise ProcessingError(_("The conversion produced no playable file."))
    if (
        source.duration
        and source.container in STATED_DURATION_CONTAINERS
        and result.duration < source.duration * MIN_SHARE_OF_STATED_DURATION
    ):
        raise ProcessingError(
            _(
                "The file seems cut short or damaged: %(read)s s of the %(total)s s "
                "announced could be read."
            )
            % {"read": round(result.duration), "total": round(source.duration)}
        )
    return result


def local_path(field: FieldFile) -> Path:
    return Path(field.path)


# Archive items -------------------------------------------------------------------------


@dataclass
class Outcome:
    rendition: Path
    content_type: str
    duration: float
    poster: Path | None


def claim(model: type[MediaItem] | type[Episode], pk: int, **extra: Any) -> bool:
    """Move a pending object to running; False when another worker has it or it is no
    longer pending (two deliveries of one task convert once)."""
    updated = model.objects.filter(pk=pk, processing=Processing.PENDING).update(
        processing=Processing.RUNNING, processing_error="", **extra
    )
    return updated == 1


def progress_writer(item_pk: int) -> ProgressCallback:
    """Write the percentage at most every PROGRESS_INTERVAL_SECONDS, and only changes."""
    last_written = {"at": float("-inf"), "percent": -1}

    def write(percent: int) -> None:
        now = time.monotonic()
        if percent == last_written["percent"]:
            return
        if now - last_written["at"] < PROGRESS_INTERVAL_SECONDS:
            return
        MediaItem.objects.filter(pk=item_pk, processing=Processing.RUNNING).update(
            processing_progress=percent, updated_at=timezone.now()
        )
        last_written.update(at=now, percent=percent)

    return write


def convert_item(item: MediaItem, work: Path) -> Outcome:
    if not item.original:
        raise ProcessingError(_("There is no uploaded file to convert."))
    source = local_path(item.original)
    media = probe(source)
    progress = progress_writer(item.pk)
    if item.kind == MediaItem.Kind.VIDEO and media.has_video:
        rendition = work / "rendition.mp4"
        convert_video(source, rendition, media.duration, progress)
        result = check_rendition(rendition, media, video=True)
        poster = work / "poster.jpg"
        has_poster = extract_poster(rendition, poster, result.duration)
        return Outcome(rendition, "video/mp4", result.duration or 0, poster if has_poster else None)
    if media.has_audio:
        rendition = work / "rendition.mp3"
        convert_audio(source, rendition, media, progress)
        result = check_rendition(rendition, media, video=False)
        return Outcome(rendition, "audio/mpeg", result.duration or 0, None)
    raise ProcessingError(_("The file holds neither sound nor picture."))


def process_item(item: MediaItem) -> MediaItem:
    """Convert a pending item's original into its rendition (and poster). The item ends
    READY, or FAILED with the reason; its original is never touched. An item that is not
    pending (already done, or taken by another worker) is left as it is."""
    if not claim(MediaItem, item.pk, processing_progress=0, updated_at=timezone.now()):
        item.refresh_from_db()
        return item
    try:
        with tempfile.TemporaryDirectory(prefix="colombe-media-") as work:
            outcome = convert_item(item, Path(work))
            store_item_outcome(item, outcome)
    except ProcessingError as error:
        MediaItem.objects.filter(pk=item.pk, processing=Processing.RUNNING).update(
            processing=Processing.FAILED,
            processing_error=error.message,
            updated_at=timezone.now(),
        )
    item.refresh_from_db()
    return item


def store_item_outcome(item: MediaItem, outcome: Outcome) -> None:
    """Replace the previous rendition and poster with the new ones and mark the item
    ready — unless it was deleted or failed by the sweep meanwhile (then the new files
    are removed again)."""
    previous = [field.name for field in (item.rendition, item.poster) if field]
    stem = item.slug[:80]
    with outcome.rendition.open("rb") as content:
        item.rendition.save(f"{stem}{outcome.rendition.suffix}", File(content), save=False)
    new = [item.rendition.name]
    poster = ""
    if outcome.poster is not None:
        with outcome.poster.open("rb") as content:
            item.poster.save(f"{stem}.jpg", File(content), save=False)
        poster = item.poster.name
        new.append(poster)
    stored = MediaItem.objects.filter(pk=item.pk, processing=Processing.RUNNING).update(
        processing=Processing.READY,
        processing_progress=100,
        processing_error="",
        rendition=item.rendition.name,
        rendition_content_type=outcome.content_type,
        rendition_size=item.rendition.size,
        poster=poster,
        duration_seconds=round(outcome.duration),
        updated_at=timezone.now(),
    )
    for name in previous if stored else new:
        item.rendition.storage.delete(name)


def start_processing(item: MediaItem) -> None:
    """Queue the conversion of an uploaded video or audio item, once the caller's
    transaction has committed (the worker must find the item and its file). An item
    being converted right now is left alone."""
    from colombe.mediatheque.tasks import process_item_task  # tasks imports this module

    if item.kind not in (MediaItem.Kind.VIDEO, MediaItem.Kind.AUDIO) or not item.original:
        raise ValueError(f"{item} has no video or audio file to convert.")
    pending = (
        MediaItem.objects.filter(pk=item.pk)
        .exclude(processing=Processing.RUNNING)
        .update(
            processing=Processing.PENDING,
            processing_progress=0,
            processing_error="",
            updated_at=timezone.now(),
        )
    )
    if pending:
        item.processing = Processing.PENDING
        item.processing_progress = 0
        item.processing_error = ""
        transaction.on_commit(partial(process_item_task.enqueue, item.pk))


def fail_interrupted_items() -> int:
    """Items and radio episodes left "running" by a worker that died; returns how many
    were failed."""
    timeout = timedelta(seconds=settings.MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS)
    now = timezone.now()
    started_before = now - timeout - INTERRUPTED_MARGIN
    items = MediaItem.objects.filter(
        processing=Processing.RUNNING, updated_at__lt=started_before
    ).update(processing=Processing.FAILED, processing_error=interrupted(), updated_at=now)
    episodes = Episode.objects.filter(
        processing=Processing.RUNNING, processing_started_at__lt=started_before
    ).update(processing=Processing.FAILED, processing_error=interrupted())
    return items + episodes


def requeue_forgotten_conversions() -> int:
    """Conversions still pending long after they were queued: the task was lost (the
    process died between the commit and the enqueue). Queue them again — a conversion
    queued twice runs once (``claim``). Returns how many were queued, at most
    REQUEUE_BATCH per sweep."""
    from colombe.mediatheque.tasks import process_episode_task, process_item_task

    queued_before = timezone.now() - INTERRUPTED_MARGIN
    items = MediaItem.objects.filter(processing=Processing.PENDING, updated_at__lt=queued_before)
    episodes = Episode.objects.filter(
        processing=Processing.PENDING, processing_started_at__lt=queued_before
    )
    item_ids = list(items.values_list("pk", flat=True)[:REQUEUE_BATCH])
    episode_ids = list(episodes.values_list("pk", flat=True)[:REQUEUE_BATCH])
    for item_id in item_ids:
        process_item_task.enqueue(item_id)
    for episode_id in episode_ids:
        process_episode_task.enqueue(episode_id)
    return len(item_ids) + len(episode_ids)


# Radio episodes ------------------------------------------------------------------------


def process_episode(episode: Episode) -> Episode:
    """Replace a pending episode's audio by its MP3 (what the podcast feed encloses, with
    its real size), or mark it FAILED with the reason (the uploaded file stays).

    A presenter may upload another file while the first one is converted: every write
    at the end is conditional on the episode still holding the file that was converted,
    so the older conversion changes nothing and the newer one (queued by
    ``start_episode_processing``) wins."""
    if not claim(Episode, episode.pk, processing_started_at=timezone.now()):
        episode.refresh_from_db()
        return episode
    episode.refresh_from_db()
    converted = episode.audio.name
    try:
        with tempfile.TemporaryDirectory(prefix="colombe-episode-") as work:
            rendition, duration = convert_episode_audio(episode, Path(work))
            store_episode_audio(episode, rendition, duration)
    except ProcessingError as error:
        Episode.objects.filter(
            pk=episode.pk, processing=Processing.RUNNING, audio=converted
        ).update(processing=Processing.FAILED, processing_error=error.message)
    episode.refresh_from_db()
    return episode


def convert_episode_audio(episode: Episode, work: Path) -> tuple[Path, float]:
    if not episode.audio:
        raise ProcessingError(_("There is no uploaded file to convert."))
    source = local_path(episode.audio)
    media = probe(source)
    if not media.has_audio:
        raise ProcessingError(_("The file holds no sound."))
    rendition = work / "episode.mp3"
    convert_audio(source, rendition, media, tags=episode_tags(episode))
    result = check_rendition(rendition, media, video=False)
    return rendition, result.duration or 0


def episode_tags(episode: Episode) -> dict[str, str]:
    return {"title": episode.title, "artist": episode.show.title, "album": "Radio Colombe"}


def store_episode_audio(episode: Episode, rendition: Path, duration: float) -> None:
    uploaded = episode.audio.name
    with rendition.open("rb") as content:
        episode.audio.save(
            f"{episode.show.slug[:60]}-{episode.number}.mp3", File(content), save=False
        )
    stored = Episode.objects.filter(
        pk=episode.pk, processing=Processing.RUNNING, audio=uploaded
    ).update(
        processing=Processing.READY,
        processing_error="",
        audio=episode.audio.name,
        audio_content_type="audio/mpeg",
        audio_size=episode.audio.size,
        duration_seconds=round(duration),
    )
    storage = episode.audio.storage
    storage.delete(uploaded if stored else episode.audio.name)


def start_episode_processing(episode: Episode) -> None:
    """Queue the conversion of the episode's (newly uploaded) audio to MP3 after the
    caller's transaction commits. A conversion of an earlier file still running is
    overtaken: it ends without writing anything (see ``process_episode``)."""
    from colombe.mediatheque.tasks import process_episode_task  # tasks imports this module

    if not episode.audio:
        raise ValueError(f"{episode} has no audio file to convert.")
    Episode.objects.filter(pk=episode.pk).update(
        processing=Processing.PENDING, processing_error="", processing_started_at=timezone.now()
    )
    episode.processing = Processing.PENDING
    episode.processing_error = ""
    transaction.on_commit(partial(process_episode_task.enqueue, episode.pk))
