"""Checking archive uploads by what they contain, never by their name.

- PDF and images (scans or photos of press articles) are recognised by their first bytes;
  images are re-encoded without their metadata (a photo's EXIF says where it was taken),
  PDFs rewritten without theirs (``pdf_cleaning``).
- Video and audio are read by ffprobe, limited to the containers Colombe accepts: a file
  with a real picture stream is a video (an album cover in an MP3 is not one), a file
  with sound only is audio. A text or an executable renamed ``.mp4`` is refused, and so
  is a picture larger than 4K (its conversion would hold a worker for long).
- Subtitles are WebVTT; a SubRip (.srt) file is converted to WebVTT.

Each check raises ValidationError with a message the uploader can act on."""

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from colombe.groups.uploads import reencode_image, refuse_too_large
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.pdf_cleaning import pdf_without_metadata
from colombe.mediatheque.processing import (
    MIN_PROBE_SCORE,
    ConverterUnavailable,
    MediaProbe,
    ProcessingError,
    probe,
)

Kind = MediaItem.Kind
SNIFF_BYTES = 16
SUBTITLE_MAX_BYTES = 1024 * 1024

# Codecs a WebM file may hold; other Matroska files are served as Matroska.
WEBM_CODECS = {"vp8", "vp9", "av1", "opus", "vorbis"}
# ffprobe container -> (content type and extension as video, as audio only)
CONTAINER_TYPES: dict[str, tuple[tuple[str, str] | None, tuple[str, str]]] = {
    "mov": (("video/mp4", "mp4"), ("audio/mp4", "m4a")),
    "ogg": (("video/ogg", "ogv"), ("audio/ogg", "ogg")),
    "avi": (("video/x-msvideo", "avi"), ("video/x-msvideo", "avi")),
    "mp3": (None, ("audio/mpeg", "mp3")),
    "aac": (None, ("audio/aac", "aac")),
    "wav": (None, ("audio/wav", "wav")),
    "flac": (None, ("audio/flac", "flac")),
}
KNOWN_CONTAINERS = {*CONTAINER_TYPES, "matroska"}
# 4K (UHD-1 and DCI), landscape or portrait: the long side, then the short side.
MAX_PICTURE_SIDES = (4096, 2160)


@dataclass(frozen=True)
class CheckedMedia:
    kind: str  # a MediaItem.Kind
    content_type: str
    original_name: str  # as the uploader named it, for display and download
    size: int  # of ``file``
    file: File  # what to store: the upload itself, or an image re-encoded without metadata
    extension: str  # from the content ("mp4", "pdf"…), for the stored file's name


# Media archive uploads -----------------------------------------------------------------


def check_media_upload(upload: UploadedFile) -> CheckedMedia:
    """A video, a sound recording or a press article (PDF, JPEG, PNG, WebP)."""
    size = checked_size(upload)
    name = uploaded_name(upload)
    head = read_head(upload)
    if head.startswith(b"%PDF-"):
        clean = ContentFile(pdf_without_metadata(upload))
        return CheckedMedia(Kind.ARTICLE, "application/pdf", name, clean.size, clean, "pdf")
    image = image_type(head)
    if image is not None:
        pillow_format, content_type, extension = image
        data = reencode_image(upload, pillow_format)
        clean = ContentFile(data)
        return CheckedMedia(Kind.ARTICLE, content_type, name, len(data), clean, extension)
    media = probe_upload(upload, unrecognised=not_a_media_file)
    if media.has_video:
        check_picture_size(media)
        content_type, extension = video_type(media)
        return CheckedMedia(Kind.VIDEO, content_type, name, size, upload, extension)
    if media.has_audio:
        content_type, extension = audio_type(media)
        return CheckedMedia(Kind.AUDIO, content_type, name, size, upload, extension)
    raise not_a_media_file()


def check_audio_upload(upload: UploadedFile) -> CheckedMedia:
    """A sound recording only (a radio episode)."""
    size = checked_size(upload)
    name = uploaded_name(upload)
    head = read_head(upload)
    if head.startswith(b"%PDF-") or image_type(head) is not None:
        raise not_audio()
    media = probe_upload(upload, unrecognised=not_audio)
    if media.has_video:
        raise ValidationError(
            _(
                "This file contains video. Please upload the sound only "
                "(MP3, M4A, Ogg, Opus, WAV or FLAC)."
            ),
            code="video_not_audio",
        )
    if not media.has_audio:
        raise not_audio()
    content_type, extension = audio_type(media)
    return CheckedMedia(Kind.AUDIO, content_type, name, size, upload, extension)


def not_a_media_file() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a video, a sound recording, a PDF or an image (JPEG, PNG or "
            "WebP) that Colombe can read. Its content is checked, not its name."
        ),
        code="bad_content",
    )


def not_audio() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a sound recording Colombe can read (MP3, M4A, AAC, Ogg, Opus, "
            "WAV, FLAC or WebM audio). Its content is checked, not its name."
        ),
        code="bad_content",
    )


def checked_size(upload: UploadedFile) -> int:
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    return refuse_too_large(upload, settings.MEDIATHEQUE_MAX_UPLOAD_BYTES)


def uploaded_name(upload: UploadedFile) -> str:
    return os.path.basename(upload.name or "").strip()[:255]


