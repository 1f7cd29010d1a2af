"""The agenda of actions (with the meetings), its iCalendar feed, and the maps Colombe
draws itself: an action's department, a day of action's regions. Every list starts from
the policy's scoped querysets: an action or meeting the viewer may not see is never
listed, counted or drawn."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Event

from colombe.actions.models import Action, ActionKind, DayOfAction
from colombe.core import policy
from colombe.core.ical import calendar, stable_uid
from colombe.core.mail import absolute_url
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure, Territory
from colombe.movement.policy import subtree_filter
from colombe.reports import france_map

PRODUCT_ID = "-//Colombe//Actions//FR"
FEED_PAST_DAYS = 30
Level = Territory.Level


# The agenda --------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the agenda: an action or a meeting."""

    is_meeting: bool
    item: Any

    @property
    def day(self) -> date:
        return timezone.localtime(self.item.starts_at).date()


@dataclass
class AgendaQuery:
    territory: Territory | None = None
    kind: str = ""
    committee: Structure | None = None
    day: DayOfAction | None = None

    @property
    def only_actions(self) -> bool:
        """A kind of action or a day of action: meetings are neither."""
        return bool(self.kind) or self.day is not None

    def as_params(self) -> dict[str, str]:
        params = {}
        if self.territory is not None:
            params["territory"] = self.territory.slug
        if self.kind:
            params["kind"] = self.kind
        if self.committee is not None:
            params["comite"] = self.committee.slug
        if self.day is not None:
            params["journee"] = self.day.slug
        return params


def upcoming_actions(user: Any, query: AgendaQuery) -> QuerySet[Action]:
    actions = policy.visible(Action, user).filter(ends_at__gte=timezone.now())
    if query.territory is not None:
        actions = actions.filter(subtree_filter([query.territory.pk], prefix="territory__"))
    if query.kind:
        actions = actions.filter(kind=query.kind)
    if query.committee is not None:
        actions = actions.filter(
            Q(structure=query.committee) | Q(co_organisers=query.committee)
        ).distinct()
    if query.day is not None:
        actions = actions.filter(day_of_action=query.day)
    return actions


def upcoming_meetings(user: Any, query: AgendaQuery) -> QuerySet[Meeting]:
    if query.only_actions:
        return Meeting.objects.none()
    meetings = policy.visible(Meeting, user).filter(
        ends_at__gte=timezone.now(), status__in=[Meeting.Status.SCHEDULED, Meeting.Status.LIVE]
    )
    if query.territory is not None:
        meetings = meetings.filter(
            subtree_filter([query.territory.pk], prefix="owner__territory__")
        )
    if query.committee is not None:
        meetings = meetings.filter(owner=query.committee)
    return meetings


def agenda_keys(user: Any, query: AgendaQuery) -> list[tuple[datetime, bool, int]]:
    """(start, is meeting, id) of everything upcoming, in order: two light queries, so
    that the page is cut from actions and meetings together."""
    actions = upcoming_actions(user, query).values_list("starts_at", "pk")
    meetings = upcoming_meetings(user, query).values_list("starts_at", "pk")
    keys = [(start, False, pk) for start, pk in actions]
    keys += [(start, True, pk) for start, pk in meetings]
    return sorted(keys)


def entries_for(keys: Iterable[tuple[datetime, bool, int]]) -> list[Entry]:
    """The objects of one page of keys, fetched in two queries, in the keys' order."""
    keys = list(keys)
    action_ids = [pk for _start, is_meeting, pk in keys if not is_meeting]
    meeting_ids = [pk for _start, is_meeting, pk in keys if is_meeting]
    actions = Action.objects.select_related("structure", "day_of_action").in_bulk(action_ids)
    meetings = Meeting.objects.select_related("owner").in_bulk(meeting_ids)
    return [
        Entry(is_meeting, meetings[pk] if is_meeting else actions[pk])
        for _start, is_meeting, pk in keys
    ]


# iCalendar ---------------------------------------------------------------------------------


