"""The feed "What the committees do" and the page of one committee's reports.

Both list only published reports the viewer may read (``reports.policy``, the same rules
as ``policy.visible``), so a secret group's report never shows — not as a card, not in a
count, not in a total. The feed's figures: ``reports.feed_figures``."""

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext

from colombe.core import policy
from colombe.movement.models import Structure, Territory
from colombe.reports import activity, cards, feed_figures
from colombe.reports import policy as reports_policy
from colombe.reports.feed_forms import FeedFilterForm, regions_and_departments
from colombe.reports.models import ActionReport, Reaction, ReportPhoto

PAGE_SIZE = 20


def published_reports(user: Any) -> QuerySet[ActionReport]:
    """Published reports the user may read, newest first."""
    return newest_first(reports_policy.published_reports(reports_policy.reader(user)))


def newest_first(reports: QuerySet[ActionReport]) -> QuerySet[ActionReport]:
    return reports.order_by("-happened_on", "-pk")


def with_card_data(reports: QuerySet[ActionReport]) -> QuerySet[ActionReport]:
    """Everything a card shows, in a constant number of queries."""
    return reports.select_related("structure", "group").prefetch_related(
        "hashtags",
        Prefetch("photos", queryset=ReportPhoto.objects.order_by("position", "pk")),
    )


def attach_reaction_counts(reports: list[ActionReport]) -> None:
    """``report.reaction_counts``: "label: count" per kind of reaction, one query for
    the whole page. Worded here rather than by the card's template: a translation tag
    per reaction of every card cost more than the rest of the card."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(report__in=[r.pk for r in reports])
        .values("report_id", "kind")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["report_id"]][row["kind"]] = row["total"]
    wording = gettext("%(label)s: %(count)s")
    for report in reports:
        found = counts.get(report.pk, {})
        report.reaction_counts = [
            wording % {"label": label, "count": found.get(kind, 0)}
            for kind, label in Reaction.Kind.choices
        ]


def card_page(
    request: HttpRequest, reports: QuerySet[ActionReport], count: int | None = None
) -> Page:
    """One page of cards; ``count``, when the caller knows it, spares counting again."""
    paginator = Paginator(with_card_data(reports), PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page_obj = paginator.get_page(request.GET.get("page"))
    reports_on_page = list(page_obj.object_list)
    attach_reaction_counts(reports_on_page)
    cards.attach_cards(reports_on_page)
    return page_obj


def may_report(viewer: reports_policy.Reader) -> bool:
    """Active members of a committee (and national administrators) report actions."""
    return viewer.is_member or viewer.audience == reports_policy.SharedAudience.NATIONAL_ADMINS


def feed(request: HttpRequest) -> HttpResponse:
    viewer = reports_policy.reader(request.user)
    # One query for the territory filter and the map.
    territories = regions_and_departments()
    filters = FeedFilterForm(request.GET or None, territories=territories)
    reports, chosen = filters.apply(newest_first(reports_policy.published_reports(viewer)))
    figures, selected = counted_figures(request, viewer, filters)
    context = {
        "filters": filters,
        "page_obj": card_page(request, reports, count=figures.count),
        "query_string": urlencode(chosen),
        "filtered": bool(chosen),
        "may_report": may_report(viewer),
        "feed_map": activity.feed_map(figures.per_structure, selected, chosen, territories),
        "activity": activity.activity_chart(figures.months),
    }
    return render(request, "reports/feed.html", context)


def counted_figures(
    request: HttpRequest, viewer: reports_policy.Reader, filters: FeedFilterForm
) -> tuple[feed_figures.FeedFigures, Territory | None]:
    """The feed's figures and the chosen territory. The map counts what passes every
    filter but the territory, which only chooses the part of the map drawn (a form
    without its territory field ignores it); invalid filters filter nothing."""
    if not filters.is_valid():
        return feed_figures.feed_figures(viewer, _unfiltered, {}, None), None
    selected = filters.cleaned_data.get("territory")
    others = FeedFilterForm(request.GET)
    _filtered, other_filters = others.apply(ActionReport.objects.none())

    def filter_others(reports: QuerySet[ActionReport]) -> QuerySet[ActionReport]:
        return others.apply(reports)[0]

    return feed_figures.feed_figures(viewer, filter_others, other_filters, selected), selected


def _unfiltered(reports: QuerySet[ActionReport]) -> QuerySet[ActionReport]:
    return reports


def committee(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.select_related("territory"), slug=slug)
    own = published_reports(request.user).filter(structure=structure)
    filters = FeedFilterForm(request.GET or None)
    reports, chosen = filters.apply(own)
    totals = committee_totals(own)
    context = {
        "structure": structure,
        "totals": totals,
        "filters": filters,
        # Unfiltered, the list is what the totals counted: no second count.
        "page_obj": card_page(request, reports, count=None if chosen else totals["reports"]),
        "query_string": urlencode(chosen),
        "filtered": bool(chosen),
        "may_report": policy.has_perm(request.user, "reports.create", structure),
        "activity": activity.monthly_activity(reports),
    }
    return render(request, "reports/committee.html", context)


def committee_totals(reports: QuerySet[ActionReport]) -> dict[str, int]:
    """Counted over the reports the viewer may read: a hidden report does not show up
    in a total either. One query."""
    year = timezone.localdate().year
    # The visible queryset is DISTINCT; sums are taken over its primary keys so that a
    # join never counts a report twice.
    base = ActionReport.objects.filter(pk__in=reports.values("pk"))
    totals = base.aggregate(
        reports=Count("pk"),
        people=Sum("people_reached"),
        signatures=Sum("paper_signatures", filter=Q(happened_on__year=year)),
    )
    return {
        "reports": totals["reports"] or 0,
        "people": totals["people"] or 0,
        "signatures": totals["signatures"] or 0,
        "year": year,
    }
