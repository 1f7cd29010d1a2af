"""Photos of an action: checked and re-encoded by the groups' upload checks (which drop
EXIF, GPS position and camera serial numbers), plus a small thumbnail for lists and
the report page."""

import io
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

from colombe.groups.uploads import check_upload, encode_without_metadata

# Photos only: no GIF animations, no documents.
PHOTO_EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
THUMBNAIL_SIZE = 480
MAX_PHOTOS = 6


@dataclass
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


def photo_extension(upload: UploadedFile) -> str:
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in PHOTO_EXTENSIONS:
        raise ValidationError(
            _("Only photos are accepted here (JPEG, PNG or WebP)."), code="bad_type"
        )
    return "jpg" if extension == "jpeg" else extension


def process_photo(upload: UploadedFile) -> ProcessedPhoto:
    """Check ``upload`` is a photo, re-encode it without metadata and make a thumbnail.
    Raise ValidationError otherwise."""
    extension = photo_extension(upload)
    checked = check_upload(upload)  # re-encodes the image: its metadata is gone
    checked.file.seek(0)
    data = checked.file.read()
    image_format = PHOTO_EXTENSIONS[extension]
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        small = image.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    thumbnail = encode_without_metadata(small, image_format)
    return ProcessedPhoto(data, thumbnail, extension, width, height)


def stored_name(extension: str) -> str:
    """A random name: the original file name may say more than the photo should."""
    return f"{uuid.uuid4().hex}.{extension}"


CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


def content_type(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")