def public_feed_actions(committee: Structure | None = None) -> QuerySet[Action]:
    """Public actions from a month ago on, for anyone's calendar."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    actions = Action.objects.filter(visibility=Action.Visibility.PUBLIC, ends_at__gte=since)
    if committee is not None:
        actions = actions.filter(Q(structure=committee) | Q(co_organisers=committee)).distinct()
    return actions.order_by("starts_at", "pk")


def location(action: Action) -> str:
    return ", ".join(part for part in (action.place, action.address, action.town) if part)


def event_for(action: Action, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", stable_uid("action", action.pk))
    event.add("dtstamp", timezone.now())
    event.add("summary", action.title)
    event.add("dtstart", action.starts_at.astimezone(zone))
    event.add("dtend", action.ends_at.astimezone(zone))
    event.add("location", location(action))
    event.add("url", absolute_url(action.get_absolute_url()))
    event.add("categories", [str(ActionKind(action.kind).label)])
    if action.description:
        event.add("description", action.description)
    cancelled = action.status == Action.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_for(actions: Iterable[Action], name: str) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    return calendar(PRODUCT_ID, (event_for(action, zone) for action in actions), name)


# Maps ----------------------------------------------------------------------------------------


@dataclass
class MapArea:
    code: str
    name: str
    path: str
    count: int = 0
    shade: int = 0
    current: bool = False

    @property
    def label(self) -> str:
        return ngettext("%(name)s: %(count)d action", "%(name)s: %(count)d actions", self.count) % {
            "name": self.name,
            "count": self.count,
        }


@dataclass
class DrawnMap:
    view_box: str
    areas: list[MapArea]
    neighbours: list[str] = field(default_factory=list)
    legend: list[tuple[int, int, int]] = field(default_factory=list)
    licence_file: str = france_map.LICENCE_FILE


def department_code(territory: Territory) -> str | None:
    """The code of the department the territory is in (or is), when it is drawn."""
    for node in territory.ancestors_and_self():
        if node.level == Level.DEPARTMENT and node.code in france_map.department_shapes():
            return node.code
    return None


def region_code_of_department(code: str) -> str | None:
    return next((r for r, ds in france_map.REGION_DEPARTMENTS.items() if code in ds), None)


def place_map(action: Action) -> DrawnMap | None:
    """The action's region by department, its department marked; None when it lies
    outside the metropolitan map (overseas, or a national territory)."""
    code = department_code(action.territory)
    region = region_code_of_department(code) if code else None
    if code is None or region is None:
        return None
    shapes = france_map.departments_of(region)
    box = france_map.framing(shapes)
    areas = [MapArea(code=s.code, name=s.name, path=s.path, current=s.code == code) for s in shapes]
    neighbours = [shape.path for shape in france_map.neighbours(shapes, box)]
    return DrawnMap(view_box=box.view_box(), areas=areas, neighbours=neighbours)


def openstreetmap_url(action: Action) -> str:
    """A plain link to the spot on openstreetmap.org: nothing is loaded from there."""
    if action.latitude is None or action.longitude is None:
        return ""
    lat, lon = action.latitude, action.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


# Days of action --------------------------------------------------------------------------


@dataclass
class RegionGroup:
    code: str
    name: str
    actions: list[Action] = field(default_factory=list)


@dataclass
class DayFigures:
    """A day of action seen from above: its local actions by region, the map, counts."""

    regions: list[RegionGroup]
    map: DrawnMap
    action_count: int
    structure_count: int
    committee_count: int


class TerritoryTree:
    """The territory tree in memory (one query), to place actions in regions."""

    def __init__(self) -> None:
        self.nodes = {t.pk: t for t in Territory.objects.only("name", "level", "code", "parent_id")}

    def region_of(self, territory_id: int) -> Territory | None:
        node = self.nodes.get(territory_id)
        while node is not None and node.level > Level.REGION:
            node = self.nodes.get(node.parent_id or 0)
        return node if node is not None and node.level == Level.REGION else None


def group_by_region(actions: list[Action]) -> list[RegionGroup]:
    """Actions by region, regions by name; those above any region (national, or not
    placed in the tree) last."""
    tree = TerritoryTree()
    groups: dict[int, RegionGroup] = {}
    for action in actions:
        region = tree.region_of(action.territory_id)
        key = region.pk if region is not None else 0
        if key not in groups:
            name = region.name if region is not None else _("National or overseas")
            groups[key] = RegionGroup(code=region.code if region else "", name=name)
        groups[key].actions.append(action)
    return [groups[key] for key in sorted(groups, key=lambda k: (k == 0, groups[k].name))]


def regions_map(groups: list[RegionGroup]) -> DrawnMap:
    counts = {g.code: len(g.actions) for g in groups if g.code}
    shapes = france_map.region_shapes().values()
    areas = [
        MapArea(code=s.code, name=s.name, path=s.path, count=counts.get(s.code, 0)) for s in shapes
    ]
    maximum = max((area.count for area in areas), default=0)
    for area in areas:
        area.shade = france_map.shade(area.count, maximum)
    return DrawnMap(
        view_box=france_map.france_box().view_box(),
        areas=areas,
        legend=france_map.legend(maximum),
    )


def day_actions(user: Any, day: DayOfAction) -> QuerySet[Action]:
    return (
        policy.visible(Action, user)
        .filter(day_of_action=day)
        .select_related("structure", "territory")
        .order_by("starts_at", "pk")
    )


def day_figures(user: Any, day: DayOfAction) -> DayFigures:
    actions = list(day_actions(user, day))
    planned = [a for a in actions if a.status == Action.Status.PLANNED]
    groups = group_by_region(actions)
    taking_part = Structure.objects.filter(
        Q(actions__in=[a.pk for a in planned]) | Q(co_organised_actions__in=[a.pk for a in planned])
    ).distinct()
    return DayFigures(
        regions=groups,
        map=regions_map(group_by_region(planned)),
        action_count=len(planned),
        structure_count=taking_part.count(),
        committee_count=taking_part.filter(kind=Structure.Kind.COMMITTEE).count(),
    )
