"""The Open Graph picture of a petition: what social networks show when it is shared.

The movement's share image (colombe.outreach.share_images: 1200 x 630, its palette and
typeface) with the petition's title and, in the band, the number of signatures. Pictures
are cached per count *bucket*, so a petition signed many times a second is drawn again
only when its rounded figure changes."""

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from colombe.outreach import identity, share_images
from colombe.petitions.models import Petition

CACHE_SECONDS = 10 * 60


def count_bucket(count: int) -> int:
    """The figure shown: exact below 100, then rounded down to 2 significant digits."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count - count % step


def render(title: str, count: int) -> bytes:
    image, draw = share_images.canvas()
    share_images.draw_title(draw, title, share_images.MARGIN, identity.ON_PRIMARY)
    band_top = share_images.draw_band(draw)
    middle = band_top + share_images.BAND_HEIGHT // 2
    figure = number_format(count, force_grouping=True)
    caption = ngettext("%(count)s signature", "%(count)s signatures", count) % {"count": figure}
    margin = share_images.MARGIN
    draw.text(
        (margin, middle),
        caption,
        font=identity.font(identity.BOLD, 56),
        fill=identity.ACCENT,
        anchor="lm",
    )
    draw.text(
        (share_images.WIDTH - margin, middle),
        _("Sign on Colombe"),
        font=identity.font(identity.REGULAR, 36),
        fill=identity.ON_PRIMARY,
        anchor="rm",
    )
    return identity.png(image)


def petition_image(petition: Petition, count: int, language: str) -> bytes:
    bucket = count_bucket(count)
    key = f"petitions:og:{petition.pk}:{petition.updated_at.timestamp()}:{language}:{bucket}"
    cached: bytes | None = cache.get(key)
    if cached is None:
        cached = render(petition.title, bucket)
        cache.set(key, cached, CACHE_SECONDS)
    return cached
