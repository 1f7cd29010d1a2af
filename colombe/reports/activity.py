"""Figures of the feed "What the committees do": reports per territory for the map of
France, and reports per month and kind for the activity charts.

Every figure is counted in the database over the queryset it is given, which the views
build from the policy's rules (``reports.policy``): a report the viewer may not read —
a secret group's — never counts. One query for the counts per committee, one for the
chart, whatever the number of reports or territories; where each committee sits in the
territory tree is read once and cached (``placements``). The feed caches the part of
these counts a class of viewers shares: ``reports.feed_figures``.

Counts are ``COUNT(DISTINCT id)``, so that a join to a many-valued relation (hashtags)
never counts a report twice."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, QuerySet, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from colombe.movement.models import Structure, Territory
from colombe.movement.policy import TREE_DEPTH
from colombe.reports import figures_cache, france_map
from colombe.reports.france_map import Shape
from colombe.reports.models import ActionReport

Level = Territory.Level
MONTHS = 12
MAP_ANCHOR = "#feed-map"


# --- Counting ----------------------------------------------------------------------------


def ancestor_at(level: int, path: str = "territory") -> Case:
    """The id of the territory at ``level`` above (or at) a structure's territory; NULL
    when the structure sits above that level (a national structure)."""
    conditions = []
    for _depth in range(TREE_DEPTH):
        conditions.append(When(**{f"{path}__level": level}, then=F(path)))
        path += "__parent"
    return Case(*conditions, default=None, output_field=IntegerField())


def reports_per_structure(reports: QuerySet[ActionReport]) -> dict[int, int]:
    """Number of reports per committee, in one query, without joining the territory
    tree to every report."""
    return dict(
        reports.order_by()
        .values("structure_id")
        .annotate(total=Count("pk", distinct=True))
        .values_list("structure_id", "total")
    )


def place_counts(
    per_structure: dict[int, int], level: int, within: Territory | None = None
) -> dict[int | None, int]:
    """Per-committee counts added up per territory of ``level`` (None: not placed at
    that level), keeping only the committees inside ``within`` when it is given."""
    places = placements()
    if any(structure_id not in places for structure_id in per_structure):
        places = placements(fresh=True)
    counts: dict[int | None, int] = defaultdict(int)
    for structure_id, count in per_structure.items():
        place = places.get(structure_id)
        if place is None or (within is not None and within.pk not in place.inside):
            continue
        counts[place.areas.get(level)] += count
    return dict(counts)


PLACEMENTS = "placements"


class Place(NamedTuple):
    """Where a structure is: the territories it is inside (its own and its ancestors),
    and the first of them at each level (as ``ancestor_at`` finds it)."""

    inside: frozenset[int]
    areas: dict[int, int]


def placements(fresh: bool = False) -> dict[int, Place]:
    """Where every structure is in the territory tree: one query, cached until a
    structure or a territory changes (``feed_figures.placed``)."""
    if fresh:
        figures_cache.replace_version(PLACEMENTS)
    return figures_cache.get_or_compute(PLACEMENTS, {}, _read_placements)


def _read_placements() -> dict[int, Place]:
    fields: list[str] = []
    path = "territory"
    for _depth in range(TREE_DEPTH):
        fields += [path, f"{path}__level"]
        path += "__parent"
    places: dict[int, Place] = {}
    for structure_id, *ancestry in Structure.objects.values_list("pk", *fields):
        chain = [(pk, at) for pk, at in zip(ancestry[::2], ancestry[1::2], strict=True) if pk]
        areas: dict[int, int] = {}
        for pk, at in chain:
            areas.setdefault(at, pk)
        places[structure_id] = Place(frozenset(pk for pk, _at in chain), areas)
    return places


def counts_by_territory(
    reports: QuerySet[ActionReport], level: int, within: Territory | None = None
) -> dict[int | None, int]:
    """Number of reports per territory of ``level``: counted per committee first, then
    the committees that have reports placed in the tree (two queries)."""
    return place_counts(reports_per_structure(reports), level, within)


# --- The map -----------------------------------------------------------------------------


@dataclass
class Area:
    """One territory as the map and its table show it."""

    code: str
    name: str
    count: int
    territory: Territory | None = None
    href: str = ""
    shade: int = 0
    current: bool = False
    path: str = ""

    @property
    def label(self) -> str:
        return ngettext("%(name)s: %(count)d report", "%(name)s: %(count)d reports", self.count) % {
            "name": self.name,
            "count": self.count,
        }


@dataclass
class FeedMap:
    """What ``reports/_map.html`` draws: the areas on the map (regions of France, or the
    departments of one region), the grey neighbours around a region, and the table rows
    (every territory of the movement at that level, on the map or not)."""

    region: Territory | None
    view_box: str
    areas: list[Area]
    rows: list[Area]
    unplaced: int
    neighbours: list[str] = field(default_factory=list)
    legend: list[tuple[int, int, int]] = field(default_factory=list)
    france_href: str = ""
    licence_file: str = france_map.LICENCE_FILE

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows) + self.unplaced

    @property
    def area_heading(self) -> Any:
        return _("Department") if self.region else _("Region")


def feed_link(query: dict[str, str], territory: Territory | None = None) -> str:
    """The feed with the other filters kept, filtered to ``territory``."""
    params = dict(query)
    params.pop("territory", None)
    if territory is not None:
        params["territory"] = territory.slug
    encoded = urlencode(params)
    return reverse("reports:feed") + (f"?{encoded}" if encoded else "") + MAP_ANCHOR


def feed_map(
    per_structure: dict[int, int],
    selected: Territory | None,
    query: dict[str, str],
    regions_and_departments: list[Territory],
) -> FeedMap:
    """The map of the feed from the number of reports per committee that pass every
    filter but the territory: the territory chooses what is drawn — France by region,
    or the departments of the chosen region (or of the chosen department's region, that
    department marked)."""
    territories = {t.pk: t for t in regions_and_departments}
    region = _region_of(selected, territories)
    if region is None:
        rows_level, shapes = Level.REGION, list(france_map.region_shapes().values())
        members = [t for t in territories.values() if t.level == Level.REGION]
    else:
        rows_level, shapes = Level.DEPARTMENT, france_map.departments_of(region.code)
        members = [t for t in territories.values() if t.parent_id == region.pk]
    counts = place_counts(per_structure, rows_level, within=region)
    rows = [
        Area(
            code=t.code,
            name=t.name,
            count=counts.get(t.pk, 0),
            territory=t,
            href=feed_link(query, t),
            current=selected is not None and t.pk == selected.pk,
        )
        for t in sorted(members, key=lambda t: t.name)
    ]
    placed = {t.pk for t in members}
    unplaced = sum(count for pk, count in counts.items() if pk not in placed)
    areas = _areas(shapes, rows)
    maximum = max((area.count for area in areas), default=0)
    for area in areas:
        area.shade = france_map.shade(area.count, maximum)
    box = france_map.framing(shapes) if region is not None and shapes else france_map.france_box()
    neighbours = france_map.neighbours(shapes, box) if region is not None else []
    return FeedMap(
        region=region,
        view_box=box.view_box(),
        areas=areas,
        rows=rows,
        unplaced=unplaced,
        neighbours=[shape.path for shape in neighbours],
        legend=france_map.legend(maximum),
        france_href=feed_link(query),
    )


def _region_of(selected: Territory | None, territories: dict[int, Territory]) -> Territory | None:
    if selected is None:
        return None
    if selected.level == Level.REGION:
        return selected
    parent = territories.get(selected.parent_id or 0)
    return parent if parent is not None and parent.level == Level.REGION else None


def _areas(shapes: list[Shape], rows: list[Area]) -> list[Area]:
    """One area per outline; an outline no territory of the movement carries is drawn
    with nothing in it and no link."""
    by_code = {row.code: row for row in rows if row.code}
    areas = []
    for shape in shapes:
        row = by_code.get(shape.code)
        if row is None:
            areas.append(Area(code=shape.code, name=shape.name, count=0, path=shape.path))
        else:
            row.path = shape.path
            areas.append(row)
    return areas


# --- The charts --------------------------------------------------------------------------


@dataclass
class Month:
    start: date
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class ActivityChart:
    """Reports per month over the last twelve months, by kind; only the kinds that
    happened, so the table stays readable on a phone."""

    kinds: list[tuple[str, str]]
    months: list[Month]

    @property
    def total(self) -> int:
        return sum(month.total for month in self.months)

    def kind_totals(self) -> list[int]:
        return [sum(month.counts[i] for month in self.months) for i in range(len(self.kinds))]

    def chart_data(self) -> dict[str, Any]:
        """For activity.js, through json_script."""
        return {
            "labels": [month.label for month in self.months],
            "datasets": [
                {"kind": kind, "label": label, "counts": [m.counts[i] for m in self.months]}
                for i, (kind, label) in enumerate(self.kinds)
            ],
        }


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """The first day of the last ``count`` months, this one included, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _step in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def monthly_counts(
    reports: QuerySet[ActionReport], today: date | None = None
) -> dict[tuple[date, str], int]:
    """One query: reports per (month, kind) over the last twelve months."""
    today = today or timezone.localdate()
    rows = (
        reports.order_by()
        .filter(happened_on__gte=month_starts(today)[0], happened_on__lte=today)
        .annotate(month=TruncMonth("happened_on"))
        .values("month", "kind")
        .annotate(total=Count("pk", distinct=True))
    )
    return {(row["month"], row["kind"]): row["total"] for row in rows}


def activity_chart(found: dict[tuple[date, str], int], today: date | None = None) -> ActivityChart:
    """The chart of the last twelve months from counts per (month, kind)."""
    starts = month_starts(today or timezone.localdate())
    happened = {kind for _month, kind in found}
    kinds = [(k, str(label)) for k, label in ActionReport.Kind.choices if k in happened]
    months = [
        Month(
            start=start,
            label=formats.date_format(start, "YEAR_MONTH_FORMAT"),
            counts=[found.get((start, kind), 0) for kind, _label in kinds],
        )
        for start in starts
    ]
    return ActivityChart(kinds=kinds, months=months)


def monthly_activity(reports: QuerySet[ActionReport], today: date | None = None) -> ActivityChart:
    """One query: reports grouped by month and kind over the last twelve months."""
    return activity_chart(monthly_counts(reports, today), today)
