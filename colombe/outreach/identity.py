"""The movement's visual identity for generated pictures (share images, account avatars
and banners): one palette and one typeface, so every picture Colombe draws looks like
it comes from the same movement."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import ImageFont

# The palette of the site's stylesheet (colombe/core/static/colombe/colombe.css).
PRIMARY = "#0b4f8a"
PRIMARY_DARK = "#083a66"
ON_PRIMARY = "#ffffff"
ACCENT = "#ffd166"
SURFACE = "#f4f6f8"
TEXT = "#1d1d1f"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=32)
def font(name: str, size: int) -> Font:
    """DejaVu when installed (fonts-dejavu-core), otherwise Pillow's own font."""
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def movement_name() -> str:
    return str(settings.OUTREACH_MOVEMENT_NAME)
