"""Many people taking the last seats at the same moment: real threads with their own
database connections (SQLite file with IMMEDIATE transactions, or PostgreSQL when
DATABASE_URL points at it)."""

from collections import Counter

import pytest

from colombe.meetings import services
from colombe.meetings.models import Registration
from colombe.meetings.tests.schedule_helpers import schedule
from tests import factories
from tests.concurrency import THREADS, database_file_for_sqlite, run_at_once
from tests.personas import World, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(database_file_for_sqlite.__name__),
    pytest.mark.slow,
]
CAPACITY = 5


@pytest.fixture
def committee() -> World:
    """The world, built once the database is a file the threads can share (fixtures named
    in ``usefixtures`` are set up before the test's arguments)."""
    return build_world()


def test_capacity_holds_when_everyone_registers_at_once(committee: World) -> None:
    meeting = schedule(committee, registration_required=True, capacity=CAPACITY)
    people = [
        factories.MembershipFactory.create(structure=committee.lyon).user for _ in range(THREADS)
    ]
    outcomes: Counter[str] = run_at_once(
        lambda n: str(services.register(meeting, people[n]).status)
    )
    Status = Registration.Status
    assert outcomes == Counter({Status.CONFIRMED: CAPACITY, Status.WAITLISTED: THREADS - CAPACITY})
    confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert confirmed == CAPACITY
