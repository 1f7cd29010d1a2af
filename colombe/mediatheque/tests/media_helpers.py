"""Helpers for tests of uploads, processing and serving: uploads made from generated clips
(``colombe.mediatheque.clips``), archive items holding a file, and ffprobe's view of a
result."""

import datetime
import io
import json
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from colombe.mediatheque.models import MediaItem

EXIF_CAMERA_MODEL = 0x0110


def uploaded(path: Path, name: str | None = None) -> SimpleUploadedFile:
    """The file as Django hands a small upload to a form (in memory)."""
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def uploaded_to_disk(path: Path, name: str | None = None) -> TemporaryUploadedFile:
    """The file as Django hands a large upload to a form (streamed to a temporary file)."""
    data = path.read_bytes()
    upload = TemporaryUploadedFile(name or path.name, "application/octet-stream", len(data), None)
    upload.write(data)
    upload.seek(0)
    return upload


def item_with_original(
    path: Path,
    *,
    kind: str = MediaItem.Kind.VIDEO,
    slug: str = "reportage-2026-03-01",
    content_type: str = "video/mp4",
    **fields: Any,
) -> MediaItem:
    """A public archive item whose uploaded original is ``path``, waiting to be processed."""
    item = MediaItem(
        kind=kind,
        title="Reportage",
        slug=slug,
        published_on=datetime.date(2026, 3, 1),
        original_name=path.name,
        original_content_type=content_type,
        original_size=path.stat().st_size,
        processing=MediaItem.Processing.PENDING,
        **fields,
    )
    with path.open("rb") as content:
        item.original.save(path.name, File(content), save=False)
    item.save()
    return item


def ffprobe(path: str | Path) -> dict[str, Any]:
    output = subprocess.run(
        [
            *(settings.FFPROBE_BINARY, "-v", "error", "-print_format", "json"),
            *("-show_format", "-show_streams", str(path)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def streams_by_type(path: str | Path) -> dict[str, dict[str, Any]]:
    return {stream["codec_type"]: stream for stream in ffprobe(path)["streams"]}


# PDFs of press articles ------------------------------------------------------------------


def jpeg_with_exif(camera: str) -> bytes:
    """A small JPEG whose EXIF block names the camera, as a phone's scan would."""
    exif = Image.Exif()
    exif[EXIF_CAMERA_MODEL] = camera
    output = io.BytesIO()
    Image.new("RGB", (32, 32), "darkred").save(output, "JPEG", exif=exif.tobytes())
    return output.getvalue()


def scanned_article_pdf(
    author: str = "", xmp: str = "", photo: bytes = b"", jpeg_filter: bytes = b"/DCTDecode"
) -> bytes:
    """A one-page PDF laid out by hand, as scanners write them: an information
    dictionary naming ``author``, an XMP stream holding ``xmp``, and ``photo`` (a JPEG) drawn
    on the page as a DCTDecode image (``jpeg_filter``: the filter as written), its bytes
    embedded as they are."""
    photo = photo or jpeg_with_exif("")
    xmp_packet = f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{xmp}</x:xmpmeta>".encode()
    drawing = b"q 32 0 0 32 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 32 32] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        _stream(
            b"/Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter " + jpeg_filter,
            photo,
        ),
        _stream(b"", drawing),
        _stream(b"/Type /Metadata /Subtype /XML", xmp_packet),
        b"<< /Author (%s) /Producer (Scanner) >>" % author.encode("latin-1"),
    ]
    return _pdf_file(objects, info_object=len(objects))


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def _pdf_file(objects: list[bytes], info_object: int) -> bytes:
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    table = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    output.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    output.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, info_object, table)
    )
    return output.getvalue()


def pdf_upload(name: str = "article.pdf", **parts: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, scanned_article_pdf(**parts))
