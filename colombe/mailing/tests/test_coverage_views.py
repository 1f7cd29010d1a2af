"""The coverage page: committees with 0, 1, 2 or enough confirmed relays, bouncing relay
addresses, committees that did not acknowledge recent circulars or were escalated —
counted at the top, filtered by region, for national administrators and for
coordinators (their territories), in a constant number of queries. And the weekly
reminder to under-covered committees' leaders."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from colombe.mailing import circulars, coverage, tasks
from colombe.mailing.models import AddressHealth, Circular, CircularRecipient, OutboxMessage
from colombe.mailing.tests.circular_support import (
    Country,
    build_country,
    confirm_address,
    national_draft,
    send,
)
from colombe.movement.models import Structure
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")
COVERAGE = reverse("mailing:coverage")


def well_covered_committee(country: Country) -> Structure:
    """Saint-Étienne, in Auvergne-Rhône-Alpes, with three confirmed relays."""
    loire = factories.TerritoryFactory.create(name="Loire", parent=country.ara, level=2)
    committee = factories.StructureFactory.create(
        name="Comité de Saint-Étienne", slug="saint-etienne", territory=loire
    )
    for _number in range(3):
        relay = factories.MembershipFactory.create(structure=committee, is_relay=True)
        confirm_address(relay.user)
    return committee


@pytest.fixture
def country(world: World) -> Country:
    country = build_country(world)
    well_covered_committee(country)
    AddressHealth.objects.create(email="noe@example.org", hard_bounces=1)
    circular = send(world.alice, national_draft(world, urgency=Circular.Urgency.URGENT))
    circulars.acknowledge(CircularRecipient.objects.get(circular=circular, user=world.bob))
    circulars.escalate_due(timezone.now() + timedelta(days=2))  # every committee but Lyon
    return country


def row(page: str, slug: str) -> str:
    found = re.search(rf'<tr data-committee="{slug}"[^>]*>(.*?)</tr>', page, re.S)
    assert found is not None, slug
    return found.group(1)


def card(page: str, label: str) -> int:
    found = re.search(rf"<strong>(\d+)</strong> {re.escape(label)}", page)
    assert found is not None, label
    return int(found.group(1))


def test_counts_at_a_glance_for_a_national_admin(country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    page = client.get(COVERAGE).content.decode()
    assert card(page, "committees") == 4
    assert card(page, "without any confirmed relay") == 1  # Grenoble
    assert card(page, "with 1 confirmed relay") == 2  # Lyon; Montpellier (Noe unconfirmed)
    assert card(page, "with 2 confirmed relays") == 0
    assert card(page, "well covered (3 or 4 relays)") == 1  # Saint-Étienne
    assert card(page, "with a relay whose address bounces") == 1  # Noe, Montpellier
    assert card(page, "escalated to their leaders") == 3  # all but Lyon
    assert "All acknowledged" in row(page, "lyon")
    assert "No confirmed relay" in row(page, "grenoble")
    assert "Escalated" in row(page, "grenoble")
    assert "(of 2 relays)" in row(page, "montpellier")
    assert "Noe" in page and "1 permanent failure" in page
    assert "still receive the circulars" in page


def test_a_relay_whose_address_is_disabled_is_not_confirmed(
    country: Country, client: Client
) -> None:
    relay = Structure.objects.get(slug="saint-etienne").memberships.first()
    assert relay is not None
    AddressHealth.objects.create(email=relay.user.email, hard_bounces=2, disabled_at=timezone.now())
    client.force_login(country.world.alice)
    page = client.get(COVERAGE).content.decode()
    assert card(page, "with 2 confirmed relays") == 1
    assert card(page, "well covered (3 or 4 relays)") == 0


def test_a_coordinator_sees_their_region_only(country: Country, client: Client) -> None:
    client.force_login(country.claire)
    page = client.get(COVERAGE).content.decode()
    assert card(page, "committees") == 3
    assert 'data-committee="montpellier"' not in page and "Noe" not in page


def test_filter_by_region_and_by_problem(country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    page = client.get(COVERAGE, {"region": country.occitanie.pk}).content.decode()
    assert card(page, "committees") == 1 and 'data-committee="montpellier"' in page
    page = client.get(COVERAGE, {"problem": "none"}).content.decode()
    assert card(page, "committees") == 4  # the counts stay whole
    assert re.findall(r'data-committee="([^"]+)"', page) == ["grenoble"]


def test_only_admins_and_coordinators(country: Country, client: Client) -> None:
    for person in (country.world.bob, country.world.charlie, country.world.eve):
        client.force_login(person)
        assert client.get(COVERAGE).status_code == 403
    client.logout()
    assert client.get(COVERAGE).status_code == 302


def test_constant_number_of_queries(
    country: Country, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(country.world.alice)
    client.get(COVERAGE)  # the session's first request records it
    with django_assert_max_num_queries(12):
        client.get(COVERAGE)
    for number in range(30):
        committee = factories.StructureFactory.create(territory=country.occitanie)
        factories.MembershipFactory.create(structure=committee, is_relay=number % 2 == 0)
    send(country.world.alice, national_draft(country.world, subject="Encore"))
    with django_assert_max_num_queries(12):
        page = client.get(COVERAGE).content.decode()
    assert card(page, "committees") == 34


def test_reminder_to_under_covered_committees_once_a_week(country: Country) -> None:
    assert tasks.remind_under_covered_committees.call() == 3
    reminders = OutboxMessage.objects.filter(category=OutboxMessage.Category.NOTICE)
    # Leaders of Grenoble (0), Lyon (1) and Montpellier (1); not Saint-Étienne (3).
    assert set(reminders.values_list("to_email", flat=True)) == {
        "gaspard@example.org",
        "bob@example.org",
        "leo@example.org",
    }
    to_gaspard = reminders.get(to_email="gaspard@example.org")
    assert "Comité de Grenoble" in to_gaspard.subject
    assert "/structures/grenoble/membres/" in to_gaspard.body_text
    assert "has 0 confirmed relays" in to_gaspard.body_text
    assert coverage.remind_under_covered() == 0  # the same week: nothing more
    next_week = timezone.now() + timedelta(days=7)
    assert coverage.remind_under_covered(next_week) == 3
