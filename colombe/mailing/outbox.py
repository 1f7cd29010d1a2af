"""The one way to send email that must arrive: rows in the outbox, one per recipient,
written in the caller's transaction. The ``run_outbox`` worker delivers them."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.utils import timezone

from colombe.mailing.models import AddressHealth, OutboxMessage

INSERT_BATCH = 1000


@dataclass(frozen=True)
class OutgoingEmail:
    # Identifies the message for idempotency, e.g. "circular:12:user:34".
    key: str
    to: str
    subject: str
    body_text: str
    category: str
    priority: int = OutboxMessage.PRIORITY_NORMAL
    body_html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    reply_to: str = ""
    from_email: str = ""


def message_id_for(key: str) -> str:
    """Stable across retries: a retried message carries the same Message-ID."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.MAILING_DOMAIN}>"


def _batches(items: Iterable[OutgoingEmail], size: int) -> Iterator[list[OutgoingEmail]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _row(email: OutgoingEmail, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        key=email.key,
        message_id=message_id_for(email.key),
        category=email.category,
        priority=email.priority,
        to_email=email.to,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=email.reply_to,
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        headers=email.headers,
        next_attempt_at=now,
    )


def disabled_addresses(emails: Iterable[str]) -> set[str]:
    lowered = {email.lower() for email in emails}
    return set(
        AddressHealth.objects.filter(email__in=lowered, disabled_at__isnull=False).values_list(
            "email", flat=True
        )
    )


def enqueue(emails: Iterable[OutgoingEmail]) -> int:
    """Queue the messages; a key already queued is left alone, an address disabled by
    bounces is skipped. Returns how many rows were inserted. Call inside the transaction
    that records why they are sent."""
    now = timezone.now()
    inserted = 0
    for batch in _batches(emails, INSERT_BATCH):
        disabled = disabled_addresses(email.to for email in batch)
        rows = [_row(email, now) for email in batch if email.to.lower() not in disabled]
        existing = set(
            OutboxMessage.objects.filter(key__in=[row.key for row in rows]).values_list(
                "key", flat=True
            )
        )
        fresh = [row for row in rows if row.key not in existing]
        OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
        inserted += len(fresh)
    return inserted


FINISHED = [OutboxMessage.State.SENT, OutboxMessage.State.FAILED, OutboxMessage.State.BOUNCED]


def forget_old_contents(now: datetime | None = None) -> int:
    """Erase the subject, text and reply-to of messages finished longer ago than
    ``MAILING_CONTENT_RETENTION_DAYS``: a member's private message or a signer's address
    in a reply-to must not outlive its delivery. Returns how many rows were erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MAILING_CONTENT_RETENTION_DAYS)
    old = OutboxMessage.objects.filter(state__in=FINISHED, created_at__lt=cutoff).exclude(
        body_text=""
    )
    return old.update(subject="", body_text="", body_html="", reply_to="", headers={})
