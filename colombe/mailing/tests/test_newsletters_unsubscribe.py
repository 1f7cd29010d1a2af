"""Leaving: RFC 8058 one-click unsubscribe (POST without session or CSRF token, GET only
asks), the preference page and "unsubscribe from everything", for subscribers and for
petition signers."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.mailing import newsletters
from colombe.mailing.models import (
    GlobalUnsubscribe,
    MailingList,
    Newsletter,
    OutboxMessage,
    Subscription,
)
from colombe.mailing.newsletters import UnsubscribeLink, unsubscribe_token
from colombe.mailing.tests.newsletter_support import lyon_list, subscribe
from colombe.petitions.models import Signature
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests.personas import World

pytestmark = pytest.mark.django_db

READER = "lectrice@example.net"


def send(world: World, mailing_list: MailingList, **fields: Any) -> Newsletter:
    newsletter = newsletters.save_newsletter(
        actor=world.bob,
        mailing_list=mailing_list,
        fields={"subject": "Nouvelles", "body": "Bonjour.", **fields},
        territories=[],
    )
    newsletters.send_now(actor=world.bob, newsletter=newsletter)
    return newsletter


def row_for(newsletter: Newsletter, email: str) -> OutboxMessage:
    return OutboxMessage.objects.get(
        key=newsletters.key_prefix(newsletter) + newsletters.address_hash(email)
    )


def one_click_path(row: OutboxMessage) -> str:
    url = row.headers["List-Unsubscribe"].strip("<>")
    return url[url.index("/diffusion/") :]


def test_one_click_post_without_session_or_csrf_unsubscribes(world: World) -> None:
    mailing_list = lyon_list(world)
    subscription = subscribe(mailing_list, READER)
    path = one_click_path(row_for(send(world, mailing_list), READER))
    # What a mail client's server sends (RFC 8058 §3.1): no cookie, no token, no login.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # no redirect
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None
    # The next issue does not go to her.
    later = send(world, mailing_list)
    assert not OutboxMessage.objects.filter(
        key__startswith=newsletters.key_prefix(later), to_email=READER
    ).exists()


def test_get_only_shows_a_button(world: World) -> None:
    mailing_list = lyon_list(world)
    subscription = subscribe(mailing_list, READER)
    path = one_click_path(row_for(send(world, mailing_list), READER))
    for _scan in range(3):
        response = Client().get(path)
        assert response.status_code == 200
        assert b'method="post"' in response.content
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_tampered_link_does_nothing(world: World) -> None:
    mailing_list = lyon_list(world)
    subscription = subscribe(mailing_list, READER)
    token = unsubscribe_token(UnsubscribeLink(mailing_list.pk, READER))
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = Client().post(reverse("mailing:unsubscribe", args=[forged]))
    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_one_click_is_rate_limited_per_link(world: World) -> None:
    mailing_list = lyon_list(world)
    subscribe(mailing_list, READER)
    path = reverse(
        "mailing:unsubscribe", args=[unsubscribe_token(UnsubscribeLink(mailing_list.pk, READER))]
    )
    statuses = [Client().post(path).status_code for _attempt in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


def test_signer_leaves_the_petitions_news(world: World) -> None:
    mailing_list = lyon_list(world)
    petition = lyon_petition(world)
    signature = add_signature(petition, "Signataire@example.net", keep_informed=True)
    newsletter = send(world, mailing_list, petition=petition)
    path = one_click_path(row_for(newsletter, "signataire@example.net"))
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    signature.refresh_from_db()
    assert signature.keep_informed is False
    assert signature.status == Signature.Status.CONFIRMED  # still signed
    later = send(world, mailing_list, petition=petition)
    assert not OutboxMessage.objects.filter(key__startswith=newsletters.key_prefix(later)).exists()


def test_preference_page_unticks_and_reticks_lists(world: World) -> None:
    first = lyon_list(world, name="Lettre A")
    second = lyon_list(world, name="Lettre B")
    subscribe(first, READER)
    subscribe(second, READER)
    newsletter = send(world, first)
    row = row_for(newsletter, READER)
    assert "/diffusion/preferences/" in row.body_text
    path = reverse("mailing:preferences", args=[newsletters.preferences_token(READER)])
    page = Client().get(path)
    assert page.status_code == 200
    assert page.content.decode().count("checked") == 2
    visitor = Client()
    assert visitor.post(path, {"action": "save", "lists": [str(second.pk)]}).status_code == 200
    statuses = dict(Subscription.objects.values_list("mailing_list__name", "status"))
    assert statuses == {"Lettre A": "unsubscribed", "Lettre B": "active"}
    visitor.post(path, {"action": "save", "lists": [str(first.pk), str(second.pk)]})
    assert set(Subscription.objects.values_list("status", flat=True)) == {"active"}


def test_preference_link_for_another_address_cannot_be_forged(world: World) -> None:
    token = newsletters.preferences_token(READER)
    assert Client().get(reverse("mailing:preferences", args=[token + "x"])).status_code == 404


def test_unsubscribe_from_everything(world: World) -> None:
    first = lyon_list(world, name="Lettre A")
    second = lyon_list(world, name="Lettre B")
    subscribe(first, READER)
    subscribe(second, READER)
    petition = lyon_petition(world)
    signature = add_signature(petition, READER, keep_informed=True)
    path = reverse("mailing:preferences", args=[newsletters.preferences_token(READER)])
    assert Client().post(path, {"action": "everything"}).status_code == 200
    assert GlobalUnsubscribe.objects.filter(email=READER).exists()
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    signature.refresh_from_db()
    assert signature.keep_informed is False
    # Even a subscription switched back on by hand, or a signer consent, is not enough:
    Subscription.objects.update(status=Subscription.Status.ACTIVE)
    Signature.objects.update(keep_informed=True)
    later = send(world, first, petition=petition)
    assert not OutboxMessage.objects.filter(key__startswith=newsletters.key_prefix(later)).exists()
