"""The movement's visual identity for generated pictures (share images, account avatars
and banners): one palette and one typeface, so every picture Colombe draws looks like
it comes from the same movement."""

import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

# The palette of the site's stylesheet (colombe/core/static/colombe/colombe.css).
PRIMARY = "#0b4f8a"
PRIMARY_DARK = "#083a66"
ON_PRIMARY = "#ffffff"
ACCENT = "#ffd166"
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


def png(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def text_width(text: str, font: Font) -> float:
    return ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(text, font=font)


def wrap_by_width(text: str, font: Font, max_width: int) -> list[str]:
    """Words filled into lines as wide as ``max_width`` (a longer word has its own line):
    as few lines as the words allow, words never cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, font) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def wrap_to_fit(text: str, font: Font, max_width: int, max_lines: int) -> list[str] | None:
    """The text in as few lines as fit ``max_width``, or None if it needs more than
    ``max_lines`` or has a word wider than ``max_width`` (a smaller size is tried then)."""
    lines = wrap_by_width(text, font, max_width)
    if len(lines) > max_lines or any(text_width(line, font) > max_width for line in lines):
        return None
    return lines
