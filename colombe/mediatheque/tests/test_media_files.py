"""Archive uploads are recognised by their content (ffprobe for audio and video, the first
bytes for PDFs and images), never by their name; subtitles are WebVTT or converted SubRip."""

import io
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from colombe.mediatheque.clips import make_audio_clip, make_corrupt_clip, make_video_clip
from colombe.mediatheque.media_files import (
    check_audio_upload,
    check_media_upload,
    check_subtitle_upload,
)
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.media_helpers import pdf_upload, uploaded, uploaded_to_disk
from tests.services import require_ffmpeg

Kind = MediaItem.Kind


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    require_ffmpeg()
    return tmp_path


def refusal(check: Any, upload: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(upload)
    return caught.value


# Video and audio -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "content_type", "extension"),
    [
        (".mp4", "video/mp4", "mp4"),
        (".m4v", "video/mp4", "mp4"),
        (".mov", "video/quicktime", "mov"),
        (".webm", "video/webm", "webm"),
        (".mkv", "video/x-matroska", "mkv"),
        (".ogv", "video/ogg", "ogv"),
        (".avi", "video/x-msvideo", "avi"),
    ],
)
def test_videos_are_recognised_by_their_content(
    clips: Path, suffix: str, content_type: str, extension: str
) -> None:
    clip = make_video_clip(clips / f"clip{suffix}", seconds=1)

    checked = check_media_upload(uploaded(clip))

    assert (checked.kind, checked.content_type, checked.extension) == (
        Kind.VIDEO,
        content_type,
        extension,
    )
    assert checked.size == clip.stat().st_size
    assert checked.original_name == f"clip{suffix}"


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("mp3", "audio/mpeg"),
        ("m4a", "audio/mp4"),
        ("aac", "audio/aac"),
        ("ogg", "audio/ogg"),
        ("opus", "audio/ogg"),
        ("wav", "audio/wav"),
        ("flac", "audio/flac"),
        ("webm", "audio/webm"),
    ],
)
def test_sound_recordings_are_recognised_by_their_content(
    clips: Path, fmt: str, content_type: str
) -> None:
    clip = make_audio_clip(clips / f"sound.{fmt}", seconds=1, fmt=fmt)

    checked = check_media_upload(uploaded(clip))

    assert (checked.kind, checked.content_type) == (Kind.AUDIO, content_type)


def test_the_name_does_not_decide_the_kind(clips: Path) -> None:
    video = make_video_clip(clips / "clip.mp4", seconds=1)
    sound = make_audio_clip(clips / "sound.mp3", seconds=1)

    assert check_media_upload(uploaded(video, "interview.mp3")).kind == Kind.VIDEO
    assert check_media_upload(uploaded(sound, "interview.mp4")).content_type == "audio/mpeg"


def test_an_mp3_with_an_album_cover_is_still_audio(clips: Path) -> None:
    clip = make_audio_clip(clips / "cover.mp3", seconds=1, cover_art=True)

    checked = check_media_upload(uploaded(clip))

    assert (checked.kind, checked.content_type) == (Kind.AUDIO, "audio/mpeg")


def test_a_large_upload_streamed_to_disk_is_probed_in_place(clips: Path) -> None:
    clip = make_video_clip(clips / "clip.mp4", seconds=1)
    upload = uploaded_to_disk(clip)

    checked = check_media_upload(upload)

    assert checked.kind == Kind.VIDEO
    assert checked.file is upload


def test_a_renamed_text_is_refused(clips: Path) -> None:
    text = SimpleUploadedFile("reportage.mp4", b"Bonjour, ceci n'est pas une video.\n" * 100)

    error = refusal(check_media_upload, text)

    assert error.code == "bad_content"


def test_a_renamed_executable_is_refused(clips: Path) -> None:
    # ffprobe reads these bytes as an "mp3" (going by the name), with the lowest
    # confidence: only the confidence threshold refuses them.
    executable = b"\x7fELF\x02\x01\x01" + random.Random(1).randbytes(200_000)

    renamed = clips / "chanson.mp3"
    renamed.write_bytes(executable)

    for check in (check_media_upload, check_audio_upload):
        for upload in (uploaded(renamed), uploaded_to_disk(renamed)):
            assert refusal(check, upload).code == "bad_content"


