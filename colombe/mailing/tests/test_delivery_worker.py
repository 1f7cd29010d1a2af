"""The outbox worker against the real SMTP sink: one email per recipient, most urgent
first, retries with backoff on 4xx, failure and bounce on 5xx, recovery of rows left by a
dead worker (same Message-ID), and concurrent workers that never send a row twice."""

import io
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from colombe.mailing.models import AddressHealth, OutboxMessage
from colombe.mailing.tests.delivery_support import database_reachable_from_elsewhere, queue
from colombe.mailing.transports import SmtpTransport
from colombe.mailing.worker import (
    DISABLED_ADDRESS_ERROR,
    Worker,
    claim_batch,
    deliver_pending,
    new_worker_id,
    retry_delay,
)
from tests.smtp_sink import SmtpSink

State = OutboxMessage.State


def states() -> Counter[str]:
    return Counter(OutboxMessage.objects.values_list("state", flat=True))


def make_due(*rows: OutboxMessage) -> None:
    """Time passes: the rows' retry time has come."""
    OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_one_email_per_recipient_once(smtp_sink: SmtpSink) -> None:
    rows = queue(5)

    assert deliver_pending() == 5
    assert deliver_pending() == 0

    assert smtp_sink.count == 5
    for row in rows:
        (received,) = smtp_sink.messages_to(row.to_email)
        assert received.message_id == row.message_id
        assert received.recipients == [row.to_email]
        assert received.message["Subject"] == "Circulaire nationale"
    assert states() == {State.SENT: 5}
    sent = OutboxMessage.objects.get(pk=rows[0].pk)
    assert sent.sent_at is not None and sent.attempts == 1 and sent.claimed_by == ""


@pytest.mark.django_db
def test_one_connection_per_batch(smtp_sink: SmtpSink, settings: Any) -> None:
    settings.MAILING_BATCH_SIZE = 2
    queue(5)

    deliver_pending()

    assert smtp_sink.count == 5
    assert smtp_sink.sessions == 3  # batches of 2, 2 and 1


@pytest.mark.django_db
def test_most_urgent_first(smtp_sink: SmtpSink) -> None:
    queue(3, key_prefix="newsletter", priority=OutboxMessage.PRIORITY_BULK)
    urgent = queue(2, key_prefix="urgent", priority=OutboxMessage.PRIORITY_URGENT)
    relays = queue(2, key_prefix="relays", priority=OutboxMessage.PRIORITY_RELAYS)

    deliver_pending()

    first_four = [message.message_id for message in smtp_sink.messages[:4]]
    assert first_four == [row.message_id for row in urgent + relays]


@pytest.mark.django_db
def test_max_messages_limits_one_drain(smtp_sink: SmtpSink) -> None:
    queue(5)
    assert deliver_pending(max_messages=2) == 2
    assert smtp_sink.count == 2
    assert states() == {State.SENT: 2, State.PENDING: 3}


def test_backoff_doubles_up_to_a_ceiling(settings: Any) -> None:
    settings.MAILING_RETRY_BASE_SECONDS = 60
    settings.MAILING_RETRY_MAX_SECONDS = 3600
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.django_db
def test_temporary_refusal_is_retried_later_with_the_same_message_id(
    smtp_sink: SmtpSink, settings: Any
) -> None:
    settings.MAILING_RETRY_BASE_SECONDS = 60
    rows = queue(3)
    smtp_sink.refuse_temporarily(rows[1].to_email, times=2)

    before = timezone.now()
    assert deliver_pending() == 2
    waiting = OutboxMessage.objects.get(pk=rows[1].pk)
    assert waiting.state == State.PENDING
    assert waiting.attempts == 1
    assert "451" in waiting.last_error
    assert before + timedelta(seconds=59) < waiting.next_attempt_at
    assert waiting.next_attempt_at < timezone.now() + timedelta(seconds=61)
    assert deliver_pending() == 0  # not due yet

    make_due(waiting)
    assert deliver_pending() == 0
    waiting.refresh_from_db()
    assert waiting.attempts == 2
    assert waiting.next_attempt_at > timezone.now() + timedelta(seconds=119)  # doubled

    make_due(waiting)
    assert deliver_pending() == 1
    waiting.refresh_from_db()
    assert (waiting.state, waiting.attempts, waiting.last_error) == (State.SENT, 3, "")
    assert [m.message_id for m in smtp_sink.messages_to(rows[1].to_email)] == [rows[1].message_id]
    assert len(smtp_sink.refused) == 2


