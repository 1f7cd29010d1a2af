"""Checking uploaded documents before they are stored.

A file is accepted only when its extension is on the allow-list AND its content looks like
that type (magic bytes, or the expected entries of a zip-based office file): a renamed
executable is refused. Images are re-encoded with Pillow, which drops their metadata (EXIF
with GPS position, camera serial numbers, PNG text chunks) — members share photos of
actions, and where they were taken must not leak with them.
"""

import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# extension -> (content type served on download, how the content is checked)
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "png": ("image/png", "image"),
    "jpg": ("image/jpeg", "image"),
    "jpeg": ("image/jpeg", "image"),
    "webp": ("image/webp", "image"),
    "gif": ("image/gif", "image"),
    "txt": ("text/plain", "text"),
    "csv": ("text/csv", "text"),
    "odt": ("application/vnd.oasis.opendocument.text", "odf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml:word/document.xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ooxml:xl/workbook.xml",
    ),
}
# The format Pillow must find in the file for each image extension.
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP", "gif": "GIF"}
SNIFF_BYTES = 8192
# A few kilobytes of PNG can declare an image of billions of pixels, and decoding it takes
# 4 bytes of memory per pixel. 40 million pixels (160 MB decoded) is above what phones
# and cameras take by default (12 to 24 million), well below what would exhaust a worker.
MAX_IMAGE_PIXELS = 40_000_000
# Each frame of an animation is decoded and re-encoded: an animated image is a small
# loop, not a film.
MAX_IMAGE_FRAMES = 100


@dataclass
class CheckedUpload:
    file: File
    original_name: str
    content_type: str
    size: int


def allowed_extensions_text() -> str:
    return ", ".join(sorted({ext for ext in ALLOWED_TYPES if ext != "jpeg"}))


def refuse_too_large(upload: UploadedFile, limit: int) -> int:
    """The upload's size; a ValidationError that names the limit when it is above."""
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("This file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    return size


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validate ``upload`` and return what to store; raise ValidationError otherwise."""
    size = refuse_too_large(upload, settings.COLOMBE_MAX_UPLOAD_BYTES)
    original_name = os.path.basename(upload.name or "").strip()[:255]
    extension = original_name.rsplit(".", 1)[-1].lower() if "." in original_name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("This type of file is not accepted. Accepted types: %(types)s.")
            % {"types": allowed_extensions_text()},
            code="bad_type",
        )
    content_type, check = ALLOWED_TYPES[extension]
    if check == "image":
        data = reencode_image(upload, IMAGE_FORMATS[extension])
        return CheckedUpload(ContentFile(data), original_name, content_type, len(data))
    if not content_matches(upload, check):
        raise ValidationError(
            _("The content of this file does not match its extension (.%(ext)s).")
            % {"ext": extension},
            code="bad_content",
        )
    upload.seek(0)
    return CheckedUpload(upload, original_name, content_type, size)


def content_matches(upload: UploadedFile, check: str) -> bool:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if check == "pdf":
        return head.startswith(b"%PDF-")
    if check == "text":
        # Text has no magic number; refusing NUL bytes and known binary signatures keeps
        # executables and archives out.
        return b"\x00" not in head and not head.startswith((b"PK\x03\x04", b"MZ", b"\x7fELF"))
    if not head.startswith(b"PK\x03\x04"):
        return False
    return zip_matches(upload, check)


def zip_matches(upload: UploadedFile, check: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if check == "odf":
                return "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument."
                )
            required = check.split(":", 1)[1]
            return "[Content_Types].xml" in names and required in names
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def reencode_image(upload: UploadedFile, expected_format: str) -> bytes:
    """Decode the image and write it again without its metadata."""
    bad_image = ValidationError(
        _("This image could not be read. Please check the file."), code="bad_content"
    )
    upload.seek(0)
    try:
        # Pillow only warns about an image above its own pixel limit (and refuses one
        # twice as large): both must refuse the upload. The warning filter is process-
        # wide while this block runs; the check of the size below stands on its own.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    raise bad_image
                check_image_size(image)
                image.load()
                return encode_without_metadata(image, expected_format)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise bad_image from exc


def too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This image is too large: it has more than %(limit)s million pixels. "
            "Please reduce its dimensions and try again."
        )
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def check_image_size(image: Image.Image) -> None:
    """Refuse, before decoding, an image whose header declares too many pixels or too
    many frames. (The header is all Pillow has read at this point.)"""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise too_many_pixels()
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_IMAGE_FRAMES:
        raise ValidationError(
            _("This animated image has too many frames (%(frames)s). The limit is %(limit)s.")
            % {"frames": frames, "limit": MAX_IMAGE_FRAMES},
            code="too_many_frames",
        )


def encode_without_metadata(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    if image_format == "GIF":
        # Frames, palette and transparency are kept. Pillow copies the file's comment
        # into the new file unless it is given one: an empty comment writes none.
        image.save(output, format="GIF", save_all=getattr(image, "is_animated", False), comment=b"")
        return output.getvalue()
    # Apply the EXIF orientation before the EXIF block disappears, so photos stay upright.
    upright = ImageOps.exif_transpose(image)
    options: dict[str, Any] = {}
    if image_format == "JPEG":
        options["quality"] = 90
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
    elif image_format == "WEBP":
        options["quality"] = 90
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA")  # palette transparency becomes alpha
    elif "transparency" in upright.info:
        # A PNG's transparent colour (palette entries or a colour key) lives in its
        # metadata, which the clean copy does not inherit: carry it over explicitly.
        options["transparency"] = upright.info["transparency"]
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    if upright.mode == "P" and upright.getpalette():
        clean.putpalette(upright.getpalette() or [])
    clean.save(output, format=image_format, **options)
    return output.getvalue()
