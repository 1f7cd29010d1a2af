"""Escalation: an urgent circular that no relay of a committee acknowledged within its
delay goes to the committee's leaders who are not relays — once, never twice — and the
committee is flagged; acknowledged committees and normal circulars are left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from colombe.mailing import circulars, tasks
from colombe.mailing.models import Circular, CircularCommittee, CircularRecipient, OutboxMessage
from colombe.mailing.tests.circular_support import Country, build_country, national_draft, send
from tests.personas import World

URGENT = Circular.Urgency.URGENT


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


def urgent(country: Country, **fields: object) -> Circular:
    draft = national_draft(country.world, urgency=URGENT, escalation_hours=6, **fields)
    return send(country.world.alice, draft)


def escalated(circular: Circular) -> set[str]:
    rows = CircularCommittee.objects.filter(circular=circular, escalated_at__isnull=False)
    return set(rows.values_list("committee__slug", flat=True))


def emails_to(address: str, circular: Circular) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(to_email=address, key__startswith=f"circular:{circular.pk}:")
    )


def test_nothing_is_escalated_before_the_delay(country: Country) -> None:
    circular = urgent(country)
    assert circulars.escalate_due(timezone.now() + timedelta(hours=5, minutes=59)) == 0
    assert escalated(circular) == set()


@pytest.mark.usefixtures("english_pages")
def test_silent_committees_go_to_their_leaders_exactly_once(country: Country) -> None:
    circular = urgent(country)
    circulars.acknowledge(CircularRecipient.objects.get(circular=circular, user=country.mia))
    later = timezone.now() + timedelta(hours=6, minutes=1)
    # Lyon (Bob did not answer) and Grenoble (no relay) are escalated; Montpellier answered.
    assert circulars.escalate_due(later) == 2
    assert escalated(circular) == {"lyon", "grenoble"}
    (to_gaspard,) = emails_to("gaspard@example.org", circular)
    assert to_gaspard.priority == OutboxMessage.PRIORITY_URGENT
    assert "No relay of your committee has confirmed" in to_gaspard.body_text
    assert "/diffusion/bien-recu/" in to_gaspard.body_text
    gaspard = CircularRecipient.objects.get(circular=circular, user=country.gaspard)
    assert gaspard.reason == CircularRecipient.Reason.ESCALATION
    # Leo leads Montpellier, which acknowledged: he gets nothing. Bob leads Lyon but is
    # its relay and already has it: no second email.
    assert emails_to("leo@example.org", circular) == []
    assert len(emails_to("bob@example.org", circular)) == 1
    stamp = CircularCommittee.objects.get(circular=circular, committee=country.grenoble)
    # Run again, and again later: nothing more.
    assert circulars.escalate_due(later + timedelta(minutes=5)) == 0
    assert tasks.escalate_unacknowledged_circulars.call() == 0
    assert len(emails_to("gaspard@example.org", circular)) == 1
    stamp.refresh_from_db()
    assert stamp.escalated_at == later


def test_a_leader_acknowledges_an_escalated_committee(country: Country) -> None:
    circular = urgent(country)
    circulars.escalate_due(timezone.now() + timedelta(hours=7))
    gaspard = CircularRecipient.objects.get(circular=circular, user=country.gaspard)
    assert circulars.acknowledge(gaspard)
    grenoble = CircularCommittee.objects.get(circular=circular, committee=country.grenoble)
    assert grenoble.acknowledged_by == country.gaspard and grenoble.escalated_at is not None


def test_normal_circulars_are_never_escalated(country: Country) -> None:
    circular = send(country.world.alice, national_draft(country.world))
    assert circulars.escalate_due(timezone.now() + timedelta(days=30)) == 0
    assert escalated(circular) == set()
