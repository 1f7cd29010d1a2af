"""The Atom feed of published editions. A feed URL is shared anywhere and a reader sends
no cookie: it carries only published editions, whoever asks."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from colombe.journal.models import Edition

ITEMS = 30


class EditionFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj: Any = None) -> str:
        return _("The journal of the committees")

    def subtitle(self, obj: Any = None) -> str:
        return _("Each edition of the journal, once published.")

    def link(self, obj: Any = None) -> str:
        return reverse("journal:archive")

    def items(self, obj: Any = None) -> QuerySet[Edition]:
        published = Edition.objects.filter(
            status=Edition.Status.PUBLISHED, published_at__isnull=False
        )
        return published.order_by("-published_at")[:ITEMS]

    def item_title(self, item: Edition) -> str:
        return _("No. %(number)s — %(title)s") % {"number": item.number, "title": item.title}

    def item_description(self, item: Edition) -> str:
        # editorial_html was sanitised by render_markdown when the edition was saved.
        return item.editorial_html

    def item_link(self, item: Edition) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Edition) -> str:
        return f"colombe-journal-{item.pk}"

    def item_pubdate(self, item: Edition) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Edition) -> datetime:
        return item.updated_at


edition_atom = EditionFeed()
