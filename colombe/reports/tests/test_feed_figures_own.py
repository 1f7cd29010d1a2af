"""The viewer's own part of the feed's figures (committee-only reports of their
committees, reports of their non-public groups) is cached under their memberships:
shared by viewers who belong to the same structures and groups, and never by others —
joining or leaving counts at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.groups.models import GroupMembership
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from colombe.reports.tests.test_feed_figures import figures, same
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db

Audience = ActionReport.Visibility


def counting_queries(client: Client) -> list[str]:
    """The queries of one visit of the feed that count reports (its figures)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reports:feed")).status_code == 200
    return [query["sql"] for query in captured.captured_queries if "COUNT(DISTINCT" in query["sql"]]


def test_viewers_with_the_same_memberships_share_their_own_part(
    client: Client, world: World
) -> None:
    make_report(world.lyon)
    make_report(world.lyon, visibility=Audience.COMMITTEE)
    make_report(world.lyon, group=world.secret_group)
    # Bob and Charlie both belong to Lyon and to its three groups.
    client.force_login(world.bob)
    assert counting_queries(client)
    client.force_login(world.charlie)
    assert counting_queries(client) == []
    assert figures(client, world, "charlie") == same(3)


def test_another_committees_member_counts_their_own_part(client: Client, world: World) -> None:
    make_report(world.lyon, visibility=Audience.COMMITTEE)
    make_report(world.collective, visibility=Audience.COMMITTEE)
    assert figures(client, world, "charlie") == same(1)
    client.force_login(world.frank)
    assert counting_queries(client)
    assert figures(client, world, "frank") == same(1)


def test_joining_and_leaving_a_group_count_at_once(client: Client, world: World) -> None:
    make_report(world.lyon)
    make_report(world.lyon, group=world.private_group)
    assert figures(client, world, "eve") == same(1)
    membership = factories.GroupMembershipFactory.create(group=world.private_group, user=world.eve)
    assert figures(client, world, "eve") == same(2)
    membership.delete()
    assert figures(client, world, "eve") == same(1)


def test_leaving_a_committee_counts_at_once(client: Client, world: World) -> None:
    make_report(world.lyon)
    make_report(world.lyon, visibility=Audience.COMMITTEE)
    GroupMembership.objects.filter(user=world.charlie).delete()
    assert figures(client, world, "charlie") == same(2)
    world.charlie.memberships.all().delete()
    assert figures(client, world, "charlie") == same(1)
