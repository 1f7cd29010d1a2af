"""Small generated media files (ffmpeg's lavfi test sources: a test pattern and a tone),
for tests and demo data: the archive never needs a copyrighted file to be exercised.

    make_video_clip(path, seconds=2)              # H.264/AAC MP4 (the suffix picks the format)
    make_video_clip(path, 5, title="Journal de 20 h")   # the title is drawn on the picture
    make_audio_clip(path, seconds=2, fmt="ogg")   # a tone (mp3, m4a, aac, ogg, opus, wav…)
    make_audio_clip(path, 2, cover_art=True)      # an MP3 with an album cover (a still picture)
    make_corrupt_clip(path)                       # a valid MP4 header followed by garbage

Each function writes ``path`` (creating its folder) and returns it."""

import random
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

GENERATE_TIMEOUT_SECONDS = 120
FRAME_RATE = 25

# suffix -> encoder arguments. Fast settings: the clips are meant to be made quickly.
VIDEO_ENCODINGS: dict[str, list[str]] = {
    ".mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ".m4v": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ".mov": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ".mkv": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ".webm": [
        *("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k"),
        *("-c:a", "libopus"),
    ],
    ".ogv": ["-c:v", "libtheora", "-q:v", "5", "-c:a", "libvorbis"],
    ".avi": ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "libmp3lame"],
}
# format -> (encoder arguments, muxer)
AUDIO_ENCODINGS: dict[str, tuple[list[str], str]] = {
    "mp3": (["-c:a", "libmp3lame", "-b:a", "128k"], "mp3"),
    "m4a": (["-c:a", "aac", "-b:a", "128k"], "ipod"),
    "aac": (["-c:a", "aac", "-b:a", "128k"], "adts"),
    "ogg": (["-c:a", "libvorbis"], "ogg"),
    "opus": (["-c:a", "libopus", "-b:a", "64k"], "opus"),
    "wav": (["-c:a", "pcm_s16le"], "wav"),
    "flac": (["-c:a", "flac"], "flac"),
    "webm": (["-c:a", "libopus", "-b:a", "64k"], "webm"),
}


def run_ffmpeg_quietly(arguments: list[str], *, cwd: Path | None = None) -> None:
    quiet = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    subprocess.run(
        [settings.FFMPEG_BINARY, *quiet, *arguments],
        check=True,
        capture_output=True,
        timeout=GENERATE_TIMEOUT_SECONDS,
        cwd=cwd,
    )


def make_video_clip(
    path: Path | str, seconds: float = 2, size: str = "320x240", title: str | None = None
) -> Path:
    """A test pattern with a 440 Hz tone. The format follows the suffix of ``path``
    (mp4, m4v, mov, mkv, webm, ogv, avi)."""
    target = Path(path).resolve()
    encoding = VIDEO_ENCODINGS.get(target.suffix.lower())
    if encoding is None:
        known = list(VIDEO_ENCODINGS)
        raise ValueError(f"No video encoding for {target.suffix!r}: use one of {known}")
    target.parent.mkdir(parents=True, exist_ok=True)
    sources = [
        *("-f", "lavfi", "-i", f"testsrc=size={size}:rate={FRAME_RATE}:duration={seconds}"),
        *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
    ]
    with tempfile.TemporaryDirectory(prefix="colombe-clip-") as work:
        picture: list[str] = []
        if title:
            # The title is read from a file in the working folder: no escaping of quotes,
            # colons or percent signs in a filter argument.
            (Path(work) / "title.txt").write_text(title, encoding="utf-8")
            picture = ["-vf", title_overlay(), "-metadata", f"title={title}"]
        run_ffmpeg_quietly(
            [*sources, *picture, *encoding, "-shortest", str(target)], cwd=Path(work)
        )
    return target


def title_overlay() -> str:
    return (
        "drawtext=textfile=title.txt:expansion=none:fontcolor=white:fontsize=h/12:"
        "box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y=h-text_h-h/10"
    )


def make_audio_clip(
    path: Path | str,
    seconds: float = 2,
    frequency: int = 440,
    fmt: str = "mp3",
    cover_art: bool = False,
) -> Path:
    """A tone of ``frequency`` Hz. With ``cover_art`` (MP3 only), the file also carries a
    small picture as its album cover, as music and podcast files often do."""
    if fmt not in AUDIO_ENCODINGS:
        raise ValueError(f"No audio encoding for {fmt!r}: use one of {list(AUDIO_ENCODINGS)}")
    if cover_art and fmt != "mp3":
        raise ValueError("Cover art is only made for MP3 clips.")
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    encoding, muxer = AUDIO_ENCODINGS[fmt]
    tone = ["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}"]
    cover: list[str] = []
    if cover_art:
        cover = [
            *("-f", "lavfi", "-i", "testsrc=size=300x300:rate=1:duration=1"),
            *("-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:v", "mjpeg"),
            *("-disposition:v", "attached_pic", "-id3v2_version", "3"),
        ]
    run_ffmpeg_quietly([*tone, *cover, *encoding, "-f", muxer, str(target)])
    return target


def make_corrupt_clip(path: Path | str, seconds: float = 2) -> Path:
    """An MP4 whose header is intact (ffprobe reads its streams and duration) but whose
    picture and sound are replaced by garbage: it cannot be decoded."""
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="colombe-clip-") as work:
        clip = make_video_clip(Path(work) / "clip.mp4", seconds)
        # The index (moov) moved to the front, so everything after "mdat" is media data.
        indexed_first = Path(work) / "indexed.mp4"
        run_ffmpeg_quietly(
            ["-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(indexed_first)]
        )
        content = indexed_first.read_bytes()
    media_data = content.index(b"mdat") + 4
    garbage = random.Random(7).randbytes(len(content) - media_data)
    target.write_bytes(content[:media_data] + garbage)
    return target
