"""Demo circulars: varied coverage for the coverage page, and seeding twice creates
nothing new."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from colombe.core import demo as core_demo
from colombe.mailing.demo import BOUNCING_RELAY, seed_mailing
from colombe.mailing.models import (
    AddressHealth,
    Circular,
    CircularCommittee,
    CircularRecipient,
    OutboxMessage,
    Subscription,
)
from colombe.movement.models import Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> tuple[dict[str, Structure], core_demo.Cast]:
    settings.VAR_DIR = tmp_path / "var"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    cast = core_demo.seed_people(
        structures, core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    )
    return structures, cast


def counts() -> dict[str, int]:
    models = (Circular, CircularRecipient, CircularCommittee, OutboxMessage, Subscription)
    return {model.__name__: model._default_manager.count() for model in models}


def test_seed_twice_creates_nothing_new(movement: tuple[dict[str, Structure], Any]) -> None:
    structures, cast = movement
    seed_mailing(structures, cast, core_demo.SeedReport())
    first = counts()
    report = core_demo.SeedReport()
    seed_mailing(structures, cast, report)

    assert counts() == first
    assert not report.created


def test_coverage_is_varied(movement: tuple[dict[str, Structure], Any]) -> None:
    structures, cast = movement
    seed_mailing(structures, cast, core_demo.SeedReport())

    urgent = Circular.objects.get(urgency=Circular.Urgency.URGENT)
    rows = {row.committee.slug: row for row in urgent.committees.select_related("committee")}
    assert rows["comite-lyon"].acknowledged_by == cast.bob
    assert rows["comite-montpellier"].acknowledged_at is None
    assert rows["comite-montpellier"].escalated_at is not None
    assert rows["comite-paris-20"].relays_sent == 0
    assert rows["comite-paris-20"].acknowledged_at is None
    assert Circular.objects.filter(status=Circular.Status.DRAFT).count() == 1
    # Every delivered circular is an outbox row already sent: the demo emails nobody.
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists()
    bouncing = AddressHealth.objects.get(email=cast.by_name[BOUNCING_RELAY].email)
    assert bouncing.disabled_at is not None


def test_regional_circular_reaches_only_its_region(
    movement: tuple[dict[str, Structure], Any],
) -> None:
    structures, cast = movement
    seed_mailing(structures, cast, core_demo.SeedReport())

    regional = Circular.objects.get(audience=Circular.Audience.REGION_RELAYS)
    slugs = set(regional.committees.values_list("committee__slug", flat=True))
    assert "comite-lyon" in slugs and "comite-grenoble" in slugs
    assert "comite-toulouse" not in slugs and "comite-paris-11" not in slugs
    assert regional.author == cast.by_name["Claire Dubois"]
