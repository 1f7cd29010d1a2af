"""The share image of a public page: the picture a social network shows when the page is
shared (Open Graph ``og:image``).

1200 x 630 pixels, the size every network accepts, drawn with Pillow in the movement's
palette and typeface (``identity.py``): what the page is ("Pétition", "Comité local"…),
its title in the largest size that fits (cut with "…" past four lines), who it belongs
to, and the movement's name. The drawing helpers are shared with the petitions' counter
picture. Pictures are cached under what they show, so a renamed committee or an edited
title draws a new one and nothing else does."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.utils import translation
from PIL import Image, ImageDraw

from colombe.outreach import identity, sharing
from colombe.outreach.identity import png, wrap_by_width, wrap_to_fit

WIDTH, HEIGHT = sharing.OG_SIZE
MARGIN = 70
TEXT_WIDTH = WIDTH - 2 * MARGIN
BAND_HEIGHT = 120
TITLE_LINES = 4
TITLE_SIZES = range(66, 38, -4)
ELLIPSIS = "…"
CACHE_SECONDS = 24 * 60 * 60


def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), identity.PRIMARY)
    return image, ImageDraw.Draw(image)


def cut_to_width(text: str, font: identity.Font, max_width: int, *, goes_on: bool = False) -> str:
    """``text`` on one line, shortened with "…" if it is wider than ``max_width`` (or
    ends with "…" anyway when the text ``goes_on`` past it)."""
    if not goes_on and identity.text_width(text, font) <= max_width:
        return text
    while text and identity.text_width(text + ELLIPSIS, font) > max_width:
        text = text[:-1]
    return text.rstrip(" .,;:-") + ELLIPSIS


def title_lines(title: str, max_width: int = TEXT_WIDTH) -> tuple[list[str], identity.Font, int]:
    """The title in the largest size whose lines fit, else at the smallest size cut after
    the last line with "…". Returns the lines, the font and the line height."""
    for size in TITLE_SIZES:
        font = identity.font(identity.BOLD, size)
        lines = wrap_to_fit(title, font, max_width, TITLE_LINES)
        if lines is not None:
            return lines, font, round(size * 1.2)
    size = TITLE_SIZES[-1]
    font = identity.font(identity.BOLD, size)
    lines = wrap_by_width(title, font, max_width)
    shown = [cut_to_width(line, font, max_width) for line in lines[:TITLE_LINES]]
    if len(lines) > TITLE_LINES:
        shown[-1] = cut_to_width(lines[TITLE_LINES - 1], font, max_width, goes_on=True)
    return shown, font, round(size * 1.2)


def draw_title(draw: ImageDraw.ImageDraw, title: str, top: int, colour: str) -> int:
    """Draw the title from ``top``; return the height it took."""
    lines, font, line_height = title_lines(title)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=font, fill=colour)
    return line_height * len(lines)


def draw_band(draw: ImageDraw.ImageDraw, colour: str = identity.PRIMARY_DARK) -> int:
    """The band at the bottom, under an accent line; returns its top."""
    top = HEIGHT - BAND_HEIGHT
    draw.rectangle((0, top, WIDTH, HEIGHT), fill=colour)
    draw.rectangle((0, top - 8, WIDTH, top), fill=identity.ACCENT)
    return top


def draw_share_image(*, kind_label: str, title: str, owner: str, movement: str) -> bytes:
    image, draw = canvas()
    label_font = identity.font(identity.BOLD, 30)
    draw.text(
        (MARGIN, 56),
        cut_to_width(kind_label.upper(), label_font, TEXT_WIDTH),
        font=label_font,
        fill=identity.ACCENT,
    )
    title_height = draw_title(draw, title, 116, identity.ON_PRIMARY)
    owner_font = identity.font(identity.REGULAR, 36)
    band_top = draw_band(draw)
    owner_top = min(116 + title_height + 24, band_top - 70)
    draw.text(
        (MARGIN, owner_top),
        cut_to_width(owner, owner_font, TEXT_WIDTH),
        font=owner_font,
        fill=identity.ON_PRIMARY,
    )
    movement_font = identity.font(identity.BOLD, 40)
    draw.text(
        (MARGIN, band_top + BAND_HEIGHT // 2),
        cut_to_width(movement, movement_font, TEXT_WIDTH),
        font=movement_font,
        fill=identity.ON_PRIMARY,
        anchor="lm",
    )
    return png(image)


def share_image_png(obj: Any) -> bytes:
    """The share image of ``obj`` (a public page kind of ``sharing.KINDS``), cached."""
    kind = sharing.kind_of(obj)
    texts = {
        "kind_label": str(kind.label(obj)),
        "title": kind.title(obj),
        "owner": str(kind.owner(obj)),
        "movement": identity.movement_name(),
    }
    shown = "\x1f".join([translation.get_language() or "", *texts.values()])
    key = f"outreach:share-image:{kind.key}:{obj.pk}:" + hashlib.sha256(shown.encode()).hexdigest()
    picture: bytes | None = cache.get(key)
    if picture is None:
        picture = draw_share_image(**texts)
        cache.set(key, picture, CACHE_SECONDS)
    return picture