@pytest.mark.django_db
def test_too_many_temporary_failures_fail_the_message(smtp_sink: SmtpSink, settings: Any) -> None:
    settings.MAILING_MAX_ATTEMPTS = 3
    (row,) = queue(1)
    smtp_sink.refuse_temporarily(row.to_email, times=None)

    for _attempt in range(3):
        make_due(row)
        deliver_pending()

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert "451" in row.last_error
    make_due(row)
    deliver_pending()
    assert len(smtp_sink.refused) == 3
    assert smtp_sink.count == 0


@pytest.mark.django_db
def test_permanent_refusal_is_a_hard_bounce_not_retried(smtp_sink: SmtpSink) -> None:
    rows = queue(2)
    smtp_sink.refuse_permanently(rows[0].to_email)

    assert deliver_pending() == 1

    refused = OutboxMessage.objects.get(pk=rows[0].pk)
    assert refused.state == State.BOUNCED  # the bounce handler's final word on a 5xx
    assert "550" in refused.last_error
    assert refused.sent_at is None
    health = AddressHealth.objects.get(email=rows[0].to_email)
    assert health.hard_bounces == 1
    make_due(refused)
    assert deliver_pending() == 0
    assert len(smtp_sink.refused) == 1
    assert [m.recipients for m in smtp_sink.messages] == [[rows[1].to_email]]


@pytest.mark.django_db
def test_a_refused_content_fails_without_blaming_the_address(smtp_sink: SmtpSink) -> None:
    rows = queue(2)
    OutboxMessage.objects.filter(pk=rows[0].pk).update(body_text="EICAR test string")
    smtp_sink.refuse_content(b"EICAR")

    assert deliver_pending() == 1

    refused = OutboxMessage.objects.get(pk=rows[0].pk)
    assert refused.state == State.FAILED and "554" in refused.last_error
    assert not AddressHealth.objects.filter(email=rows[0].to_email).exists()


@pytest.mark.django_db
def test_a_message_that_cannot_be_built_fails_alone(smtp_sink: SmtpSink) -> None:
    rows = queue(3)
    OutboxMessage.objects.filter(pk=rows[1].pk).update(subject="Hello\r\nBcc: eve@example.org")

    assert deliver_pending() == 2

    broken = OutboxMessage.objects.get(pk=rows[1].pk)
    assert broken.state == State.FAILED
    assert broken.last_error.startswith("cannot compose")
    assert smtp_sink.messages_to("eve@example.org") == []


@pytest.mark.django_db
def test_address_disabled_after_queueing_is_skipped(smtp_sink: SmtpSink) -> None:
    rows = queue(3)
    AddressHealth.objects.create(email=rows[2].to_email, hard_bounces=2, disabled_at=timezone.now())

    assert deliver_pending() == 2

    skipped = OutboxMessage.objects.get(pk=rows[2].pk)
    assert (skipped.state, skipped.last_error) == (State.FAILED, DISABLED_ADDRESS_ERROR)
    assert smtp_sink.messages_to(rows[2].to_email) == []


@pytest.mark.django_db
def test_rows_of_a_worker_whose_lease_expired_are_sent_with_the_same_message_id(
    smtp_sink: SmtpSink, settings: Any
) -> None:
    settings.MAILING_LEASE_SECONDS = 300
    rows = queue(3)
    claim_batch("another-host:4242:dead", 10)  # a worker on another machine, then silence
    assert deliver_pending() == 0  # its lease still runs: the rows are not ours

    OutboxMessage.objects.update(claimed_at=timezone.now() - timedelta(seconds=301))
    assert deliver_pending() == 3

    assert sorted(smtp_sink.message_ids()) == sorted(row.message_id for row in rows)
    assert states() == {State.SENT: 3}