def test_a_playlist_disguised_as_a_video_is_refused_without_reading_what_it_points_to(
    clips: Path,
) -> None:
    secret = clips / "secret.txt"
    secret.write_text("do not read")
    playlist = f"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile://{secret}\n#EXT-X-ENDLIST\n"

    error = refusal(check_media_upload, SimpleUploadedFile("video.avi", playlist.encode()))

    assert error.code == "bad_content"


def test_a_damaged_file_whose_header_reads_well_is_accepted_for_processing(clips: Path) -> None:
    """Only decoding finds the damage: the upload is kept, and processing says why."""
    clip = make_corrupt_clip(clips / "broken.mp4")

    assert check_media_upload(uploaded(clip)).kind == Kind.VIDEO


def test_a_file_cut_before_its_index_is_refused(clips: Path) -> None:
    clip = make_video_clip(clips / "clip.mp4", seconds=1)
    cut = SimpleUploadedFile("clip.mp4", clip.read_bytes()[: clip.stat().st_size // 2])

    assert refusal(check_media_upload, cut).code == "bad_content"


@pytest.mark.parametrize("size", ["4100x16", "16x4100", "2170x2170"])
def test_a_picture_larger_than_4k_is_refused(clips: Path, size: str, english_pages: None) -> None:
    """Converting it would hold a worker for long; 4K is more than any report needs."""
    clip = make_video_clip(clips / "huge.mp4", seconds=1, size=size)

    error = refusal(check_media_upload, uploaded(clip))

    assert error.code == "picture_too_large"
    width, height = size.split("x")
    assert f"({width}\u00d7{height})" in error.messages[0]
    assert "4096\u00d72160" in error.messages[0]


@pytest.mark.parametrize("size", ["4096x2160", "2160x3840"])
def test_4k_landscape_and_portrait_are_accepted(clips: Path, size: str) -> None:
    clip = make_video_clip(clips / "uhd.mp4", seconds=1, size=size)

    assert check_media_upload(uploaded(clip)).kind == Kind.VIDEO


def test_an_upload_over_the_limit_is_refused_before_being_read(
    clips: Path, settings: Any, english_pages: None
) -> None:
    settings.MEDIATHEQUE_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("long.mp4", b"\x00" * 1001)

    error = refusal(check_media_upload, upload)

    assert error.code == "too_large"
    assert "too large (1001\xa0bytes). The limit is 1000\xa0bytes" in error.messages[0]


def test_an_empty_file_is_refused() -> None:
    assert refusal(check_media_upload, SimpleUploadedFile("empty.mp4", b"")).code == "empty"


def test_ffprobe_missing_is_told_apart_from_a_bad_file(clips: Path, settings: Any) -> None:
    clip = make_audio_clip(clips / "sound.mp3", seconds=1)
    settings.FFPROBE_BINARY = str(clips / "no-such-ffprobe")

    assert refusal(check_media_upload, uploaded(clip)).code == "unavailable"


# Press articles ------------------------------------------------------------------------


def test_a_pdf_is_a_press_article() -> None:
    pdf = pdf_upload("article.bin")

    checked = check_media_upload(pdf)

    assert (checked.kind, checked.content_type, checked.extension) == (
        Kind.ARTICLE,
        "application/pdf",
        "pdf",
    )


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "navy")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0)}  # GPS info
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def test_a_scan_is_re_encoded_without_its_metadata() -> None:
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really has EXIF

    checked = check_media_upload(SimpleUploadedFile("coupure.jpeg", original))

    assert (checked.kind, checked.content_type, checked.extension) == (
        Kind.ARTICLE,
        "image/jpeg",
        "jpg",
    )
    stored = checked.file.read()
    assert checked.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


