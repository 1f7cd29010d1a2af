"""The figures of the feed "What the committees do" — how many reports pass the filters,
how many per committee (the map), per month and kind (the charts) — over the published
reports the viewer may read, fast with 100,000 reports.

Those reports are split in two disjoint parts (``reports.policy``):

- the part a whole class of viewers shares (anyone; members of the movement; national
  administrators): the published reports of that audience outside non-public groups.
  It is most of the reports, so its figures are the costly ones; they are the same for
  everyone in the class, so they are cached per class and filter set, under a version
  that any change of a report, of its hashtags or of a group replaces (a new report
  counts at once; see ``changed``);
- the viewer's own part (committee-only reports of their committees, reports of the
  non-public groups they belong to): a few rows found through indexes. It depends only
  on the viewer's class and on which structures and groups they belong to, never on who
  they are, so it is cached under those ids (and the same version): a viewer who joins
  or leaves a committee or a group has other ids, hence other entries, at once.

Figures are the sums of both parts' counts. The parts are disjoint and their union is
exactly the policy's scope, so a report the viewer may not read never counts, and every
report they may read counts once."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from colombe.core.models import Hashtag
from colombe.groups.models import Group
from colombe.movement.models import Structure, Territory
from colombe.reports import activity, figures_cache
from colombe.reports.models import ActionReport
from colombe.reports.policy import (
    Reader,
    SharedAudience,
    own_published_reports,
    shared_published_reports,
)

FIGURES = "feed-figures"
MonthCounts = dict[tuple[date, str], int]
Filter = Callable[[QuerySet[ActionReport]], QuerySet[ActionReport]]
Key = TypeVar("Key")


@dataclass
class FeedFigures:
    """Reports per committee that pass every filter but the territory (the map), the
    number passing every filter (the list) and per (month, kind) (the charts)."""

    per_structure: dict[int, int]
    count: int
    months: MonthCounts


def changed(**kwargs: Any) -> None:
    """A report, its hashtags or a group changed: cached figures are obsolete."""
    figures_cache.replace_version(FIGURES)


def feed_figures(
    viewer: Reader,
    filter_others: Filter,
    other_filters: dict[str, str],
    territory: Territory | None,
    today: date | None = None,
) -> FeedFigures:
    """The figures for ``viewer``. ``filter_others`` applies the valid filters but the
    territory (``other_filters`` names them, for the cache key); ``territory`` is the
    chosen one, if any. Each part: two cache reads (a query each when it misses); none
    for the own part of a viewer who has no structure nor group."""
    today = today or timezone.localdate()
    in_territory = _structures_in(territory)
    # The chart's twelve months end today: its entries change with the date.
    chart_filters = {
        **other_filters,
        "territory": territory.slug if territory else "",
        "today": today.isoformat(),
    }
    shared = _shared_figures(
        viewer.audience, filter_others, other_filters, chart_filters, in_territory, today
    )
    own = _own_figures(viewer, filter_others, other_filters, chart_filters, in_territory, today)
    per_structure = _added(shared[0], own[0])
    months = _added(shared[1], own[1])
    counted = per_structure if in_territory is None else _within(per_structure, in_territory)
    return FeedFigures(per_structure=per_structure, count=sum(counted.values()), months=months)


def _shared_figures(
    audience: SharedAudience,
    filter_others: Filter,
    other_filters: dict[str, str],
    chart_filters: dict[str, str],
    in_territory: set[int] | None,
    today: date,
) -> tuple[dict[int, int], MonthCounts]:
    reports = filter_others(shared_published_reports(audience))
    # The map ignores the territory, the charts follow it: cached under their own filters.
    per_structure = figures_cache.get_or_compute(
        FIGURES,
        {**other_filters, "audience": audience, "part": "map"},
        lambda: activity.reports_per_structure(reports),
    )
    months = figures_cache.get_or_compute(
        FIGURES,
        {**chart_filters, "audience": audience, "part": "chart"},
        lambda: activity.monthly_counts(_in(reports, in_territory), today),
    )
    return per_structure, months


def _own_figures(
    viewer: Reader,
    filter_others: Filter,
    other_filters: dict[str, str],
    chart_filters: dict[str, str],
    in_territory: set[int] | None,
    today: date,
) -> tuple[dict[int, int], MonthCounts]:
    reports = filter_others(own_published_reports(viewer))
    if reports.query.is_empty():
        return {}, {}
    memberships = {
        "audience": viewer.audience,
        "structures": _listed(viewer.structure_ids),
        "groups": _listed(viewer.group_ids),
    }
    per_structure = figures_cache.get_or_compute(
        FIGURES,
        {**other_filters, **memberships, "part": "own-map"},
        lambda: activity.reports_per_structure(reports),
    )
    months = figures_cache.get_or_compute(
        FIGURES,
        {**chart_filters, **memberships, "part": "own-chart"},
        lambda: activity.monthly_counts(_in(reports, in_territory), today),
    )
    return per_structure, months


def _listed(ids: tuple[int, ...] | None) -> str:
    return ",".join(str(pk) for pk in sorted(ids or ()))


def _structures_in(territory: Territory | None) -> set[int] | None:
    """The committees inside the chosen territory, None without one."""
    if territory is None:
        return None
    return {
        structure_id
        for structure_id, place in activity.placements().items()
        if territory.pk in place.inside
    }


def _in(reports: QuerySet[ActionReport], structures: set[int] | None) -> QuerySet[ActionReport]:
    return reports if structures is None else reports.filter(structure_id__in=structures)


def _within(per_structure: dict[int, int], structures: set[int]) -> dict[int, int]:
    return {pk: count for pk, count in per_structure.items() if pk in structures}


def _added(first: dict[Key, int], second: dict[Key, int]) -> dict[Key, int]:
    total = dict(first)
    for key, count in second.items():
        total[key] = total.get(key, 0) + count
    return total


def connect_signals() -> None:
    """What changes the figures: a report (created, edited, published, moved, deleted),
    its hashtags (a filter), a group (its visibility decides the shared part), where
    committees are (the map and the territory filter)."""
    uid = "colombe.reports.feed_figures"
    post_save.connect(changed, sender=ActionReport, dispatch_uid=f"{uid}.report.save")
    post_delete.connect(changed, sender=ActionReport, dispatch_uid=f"{uid}.report.delete")
    m2m_changed.connect(
        changed, sender=ActionReport.hashtags.through, dispatch_uid=f"{uid}.report.hashtags"
    )
    # A hashtag renamed or merged into another spelling changes what its filter finds.
    post_save.connect(changed, sender=Hashtag, dispatch_uid=f"{uid}.hashtag.save")
    post_save.connect(changed, sender=Group, dispatch_uid=f"{uid}.group.save")
    post_delete.connect(changed, sender=Group, dispatch_uid=f"{uid}.group.delete")
    # Where committees are on the map.
    for model in (Structure, Territory):
        name = model.__name__.lower()
        post_save.connect(placed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(placed, sender=model, dispatch_uid=f"{uid}.{name}.delete")


def placed(**kwargs: Any) -> None:
    """A committee or a territory changed: where committees are placed is obsolete."""
    figures_cache.replace_version(activity.PLACEMENTS)
