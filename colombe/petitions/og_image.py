"""The Open Graph picture of a petition: what social networks show when it is shared.

Made with Pillow, 1200 x 630 (the size every network accepts), with the title and the
number of signatures. Pictures are cached per count *bucket*, so a petition signed many
times a second is drawn again only when its rounded figure changes."""

import io
import textwrap
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from colombe.petitions.models import Petition

WIDTH, HEIGHT = 1200, 630
MARGIN = 70
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BACKGROUND = "#1f3a5f"
TEXT = "#ffffff"
ACCENT = "#ffd166"
CACHE_SECONDS = 10 * 60
TITLE_LINES = 4

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=8)
def _font(name: str, size: int) -> Font:
    """DejaVu when installed (fonts-dejavu-core), otherwise Pillow's own font."""
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def count_bucket(count: int) -> int:
    """The figure shown: exact below 100, then rounded down to 2 significant digits."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count - count % step


def _wrapped_title(title: str, font: Font, draw: ImageDraw.ImageDraw) -> list[str]:
    width = 40
    while width > 10:
        lines = textwrap.wrap(title, width=width)
        if all(draw.textlength(line, font=font) <= WIDTH - 2 * MARGIN for line in lines):
            break
        width -= 2
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return lines


def render(title: str, count: int) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font = _font("DejaVuSans-Bold.ttf", 60)
    y = MARGIN
    for line in _wrapped_title(title, title_font, draw):
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += 74
    figure = number_format(count, force_grouping=True)
    caption = ngettext("%(count)s signature", "%(count)s signatures", count) % {"count": figure}
    draw.rectangle((0, HEIGHT - 150, WIDTH, HEIGHT), fill="#142840")
    draw.text((MARGIN, HEIGHT - 120), caption, font=_font("DejaVuSans-Bold.ttf", 56), fill=ACCENT)
    draw.text(
        (WIDTH - MARGIN, HEIGHT - 95),
        _("Sign on Colombe"),
        font=_font("DejaVuSans.ttf", 36),
        fill=TEXT,
        anchor="ra",
    )
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def petition_image(petition: Petition, count: int, language: str) -> bytes:
    bucket = count_bucket(count)
    key = f"petitions:og:{petition.pk}:{petition.updated_at.timestamp()}:{language}:{bucket}"
    cached: bytes | None = cache.get(key)
    if cached is None:
        cached = render(petition.title, bucket)
        cache.set(key, cached, CACHE_SECONDS)
    return cached