@pytest.mark.parametrize(
    ("pillow_format", "content_type"), [("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_png_and_webp_scans_are_accepted(pillow_format: str, content_type: str) -> None:
    output = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(output, format=pillow_format)

    checked = check_media_upload(SimpleUploadedFile("scan.jpg", output.getvalue()))

    assert (checked.kind, checked.content_type) == (Kind.ARTICLE, content_type)


def test_a_broken_image_is_refused() -> None:
    broken = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)

    assert refusal(check_media_upload, broken).code == "bad_content"


# Radio episodes: audio only ------------------------------------------------------------


def test_an_episode_accepts_audio(clips: Path) -> None:
    clip = make_audio_clip(clips / "emission.ogg", seconds=1, fmt="ogg")

    checked = check_audio_upload(uploaded(clip))

    assert (checked.kind, checked.content_type) == (Kind.AUDIO, "audio/ogg")


def test_an_episode_refuses_a_video_and_says_why(clips: Path, english_pages: None) -> None:
    clip = make_video_clip(clips / "clip.mp4", seconds=1)

    error = refusal(check_audio_upload, uploaded(clip))

    assert error.code == "video_not_audio"
    assert "contains video" in error.messages[0]


def test_an_episode_refuses_a_pdf_or_an_image() -> None:
    pdf = SimpleUploadedFile("emission.mp3", b"%PDF-1.4\n%%EOF\n")
    image = SimpleUploadedFile("emission.mp3", jpeg_with_location())

    assert refusal(check_audio_upload, pdf).code == "bad_content"
    assert refusal(check_audio_upload, image).code == "bad_content"


# Subtitles -----------------------------------------------------------------------------


def test_webvtt_is_kept_without_its_byte_order_mark() -> None:
    vtt = "\ufeffWEBVTT - Journal\r\n\r\n00:00.000 --> 00:01.500\r\nBonjour à tous\r\n"

    content = check_subtitle_upload(SimpleUploadedFile("fr.vtt", vtt.encode("utf-8")))

    assert content.read().decode("utf-8") == (
        "WEBVTT - Journal\n\n00:00.000 --> 00:01.500\nBonjour à tous\n"
    )
    assert content.name == "fr.vtt"


def test_subrip_is_converted_to_webvtt() -> None:
    srt = (
        "1\r\n00:00:01,000 --> 00:00:02,500\r\nPremière ligne\r\n<i>en italique</i>\r\n\r\n"
        "2\r\n00:00:03,000 --> 00:00:04,000 X1:10 X2:100 Y1:10 Y2:50\r\nSeconde --> flèche\r\n"
    )

    content = check_subtitle_upload(SimpleUploadedFile("Interview France 3.srt", srt.encode()))

    assert content.read().decode("utf-8") == (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.500\nPremière ligne\n<i>en italique</i>\n\n"
        "00:00:03.000 --> 00:00:04.000\nSeconde --&gt; flèche\n"
    )
    assert content.name == "Interview_France_3.vtt"


@pytest.mark.parametrize(
    "data",
    [
        b"Bonjour\n\nCeci n'est pas un sous-titre.\n",
        "1\n00:00:01,000 --> 00:00:02,000\nAccentué\n".encode("latin-1"),
        b"1\n00:00:01,000 --> 00:00:02,000\nUn\n\n2\npas de temps\n",
        b"",
        b"WEBVTT\x00\n",
    ],
    ids=["plain text", "latin-1", "cue without timing", "empty", "nul byte"],
)
def test_anything_else_is_refused_as_subtitles(data: bytes, english_pages: None) -> None:
    error = refusal(check_subtitle_upload, SimpleUploadedFile("fr.srt", data))

    assert error.code == "bad_subtitles"
    assert "WebVTT" in error.messages[0]


def test_subtitles_over_one_megabyte_are_refused() -> None:
    big = b"WEBVTT\n\n" + b"x" * (1024 * 1024)

    assert refusal(check_subtitle_upload, SimpleUploadedFile("fr.vtt", big)).code == "too_large"


def test_ffmpeg_reads_the_converted_subtitles(tmp_path: Path) -> None:
    """The WebVTT written from SubRip is one ffmpeg (like browsers) parses, cue by cue."""
    require_ffmpeg()
    srt = "1\n00:00:01,000 --> 00:00:02,000\nUn\n\n2\n00:00:03,000 --> 00:00:04,000\nDeux\n"
    vtt = tmp_path / "fr.vtt"
    vtt.write_bytes(check_subtitle_upload(SimpleUploadedFile("fr.srt", srt.encode())).read())
    back = tmp_path / "back.srt"

    subprocess.run(
        [settings.FFMPEG_BINARY, "-v", "error", "-i", str(vtt), str(back)],
        check=True,
        timeout=30,
    )

    assert "00:00:03,000 --> 00:00:04,000\nDeux" in back.read_text()
