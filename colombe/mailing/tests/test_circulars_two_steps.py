"""Sending in two steps: the relays' emails are committed first, the members' by a task
committed with them; a send whose task was lost is finished by the periodic sweep."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from colombe.mailing import circulars
from colombe.mailing.models import Circular, CircularRecipient, OutboxMessage
from colombe.mailing.tests.circular_support import Country, build_country, national_draft, send
from tests.personas import World

Audience = Circular.Audience
Reason = CircularRecipient.Reason


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


@pytest.fixture
def tasks_not_run(settings: Any) -> None:
    """Tasks are stored but never run: what a worker killed between the steps leaves."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def reasons(circular: Circular) -> set[str]:
    return set(circular.recipients.values_list("reason", flat=True))


def test_members_follow_in_a_task(country: Country) -> None:
    circular = send(
        country.world.alice, national_draft(country.world, audience=Audience.ALL_MEMBERS)
    )

    assert circular.status == Circular.Status.SENT
    assert reasons(circular) == {Reason.RELAY, Reason.MEMBER}
    relay_rows = OutboxMessage.objects.filter(priority=OutboxMessage.PRIORITY_RELAYS)
    member_rows = OutboxMessage.objects.filter(priority=OutboxMessage.PRIORITY_BULK)
    assert relay_rows.exists() and member_rows.exists()
    # Relays were queued first: every relay row is older than every member row.
    assert max(relay_rows.values_list("pk", flat=True)) < min(
        member_rows.values_list("pk", flat=True)
    )


@pytest.mark.usefixtures("tasks_not_run")
def test_an_interrupted_send_is_finished_once_by_the_sweep(country: Country) -> None:
    circular = send(
        country.world.alice, national_draft(country.world, audience=Audience.ALL_MEMBERS)
    )

    assert circular.status == Circular.Status.SENDING
    assert reasons(circular) == {Reason.RELAY}
    relays_only = OutboxMessage.objects.count()

    assert circulars.send_due_circulars(timezone.now()) == 0  # too early to call it lost
    assert OutboxMessage.objects.count() == relays_only
    later = timezone.now() + timedelta(minutes=6)
    circulars.send_due_circulars(later)
    circulars.send_due_circulars(later)

    circular.refresh_from_db()
    assert circular.status == Circular.Status.SENT
    assert reasons(circular) == {Reason.RELAY, Reason.MEMBER}
    members = circular.recipients.filter(reason=Reason.MEMBER).count()
    assert OutboxMessage.objects.count() == relays_only + members
