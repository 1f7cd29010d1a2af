"""Campaigns: the list, the form (communication group) and each campaign's dashboard —
its posts per network and state, what people did with the published ones, and the
visits of its short links per day, as charts and as tables."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.outreach import services
from colombe.outreach.access import members_only
from colombe.outreach.campaign_forms import CampaignForm
from colombe.outreach.models import Campaign, Network, Post, PostTarget, ShortLink, ShortLinkVisits

PAGE_SIZE = 20
# A click chart longer than this shows only its last days.
MAX_CHART_DAYS = 400


@members_only
def campaign_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    campaigns = policy.visible(Campaign, user).annotate(post_count=Count("posts"))
    page_obj = Paginator(campaigns.order_by("-starts_on", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page_obj,
        "today": timezone.localdate(),
        "may_manage": policy.has_perm(user, "outreach.manage_campaigns"),
    }
    return render(request, "outreach/campaigns/list.html", context)


def campaign_form_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=campaign)
    context = {"form": form, "campaign": campaign}
    if request.method != "POST":
        return render(request, "outreach/campaigns/form.html", context)
    if not form.is_valid():
        return render(request, "outreach/campaigns/form.html", context, status=422)
    if campaign is None:
        campaign = services.create_campaign(request.user, **form.campaign_fields())
    else:
        services.update_campaign(request.user, campaign, **form.campaign_fields())
    messages.success(request, _("The campaign is saved."))
    return redirect(campaign)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outreach.manage_campaigns")
    return campaign_form_page(request, None)


@visible_object_view(Campaign, login=True, perm="outreach.manage_campaigns")
def campaign_edit(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return campaign_form_page(request, campaign)


@visible_object_view(Campaign, login=True, perm="outreach.manage_campaigns")
def campaign_delete(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    if request.method == "POST":
        services.delete_campaign(request.user, campaign)
        messages.success(request, _("The campaign is deleted; its posts stay."))
        return redirect("outreach:campaigns")
    context = {
        "campaign": campaign,
        "post_count": campaign.posts.count(),
        "link_count": campaign.short_links.count(),
    }
    return render(request, "outreach/campaigns/confirm_delete.html", context)


# The dashboard -----------------------------------------------------------------------------


@dataclass
class NetworkRow:
    network: str
    states: list[int]
    published: int
    boosts: int
    likes: int
    replies: int


def network_rows(targets: QuerySet[PostTarget]) -> list[NetworkRow]:
    """One row per network the campaign's posts go to: targets per state, and the sums
    of what people did with the published ones."""
    counts = targets.values("account__network", "state").annotate(
        total=Count("pk"), boosts=Sum("boosts"), likes=Sum("likes"), replies=Sum("replies")
    )
    rows: dict[str, NetworkRow] = {}
    states = PostTarget.State.values
    for line in counts:
        network = line["account__network"]
        row = rows.setdefault(
            network, NetworkRow(Network(network).label, [0] * len(states), 0, 0, 0, 0)
        )
        row.states[states.index(line["state"])] += line["total"]
        if line["state"] == PostTarget.State.PUBLISHED:
            row.published += line["total"]
            row.boosts += line["boosts"] or 0
            row.likes += line["likes"] or 0
            row.replies += line["replies"] or 0
    return sorted(rows.values(), key=lambda row: row.network)


def clicks_per_day(campaign: Campaign) -> list[tuple[date, int]]:
    """Visits of the campaign's short links on every day of the campaign so far (and on
    any day outside it that had visits), zero days included so the chart keeps its scale."""
    visits = dict(
        ShortLinkVisits.objects.filter(link__campaign=campaign)
        .values("day")
        .annotate(total=Sum("visits"))
        .values_list("day", "total")
    )
    first = min([campaign.starts_on, *visits])
    last = max([min(campaign.ends_on, timezone.localdate()), *visits])
    first = max(first, last - timedelta(days=MAX_CHART_DAYS - 1))
    days = (last - first).days + 1
    return [
        (first + timedelta(days=n), visits.get(first + timedelta(days=n), 0)) for n in range(days)
    ]


def click_total(campaign: Campaign) -> int:
    """Every visit of the campaign's links, the days beyond the chart's reach included."""
    visits = ShortLinkVisits.objects.filter(link__campaign=campaign).aggregate(total=Sum("visits"))
    return visits["total"] or 0


def campaign_links(campaign: Campaign) -> QuerySet[ShortLink]:
    return campaign.short_links.annotate(total=Sum("daily_visits__visits")).order_by("title")


def chart_data(rows: list[NetworkRow], clicks: list[tuple[date, int]]) -> dict[str, Any]:
    networks = [row.network for row in rows]
    return {
        "clicks": {
            "labels": [day.isoformat() for day, _count in clicks],
            "datasets": [{"label": _("Visits"), "counts": [count for _day, count in clicks]}],
        },
        "published": {
            "labels": networks,
            "datasets": [{"label": _("Published"), "counts": [row.published for row in rows]}],
        },
        "engagement": {
            "labels": networks,
            "datasets": [
                {"label": _("Shares"), "counts": [row.boosts for row in rows]},
                {"label": _("Likes"), "counts": [row.likes for row in rows]},
                {"label": _("Replies"), "counts": [row.replies for row in rows]},
            ],
        },
    }


@visible_object_view(Campaign)
def campaign_detail(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    user: Any = request.user
    posts = policy.visible(Post, user).filter(campaign=campaign)
    by_status = dict(
        posts.values("status").annotate(total=Count("pk")).values_list("status", "total")
    )
    rows = network_rows(PostTarget.objects.filter(post__in=posts))
    clicks = clicks_per_day(campaign)
    context = {
        "campaign": campaign,
        "statuses": [(label, by_status.get(value, 0)) for value, label in Post.Status.choices],
        "post_total": sum(by_status.values()),
        "state_labels": PostTarget.State.labels,
        "rows": rows,
        "clicks": clicks,
        "click_total": click_total(campaign),
        "links": campaign_links(campaign),
        "chart_data": chart_data(rows, clicks),
        "may_manage": policy.has_perm(user, "outreach.manage_campaigns"),
        "may_draft": policy.has_perm(user, "outreach.draft_post"),
        "hashtags": campaign.hashtags.all(),
    }
    return render(request, "outreach/campaigns/detail.html", context)
