"""Statistics for a petition's organisers: signatures over time, by region and by source.

Every figure is aggregated by the database (one grouped query per series): a petition with
tens of thousands of signatures must not bring them all into Python. Only confirmed
signatures count, dated by their confirmation (the moment they entered the counter)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from colombe.petitions.models import Petition, Signature

HOURS_SHOWN = 48
# A campaign longer than this is shown by its most recent days only (a year and a bit).
MAX_DAYS_SHOWN = 400

# Departments (INSEE codes, as stored on signatures) → the 18 regions of 2016.
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Auvergne-Rhône-Alpes": (
        "01",
        "03",
        "07",
        "15",
        "26",
        "38",
        "42",
        "43",
        "63",
        "69",
        "73",
        "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B", "20"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "Occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}
DEPARTMENT_REGION: dict[str, str] = {
    department: region
    for region, departments in REGION_DEPARTMENTS.items()
    for department in departments
}


def region_of(department: str) -> str | None:
    """The region of an INSEE department code, or None (abroad, overseas collectivities,
    unknown)."""
    return DEPARTMENT_REGION.get(department.upper())


@dataclass
class Bucket:
    label: str
    count: int
    # Machine-readable moment (ISO 8601) for <time datetime>, when the bucket is a time.
    moment: str = ""


@dataclass
class Summary:
    confirmed: int
    pending: int
    withdrawn: int
    paper: int
    keep_informed: int


@dataclass
class PetitionStats:
    summary: Summary
    per_hour: list[Bucket] = field(default_factory=list)
    per_day: list[Bucket] = field(default_factory=list)
    by_region: list[Bucket] = field(default_factory=list)
    by_source: list[Bucket] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        """What stats.js draws, fed to the page with the json_script filter."""

        def series(buckets: list[Bucket]) -> dict[str, list[Any]]:
            return {
                "labels": [bucket.label for bucket in buckets],
                "counts": [bucket.count for bucket in buckets],
            }

        return {
            "per_hour": series(self.per_hour),
            "per_day": series(self.per_day),
            "by_region": series(self.by_region),
            "by_source": series(self.by_source),
            "label": _("Signatures"),
        }


def confirmed_signatures(petition: Petition) -> QuerySet[Signature]:
    return Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def summary(petition: Petition) -> Summary:
    confirmed = Q(status=Signature.Status.CONFIRMED)
    totals = Signature.objects.filter(petition=petition).aggregate(
        confirmed=Count("pk", filter=confirmed),
        pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
        withdrawn=Count("pk", filter=Q(status=Signature.Status.WITHDRAWN)),
        paper=Count("pk", filter=confirmed & Q(is_paper=True)),
        keep_informed=Count("pk", filter=confirmed & Q(keep_informed=True)),
    )
    return Summary(**totals)


def per_hour(petition: Petition, now: datetime) -> list[Bucket]:
    """The last 48 hours, one bucket per hour, empty hours included. Hours are cut in UTC
    (Paris is a whole number of hours away, so they are the same hours) and labelled in
    local time, which keeps the buckets right across daylight-saving changes."""
    this_hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    first = this_hour - timedelta(hours=HOURS_SHOWN - 1)
    rows = (
        confirmed_signatures(petition)
        .filter(confirmed_at__gte=first)
        .annotate(hour=TruncHour("confirmed_at", tzinfo=UTC))
        .values("hour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["hour"].astimezone(UTC): row["count"] for row in rows}
    buckets = []
    for offset in range(HOURS_SHOWN):
        hour = first + timedelta(hours=offset)
        local = hour.astimezone(local_zone())
        label = date_format(local, "D H\\h")
        buckets.append(Bucket(label, counts.get(hour, 0), local.isoformat()))
    return buckets


def campaign_days(petition: Petition, now: datetime, first_seen: date | None) -> list[date]:
    zone = local_zone()
    starts = [
        moment.astimezone(zone).date()
        for moment in (petition.starts_at, petition.published_at)
        if moment is not None
    ]
    if first_seen is not None:
        starts.append(first_seen)
    ends = [
        moment.astimezone(zone).date()
        for moment in (now, petition.ends_at, petition.closed_at)
        if moment is not None
    ]
    last = min(ends)
    first = max(min(starts, default=last), last - timedelta(days=MAX_DAYS_SHOWN - 1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def per_day(petition: Petition, now: datetime) -> list[Bucket]:
    """The whole campaign, one bucket per local day, empty days included."""
    rows = (
        confirmed_signatures(petition)
        .annotate(day=TruncDate("confirmed_at", tzinfo=local_zone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    counts = {row["day"]: row["count"] for row in rows if row["day"] is not None}
    days = campaign_days(petition, now, min(counts, default=None))
    return [
        Bucket(date_format(day, "SHORT_DATE_FORMAT"), counts.get(day, 0), day.isoformat())
        for day in days
    ]


def by_region(petition: Petition) -> list[Bucket]:
    """Regions by number of signatures, then signatures without a known French region."""
    rows = (
        confirmed_signatures(petition).values("department").annotate(count=Count("pk")).order_by()
    )
    regions: dict[str, int] = {}
    elsewhere = 0
    # One row per department (about a hundred at most), never one per signature.
    for row in rows:
        region = region_of(row["department"] or "")
        if region is None:
            elsewhere += row["count"]
        else:
            regions[region] = regions.get(region, 0) + row["count"]
    buckets = [
        Bucket(name, count)
        for name, count in sorted(regions.items(), key=lambda item: (-item[1], item[0]))
    ]
    if elsewhere:
        buckets.append(Bucket(_("Elsewhere or unknown"), elsewhere))
    return buckets


def source_label(source: str, is_paper: bool) -> str:
    if is_paper:
        return _("Paper")
    return source or _("Direct (no source)")


def by_source(petition: Petition) -> list[Bucket]:
    rows = (
        confirmed_signatures(petition)
        .values("source", "is_paper")
        .annotate(count=Count("pk"))
        .order_by()
    )
    sources: dict[str, int] = {}
    for row in rows:
        label = source_label(row["source"], row["is_paper"])
        sources[label] = sources.get(label, 0) + row["count"]
    return [
        Bucket(label, count)
        for label, count in sorted(sources.items(), key=lambda item: (-item[1], item[0]))
    ]


def petition_stats(petition: Petition, now: datetime | None = None) -> PetitionStats:
    """All the figures of the statistics page, in five queries whatever the petition's
    size."""
    now = now or timezone.now()
    return PetitionStats(
        summary=summary(petition),
        per_hour=per_hour(petition, now),
        per_day=per_day(petition, now),
        by_region=by_region(petition),
        by_source=by_source(petition),
    )
