"""Confirming and withdrawing from the emailed link: a page with a button, then a POST."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.public_helpers import english_client
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def confirm_url(token: str) -> str:
    return reverse("petitions:confirm", args=[token])


def withdraw_url(token: str) -> str:
    return reverse("petitions:withdraw", args=[token])


def test_email_links_are_the_routes_of_these_pages() -> None:
    assert confirm_url("abc") == "/petitions/confirmer/abc/"
    assert withdraw_url("abc") == "/petitions/retirer/abc/"


def test_opening_the_link_never_confirms(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token

    for _ in range(3):  # mail scanners open links, sometimes several times
        response = client.get(confirm_url(token))
        assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm my signature" in body and "Pour la paix" in body
    assert f'action="{confirm_url(token)}"' in body
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert services.signature_count(petition) == 0


def test_pressing_the_button_confirms_and_the_counter_moves(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token

    response = client.post(confirm_url(token))
    body = response.content.decode()

    assert response.status_code == 200
    assert "your signature is confirmed" in body
    assert "<strong>1</strong> signature" in body
    assert "https://bsky.app/intent/compose" in body
    assert Signature.objects.get().status == Signature.Status.CONFIRMED


def test_confirming_twice_counts_once(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    client.post(confirm_url(token))
    response = client.post(confirm_url(token))
    assert response.status_code == 200
    assert "<strong>1</strong> signature" in response.content.decode()
    assert services.signature_count(petition) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_404_and_changes_nothing(
    client: Client, world: World, method: str
) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    for url in (confirm_url(token + "x"), withdraw_url(token[:-1])):
        response = getattr(client, method)(url)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_expired_link_is_refused(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    Signature.objects.update(created_at=timezone.now() - timedelta(days=30))
    response = client.post(confirm_url(token))
    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_confirming_for_a_closed_petition_is_refused(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    Petition.objects.update(status=Petition.Status.CLOSED)
    response = client.post(confirm_url(token))
    assert response.status_code == 410
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_withdraw_page_asks_before_acting(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    services.confirm(token)

    page = client.get(withdraw_url(token))
    assert page.status_code == 200
    assert "Withdraw my signature" in page.content.decode()
    assert Signature.objects.get().status == Signature.Status.CONFIRMED

    done = client.post(withdraw_url(token))
    assert done.status_code == 200
    assert "Your signature is withdrawn" in done.content.decode()
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.WITHDRAWN
    assert signature.first_name == "" and signature.email_encrypted == ""
    assert services.signature_count(petition) == 0


def test_withdrawn_link_no_longer_works(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    client.post(withdraw_url(token))
    assert client.post(withdraw_url(token)).status_code == 404
    assert client.post(confirm_url(token)).status_code == 404
    assert client.get(confirm_url(token)).status_code == 404
    assert services.signature_count(petition) == 0


def test_token_pages_need_csrf(world: World) -> None:
    petition = make_petition(owner=world.lyon)
    token = sign(petition).token
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(confirm_url(token)).status_code == 403
    assert Signature.objects.get().status == Signature.Status.PENDING
