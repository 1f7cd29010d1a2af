"""The "Relais jeunes": members offer to create content or to train others; only the
communication group sees the offers; withdrawing deletes the offer."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.outreach.models import CommunicationRole, OutreachVolunteer
from colombe.outreach.tests.registry_helpers import as_persona, is_login_redirect
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """Pages in English: the tests read their wording."""


def offer_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "creates_content": "on",
        "is_young": "on",
        "networks": "Instagram, TikTok",
        "skills": "Vidéos courtes",
    }
    return {**data, **overrides}


def make_offer(user: Any, **fields: Any) -> OutreachVolunteer:
    return OutreachVolunteer.objects.create(user=user, **{"creates_content": True, **fields})


def test_any_member_may_offer(client: Client, world: World) -> None:
    url = reverse("outreach:volunteer")
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    assert as_persona(client, world, "eve").get(url).status_code == 403
    assert client.post(url, offer_data()).status_code == 403
    assert not OutreachVolunteer.objects.exists()
    page = as_persona(client, world, "charlie").get(url)
    assert "only the national communication group" in page.content.decode()
    assert client.post(url, offer_data())["Location"] == url
    offer = OutreachVolunteer.objects.get()
    assert offer.user == world.charlie and offer.creates_content and offer.is_young
    assert not offer.trains_others and offer.networks == "Instagram, TikTok"
    assert AuditEntry.objects.filter(action="outreach.volunteer.offered").exists()


def test_an_offer_says_what_the_member_offers(client: Client, world: World) -> None:
    as_persona(client, world, "charlie")
    data = offer_data(creates_content="")
    response = client.post(reverse("outreach:volunteer"), data)
    assert response.status_code == 422
    assert "Tick at least one" in response.content.decode()
    assert not OutreachVolunteer.objects.exists()


def test_updating_keeps_one_offer(client: Client, world: World) -> None:
    make_offer(world.charlie, networks="Instagram")
    as_persona(client, world, "charlie")
    page = client.get(reverse("outreach:volunteer"))
    assert page.context["form"].initial["networks"] == "Instagram"
    client.post(reverse("outreach:volunteer"), offer_data(trains_others="on", networks="Mastodon"))
    offer = OutreachVolunteer.objects.get()
    assert offer.trains_others and offer.networks == "Mastodon"


def test_withdrawing_asks_then_deletes_the_offer(client: Client, world: World) -> None:
    make_offer(world.charlie)
    as_persona(client, world, "charlie")
    url = reverse("outreach:volunteer_withdraw")
    assert "Withdraw my offer" in client.get(url).content.decode()
    assert OutreachVolunteer.objects.exists()
    assert client.post(url)["Location"] == reverse("outreach:home")
    assert not OutreachVolunteer.objects.exists()
    assert AuditEntry.objects.filter(action="outreach.volunteer.withdrawn").exists()
    assert client.get(url)["Location"] == reverse("outreach:volunteer")


def test_withdrawing_touches_only_ones_own_offer(client: Client, world: World) -> None:
    make_offer(world.bob)
    as_persona(client, world, "charlie")
    client.post(reverse("outreach:volunteer_withdraw"))
    assert OutreachVolunteer.objects.filter(user=world.bob).exists()


def test_only_the_communication_group_sees_the_offers(client: Client, world: World) -> None:
    make_offer(world.charlie, skills="Montage vidéo")
    url = reverse("outreach:volunteers")
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    for persona in ("eve", "charlie", "bob"):
        response = as_persona(client, world, persona).get(url)
        assert response.status_code == 403, persona
        assert "Montage vidéo" not in response.content.decode()
    page = as_persona(client, world, "alice").get(url).content.decode()
    assert "Charlie" in page and "Montage vidéo" in page
    assert "Comité de Lyon" in page and "Rhône" in page
    assert "charlie@example.org" not in page
    CommunicationRole.objects.create(user=world.bob, structure=None)
    assert as_persona(client, world, "bob").get(url).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": "content"}, {"Charlie"}),
        ({"role": "training"}, {"Bob"}),
        ({"role": "young"}, {"Charlie"}),
        ({"network": "tiktok"}, {"Charlie"}),
        ({"network": "Mastodon"}, {"Bob"}),
        ({}, {"Charlie", "Bob"}),
    ],
)
def test_filters(client: Client, world: World, query: dict[str, str], expected: set[str]) -> None:
    make_offer(world.charlie, is_young=True, networks="Instagram, TikTok")
    make_offer(world.bob, creates_content=False, trains_others=True, networks="Mastodon")
    page = as_persona(client, world, "alice").get(reverse("outreach:volunteers"), query)
    assert {offer.user.public_name for offer in page.context["offers"]} == expected


def test_an_empty_list_says_so(client: Client, world: World) -> None:
    page = as_persona(client, world, "alice").get(reverse("outreach:volunteers"))
    assert "Nobody has offered help yet." in page.content.decode()


def test_contact_through_the_platform_only_when_both_said_yes(client: Client, world: World) -> None:
    make_offer(world.charlie)
    contact = reverse("core:interests_contact", args=[world.charlie.pk])
    as_persona(client, world, "alice")
    assert contact not in client.get(reverse("outreach:volunteers")).content.decode()
    world.charlie.show_interests = True
    world.charlie.save()
    assert contact not in client.get(reverse("outreach:volunteers")).content.decode()
    world.alice.show_interests = True
    world.alice.save()
    assert contact in client.get(reverse("outreach:volunteers")).content.decode()


def test_the_list_makes_no_query_per_offer(client: Client, world: World) -> None:
    make_offer(world.charlie)
    as_persona(client, world, "alice")
    client.get(reverse("outreach:volunteers"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("outreach:volunteers"))
    for person in (world.bob, world.frank, world.dana):
        make_offer(person)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("outreach:volunteers"))
    assert len(four) == len(one)
