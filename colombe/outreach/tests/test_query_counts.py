"""List pages cost the same number of queries for one item as for many (no N+1)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from colombe.outreach import services
from colombe.outreach.models import (
    Campaign,
    CommunicationRole,
    PostTarget,
    ShortLink,
    ShortLinkVisits,
)
from colombe.outreach.tests.test_posts import Accounts, draft, media, scheduled
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages", media.__name__)

MANY = 4


@pytest.fixture
def accounts(world: World) -> Accounts:
    return Accounts(world)


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm-up: sessions, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def assert_same_queries(
    assert_max: Any, client: Client, url: str, add_one: Callable[[int], Any]
) -> None:
    add_one(0)
    with_one = queries_of(client, url)
    for number in range(1, MANY):
        add_one(number)
    client.get(url)
    with assert_max(with_one):
        response = client.get(url)
    assert response.status_code == 200


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def campaign(world: World, number: int) -> Campaign:
    today = timezone.localdate()
    return services.create_campaign(
        world.alice,
        title=f"Campagne {number}",
        description="",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        hashtags=f"#paix #campagne{number}",
    )


def other_committee(world: World, number: int) -> Any:
    structure = factories.StructureFactory.create(name=f"Comité {number}")
    factories.MembershipFactory.create(user=world.bob, structure=structure)
    return structure


@pytest.mark.parametrize(
    ("persona", "tab"),
    [("alice", "review"), ("alice", "scheduled"), ("bob", "mine"), ("charlie", "committees")],
)
def test_the_posts_list(
    world: World, accounts: Accounts, django_assert_max_num_queries: Any, persona: str, tab: str
) -> None:
    def add_one(number: int) -> None:
        post = scheduled(world, accounts, text=f"Publication {number} #paix")
        if tab != "scheduled":
            post.status = post.Status.IN_REVIEW
            post.save()
        post.campaign = campaign(world, number)
        post.save()

    url = reverse("outreach:posts") + f"?onglet={tab}"
    assert_same_queries(
        django_assert_max_num_queries, logged_in(getattr(world, persona)), url, add_one
    )


@pytest.mark.parametrize("view", ["mois", "semaine"])
def test_the_calendar(
    world: World, accounts: Accounts, django_assert_max_num_queries: Any, view: str
) -> None:
    when = timezone.now() + timedelta(days=1)

    def add_one(number: int) -> None:
        post = scheduled(world, accounts, when=when + timedelta(minutes=10 * number))
        post.campaign = campaign(world, number)
        post.save()

    url = reverse("outreach:calendar") + f"?vue={view}&date={timezone.localdate(when)}"
    assert_same_queries(django_assert_max_num_queries, logged_in(world.charlie), url, add_one)


def test_the_short_links_list(world: World, django_assert_max_num_queries: Any) -> None:
    def add_one(number: int) -> None:
        link = ShortLink.objects.create(
            code=f"lien-{number}",
            target=f"/petitions/{number}/",
            title=f"Lien {number}",
            structure=other_committee(world, number),
            campaign=campaign(world, number),
            created_by=world.charlie,
        )
        ShortLinkVisits.objects.create(link=link, day=timezone.localdate(), visits=number + 1)

    url = reverse("outreach:short_links")
    assert_same_queries(django_assert_max_num_queries, logged_in(world.charlie), url, add_one)


def test_the_campaigns_list(
    world: World, accounts: Accounts, django_assert_max_num_queries: Any
) -> None:
    def add_one(number: int) -> None:
        draft(world, accounts, campaign=campaign(world, number))

    url = reverse("outreach:campaigns")
    assert_same_queries(django_assert_max_num_queries, logged_in(world.charlie), url, add_one)


def test_the_campaign_dashboard(
    world: World, accounts: Accounts, django_assert_max_num_queries: Any
) -> None:
    running = campaign(world, 0)

    def add_one(number: int) -> None:
        post = scheduled(world, accounts, campaign=running, text=f"Publication {number} #paix")
        post.targets.update(state=PostTarget.State.PUBLISHED, boosts=number, likes=2)
        link = ShortLink.objects.create(
            code=f"lien-{number}",
            target="/",
            title=f"Lien {number}",
            campaign=running,
            structure=other_committee(world, number),
            created_by=world.charlie,
        )
        ShortLinkVisits.objects.create(link=link, day=timezone.localdate(), visits=3)

    url = reverse("outreach:campaign", args=[running.slug])
    assert_same_queries(django_assert_max_num_queries, logged_in(world.alice), url, add_one)


def test_the_team_page(world: World, django_assert_max_num_queries: Any) -> None:
    def add_one(number: int) -> None:
        structure = other_committee(world, number)
        person = factories.UserFactory.create(email=f"lead{number}@example.org")
        factories.MembershipFactory.create(user=person, structure=structure)
        CommunicationRole.objects.create(user=person, structure=structure, appointed_by=world.alice)
        group_member = factories.UserFactory.create(email=f"group{number}@example.org")
        CommunicationRole.objects.create(
            user=group_member, structure=None, appointed_by=world.alice
        )

    url = reverse("outreach:team")
    assert_same_queries(django_assert_max_num_queries, logged_in(world.alice), url, add_one)


def test_a_post_reads_its_hashtags_once(world: World, accounts: Accounts) -> None:
    post = draft(world, accounts, text="Samedi #paix #désarmement")
    client = logged_in(world.bob)
    client.get(post.get_absolute_url())

    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())

    assert "#désarmement" in response.content.decode()
    hashtag_queries = [query for query in captured if "hashtag" in query["sql"].lower()]
    assert len(hashtag_queries) == 1
