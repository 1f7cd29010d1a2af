"""The delivery loop: claim due outbox rows, send each over one connection per batch,
record each result the moment the server answers.

States: ``pending → sending`` (claimed by one worker) ``→ sent`` right after the server's
250, or ``→ pending`` again with a later ``next_attempt_at`` after a temporary failure,
or ``→ failed`` after a permanent one (or too many attempts). A worker that dies leaves
its claimed rows in ``sending``; they go back to ``pending``, with the same Message-ID,
once their lease has expired, or at once when the claiming process is known to be dead
(same host, no such pid). See docs/mailing-delivery.md for why at most the one message in
flight on a killed connection can be delivered twice (RFC 1047), and never one already
recorded."""

import email.errors
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from colombe.mailing.bounces import record_bounce
from colombe.mailing.compose import compose
from colombe.mailing.dkim_signing import configured_signer
from colombe.mailing.models import AddressHealth, OutboxMessage
from colombe.mailing.transports import (
    ConnectionFailure,
    PermanentFailure,
    RecipientRefused,
    TemporaryFailure,
    Transport,
    transport_from_settings,
)

logger = logging.getLogger(__name__)

State = OutboxMessage.State
DISABLED_ADDRESS_ERROR = "address disabled after repeated bounces; not sent"


def new_worker_id() -> str:
    """host:pid:random — unique per worker, and tells recovery which process to check."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Throttle:
    """At most ``rate`` sends per second (0: no limit), spread evenly."""

    def __init__(self, rate: int) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2 * base, 4 * base, ..."""
    base = settings.MAILING_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.MAILING_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


# Recovery --------------------------------------------------------------------------------
def _process_is_dead(worker_id: str) -> bool:
    host, _, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # Someone else's live process.
    return False


