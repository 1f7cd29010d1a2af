from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from colombe.core import policy
from colombe.groups.models import Group
from colombe.journal.models import Edition
from colombe.mediatheque.models import MediaItem
from colombe.movement.models import Structure
from colombe.radio.models import Show


class StructureSitemap(Sitemap[Structure]):
    def items(self) -> QuerySet[Structure]:
        return Structure.objects.order_by("pk")


class GroupSitemap(Sitemap[Group]):
    """Only what an anonymous visitor may know: public and private groups."""

    def items(self) -> QuerySet[Group]:
        return Group.objects.visible_to(AnonymousUser()).order_by("pk")


class EditionSitemap(Sitemap[Edition]):
    """The journal's published editions (drafts exist only for the editorial team)."""

    def items(self) -> QuerySet[Edition]:
        return policy.visible(Edition, AnonymousUser()).order_by("number")


class MediaItemSitemap(Sitemap[MediaItem]):
    """La mémoire's public items: the movement's memory is meant to be found."""

    def items(self) -> QuerySet[MediaItem]:
        return policy.visible(MediaItem, AnonymousUser()).order_by("pk")


class ShowSitemap(Sitemap[Show]):
    def items(self) -> QuerySet[Show]:
        return policy.visible(Show, AnonymousUser()).order_by("pk")


SITEMAPS = {
    "structures": StructureSitemap,
    "groups": GroupSitemap,
    "journal": EditionSitemap,
    "memoire": MediaItemSitemap,
    "radio": ShowSitemap,
}
