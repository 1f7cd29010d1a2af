import pytest
from django.core.exceptions import PermissionDenied

from colombe.meetings import services
from colombe.meetings.models import Registration
from colombe.meetings.tests.schedule_helpers import schedule
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_seats_then_waiting_list_in_order(world: World, mailoutbox: list) -> None:
    meeting = schedule(world, registration_required=True, capacity=2)
    registrations = [services.register(meeting, p) for p in (world.charlie, world.bob)]
    assert [r.status for r in registrations] == [Status.CONFIRMED, Status.CONFIRMED]
    waiting = services.register(meeting, world.alice)
    assert waiting.status == Status.WAITLISTED
    assert services.waitlist_position(meeting, waiting) == 1
    assert services.seats_left(meeting) == 0
    assert [m.to for m in mailoutbox] == [
        ["charlie@example.org"],
        ["bob@example.org"],
        ["alice@example.org"],
    ]
    assert "1" in mailoutbox[-1].body


def test_registering_twice_keeps_the_first_registration(world: World) -> None:
    meeting = schedule(world, registration_required=True, capacity=5)
    first = services.register(meeting, world.charlie)
    assert services.register(meeting, world.charlie).pk == first.pk
    assert meeting.registrations.count() == 1


def test_unregistering_promotes_the_first_waiting_and_emails_them(
    world: World, mailoutbox: list
) -> None:
    meeting = schedule(world, registration_required=True, capacity=1)
    services.register(meeting, world.charlie)
    first_waiting = services.register(meeting, world.bob)
    second_waiting = services.register(meeting, world.alice)
    mailoutbox.clear()
    services.unregister(meeting, world.charlie)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Status.CONFIRMED
    assert second_waiting.status == Status.WAITLISTED
    assert services.waitlist_position(meeting, second_waiting) == 1
    assert [m.to for m in mailoutbox] == [["bob@example.org"]]
    assert meeting.get_absolute_url() in mailoutbox[0].body


def test_registering_again_goes_to_the_back_of_the_queue(world: World) -> None:
    meeting = schedule(world, registration_required=True, capacity=1)
    services.register(meeting, world.charlie)
    bob = services.register(meeting, world.bob)
    services.register(meeting, world.alice)
    services.unregister(meeting, world.bob)
    bob = services.register(meeting, world.bob)
    assert services.waitlist_position(meeting, bob) == 2


def test_raising_the_capacity_promotes_people_waiting(world: World) -> None:
    meeting = schedule(world, registration_required=True, capacity=1)
    services.register(meeting, world.charlie)
    waiting = services.register(meeting, world.bob)
    services.update_meeting(actor=world.bob, meeting=meeting, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_no_registration_when_the_meeting_does_not_ask_for_it(world: World) -> None:
    meeting = schedule(world)
    with pytest.raises(PermissionDenied):
        services.register(meeting, world.charlie)


def test_no_registration_after_cancellation(world: World) -> None:
    meeting = schedule(world, registration_required=True)
    services.cancel_meeting(meeting, world.bob)
    meeting.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.register(meeting, world.charlie)


def test_an_outsider_cannot_register_for_a_committee_meeting(world: World) -> None:
    meeting = schedule(world, registration_required=True)
    outsider = factories.UserFactory.create()
    with pytest.raises(Exception) as refused:
        services.register(meeting, outsider)
    assert type(refused.value).__name__ == "Http404"
