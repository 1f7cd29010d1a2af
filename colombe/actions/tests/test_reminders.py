"""Volunteers are reminded by email a day before, once per sign-up; cancelled and
far-away actions send nothing."""

from datetime import timedelta

import pytest

from colombe.actions import services, tasks
from colombe.actions.models import SignUp
from colombe.actions.tests.plan_helpers import plan, slot_of
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_each_volunteer_is_reminded_once_a_day_before(world: World, mailoutbox: list) -> None:
    action = plan(world, starts_in=timedelta(hours=20), slots=(("Distribuer", 4), ("Stand", 2)))
    services.sign_up(world.charlie, slot_of(action, "Distribuer"))
    services.sign_up(world.dana, slot_of(action, "Stand"))
    mailoutbox.clear()

    assert tasks.send_action_reminders.call() == 2

    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {world.charlie.email, world.dana.email}
    assert action.title in by_address[world.charlie.email].subject
    assert "Distribuer" in by_address[world.charlie.email].body
    assert action.get_absolute_url() in by_address[world.dana.email].body
    assert not SignUp.objects.filter(reminded_at__isnull=True).exists()
    mailoutbox.clear()
    assert tasks.send_action_reminders.call() == 0
    assert mailoutbox == []


def test_a_slot_later_in_the_day_counts_from_its_own_start(world: World) -> None:
    action = plan(world, starts_in=timedelta(hours=20))
    six_hours = timedelta(hours=6)
    late = services.add_slot(
        world.bob,
        action,
        label="Rangement",
        starts_at=action.starts_at + six_hours,
        ends_at=action.starts_at + six_hours * 2,
    )
    services.sign_up(world.charlie, late)
    assert services.send_action_reminders() == 0  # 26 hours ahead: not yet
    services.update_slot(
        world.bob, late, starts_at=action.starts_at, ends_at=action.starts_at + six_hours
    )
    assert services.send_action_reminders() == 1


def test_no_reminder_too_early_or_for_a_cancelled_action(world: World, mailoutbox: list) -> None:
    later = plan(world, starts_in=timedelta(days=3), slots=(("Distribuer", None),))
    services.sign_up(world.charlie, slot_of(later, "Distribuer"))
    cancelled = plan(world, title="Annulée", starts_in=timedelta(hours=5), slots=(("Stand", None),))
    services.sign_up(world.dana, slot_of(cancelled, "Stand"))
    services.cancel_action(world.bob, cancelled)
    mailoutbox.clear()
    assert services.send_action_reminders() == 0
    assert mailoutbox == []


def test_cancelling_tells_the_volunteers(world: World, mailoutbox: list) -> None:
    action = plan(world, slots=(("Distribuer", None), ("Stand", None)))
    services.sign_up(world.charlie, slot_of(action, "Distribuer"))
    services.sign_up(world.charlie, slot_of(action, "Stand"))
    mailoutbox.clear()
    services.cancel_action(world.bob, action)
    assert [message.to for message in mailoutbox] == [[world.charlie.email]]
    assert action.title in mailoutbox[0].subject


def test_the_phone_numbers_task_runs(world: World) -> None:
    old = plan(world, starts_in=timedelta(days=-8), slots=(("Stand", None),))
    SignUp.objects.create(slot=slot_of(old, "Stand"), user=world.dana, phone="06", share_phone=True)
    assert tasks.forget_phone_numbers.call() == 1