def read_head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def image_type(head: bytes) -> tuple[str, str, str] | None:
    """(Pillow format, content type, extension) of a JPEG, PNG or WebP image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", "image/webp", "webp"
    return None


def probe_upload(
    upload: UploadedFile, *, unrecognised: Callable[[], ValidationError]
) -> MediaProbe:
    """What ffprobe finds in the upload; ``unrecognised()`` is raised when it is not
    audio or video in an accepted container."""
    try:
        with local_copy(upload) as path:
            media = probe(path)
    except ConverterUnavailable as error:
        raise ValidationError(
            _("This file could not be checked right now. Please try again later."),
            code="unavailable",
        ) from error
    except ProcessingError as error:
        raise unrecognised() from error
    if media.probe_score < MIN_PROBE_SCORE or media.container not in KNOWN_CONTAINERS:
        raise unrecognised()
    return media


@contextmanager
def local_copy(upload: UploadedFile) -> Iterator[Path]:
    """A path ffprobe can open: the upload's own temporary file when Django streamed it
    to disk (large files), otherwise a temporary copy."""
    if isinstance(upload, TemporaryUploadedFile):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(prefix="colombe-upload-") as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        yield Path(copy.name)


def check_picture_size(media: MediaProbe) -> None:
    width, height = media.picture_size
    longest, shortest = MAX_PICTURE_SIDES
    if max(width, height) > longest or min(width, height) > shortest:
        raise ValidationError(
            _(
                "This video's picture is too large (%(width)s×%(height)s). The limit is "
                "%(longest)s×%(shortest)s (4K), landscape or portrait."
            )
            % {"width": width, "height": height, "longest": longest, "shortest": shortest},
            code="picture_too_large",
        )


def video_type(media: MediaProbe) -> tuple[str, str]:
    if media.container == "matroska":
        if set(media.video_codecs + media.audio_codecs) <= WEBM_CODECS:
            return "video/webm", "webm"
        return "video/x-matroska", "mkv"
    if media.container == "mov" and media.brand.strip() == "qt":
        return "video/quicktime", "mov"
    as_video, _as_audio = CONTAINER_TYPES[media.container]
    if as_video is None:  # an audio-only container cannot hold real pictures
        raise not_a_media_file()
    return as_video


def audio_type(media: MediaProbe) -> tuple[str, str]:
    if media.container == "matroska":
        if set(media.audio_codecs) <= WEBM_CODECS:
            return "audio/webm", "webm"
        return "audio/x-matroska", "mka"
    return CONTAINER_TYPES[media.container][1]


# Subtitles -----------------------------------------------------------------------------

SRT_TIMING = re.compile(
    r"^\s*(\d{1,3}):(\d{2}):(\d{2})[,.](\d{3})\s*-->\s*(\d{1,3}):(\d{2}):(\d{2})[,.](\d{3})"
)


def check_subtitle_upload(upload: UploadedFile) -> ContentFile:
    """A WebVTT file, or a SubRip (.srt) file converted to WebVTT, in UTF-8."""
    size = upload.size or 0
    if size > SUBTITLE_MAX_BYTES:
        raise ValidationError(
            _("This subtitle file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(SUBTITLE_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    text = subtitle_text(upload.read(SUBTITLE_MAX_BYTES + 1))
    vtt = text if is_webvtt(text) else srt_to_webvtt(text)
    stem = Path(get_valid_filename(uploaded_name(upload)) or "subtitles").stem[:80]
    return ContentFile(vtt.encode("utf-8"), name=f"{stem}.vtt")


def not_subtitles() -> ValidationError:
    return ValidationError(
        _("Subtitles must be a WebVTT (.vtt) or SubRip (.srt) text file, encoded in UTF-8."),
        code="bad_subtitles",
    )


def subtitle_text(data: bytes) -> str:
    """The text with its byte order mark removed and line ends made "\\n"."""
    if len(data) > SUBTITLE_MAX_BYTES:
        raise not_subtitles()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_subtitles() from error
    if "\x00" in text:
        raise not_subtitles()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_webvtt(text: str) -> bool:
    """WebVTT files start with "WEBVTT", alone on the line or followed by a space or tab."""
    first_line = text.split("\n", 1)[0]
    return first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))


def srt_to_webvtt(text: str) -> str:
    """SubRip cues are WebVTT cues with a comma before the milliseconds and a number
    line before the timing; the rest (text, <b>/<i>/<u> tags) carries over."""
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    if not blocks:
        raise not_subtitles()
    cues = [webvtt_cue(block) for block in blocks]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def webvtt_cue(block: str) -> str:
    lines = block.split("\n")
    if lines[0].strip().isdigit():
        lines = lines[1:]
    timing = SRT_TIMING.match(lines[0]) if lines else None
    if timing is None:
        raise not_subtitles()
    start_h, start_m, start_s, start_ms, end_h, end_m, end_s, end_ms = timing.groups()
    start = f"{int(start_h):02d}:{start_m}:{start_s}.{start_ms}"
    end = f"{int(end_h):02d}:{end_m}:{end_s}.{end_ms}"
    # "-->" inside a cue's text would be read as a timing line.
    text = [line.replace("-->", "--&gt;") for line in lines[1:]]
    return "\n".join([f"{start} --> {end}", *text])
