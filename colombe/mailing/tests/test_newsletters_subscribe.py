"""Subscribing: the public double opt-in form (GET never confirms), rate limits and the
honeypot, members' one click, and who may see which list."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.mailing.models import GlobalUnsubscribe, OutboxMessage, Subscription
from colombe.mailing.newsletters import purge_expired_subscriptions
from colombe.mailing.tests.newsletter_support import link_in, lyon_list, verify
from tests.personas import World

pytestmark = pytest.mark.django_db

VISITOR = "Nadia.Visiteuse@example.net"


def subscribe_url(mailing_list: Any) -> str:
    return reverse("mailing:list_subscribe", args=[mailing_list.slug])


def form(**overrides: str) -> dict[str, str]:
    return {"email": VISITOR, "postcode": "69003", "consent": "on", "website": "", **overrides}


def confirmation_row() -> OutboxMessage:
    return OutboxMessage.objects.get(key__startswith="subscription:", to_email=VISITOR.lower())


def test_public_form_shows_the_lists_consent_unticked(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    response = client.get(mailing_list.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "J&#x27;accepte de recevoir la lettre du comité de Lyon" in body
    assert 'type="checkbox" name="consent"' in body
    assert "checked" not in body


def test_double_opt_in_get_never_confirms_post_does(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    response = client.post(subscribe_url(mailing_list), form())
    assert response.status_code == 200
    subscription = Subscription.objects.get(email=VISITOR.lower())
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.territory is not None and subscription.territory.code == "69"
    row = confirmation_row()
    assert row.category == OutboxMessage.Category.NOTICE
    assert "La lettre de Lyon" in row.subject
    confirm_path = link_in(row, "abonnement")

    # A mail scanner opening the link (even several times) confirms nothing.
    for _scan in range(3):
        page = Client().get(confirm_path)
        assert page.status_code == 200
        assert b'method="post"' in page.content
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING

    assert Client().post(confirm_path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.confirmed_at is not None
    # The link is spent.
    assert Client().get(confirm_path).status_code == 404


def test_consent_is_required(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    response = client.post(subscribe_url(mailing_list), form(consent=""))
    assert response.status_code == 422
    assert not Subscription.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_honeypot_records_and_sends_nothing(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    response = client.post(subscribe_url(mailing_list), form(website="http://spam.example"))
    assert response.status_code == 200  # the robot learns nothing
    assert not Subscription.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_confirmation_link_expires(client: Client, world: World, settings: Any) -> None:
    settings.MAILING_SUBSCRIPTION_CONFIRM_DAYS = 7
    mailing_list = lyon_list(world)
    client.post(subscribe_url(mailing_list), form())
    confirm_path = link_in(confirmation_row(), "abonnement")
    Subscription.objects.update(consented_at=timezone.now() - timedelta(days=8))
    assert Client().post(confirm_path).status_code == 404
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    assert purge_expired_subscriptions() == 1
    assert not Subscription.objects.exists()


def test_rate_limit_per_address(client: Client, world: World, settings: Any) -> None:
    settings.MAILING_SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    mailing_list = lyon_list(world)
    statuses = [
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(subscribe_url(mailing_list), form()).status_code
        for n in range(1, 4)
    ]
    assert statuses == [200, 200, 429]
    # Two requests, two emails (a new link each time); the third sent nothing.
    assert OutboxMessage.objects.filter(key__startswith="subscription:").count() == 2


def test_rate_limit_per_ip(world: World, settings: Any) -> None:
    settings.MAILING_SUBSCRIBE_LIMIT_PER_IP = 2
    mailing_list = lyon_list(world)
    visitor = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        visitor.post(subscribe_url(mailing_list), form(email=f"n{n}@example.net")).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Subscription.objects.count() == 2


def test_already_subscribed_address_gets_no_email_and_learns_nothing(
    client: Client, world: World
) -> None:
    mailing_list = lyon_list(world)
    client.post(subscribe_url(mailing_list), form())
    Client().post(link_in(confirmation_row(), "abonnement"))
    response = Client().post(subscribe_url(mailing_list), form())
    assert response.status_code == 200
    assert OutboxMessage.objects.filter(key__startswith="subscription:").count() == 1
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE


def test_confirming_again_lifts_unsubscribe_from_everything(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    GlobalUnsubscribe.objects.create(email=VISITOR.lower())
    client.post(subscribe_url(mailing_list), form())
    Client().post(link_in(confirmation_row(), "abonnement"))
    assert not GlobalUnsubscribe.objects.exists()


def test_members_only_list_is_hidden_from_outsiders(client: Client, world: World) -> None:
    members_list = lyon_list(world, is_public=False, name="Lettre interne")
    assert client.get(members_list.get_absolute_url()).status_code == 404
    assert client.post(subscribe_url(members_list), form()).status_code == 404
    client.force_login(world.eve)
    assert client.get(members_list.get_absolute_url()).status_code == 404
    assert client.get(reverse("mailing:lists")).content.decode().count("Lettre interne") == 0
    client.force_login(world.charlie)
    assert client.get(members_list.get_absolute_url()).status_code == 200
    assert "Lettre interne" in client.get(reverse("mailing:lists")).content.decode()
    # Members subscribe with their account, never through the public form.
    assert client.post(subscribe_url(members_list), form()).status_code == 404


@pytest.mark.usefixtures("english_pages")
def test_member_subscribes_in_one_click_with_verified_address(client: Client, world: World) -> None:
    members_list = lyon_list(world, is_public=False)
    verify(world.charlie)
    client.force_login(world.charlie)
    page = client.get(members_list.get_absolute_url()).content.decode()
    assert "Subscribe with my account" in page
    response = client.post(reverse("mailing:list_join", args=[members_list.slug]))
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.user) == ("charlie@example.org", world.charlie)
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.territory == world.lyon.territory
    assert not OutboxMessage.objects.exists()  # no confirmation email needed
    client.post(reverse("mailing:list_leave", args=[members_list.slug]))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED


def test_member_without_verified_address_cannot_subscribe(client: Client, world: World) -> None:
    mailing_list = lyon_list(world)
    client.force_login(world.charlie)
    client.post(reverse("mailing:list_join", args=[mailing_list.slug]))
    assert not Subscription.objects.exists()


def test_lists_page_paginates_and_has_an_empty_state(client: Client, world: World) -> None:
    empty = client.get(reverse("mailing:lists"))
    assert empty.status_code == 200
    assert b'class="empty"' in empty.content
    for number in range(25):
        lyon_list(world, name=f"Liste {number:02d}")
    first = client.get(reverse("mailing:lists")).content.decode()
    assert "Liste 00" in first and "Liste 24" not in first
    assert 'rel="next"' in first
    assert "Liste 24" in client.get(reverse("mailing:lists") + "?page=2").content.decode()
