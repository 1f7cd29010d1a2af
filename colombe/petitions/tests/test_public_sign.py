"""Signing from the petition page: one short form, checked, rate-limited, never lost."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.public_helpers import english_client, signing_data
from colombe.petitions.tests.services_helpers import make_petition
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def sign_url(petition: Petition) -> str:
    return reverse("petitions:sign", args=[petition.slug])


def test_signing_stores_a_pending_signature_and_sends_the_email(
    client: Client, world: World
) -> None:
    petition = make_petition(owner=world.lyon)
    response = client.post(sign_url(petition), signing_data(petition, source="bluesky"))

    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert (signature.first_name, signature.last_name) == ("Claire", "Dupont")
    assert (signature.postcode, signature.town) == ("69003", "Lyon")
    assert signature.source == "bluesky"
    assert signature.keep_informed is False and signature.show_publicly is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["claire@example.org"]
    assert "/petitions/confirmer/" in mail.outbox[0].body


def test_both_boxes_start_unticked(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert '<input type="checkbox" name="keep_informed" id="id_keep_informed">' in body
    assert '<input type="checkbox" name="show_publicly" id="id_show_publicly">' in body
    assert 'for="id_keep_informed">Tenez-moi informé·e de cette campagne.</label>' in body


def test_keep_informed_is_recorded_with_the_wording_version(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, consent_version=3)
    client.post(sign_url(petition), signing_data(petition, keep_informed="on", show_publicly="on"))
    signature = Signature.objects.get()
    assert signature.keep_informed is True
    assert signature.keep_informed_version == 3
    assert signature.keep_informed_at is not None
    assert signature.show_publicly is True


def test_only_the_fields_the_petition_asks_for(client: Client, world: World) -> None:
    petition = make_petition(
        owner=world.lyon, collect_postcode=False, collect_country=True, collect_comment=True
    )
    body = client.get(petition.get_absolute_url()).content.decode()
    assert 'name="postcode"' not in body and 'name="town"' not in body
    assert 'name="country"' in body and 'name="comment"' in body

    data = signing_data(petition, comment="Pour mes enfants.")
    response = client.post(sign_url(petition), data)
    assert response.status_code == 200
    signature = Signature.objects.get()
    assert (signature.country, signature.comment, signature.postcode) == (
        "FR",
        "Pour mes enfants.",
        "",
    )


def test_bad_input_is_422_with_the_form_and_what_was_typed(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    data = signing_data(petition, email="not-an-address", first_name="Zoé", last_name="")
    response = client.post(sign_url(petition), data)
    body = response.content.decode()

    assert response.status_code == 422
    assert 'class="error-summary"' in body
    assert "Enter a valid email address." in body
    assert 'value="Zoé"' in body and 'value="not-an-address"' in body
    assert Signature.objects.count() == 0 and mail.outbox == []


def test_missing_proof_of_work_is_refused(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    response = client.post(sign_url(petition), signing_data(petition, altcha=None))
    assert response.status_code == 422
    assert "Please complete the anti-robot check before signing." in response.content.decode()
    assert Signature.objects.count() == 0


def test_honeypot_stores_nothing_but_looks_the_same(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    response = client.post(
        sign_url(petition), signing_data(petition, website="http://spam.example")
    )
    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    assert Signature.objects.count() == 0 and mail.outbox == []


def test_honeypot_field_is_labelled_and_hidden(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert '<div class="field honeypot">' in body
    assert '<label for="id_website">' in body


def test_signing_twice_says_already_signed_and_resends_once(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon)
    client.post(sign_url(petition), signing_data(petition))
    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1))

    again = client.post(sign_url(petition), signing_data(petition, email="Claire+x@Example.org"))
    body = again.content.decode()
    assert again.status_code == 200
    assert "You have already signed this petition" in body
    assert "we sent the confirmation email again" in body
    assert len(mail.outbox) == 2

    third = client.post(sign_url(petition), signing_data(petition)).content.decode()
    assert "You have already signed this petition" in third
    assert "we sent the confirmation email again" not in third
    assert len(mail.outbox) == 2
    assert Signature.objects.count() == 1


def test_closed_petition_refuses_signatures(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, status=Petition.Status.CLOSED)
    response = client.post(sign_url(petition), signing_data(petition))
    assert response.status_code == 422
    assert "no longer accepts signatures" in response.content.decode()
    assert Signature.objects.count() == 0


def test_petition_past_its_end_refuses_signatures(client: Client, world: World) -> None:
    petition = make_petition(owner=world.lyon, ends_at=timezone.now() - timedelta(minutes=1))
    assert "altcha-widget" not in client.get(petition.get_absolute_url()).content.decode()
    assert client.post(sign_url(petition), signing_data(petition)).status_code == 422
    assert Signature.objects.count() == 0


def test_signing_a_draft_or_an_unknown_petition_is_404(client: Client, world: World) -> None:
    draft = make_petition(owner=world.lyon, status=Petition.Status.DRAFT)
    assert client.post(sign_url(draft), signing_data(draft)).status_code == 404
    client.force_login(world.eve)
    assert client.post(sign_url(draft), signing_data(draft)).status_code == 404
    assert client.post(reverse("petitions:sign", args=["nope"]), {}).status_code == 404
    assert Signature.objects.count() == 0


def test_asking_for_the_signing_address_leads_to_the_petition_and_signs_nothing(
    client: Client, world: World
) -> None:
    """The language switch on the "check your mailbox" page, or a reload, asks for the
    address the form was posted to: the visitor lands on the petition, in the new language."""
    petition = make_petition(owner=world.lyon)
    response = client.get(sign_url(petition))
    assert response.status_code == 302
    assert response["Location"] == petition.get_absolute_url()
    assert client.put(sign_url(petition)).status_code == 405
    draft = make_petition(owner=world.lyon, status=Petition.Status.DRAFT)
    assert client.get(sign_url(draft)).status_code == 404
    assert Signature.objects.count() == 0


def test_the_language_switch_after_signing_lands_on_the_petition_in_english(
    client: Client, world: World
) -> None:
    petition = make_petition(owner=world.lyon)
    client.post(sign_url(petition), signing_data(petition))
    switched = client.post(
        reverse("set_language"), {"language": "en", "next": sign_url(petition)}, follow=True
    )
    assert switched.status_code == 200
    assert switched.redirect_chain == [
        (sign_url(petition), 302),
        (petition.get_absolute_url(), 302),
    ]
    assert b'<html lang="en"' in switched.content


def test_rate_limit_per_address(client: Client, world: World, settings: Any) -> None:
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 2
    petition = make_petition(owner=world.lyon)
    for number in range(2):
        data = signing_data(petition, email=f"p{number}@example.org")
        assert client.post(sign_url(petition), data).status_code == 200
    response = client.post(sign_url(petition), signing_data(petition, email="p3@example.org"))
    assert response.status_code == 429
    assert "Too many signatures at once" in response.content.decode()
    assert Signature.objects.count() == 2


def test_rate_limit_per_email_domain(client: Client, world: World, settings: Any) -> None:
    settings.PETITION_SIGNS_PER_DOMAIN_PER_MINUTE = 2
    petition = make_petition(owner=world.lyon)
    for number in range(2):
        client.post(sign_url(petition), signing_data(petition, email=f"p{number}@bots.example"))
    blocked = client.post(sign_url(petition), signing_data(petition, email="p3@bots.example"))
    other = client.post(sign_url(petition), signing_data(petition, email="p3@example.org"))
    assert blocked.status_code == 429
    assert other.status_code == 200
    assert Signature.objects.count() == 3


def test_exempt_addresses_skip_the_rate_limits(client: Client, world: World, settings: Any) -> None:
    settings.PETITION_SIGNS_PER_IP_PER_HOUR = 1
    settings.PETITION_SIGNS_PER_DOMAIN_PER_MINUTE = 1
    settings.PETITION_RATE_LIMIT_EXEMPT_IPS = ["127.0.0.1"]
    petition = make_petition(owner=world.lyon)
    for number in range(3):
        data = signing_data(petition, email=f"p{number}@example.org")
        assert client.post(sign_url(petition), data).status_code == 200
    assert Signature.objects.count() == 3
