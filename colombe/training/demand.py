"""Where the digital divide is: mentoring requests counted by topic and by region, open
against done, and the regions where people ask for help that nobody nearby can give.
For the communication group."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from colombe.movement.models import Membership, Territory
from colombe.training.mentoring_services import ancestor_at
from colombe.training.models import MentoringRequest, Skill, Topic

Status = MentoringRequest.Status
# Shown as "waiting" / "in progress" / "done"; cancelled requests are left out.
COUNTED = (Status.OPEN, Status.PAIRED, Status.DONE)


@dataclass
class DemandRow:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        return self.counts[Status.OPEN]

    @property
    def paired(self) -> int:
        return self.counts[Status.PAIRED]

    @property
    def done(self) -> int:
        return self.counts[Status.DONE]


@dataclass(frozen=True)
class Gap:
    """Open requests on a topic in a region where no member can help with it."""

    region: str
    topic: str
    open_requests: int


@dataclass
class Demand:
    by_topic: list[DemandRow]
    by_region: list[DemandRow]
    gaps: list[Gap]

    @property
    def largest(self) -> int:
        return max((row.total for row in self.by_topic), default=0)


def region_of_territories() -> dict[int, Territory | None]:
    """Every territory's region (None above the regions)."""
    territories = Territory.objects.select_related("parent__parent__parent")
    return {t.pk: ancestor_at(t, Territory.Level.REGION) for t in territories}


def counted_requests() -> list[dict]:
    return list(
        MentoringRequest.objects.filter(status__in=COUNTED)
        .values("topic_id", "territory_id", "status")
        .annotate(n=Count("pk"))
    )


def rows_by(groups: list[dict], key: str, labels: dict) -> list[DemandRow]:
    rows: dict[object, DemandRow] = {}
    for group in groups:
        label_key = group[key]
        row = rows.setdefault(label_key, DemandRow(labels.get(label_key, _("Not given"))))
        row.counts[group["status"]] += group["n"]
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


def helper_regions() -> dict[int, set[int]]:
    """For each topic, the regions where at least one active member can help."""
    regions = region_of_territories()
    helper_topics: dict[int, set[int]] = defaultdict(set)
    for user_id, topic_id in Skill.objects.filter(can_teach=True).values_list(
        "user_id", "topic_id"
    ):
        helper_topics[user_id].add(topic_id)
    found: dict[int, set[int]] = defaultdict(set)
    memberships = Membership.objects.filter(
        user_id__in=helper_topics, status=Membership.Status.ACTIVE, user__is_active=True
    ).values_list("user_id", "structure__territory_id")
    for user_id, territory_id in memberships:
        region = regions.get(territory_id)
        if region is not None:
            for topic_id in helper_topics[user_id]:
                found[topic_id].add(region.pk)
    return found


def gaps(groups: list[dict], regions: dict[int, Territory | None], topics: dict) -> list[Gap]:
    covered = helper_regions()
    open_counts: dict[tuple[int, int], int] = defaultdict(int)
    region_names: dict[int, str] = {}
    for group in groups:
        region = regions.get(group["territory_id"])
        if group["status"] != Status.OPEN or region is None:
            continue
        if region.pk not in covered.get(group["topic_id"], set()):
            open_counts[(region.pk, group["topic_id"])] += group["n"]
            region_names[region.pk] = region.name
    found = [
        Gap(region_names[region_id], topics[topic_id], count)
        for (region_id, topic_id), count in open_counts.items()
    ]
    return sorted(found, key=lambda gap: (-gap.open_requests, gap.region, gap.topic))


def mentoring_demand() -> Demand:
    groups = counted_requests()
    regions = region_of_territories()
    topics = dict(Topic.objects.values_list("pk", "name"))
    for group in groups:
        region = regions.get(group["territory_id"])
        group["region_id"] = region.pk if region is not None else None
    region_labels = {r.pk: r.name for r in regions.values() if r is not None}
    return Demand(
        by_topic=rows_by(groups, "topic_id", topics),
        by_region=rows_by(groups, "region_id", region_labels),
        gaps=gaps(groups, regions, topics),
    )
