"""Atom feeds of action reports: all of them, one committee's, one hashtag's.

A feed reader sends no cookie and a feed URL gets shared anywhere, so a feed carries
**only public content**, whoever asks: published, public, and outside any group that is
not public. The request's user is never looked at."""

from datetime import datetime, time
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from colombe.core.hashtags import find_hashtag
from colombe.core.models import Hashtag
from colombe.groups.models import Visibility
from colombe.movement.models import Structure
from colombe.reports.models import ActionReport

ITEMS = 50


def public_reports() -> QuerySet[ActionReport]:
    """What any feed may carry."""
    public = Q(status=ActionReport.Status.PUBLISHED, visibility=ActionReport.Visibility.PUBLIC) & (
        Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC)
    )
    return (
        ActionReport.objects.filter(public)
        .select_related("structure")
        .prefetch_related("hashtags")
        .order_by("-happened_on", "-pk")
    )


class ReportFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj: Any = None) -> str:
        return _("What the committees do")

    def subtitle(self, obj: Any = None) -> str:
        return _("Public reports of the committees' actions.")

    def link(self, obj: Any = None) -> str:
        return reverse("reports:feed")

    def items(self, obj: Any = None) -> QuerySet[ActionReport]:
        return public_reports()[:ITEMS]

    def item_title(self, item: ActionReport) -> str:
        return item.title

    def item_description(self, item: ActionReport) -> str:
        # body_html was sanitised by render_markdown when the report was saved.
        facts = f"<p>{item.get_kind_display()} · {item.town} · {item.structure.name}</p>"
        return facts + item.body_html

    def item_link(self, item: ActionReport) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: ActionReport) -> str:
        return f"colombe-report-{item.pk}"

    def item_pubdate(self, item: ActionReport) -> datetime:
        if item.published_at is not None:
            return item.published_at
        return timezone.make_aware(datetime.combine(item.happened_on, time(12)))

    def item_updateddate(self, item: ActionReport) -> datetime:
        return item.updated_at

    def item_author_name(self, item: ActionReport) -> str:
        # The committee speaks; the member who wrote the report is not named publicly.
        return item.structure.name

    def item_categories(self, item: ActionReport) -> list[str]:
        return [tag.name for tag in item.hashtags.all()]


class CommitteeFeed(ReportFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Structure:
        return get_object_or_404(Structure, slug=kwargs["slug"])

    def title(self, obj: Any = None) -> str:
        return _("What %(committee)s does") % {"committee": obj.name}

    def link(self, obj: Any = None) -> str:
        return reverse("reports:committee", args=[obj.slug])

    def items(self, obj: Any = None) -> QuerySet[ActionReport]:
        return public_reports().filter(structure=obj)[:ITEMS]


class HashtagFeed(ReportFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Hashtag:
        tag = find_hashtag(kwargs["name"])
        # A tag no public report carries is not confirmed: it might be a secret group's.
        if tag is None or not public_reports().filter(hashtags=tag).exists():
            raise Http404
        return tag

    def title(self, obj: Any = None) -> str:
        return _("Actions of the committees about #%(tag)s") % {"tag": obj.name}

    def link(self, obj: Any = None) -> str:
        return reverse("core:hashtag", args=[obj.name])

    def items(self, obj: Any = None) -> QuerySet[ActionReport]:
        return public_reports().filter(hashtags=obj)[:ITEMS]


feed_atom = ReportFeed()
committee_atom = CommitteeFeed()
hashtag_atom = HashtagFeed()
