"""A relay forwards a circular to their committee's members with one click: a new
circular pointing to the original, sent through the same machinery, once per committee."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.mailing.models import Circular, OutboxMessage
from colombe.mailing.tests.circular_support import (
    Country,
    build_country,
    national_draft,
    recipients_of,
    send,
)
from tests import factories
from tests.personas import World


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


@pytest.fixture
def circular(country: Country) -> Circular:
    return send(country.world.alice, national_draft(country.world))


def test_relay_forwards_to_their_committee_with_a_note(
    circular: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.mia)
    url = reverse("mailing:circular_forward", args=[circular.pk])
    assert f'href="{url}"' in client.get(circular.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url, {"committee": country.montpellier.pk, "note": "À lire avant jeudi."}
    )
    forward = Circular.objects.get(forwarded_from=circular)
    assert response.status_code == 302 and response["Location"] == forward.get_absolute_url()
    assert forward.audience == Circular.Audience.STRUCTURE
    assert forward.structure == country.montpellier == forward.sender_structure
    assert forward.status == Circular.Status.SENT and forward.author == country.mia
    assert forward.body.startswith("À lire avant jeudi.")
    assert circular.body in forward.body
    assert recipients_of(forward) == {
        "charlie@example.org": "member",
        "leo@example.org": "member",
        "mia@example.org": "member",
        "noe@example.org": "member",
    }
    to_charlie = OutboxMessage.objects.get(
        key=f"circular:{forward.pk}:user:{country.world.charlie.pk}"
    )
    assert (
        "Comité de Montpellier" in to_charlie.body_text and "bien-recu" not in to_charlie.body_text
    )


def test_a_committee_receives_one_forward_only(
    circular: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.mia)
    url = reverse("mailing:circular_forward", args=[circular.pk])
    client.post(url, {"committee": country.montpellier.pk})
    client.force_login(country.noe)  # the other relay, a minute later
    response = client.post(url, {"committee": country.montpellier.pk})
    assert response.status_code == 302
    assert Circular.objects.filter(forwarded_from=circular).count() == 1


def test_a_member_who_is_not_a_relay_cannot_forward(
    circular: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.leo)  # leads Montpellier, but is not a relay
    assert client.get(circular.get_absolute_url()).status_code == 200
    url = reverse("mailing:circular_forward", args=[circular.pk])
    assert client.post(url, {"committee": country.montpellier.pk}).status_code == 403


def test_a_relay_cannot_forward_to_a_committee_they_do_not_serve(
    circular: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.mia)
    url = reverse("mailing:circular_forward", args=[circular.pk])
    response = client.post(url, {"committee": country.world.lyon.pk})
    assert response.status_code == 422
    assert not Circular.objects.filter(forwarded_from=circular).exists()


def test_a_regional_circular_is_not_forwarded_into_another_region(
    country: Country, client: Client
) -> None:
    """Mia is relay of Montpellier (Occitanie) and, here, of Grenoble (Auvergne-Rhône-
    Alpes): a circular to Occitanie's relays may go to Montpellier only."""
    factories.MembershipFactory.create(user=country.mia, structure=country.grenoble, is_relay=True)
    regional = send(
        country.world.alice,
        national_draft(
            country.world, audience=Circular.Audience.REGION_RELAYS, regions=[country.occitanie]
        ),
    )
    client.force_login(country.mia)
    url = reverse("mailing:circular_forward", args=[regional.pk])

    client.post(url, {"committee": country.grenoble.pk})

    assert not Circular.objects.filter(forwarded_from=regional).exists()
    client.post(url, {"committee": country.montpellier.pk})
    assert Circular.objects.get(forwarded_from=regional).structure == country.montpellier
