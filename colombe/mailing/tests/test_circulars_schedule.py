"""Scheduling: a scheduled circular is sent by the periodic task once its time has come,
exactly once, and can be put back to draft before."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.mailing import circulars, tasks
from colombe.mailing.models import Circular, OutboxMessage
from colombe.mailing.tests.circular_support import Country, build_country, national_draft
from tests.personas import World


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


@pytest.fixture
def draft(country: Country) -> Circular:
    return circulars.create_circular(actor=country.world.alice, draft=national_draft(country.world))


def queued(circular: Circular) -> int:
    return OutboxMessage.objects.filter(key__startswith=f"circular:{circular.pk}:").count()


def test_schedule_from_the_page_then_the_task_sends_it_once(
    draft: Circular, country: Country, client: Client
) -> None:
    client.force_login(country.world.alice)
    url = reverse("mailing:circular_schedule", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'type="datetime-local"' in page.content.decode()
    when = timezone.localtime() + timedelta(hours=2)
    response = client.post(url, {"send_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Circular.Status.SCHEDULED
    assert draft.scheduled_for == when.replace(second=0, microsecond=0)
    assert tasks.send_scheduled_circulars.call() == 0  # not yet
    assert queued(draft) == 0
    assert circulars.send_due_circulars(timezone.now() + timedelta(hours=3)) == 1
    assert circulars.send_due_circulars(timezone.now() + timedelta(hours=3)) == 0
    draft.refresh_from_db()
    assert draft.status == Circular.Status.SENT and queued(draft) == 3


def test_a_moment_in_the_past_is_refused(draft: Circular, country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    url = reverse("mailing:circular_schedule", args=[draft.pk])
    past = timezone.localtime() - timedelta(hours=1)
    assert client.post(url, {"send_at": past.strftime("%Y-%m-%dT%H:%M")}).status_code == 422
    draft.refresh_from_db()
    assert draft.status == Circular.Status.DRAFT


def test_unscheduled_circular_is_not_sent(
    draft: Circular, country: Country, client: Client
) -> None:
    circulars.schedule_circular(
        actor=country.world.alice, circular=draft, when=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(country.world.alice)
    client.post(reverse("mailing:circular_unschedule", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Circular.Status.DRAFT and draft.scheduled_for is None
    assert circulars.send_due_circulars(timezone.now() + timedelta(hours=1)) == 0
    assert queued(draft) == 0


def test_sending_now_a_scheduled_circular_sends_it_once(draft: Circular, country: Country) -> None:
    alice = country.world.alice
    circulars.schedule_circular(
        actor=alice, circular=draft, when=timezone.now() + timedelta(minutes=5)
    )
    double_click = Circular.objects.get(pk=draft.pk)  # loaded before the first send ends
    circulars.send_circular(actor=alice, circular=draft)
    assert circulars.send_due_circulars(timezone.now() + timedelta(hours=1)) == 0
    with pytest.raises(circulars.CircularError):
        circulars.send_circular(actor=alice, circular=double_click)
    with pytest.raises(PermissionDenied):  # once sent, it can no longer be sent
        circulars.send_circular(actor=alice, circular=draft)
    assert queued(draft) == 3
