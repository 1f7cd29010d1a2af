"""A show's artwork, as podcast apps want it: a square JPEG or PNG of 1400 to 3000 pixels.

The upload is decoded and written again as a JPEG without metadata (a photo's EXIF may
say where and with what it was taken), so the feed always points at ``artwork.jpg``."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from colombe.groups.uploads import encode_without_metadata, refuse_too_large

MIN_SIDE = 1400
MAX_SIDE = 3000
ACCEPTED_FORMATS = {"JPEG", "PNG"}
# Transparent parts of a PNG become this colour: JPEG has no transparency.
BACKGROUND = (255, 255, 255)


def check_artwork(upload: UploadedFile) -> ContentFile:
    """The artwork re-encoded as JPEG, or a ValidationError that says what to change."""
    refuse_too_large(upload, settings.COLOMBE_MAX_UPLOAD_BYTES)
    unreadable = ValidationError(
        _("This image could not be read. Please upload a JPEG or PNG file."), code="bad_content"
    )
    upload.seek(0)
    try:
        # A small file can declare a huge image: Pillow's warning about it must refuse
        # the upload (the side check below refuses it anyway, before decoding).
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                check_format_and_size(image)
                image.load()
                return ContentFile(encode_without_metadata(flattened(image), "JPEG"))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(size_rule(), code="wrong_size") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise unreadable from exc


def check_format_and_size(image: Image.Image) -> None:
    """Checked on the header, before the pixels are decoded."""
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(_("The artwork must be a JPEG or PNG image."), code="bad_type")
    width, height = image.size
    if width != height:
        raise ValidationError(
            _(
                "The artwork must be square (podcast apps show it in a square). This image "
                "is %(width)s × %(height)s pixels."
            )
            % {"width": width, "height": height},
            code="not_square",
        )
    if not MIN_SIDE <= width <= MAX_SIDE:
        raise wrong_size(width, height)


def size_rule() -> str:
    return _(
        "The artwork must be between %(min)s and %(max)s pixels wide (podcast apps ask for it)."
    ) % {"min": MIN_SIDE, "max": MAX_SIDE}


def wrong_size(width: int, height: int) -> ValidationError:
    this_image = _("This image is %(width)s × %(height)s pixels.") % {
        "width": width,
        "height": height,
    }
    return ValidationError(f"{size_rule()} {this_image}", code="wrong_size")


def flattened(image: Image.Image) -> Image.Image:
    """The image in RGB, its transparent parts laid on a white background."""
    if image.mode in ("RGB", "L"):
        return image
    with_alpha = image.convert("RGBA")
    background = Image.new("RGB", with_alpha.size, BACKGROUND)
    background.paste(with_alpha, mask=with_alpha.getchannel("A"))
    return background
