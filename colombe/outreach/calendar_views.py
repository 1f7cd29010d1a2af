"""The shared editorial calendar: scheduled and published posts of every committee by
month or week, with the campaigns running then, so that committees see each other's
posts and avoid clashes. Drafts and posts in review are not on it."""

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from colombe.core import policy
from colombe.movement.models import Structure
from colombe.outreach.access import members_only
from colombe.outreach.models import Campaign, Network, Post
from colombe.outreach.policy import ON_THE_CALENDAR

MONTH, WEEK = "mois", "semaine"
# Two posts of one campaign, or on one account, closer than this compete for attention.
CLASH_WINDOW = timedelta(hours=1)
BAND_COLOURS = 4


class CalendarFilterForm(forms.Form):
    comite = forms.ModelChoiceField(
        label=gettext_lazy("Committee"),
        queryset=Structure.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All"),
    )
    campagne = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All"),
    )
    reseau = forms.ChoiceField(
        label=gettext_lazy("Network"),
        choices=[("", gettext_lazy("All")), *Network.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = policy.visible(Campaign, user).order_by("-starts_on", "title")
        cast(forms.ModelChoiceField, self.fields["campagne"]).queryset = campaigns

    def chosen(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


@dataclass
class Clash:
    other: Post
    reason: str


@dataclass
class Entry:
    post: Post
    moment: datetime
    networks: list[str]
    accounts: dict[int, str]
    clashes: list[Clash] = field(default_factory=list)


@dataclass
class BandMark:
    """A campaign running on one day: where the day is in the campaign's band."""

    campaign: Campaign
    colour: int
    starts: bool
    ends: bool


@dataclass
class Day:
    day: date
    in_period: bool
    is_today: bool
    entries: list[Entry]
    bands: list[BandMark]


def chosen_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


def period_of(view: str, day: date) -> tuple[date, date]:
    if view == WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    last = calendar_module.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def neighbours(view: str, start: date) -> tuple[date, date]:
    if view == WEEK:
        return start - timedelta(days=7), start + timedelta(days=7)
    previous = (start - timedelta(days=1)).replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return previous, following


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_posts(user: Any, start: date, end: date, chosen: dict[str, Any]) -> QuerySet[Post]:
    posts = (
        policy.visible(Post, user)
        .filter(status__in=ON_THE_CALENDAR)
        .annotate(moment=Coalesce("published_at", "scheduled_at"))
        .filter(moment__gte=local_midnight(start), moment__lt=local_midnight(end + timedelta(1)))
    )
    if "comite" in chosen:
        posts = posts.filter(structure=chosen["comite"])
    if "campagne" in chosen:
        posts = posts.filter(campaign=chosen["campagne"])
    if "reseau" in chosen:
        posts = posts.filter(targets__account__network=chosen["reseau"]).distinct()
    return (
        posts.select_related("structure", "campaign")
        .prefetch_related("targets__account")
        .order_by("moment", "pk")
    )


def entry_for(post: Any) -> Entry:
    accounts = {target.account_id: str(target.account) for target in post.targets.all()}
    networks = sorted({target.account.get_network_display() for target in post.targets.all()})
    return Entry(post, timezone.localtime(post.moment), networks, accounts)


def clash_reason(first: Entry, second: Entry) -> str:
    campaign = first.post.campaign
    if campaign is not None and campaign == second.post.campaign:
        return _("same campaign (%(campaign)s)") % {"campaign": campaign.title}
    shared = sorted(set(first.accounts) & set(second.accounts))
    if shared:
        return _("same account (%(account)s)") % {"account": first.accounts[shared[0]]}
    return ""


def mark_clashes(entries: list[Entry]) -> None:
    """Entries are in time order: each is compared with those less than an hour later."""
    for index, first in enumerate(entries):
        for second in entries[index + 1 :]:
            if second.moment - first.moment > CLASH_WINDOW:
                break
            reason = clash_reason(first, second)
            if reason:
                first.clashes.append(Clash(second.post, reason))
                second.clashes.append(Clash(first.post, reason))


def running_campaigns(
    user: Any, start: date, end: date, chosen: dict[str, Any]
) -> list[tuple[Campaign, int]]:
    campaigns = policy.visible(Campaign, user).filter(starts_on__lte=end, ends_on__gte=start)
    if "campagne" in chosen:
        campaigns = campaigns.filter(pk=chosen["campagne"].pk)
    ordered = campaigns.order_by("starts_on", "title")
    return [(campaign, index % BAND_COLOURS) for index, campaign in enumerate(ordered)]


def days_of(
    days: list[date],
    start: date,
    end: date,
    entries: list[Entry],
    campaigns: list[tuple[Campaign, int]],
) -> list[Day]:
    today = timezone.localdate()
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.moment.date(), []).append(entry)
    return [
        Day(
            day=day,
            in_period=start <= day <= end,
            is_today=day == today,
            entries=by_day.get(day, []),
            bands=[
                BandMark(campaign, colour, day == campaign.starts_on, day == campaign.ends_on)
                for campaign, colour in campaigns
                if campaign.starts_on <= day <= campaign.ends_on
            ],
        )
        for day in days
    ]


def grid(view: str, start: date, end: date) -> list[list[date]]:
    if view == WEEK:
        return [[start + timedelta(days=offset) for offset in range(7)]]
    return calendar_module.Calendar(firstweekday=0).monthdatescalendar(start.year, start.month)


@members_only
def calendar(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    view = WEEK if request.GET.get("vue") == WEEK else MONTH
    start, end = period_of(view, chosen_day(request.GET.get("date", "")))
    filters = CalendarFilterForm(request.GET, user=user)
    chosen = filters.chosen()
    entries = [entry_for(post) for post in calendar_posts(user, start, end, chosen)]
    mark_clashes(entries)
    campaigns = running_campaigns(user, start, end, chosen)
    weeks = [days_of(week, start, end, entries, campaigns) for week in grid(view, start, end)]
    previous, following = neighbours(view, start)
    filter_query = {name: request.GET[name] for name in chosen}
    context = {
        "view": view,
        "start": start,
        "end": end,
        "weeks": weeks,
        "entries": entries,
        "clash_count": sum(1 for entry in entries if entry.clashes),
        "campaigns": campaigns,
        "filters": filters,
        "filtered": bool(chosen),
        "weekdays": [WEEKDAYS[number] for number in range(7)],
        "previous_query": urlencode({"vue": view, "date": previous, **filter_query}),
        "next_query": urlencode({"vue": view, "date": following, **filter_query}),
        "today_query": urlencode({"vue": view, **filter_query}),
        "month_query": urlencode({"vue": MONTH, "date": start, **filter_query}),
        "week_query": urlencode({"vue": WEEK, "date": start, **filter_query}),
    }
    return render(request, "outreach/calendar/calendar.html", context)
