"""The feed's figures (count, map, chart) come partly from a cache shared by a class of
viewers: they follow every change at once, and never count for someone a report they
may not read, whoever filled the cache."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from colombe.core import policy
from colombe.groups.models import Visibility
from colombe.movement.models import Territory
from colombe.movement.policy import subtree_filter
from colombe.reports.models import ActionReport
from colombe.reports.tests.activity_helpers import PlacedWorld, place_world
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World

Audience = ActionReport.Visibility
PERSONAS = [None, "alice", "bob", "charlie", "dana", "eve", "frank"]


def figures(client: Client, world: World, persona: str | None, **params: str) -> dict[str, int]:
    """What the feed shows: its count, the map's total and the chart's total."""
    client.logout()
    if persona:
        client.force_login(getattr(world, persona))
    response = client.get(reverse("reports:feed"), params)
    assert response.status_code == 200
    return {
        "count": response.context["page_obj"].paginator.count,
        "map": response.context["feed_map"].total,
        "chart": response.context["activity"].total,
    }


def same(count: int) -> dict[str, int]:
    return {"count": count, "map": count, "chart": count}


def test_a_new_public_report_counts_at_once(client: Client, world: World) -> None:
    make_report(world.lyon)
    assert figures(client, world, None) == same(1)
    make_report(world.lyon)
    assert figures(client, world, None) == same(2)


def test_a_committee_only_report_never_counts_for_an_outsider(client: Client, world: World) -> None:
    make_report(world.lyon)
    make_report(world.lyon, visibility=Audience.COMMITTEE)
    make_report(world.lyon, visibility=Audience.MOVEMENT)
    # Charlie (Lyon) and Frank (another structure) are both members of the movement:
    # Charlie's visit fills the members' cache, Frank's reads it.
    assert figures(client, world, "charlie") == same(3)
    assert figures(client, world, "frank") == same(2)
    assert figures(client, world, "eve") == same(1)
    assert figures(client, world, None) == same(1)


def test_a_secret_groups_report_counts_only_for_its_members(client: Client, world: World) -> None:
    make_report(world.lyon)
    make_report(world.lyon, group=world.secret_group)
    assert figures(client, world, "bob") == same(2)
    assert figures(client, world, "frank") == same(1)
    assert figures(client, world, "alice") == same(1)  # national administrators too


def test_a_change_of_audience_applies_at_once(client: Client, world: World) -> None:
    report = make_report(world.lyon)
    assert figures(client, world, None) == same(1)
    report.visibility = Audience.COMMITTEE
    report.save()
    assert figures(client, world, None) == same(0)
    assert figures(client, world, "charlie") == same(1)


def test_a_group_turned_secret_hides_its_reports_at_once(client: Client, world: World) -> None:
    make_report(world.lyon, group=world.public_group)
    assert figures(client, world, "frank") == same(1)
    world.public_group.visibility = Visibility.SECRET
    world.public_group.save()
    assert figures(client, world, "frank") == same(0)
    assert figures(client, world, "charlie") == same(1)  # a member of the group


def test_a_deleted_report_stops_counting_at_once(client: Client, world: World) -> None:
    report = make_report(world.lyon)
    assert figures(client, world, None) == same(1)
    report.delete()
    assert figures(client, world, None) == same(0)


def test_a_new_hashtag_counts_in_its_filter_at_once(client: Client, world: World) -> None:
    report = make_report(world.lyon)
    assert figures(client, world, None, hashtag="paix") == same(0)
    tag = make_report(world.lyon, hashtags="#paix").hashtags.get()
    report.hashtags.add(tag)
    assert figures(client, world, None, hashtag="paix") == same(2)


def test_a_committee_moved_elsewhere_moves_on_the_map_at_once(client: Client, world: World) -> None:
    placed = place_world(world)
    make_report(placed.lyon)
    assert figures(client, world, None, territory="auvergne-rhone-alpes")["count"] == 1
    placed.lyon.territory = Territory.objects.get(slug="haute-garonne")
    placed.lyon.save()
    assert figures(client, world, None, territory="auvergne-rhone-alpes")["count"] == 0
    assert figures(client, world, None, territory="occitanie")["count"] == 1


@pytest.fixture
def varied(world: World) -> PlacedWorld:
    placed = place_world(world)
    for structure in (placed.lyon, placed.grenoble, placed.toulouse, placed.regional):
        for visibility in Audience.values:
            make_report(structure, visibility=visibility, kind="vigil", hashtags="#paix")
            make_report(structure, visibility=visibility, group=world.private_group)
            make_report(structure, visibility=visibility, group=world.secret_group)
            make_report(structure, visibility=visibility, status=ActionReport.Status.DRAFT)
    return placed


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "vigil"},
        {"hashtag": "paix"},
        {"territory": "auvergne-rhone-alpes"},
        {"territory": "isere"},
        {"territory": "occitanie", "kind": "vigil"},
    ],
)
def test_the_count_is_what_the_policy_lets_each_persona_read(
    client: Client, world: World, varied: PlacedWorld, params: dict[str, str]
) -> None:
    """Cached shared part plus live own part, for every persona one after the other (so
    each reads caches the others filled): the number of reports in the policy's scope."""
    for persona in PERSONAS:
        user = getattr(world, persona) if persona else AnonymousUser()
        expected = _in_policy_scope(user, params)
        shown = figures(client, world, persona, **params)
        assert shown["count"] == shown["chart"] == expected, persona
        if "territory" not in params:
            assert shown["map"] == expected, persona
        page = client.get(reverse("reports:feed"), params).context["page_obj"]
        assert len(page.object_list) == min(expected, 20), persona


def _in_policy_scope(user: Any, params: dict[str, str]) -> int:
    reports = policy.visible(ActionReport, user).filter(status=ActionReport.Status.PUBLISHED)
    if "kind" in params:
        reports = reports.filter(kind=params["kind"])
    if "hashtag" in params:
        reports = reports.filter(hashtags__name=params["hashtag"])
    if "territory" in params:
        territory = Territory.objects.get(slug=params["territory"])
        reports = reports.filter(subtree_filter([territory.pk], prefix="structure__territory__"))
    return reports.count()