@pytest.mark.django_db
def test_rows_of_a_dead_process_on_this_host_are_recovered_at_once(
    smtp_sink: SmtpSink,
) -> None:
    process = subprocess.Popen(["true"])
    process.wait()
    host = new_worker_id().split(":")[0]
    rows = queue(2)
    claim_batch(f"{host}:{process.pid}:gone", 10)

    assert deliver_pending() == 2
    assert sorted(smtp_sink.message_ids()) == sorted(row.message_id for row in rows)


@pytest.mark.django_db
def test_rows_claimed_by_a_live_worker_are_left_alone(smtp_sink: SmtpSink) -> None:
    queue(2)
    claim_batch(new_worker_id(), 10)  # this very process: alive

    assert deliver_pending() == 0
    assert states() == {State.SENDING: 2}


@pytest.mark.django_db
def test_throttle_spreads_messages(smtp_sink: SmtpSink, settings: Any) -> None:
    settings.MAILING_RATE_PER_SECOND = 20
    queue(6)

    started = time.monotonic()
    assert deliver_pending() == 6

    assert time.monotonic() - started >= 5 / 20


@pytest.mark.django_db
def test_unreachable_server_keeps_the_batch_for_later(settings: Any) -> None:
    settings.MAILING_TRANSPORT = "smtp"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens on the loopback
    queue(3)

    assert deliver_pending() == 0

    assert states() == {State.PENDING: 3}
    row = OutboxMessage.objects.first()
    assert row is not None
    assert row.attempts == 1 and "cannot connect" in row.last_error


class StopAfter(SmtpTransport):
    """The real SMTP transport, with a stop request (as from SIGTERM) after n messages."""

    def __init__(self, sink: SmtpSink, worker: list[Worker], count: int) -> None:
        super().__init__(sink.host, sink.port)
        self.worker = worker
        self.count = count

    def send(self, message: bytes, envelope_from: str, recipient: str) -> None:
        super().send(message, envelope_from, recipient)
        self.count -= 1
        if self.count == 0:
            self.worker[0].stop()


@pytest.mark.django_db
def test_stopping_gives_back_the_rest_of_the_batch(smtp_sink: SmtpSink) -> None:
    queue(5)
    holder: list[Worker] = []
    worker = Worker(StopAfter(smtp_sink, holder, 2))
    holder.append(worker)

    assert worker.drain() == 2

    assert states() == {State.SENT: 2, State.PENDING: 3}
    assert not OutboxMessage.objects.exclude(claimed_by="").exists()
    assert deliver_pending() == 3
    assert smtp_sink.count == 5


@pytest.mark.django_db
def test_run_outbox_once(smtp_sink: SmtpSink) -> None:
    queue(4)
    output = io.StringIO()

    call_command("run_outbox", once=True, stdout=output)

    assert "4 message(s) sent" in output.getvalue()
    assert smtp_sink.count == 4


@pytest.mark.django_db
def test_run_outbox_max_seconds_returns_when_idle(smtp_sink: SmtpSink) -> None:
    started = time.monotonic()
    call_command("run_outbox", max_seconds=0.5, poll=0.1, stdout=io.StringIO())
    assert 0.5 <= time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_a_row_twice(
    smtp_sink: SmtpSink, settings: Any, tmp_path: Path
) -> None:
    """Two workers, each in its own thread with its own database connection. On
    PostgreSQL they claim side by side (SKIP LOCKED); on SQLite they take turns."""
    settings.MAILING_BATCH_SIZE = 10
    with database_reachable_from_elsewhere(tmp_path):
        rows = queue(300)
        sent: list[int] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def work() -> None:
            try:
                barrier.wait(timeout=10)
                sent.append(deliver_pending())
            except BaseException as error:  # reported below, so it fails the test
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert errors == []
        assert sum(sent) == 300
        received = Counter(smtp_sink.message_ids())
        assert received == Counter(row.message_id for row in rows)
        assert set(received.values()) == {1}
        assert states() == {State.SENT: 300}