def recover_stale_claims(now: datetime | None = None) -> int:
    """Rows left in ``sending`` by a worker that died go back to ``pending``: those whose
    lease expired, and those of a process on this host that no longer exists. They keep
    their Message-ID; at most one of them (the one in flight) was already delivered."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.MAILING_LEASE_SECONDS)
    sending = OutboxMessage.objects.filter(state=State.SENDING)
    dead = [
        owner
        for owner in sending.values_list("claimed_by", flat=True).distinct()
        if _process_is_dead(owner)
    ]
    recovered = sending.filter(claimed_at__lt=expired).update(
        state=State.PENDING, claimed_by="", claimed_at=None, next_attempt_at=now
    )
    recovered += sending.filter(claimed_by__in=dead).update(
        state=State.PENDING, claimed_by="", claimed_at=None, next_attempt_at=now
    )
    if recovered:
        logger.warning(
            "outbox: %d message(s) claimed by a dead worker are pending again", recovered
        )
    return recovered


# Claiming --------------------------------------------------------------------------------
def claim_batch(worker_id: str, limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows, most urgent first. On PostgreSQL, rows locked by
    another worker's claim are skipped (SKIP LOCKED), so workers never wait for or share a
    row; on SQLite the IMMEDIATE transaction makes claims take turns (single writer)."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now)
            .order_by("priority", "id")
            .values_list("id", flat=True)[:limit]
        )
        ids = list(due)
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids, state=State.PENDING).update(
            state=State.SENDING, claimed_by=worker_id, claimed_at=now
        )
    return list(
        OutboxMessage.objects.filter(
            id__in=ids, state=State.SENDING, claimed_by=worker_id
        ).order_by("priority", "id")
    )


def release(worker_id: str, rows: Iterable[OutboxMessage]) -> int:
    """Give back claimed rows that were never sent (clean shutdown)."""
    return OutboxMessage.objects.filter(
        id__in=[row.pk for row in rows], state=State.SENDING, claimed_by=worker_id
    ).update(state=State.PENDING, claimed_by="", claimed_at=None)


def renew_claims(worker_id: str, rows: list[OutboxMessage]) -> set[int]:
    """Extend the lease of rows still to send; returns the ids this worker still owns."""
    ids = [row.pk for row in rows]
    OutboxMessage.objects.filter(id__in=ids, state=State.SENDING, claimed_by=worker_id).update(
        claimed_at=timezone.now()
    )
    return set(
        OutboxMessage.objects.filter(
            id__in=ids, state=State.SENDING, claimed_by=worker_id
        ).values_list("id", flat=True)
    )


# Recording results -----------------------------------------------------------------------
def _mine(worker_id: str, row: OutboxMessage) -> QuerySet[OutboxMessage]:
    """The row, only while this worker still holds its claim."""
    return OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING, claimed_by=worker_id)


def mark_sent(worker_id: str, row: OutboxMessage) -> None:
    """One UPDATE, committed at once: this is the whole RFC 1047 window."""
    recorded = _mine(worker_id, row).update(
        state=State.SENT,
        sent_at=timezone.now(),
        attempts=row.attempts + 1,
        claimed_by="",
        last_error="",
    )
    if not recorded:
        # Only if this worker stalled longer than the lease and another one took over.
        logger.error("outbox: message %s was sent but its claim had been lost", row.pk)


def schedule_retry(worker_id: str, row: OutboxMessage, error: str) -> None:
    attempts = row.attempts + 1
    if attempts >= settings.MAILING_MAX_ATTEMPTS:
        _mine(worker_id, row).update(
            state=State.FAILED, attempts=attempts, claimed_by="", last_error=error
        )
        return
    _mine(worker_id, row).update(
        state=State.PENDING,
        attempts=attempts,
        next_attempt_at=timezone.now() + retry_delay(attempts),
        claimed_by="",
        claimed_at=None,
        last_error=error,
    )


def record_permanent_failure(worker_id: str, row: OutboxMessage, error: PermanentFailure) -> None:
    """Failed for good. When the server refused the address itself, the bounce handler
    counts it against the address (and marks the row ``bounced``) in the same
    transaction; any other refusal (our sender, the content, a provider's key) is logged
    for the administrators and leaves the address alone."""
    with transaction.atomic():
        updated = _mine(worker_id, row).update(
            state=State.FAILED, attempts=row.attempts + 1, claimed_by="", last_error=str(error)
        )
        if not updated:
            return
        if isinstance(error, RecipientRefused):
            record_bounce(email=row.to_email, hard=True, diagnostic=str(error), message=row)
        else:
            logger.error("Outbox message %s refused for good: %s", row.pk, error)


def fail_disabled(worker_id: str, rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Drop rows whose address was disabled after they were queued; returns the rest."""
    disabled = set(
        AddressHealth.objects.filter(
            email__in={row.to_email.lower() for row in rows}, disabled_at__isnull=False
        ).values_list("email", flat=True)
    )
    keep = [row for row in rows if row.to_email.lower() not in disabled]
    skipped = [row.pk for row in rows if row.to_email.lower() in disabled]
    if skipped:
        OutboxMessage.objects.filter(
            id__in=skipped, state=State.SENDING, claimed_by=worker_id
        ).update(state=State.FAILED, claimed_by="", last_error=DISABLED_ADDRESS_ERROR)
    return keep


# The loop ---------------------------------------------------------------------------------
class Worker:
    """Claims batches and delivers them over one transport connection per batch.
    ``stop()`` (from a signal handler or another thread) finishes the message in hand,
    gives the rest of the batch back and returns."""

    def __init__(
        self,
        transport: Transport | None = None,
        *,
        batch_size: int | None = None,
        rate_per_second: int | None = None,
    ) -> None:
        # Fails at start, not on the first message, when the DKIM key is unreadable.
        configured_signer()
        self.transport = transport or transport_from_settings()
        self.worker_id = new_worker_id()
        self.batch_size = batch_size or settings.MAILING_BATCH_SIZE
        rate = settings.MAILING_RATE_PER_SECOND if rate_per_second is None else rate_per_second
        if rate > 0:
            # About one second of work per batch, so that an urgent circular queued
            # meanwhile does not wait behind a long throttled batch.
            self.batch_size = min(self.batch_size, rate)
        self.throttle = Throttle(rate)
        self.lease_renewal_seconds = settings.MAILING_LEASE_SECONDS / 3
        self.stop_event = threading.Event()
        self.sent = 0

    def stop(self) -> None:
        self.stop_event.set()

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def run_batch(self, limit: int | None = None) -> int:
        """Claim and deliver one batch; returns how many rows were claimed (0: none due)."""
        size = self.batch_size if limit is None else min(self.batch_size, limit)
        rows = claim_batch(self.worker_id, size)
        if rows:
            self.deliver(fail_disabled(self.worker_id, rows))
        return len(rows)

    def drain(self, max_messages: int | None = None) -> int:
        """Deliver until nothing is due (or ``max_messages`` rows were claimed)."""
        claimed = 0
        while not self.stopping and (max_messages is None or claimed < max_messages):
            remaining = None if max_messages is None else max_messages - claimed
            batch = self.run_batch(remaining)
            if not batch:
                break
            claimed += batch
        return self.sent

    def deliver(self, rows: list[OutboxMessage]) -> None:
        to_send = list(rows)
        renewed_at = time.monotonic()
        try:
            while to_send:
                if time.monotonic() - renewed_at > self.lease_renewal_seconds:
                    owned = renew_claims(self.worker_id, to_send)
                    to_send = [row for row in to_send if row.pk in owned]
                    renewed_at = time.monotonic()
                    continue
                self.throttle.wait(self.stop_event)
                if self.stopping:
                    release(self.worker_id, to_send)
                    return
                row = to_send.pop(0)
                try:
                    self.deliver_one(row)
                except ConnectionFailure as error:
                    # The server is unreachable: the rest of the batch waits too.
                    for waiting in [row, *to_send]:
                        schedule_retry(self.worker_id, waiting, str(error))
                    return
        finally:
            self.transport.close()

    def deliver_one(self, row: OutboxMessage) -> None:
        try:
            composed = compose(row)
        except (ValueError, TypeError, LookupError, email.errors.MessageError) as error:
            # The row's own data cannot make an email; it will not next time either.
            logger.exception("outbox: cannot compose message %s", row.pk)
            _mine(self.worker_id, row).update(
                state=State.FAILED, claimed_by="", last_error=f"cannot compose: {error}"
            )
            return
        try:
            self.transport.send(composed.message, composed.envelope_from, row.to_email)
        except ConnectionFailure:
            raise
        except TemporaryFailure as error:
            schedule_retry(self.worker_id, row, str(error))
        except PermanentFailure as error:
            record_permanent_failure(self.worker_id, row, error)
        else:
            mark_sent(self.worker_id, row)
            self.sent += 1


def deliver_pending(*, max_messages: int | None = None, transport: Transport | None = None) -> int:
    """Deliver what is due now, in this process, and return how many were sent. Tests
    call it after enqueueing; ``run_outbox`` is the long-running equivalent."""
    recover_stale_claims()
    return Worker(transport).drain(max_messages)
