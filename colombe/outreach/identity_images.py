"""Avatars and banners for the movement's accounts, drawn from the identity kit
(``identity.py``): every account gets pictures that look alike, with the movement's name
and its owner's name.

The avatar is a 400 x 400 square (every network scales it down) whose text stays inside
the inscribed circle, since most networks crop avatars to a circle. The banner has the
size its network asks for (``BANNERS``); networks without a banner get none. Pictures are
cached by what they show, so a page of previews costs one drawing per account."""

import hashlib
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from PIL import Image, ImageDraw

from colombe.outreach import identity
from colombe.outreach.identity import png, wrap_to_fit
from colombe.outreach.models import Network, SocialAccount

AVATAR_SIZE = 400
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class BannerFormat:
    width: int
    height: int
    # The middle part every device shows (YouTube crops its banner differently on a
    # television, a computer and a phone); text stays inside it.
    safe_width: int
    safe_height: int
    where: Any  # what the network calls it (a lazy translation), for the page


def plain(width: int, height: int, where: Any) -> BannerFormat:
    return BannerFormat(width, height, width, height, where)


BANNERS: dict[str, BannerFormat] = {
    Network.MASTODON: plain(1500, 500, _("header image")),
    Network.BLUESKY: plain(1500, 500, _("banner")),
    Network.X: plain(1500, 500, _("header photo")),
    Network.FACEBOOK: plain(1640, 624, _("cover photo")),
    Network.LINKEDIN: plain(1128, 191, _("cover image of a page")),
    Network.YOUTUBE: BannerFormat(2560, 1440, 1546, 423, pgettext_lazy("youtube", "banner")),
    Network.PEERTUBE: plain(1920, 317, _("channel banner")),
}


def banner_format(account: SocialAccount) -> BannerFormat | None:
    """None for networks that show no banner (Instagram, TikTok, Telegram, WhatsApp)."""
    return BANNERS.get(account.network)


def fitted_lines(
    text: str, *, bold: bool, max_width: int, max_size: int, max_lines: int
) -> tuple[list[str], identity.Font, int]:
    """The text wrapped in the largest size (down to a quarter of ``max_size``) whose
    lines fit ``max_width``; the lines, the font and the line height."""
    name = identity.BOLD if bold else identity.REGULAR
    smallest = max(max_size // 4, 8)
    for size in range(max_size, smallest, -2):
        font = identity.font(name, size)
        lines = wrap_to_fit(text, font, max_width, max_lines)
        if lines is not None:
            return lines, font, round(size * 1.2)
    # Even the smallest size is too wide: what does not fit is cut.
    font = identity.font(name, smallest)
    characters = max(int(max_width / (smallest * 0.6)), 1)
    lines = textwrap.wrap(text, width=characters, max_lines=max_lines, placeholder=" …")
    return lines, font, round(smallest * 1.2)


@dataclass(frozen=True)
class TextBlock:
    lines: list[str]
    font: identity.Font
    line_height: int
    colour: str

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def draw_centred(image: Image.Image, blocks: list[TextBlock], gap: int) -> None:
    """The blocks one above the other, centred on the picture, ``gap`` apart."""
    draw = ImageDraw.Draw(image)
    total = sum(block.height for block in blocks) + gap * (len(blocks) - 1)
    x_middle = image.width // 2
    y = (image.height - total) // 2
    for block in blocks:
        for line in block.lines:
            draw.text(
                (x_middle, y + block.line_height // 2),
                line,
                font=block.font,
                fill=block.colour,
                anchor="mm",
            )
            y += block.line_height
        y += gap


def text_blocks(owner_name: str, width: int, height: int) -> list[TextBlock]:
    """The movement's name above the owner's, sized for a box of ``width`` by ``height``."""
    movement, movement_font, movement_height = fitted_lines(
        identity.movement_name(), bold=True, max_width=width, max_size=height // 3, max_lines=2
    )
    owner, owner_font, owner_height = fitted_lines(
        owner_name, bold=False, max_width=width, max_size=height // 5, max_lines=3
    )
    return [
        TextBlock(movement, movement_font, movement_height, identity.ON_PRIMARY),
        TextBlock(owner, owner_font, owner_height, identity.ACCENT),
    ]


def draw_avatar(owner_name: str) -> bytes:
    image = Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), identity.PRIMARY)
    # The square inscribed in the circle a network crops to, less a margin.
    box = round(AVATAR_SIZE * 0.62)
    draw_centred(image, text_blocks(owner_name, box, box), gap=box // 12)
    return png(image)


def draw_banner(owner_name: str, banner: BannerFormat) -> bytes:
    image = Image.new("RGB", (banner.width, banner.height), identity.PRIMARY)
    band = max(banner.height // 25, 4)
    ImageDraw.Draw(image).rectangle(
        (0, banner.height - band, banner.width, banner.height), fill=identity.ACCENT
    )
    width = round(banner.safe_width * 0.8)
    height = round(banner.safe_height * 0.75)
    draw_centred(image, text_blocks(owner_name, width, height), gap=height // 14)
    return png(image)


def cached(kind: str, owner_name: str, draw: Callable[[], bytes]) -> bytes:
    """A drawing is cached under what it shows (the movement's and the owner's names
    and the size), so renaming either draws a new one."""
    source = "\n".join([kind, identity.movement_name(), owner_name])
    key = "outreach:identity:" + hashlib.sha256(source.encode()).hexdigest()
    picture: bytes | None = cache.get(key)
    if picture is None:
        picture = draw()
        cache.set(key, picture, CACHE_SECONDS)
    return picture


def avatar_png(account: SocialAccount) -> bytes:
    name = account.owner.name
    return cached(f"avatar:{AVATAR_SIZE}", name, lambda: draw_avatar(name))


def banner_png(account: SocialAccount) -> bytes | None:
    banner = banner_format(account)
    if banner is None:
        return None
    name = account.owner.name
    return cached(f"banner:{banner.width}x{banner.height}", name, lambda: draw_banner(name, banner))
