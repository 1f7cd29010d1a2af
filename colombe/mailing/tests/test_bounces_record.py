"""record_bounce: counts, the outbox row, disabling an address, and the audit trail."""

from typing import Any

import pytest

from colombe.core.models import AuditEntry
from colombe.mailing.bounces import record_bounce, soft_bounces_in_a_row
from colombe.mailing.models import AddressHealth, OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue

pytestmark = pytest.mark.django_db

ADDRESS = "Claire.Martin@example.net"


def sent_row(
    number: int, to: str = ADDRESS, state: str = OutboxMessage.State.SENT
) -> OutboxMessage:
    enqueue(
        [
            OutgoingEmail(
                key=f"test:{number}:{to}",
                to=to,
                subject="Nouvelles",
                body_text="Bonjour",
                category=OutboxMessage.Category.NEWSLETTER,
            )
        ]
    )
    row = OutboxMessage.objects.get(key=f"test:{number}:{to}")
    row.state = state
    row.save(update_fields=["state"])
    return row


def health() -> AddressHealth:
    return AddressHealth.objects.get(email=ADDRESS.lower())


def test_hard_bounce_counts_marks_the_row_and_keeps_the_diagnostic() -> None:
    row = sent_row(1)
    record_bounce(email=ADDRESS, hard=True, diagnostic="550 5.1.1 User unknown", message=row)
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.BOUNCED
    assert row.last_error == "550 5.1.1 User unknown"
    assert (health().hard_bounces, health().soft_bounces) == (1, 0)
    assert health().last_diagnostic == "550 5.1.1 User unknown"
    assert health().last_bounce_at is not None
    assert health().disabled_at is None


def test_second_hard_bounce_disables_and_stops_future_sends() -> None:
    record_bounce(email=ADDRESS, hard=True, diagnostic="5.1.1", message=sent_row(1))
    record_bounce(email=ADDRESS, hard=True, diagnostic="5.1.1", message=sent_row(2))
    assert health().disabled_at is not None
    queued = enqueue(
        [
            OutgoingEmail(
                key="test:after",
                to=ADDRESS.upper(),
                subject="Encore",
                body_text="…",
                category=OutboxMessage.Category.CIRCULAR,
            )
        ]
    )
    assert queued == 0
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("mailing.bounce.recorded") == 2
    assert actions.count("mailing.address.disabled") == 1


def test_the_same_bounce_reported_twice_counts_once() -> None:
    row = sent_row(1)
    record_bounce(email=ADDRESS, hard=True, diagnostic="DSN", message=row)
    record_bounce(email=ADDRESS, hard=True, diagnostic="webhook", message=row)
    assert health().hard_bounces == 1
    assert health().disabled_at is None


def test_limit_comes_from_settings(settings: Any) -> None:
    settings.MAILING_HARD_BOUNCE_LIMIT = 1
    record_bounce(email=ADDRESS, hard=True, diagnostic="5.1.1")
    assert health().disabled_at is not None


def test_soft_bounces_disable_only_when_many_in_a_row(settings: Any) -> None:
    settings.MAILING_SOFT_BOUNCE_LIMIT = 3
    for number in (1, 2):
        record_bounce(email=ADDRESS, hard=False, diagnostic="452 4.2.2", message=sent_row(number))
    assert health().disabled_at is None
    record_bounce(email=ADDRESS, hard=False, diagnostic="452 4.2.2", message=sent_row(3))
    assert health().soft_bounces == 3
    assert health().disabled_at is not None


def test_a_message_that_went_through_breaks_the_run_of_soft_bounces(settings: Any) -> None:
    settings.MAILING_SOFT_BOUNCE_LIMIT = 3
    record_bounce(email=ADDRESS, hard=False, diagnostic="4.2.2", message=sent_row(1))
    sent_row(2)  # delivered, no bounce
    record_bounce(email=ADDRESS, hard=False, diagnostic="4.2.2", message=sent_row(3))
    record_bounce(email=ADDRESS, hard=False, diagnostic="4.2.2", message=sent_row(4))
    assert soft_bounces_in_a_row(ADDRESS) == 2
    assert health().soft_bounces == 3
    assert health().disabled_at is None


def test_soft_bounces_without_outbox_rows_never_disable(settings: Any) -> None:
    settings.MAILING_SOFT_BOUNCE_LIMIT = 2
    for _attempt in range(4):
        record_bounce(email=ADDRESS, hard=False, diagnostic="4.4.1")
    assert health().soft_bounces == 4
    assert health().disabled_at is None


def test_other_addresses_are_not_affected() -> None:
    record_bounce(email=ADDRESS, hard=True, diagnostic="5.1.1", message=sent_row(1))
    record_bounce(email=ADDRESS, hard=True, diagnostic="5.1.1", message=sent_row(2))
    assert sent_row(3, to="someone@example.net").state == OutboxMessage.State.SENT
    assert not AddressHealth.objects.filter(email="someone@example.net").exists()
