""" "Bien reçu": the link in a relay's email opens a page (GET changes nothing: mail
scanners open links), the button POSTs, the first acknowledgement of a committee wins,
a second POST changes nothing, and a forged token is a 404. No login needed."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.mailing import circulars
from colombe.mailing.models import Circular, CircularCommittee, CircularRecipient
from colombe.mailing.tests.circular_support import Country, build_country, national_draft, send
from tests.personas import World


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


@pytest.fixture
def circular(country: Country) -> Circular:
    return send(country.world.alice, national_draft(country.world))


def ack_url(circular: Circular, user_id: int) -> str:
    return reverse("mailing:circular_acknowledge", args=[circulars.ack_token(circular.pk, user_id)])


def committee_row(circular: Circular, slug: str) -> CircularCommittee:
    return CircularCommittee.objects.get(circular=circular, committee__slug=slug)


def test_opening_the_link_shows_a_button_and_records_nothing(
    circular: Circular, country: Country
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.get(ack_url(circular, country.world.bob.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rassemblements samedi" in body
    assert 'name="csrfmiddlewaretoken"' in body and 'type="submit"' in body
    assert CircularRecipient.objects.filter(acknowledged_at__isnull=False).count() == 0
    assert committee_row(circular, "lyon").acknowledged_at is None


def test_the_button_acknowledges_for_the_relay_s_committee_without_login(
    circular: Circular, country: Country, english_pages: None
) -> None:
    client = Client(enforce_csrf_checks=True)
    url = ack_url(circular, country.world.bob.pk)
    client.get(url)  # sets the CSRF cookie, as the browser does
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Your acknowledgement has been recorded" in response.content.decode()
    bob = CircularRecipient.objects.get(circular=circular, user=country.world.bob)
    assert bob.acknowledged_at is not None
    lyon = committee_row(circular, "lyon")
    assert lyon.acknowledged_at == bob.acknowledged_at and lyon.acknowledged_by == country.world.bob
    assert committee_row(circular, "montpellier").acknowledged_at is None


def test_a_post_without_the_page_s_csrf_token_is_refused(
    circular: Circular, country: Country
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(ack_url(circular, country.world.bob.pk))
    assert response.status_code == 403
    assert committee_row(circular, "lyon").acknowledged_at is None


def test_second_post_is_idempotent_and_the_first_relay_wins(
    circular: Circular, country: Country, client: Client
) -> None:
    client.post(ack_url(circular, country.mia.pk))
    first = committee_row(circular, "montpellier")
    assert first.acknowledged_by == country.mia
    again = client.post(ack_url(circular, country.mia.pk))
    assert again.status_code == 200
    client.post(ack_url(circular, country.noe.pk))  # the other relay, later
    montpellier = committee_row(circular, "montpellier")
    assert montpellier.acknowledged_by == country.mia
    assert montpellier.acknowledged_at == first.acknowledged_at
    noe = CircularRecipient.objects.get(circular=circular, user=country.noe)
    assert noe.acknowledged_at is not None  # the person's own receipt is still recorded


@pytest.mark.parametrize(
    "token",
    ["forged", "1.2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tampered"],
)
def test_forged_token_is_404(circular: Circular, client: Client, token: str) -> None:
    if token == "tampered":
        real = circulars.ack_token(circular.pk, 1)
        token = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    url = reverse("mailing:circular_acknowledge", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_valid_signature_for_someone_who_did_not_receive_it_is_404(
    circular: Circular, country: Country, client: Client
) -> None:
    assert client.get(ack_url(circular, country.world.eve.pk)).status_code == 404


def test_a_token_does_not_work_for_another_circular(
    circular: Circular, country: Country, client: Client
) -> None:
    other = send(country.world.alice, national_draft(country.world, subject="Autre"))
    token = circulars.ack_token(circular.pk, country.world.bob.pk)
    forged = token.replace(f"{circular.pk}.", f"{other.pk}.", 1)
    assert client.post(reverse("mailing:circular_acknowledge", args=[forged])).status_code == 404


def test_a_logged_in_relay_acknowledges_from_the_circular_page(
    circular: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.world.bob)
    page = client.get(circular.get_absolute_url()).content.decode()
    assert ack_url(circular, country.world.bob.pk) in page
    client.post(ack_url(circular, country.world.bob.pk))
    assert committee_row(circular, "lyon").acknowledged_at is not None


def test_acknowledgements_are_rate_limited_per_connection(
    circular: Circular, country: Country, client: Client
) -> None:
    url = ack_url(circular, country.world.bob.pk)
    statuses = {client.post(url).status_code for _attempt in range(61)}
    assert statuses == {200, 429}
