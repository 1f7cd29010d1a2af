"""No over-booking: people taking the last places of a slot at the same moment, in real
threads with their own database connections (a SQLite file whose IMMEDIATE transactions
run one writer at a time, or PostgreSQL when DATABASE_URL points at it, where the slot's
row lock makes the second sign-up wait and then count again)."""

from collections import Counter

import pytest

from colombe.actions import services
from colombe.actions.models import SignUp, Slot
from colombe.actions.tests.plan_helpers import plan, slot_of
from tests import factories
from tests.concurrency import THREADS, database_file_for_sqlite, run_at_once
from tests.personas import World, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(database_file_for_sqlite.__name__),
]
CAPACITY = 5


@pytest.fixture
def committee() -> World:
    """The world, built once the database is a file the threads can share."""
    return build_world()


def attempt(slot: Slot, user: object) -> str:
    try:
        services.sign_up(user, slot)
    except services.SlotFull:
        return "full"
    return "signed up"


def test_two_people_taking_the_last_place_together(committee: World) -> None:
    action = plan(committee, slots=(("Distribuer", 2),))
    slot = slot_of(action, "Distribuer")
    services.sign_up(committee.bob, slot)
    people = [committee.charlie, factories.MembershipFactory.create(structure=committee.lyon).user]

    outcomes = run_at_once(lambda n: attempt(slot, people[n]), threads=2)

    assert outcomes == Counter({"signed up": 1, "full": 1})
    assert SignUp.objects.filter(slot=slot).count() == 2


@pytest.mark.slow
def test_capacity_holds_when_everyone_signs_up_at_once(committee: World) -> None:
    action = plan(committee, slots=(("Tenir le stand", CAPACITY),))
    slot = slot_of(action, "Tenir le stand")
    people = [
        factories.MembershipFactory.create(structure=committee.lyon).user for _ in range(THREADS)
    ]

    outcomes = run_at_once(lambda n: attempt(slot, people[n]))

    assert outcomes == Counter({"signed up": CAPACITY, "full": THREADS - CAPACITY})
    assert SignUp.objects.filter(slot=slot).count() == CAPACITY
