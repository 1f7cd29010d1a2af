"""What bounces teach us about addresses.

Every bounce — a delivery status notification read by ``process_bounces``, a provider's
webhook through django-anymail, or a permanent refusal the worker meets while sending —
ends in ``record_bounce``. It keeps the counts in ``AddressHealth``, marks the outbox row
``bounced`` and, when an address has proved dead, disables it: ``outbox.enqueue`` skips
disabled addresses and the coverage page flags a relay whose address is disabled.

When is an address dead?
- after ``MAILING_HARD_BOUNCE_LIMIT`` hard bounces (5.x.x: no such user, domain gone…),
  default 2, so that one misconfigured receiving server does not silence someone;
- after ``MAILING_SOFT_BOUNCE_LIMIT`` soft bounces *in a row* (4.x.x: mailbox full,
  greylisting…), default 5: the last that many messages sent to the address all
  bounced, none went through in between. One soft bounce alone says nothing (the worker
  already retries temporary failures); a mailbox full for weeks is as good as dead.

The same bounce reported twice (a DSN and a webhook, or a DSN delivered twice) counts once:
a row already marked ``bounced`` is not counted again.
"""

import logging
import re
from dataclasses import dataclass
from email.message import Message

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from colombe.core.audit import log_action
from colombe.mailing.compose import parse_verp
from colombe.mailing.models import AddressHealth, OutboxMessage

logger = logging.getLogger(__name__)

DIAGNOSTIC_MAX_LENGTH = 2000
FINISHED_STATES = [
    OutboxMessage.State.SENT,
    OutboxMessage.State.BOUNCED,
    OutboxMessage.State.FAILED,
]


def hard_bounce_limit() -> int:
    return int(getattr(settings, "MAILING_HARD_BOUNCE_LIMIT", 2))


def soft_bounce_limit() -> int:
    return int(getattr(settings, "MAILING_SOFT_BOUNCE_LIMIT", 5))


def record_bounce(
    *, email: str, hard: bool, diagnostic: str, message: OutboxMessage | None = None
) -> None:
    """Record that a message to ``email`` bounced; disable the address when it has
    bounced too often (see the module docstring)."""
    address = email.strip().lower()
    diagnostic = diagnostic.strip()[:DIAGNOSTIC_MAX_LENGTH]
    with transaction.atomic():
        if message is not None and not _mark_bounced(message, diagnostic):
            return  # this message's bounce was already counted
        health, _created = AddressHealth.objects.select_for_update().get_or_create(email=address)
        _count(health, hard=hard, diagnostic=diagnostic)
        log_action(
            None,
            "mailing.bounce.recorded",
            health,
            {"hard": hard, "message": message.pk if message is not None else None},
        )
        if health.disabled_at is None and _is_dead(health, hard=hard):
            _disable(health)


def _mark_bounced(message: OutboxMessage, diagnostic: str) -> bool:
    """Mark the row bounced; False when it already was."""
    updated = (
        OutboxMessage.objects.filter(pk=message.pk)
        .exclude(state=OutboxMessage.State.BOUNCED)
        .update(state=OutboxMessage.State.BOUNCED, last_error=diagnostic)
    )
    if updated:
        message.state = OutboxMessage.State.BOUNCED
        message.last_error = diagnostic
    return bool(updated)


def _count(health: AddressHealth, *, hard: bool, diagnostic: str) -> None:
    if hard:
        health.hard_bounces += 1
    else:
        health.soft_bounces += 1
    health.last_bounce_at = timezone.now()
    health.last_diagnostic = diagnostic
    health.save(update_fields=["hard_bounces", "soft_bounces", "last_bounce_at", "last_diagnostic"])


def _is_dead(health: AddressHealth, *, hard: bool) -> bool:
    if hard:
        return health.hard_bounces >= hard_bounce_limit()
    return soft_bounces_in_a_row(health.email) >= soft_bounce_limit()


def soft_bounces_in_a_row(address: str) -> int:
    """How many of the latest finished messages to this address bounced, counting back
    from the newest until one that went through."""
    latest = (
        OutboxMessage.objects.filter(to_email__iexact=address, state__in=FINISHED_STATES)
        .order_by("-id")
        .values_list("state", flat=True)[: soft_bounce_limit()]
    )
    in_a_row = 0
    for state in latest:
        if state != OutboxMessage.State.BOUNCED:
            break
        in_a_row += 1
    return in_a_row


def _disable(health: AddressHealth) -> None:
    health.disabled_at = timezone.now()
    health.save(update_fields=["disabled_at"])
    log_action(
        None,
        "mailing.address.disabled",
        health,
        {"hard_bounces": health.hard_bounces, "soft_bounces": health.soft_bounces},
    )
    logger.info("Address disabled after repeated bounces (AddressHealth %s)", health.pk)


def is_disabled(email: str) -> bool:
    return AddressHealth.objects.filter(
        email=email.strip().lower(), disabled_at__isnull=False
    ).exists()


# --- Reading bounce messages (RFC 3464 delivery status notifications, or plain text) ---

ENHANCED_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
SMTP_REPLY = re.compile(r"(?m)(?:^|\s)([45])\d\d[\s-]")
# Where MTAs put the envelope recipient of the bounce (our VERP return path).
ENVELOPE_RECIPIENT_HEADERS = ("X-Original-To", "Delivered-To", "Envelope-To", "To")


@dataclass(frozen=True)
class BounceReport:
    """One failed recipient in a bounce message."""

    hard: bool
    status: str  # "5.1.1", or "" when the bounce gave none
    diagnostic: str


def envelope_recipients(bounce: Message) -> list[str]:
    """Candidate addresses the bounce was delivered to, most trustworthy first."""
    found: list[str] = []
    for header in ENVELOPE_RECIPIENT_HEADERS:
        for value in bounce.get_all(header, []):
            address = str(value).strip().strip("<>").strip()
            if address and address not in found:
                found.append(address)
    return found


def read_reports(bounce: Message) -> list[BounceReport]:
    """The failures the bounce reports: from its machine-readable delivery-status part
    when it has one (RFC 3464), else guessed from its text. Delays and successful
    deliveries are not bounces and give nothing."""
    status_part = _delivery_status_part(bounce)
    if status_part is not None:
        return _reports_from_delivery_status(status_part)
    report = _report_from_text(_plain_text(bounce))
    return [report] if report is not None else []


def _delivery_status_part(bounce: Message) -> Message | None:
    for part in bounce.walk():
        if part.get_content_type() == "message/delivery-status":
            return part
    return None


def _status_blocks(part: Message) -> list[Message]:
    """Python's email parser gives a delivery-status part as a list of header blocks:
    the per-message block first, then one per recipient."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    return []


def _reports_from_delivery_status(part: Message) -> list[BounceReport]:
    reports = []
    for block in _status_blocks(part)[1:]:
        action = str(block.get("Action", "")).strip().lower()
        status = str(block.get("Status", "")).strip().split(" ")[0]
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        if action != "failed":
            continue  # delayed, delivered, relayed, expanded: not a bounce
        reports.append(
            BounceReport(
                hard=not status.startswith("4"),
                status=status,
                diagnostic=diagnostic or status,
            )
        )
    return reports


def _plain_text(bounce: Message) -> str:
    for part in bounce.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                return payload.decode(charset, errors="replace")
    return ""


def _report_from_text(text: str) -> BounceReport | None:
    """A bounce without a delivery-status part: the first status code in its text
    decides. Without any code we cannot tell and count it as soft, so that a vague
    auto-reply never disables an address."""
    if not text.strip():
        return None
    diagnostic = " ".join(text.split())[:DIAGNOSTIC_MAX_LENGTH]
    enhanced = ENHANCED_STATUS.search(text)
    if enhanced and enhanced.group(1) in "45":
        return BounceReport(
            hard=enhanced.group(1) == "5", status=enhanced.group(0), diagnostic=diagnostic
        )
    reply = SMTP_REPLY.search(text)
    if reply:
        return BounceReport(hard=reply.group(1) == "5", status="", diagnostic=diagnostic)
    return BounceReport(hard=False, status="", diagnostic=diagnostic)


def status_is_soft(text: str) -> bool:
    """For a provider's free-form SMTP response: does it carry a temporary (4.x.x / 4xx)
    code?"""
    enhanced = ENHANCED_STATUS.search(text)
    if enhanced:
        return enhanced.group(1) == "4"
    reply = SMTP_REPLY.search(" " + text)
    return bool(reply and reply.group(1) == "4")


# --- Inbound: a bounce message piped by the MTA or read from a mailbox ---


def handle_bounce_message(bounce: Message, envelope_recipient: str = "") -> int:
    """Record the failures a bounce message reports. The outbox row comes only from the
    VERP return path the bounce was sent to — signed by ``compose`` — never from what the
    bounce's text claims, so that a forged bounce cannot disable someone's address.
    Returns how many bounces were recorded."""
    message = _outbox_row_from_verp([envelope_recipient, *envelope_recipients(bounce)])
    if message is None:
        logger.info("Bounce ignored: no valid VERP address among its recipients")
        return 0
    reports = read_reports(bounce)
    for report in reports:
        record_bounce(
            email=message.to_email, hard=report.hard, diagnostic=report.diagnostic, message=message
        )
    return len(reports)


def _outbox_row_from_verp(candidates: list[str]) -> OutboxMessage | None:
    for address in candidates:
        if not address:
            continue
        outbox_id = parse_verp(address)
        if outbox_id is not None:
            return OutboxMessage.objects.filter(pk=outbox_id).first()
    return None


# --- Provider webhooks (django-anymail's tracking signal) ---

BOUNCE_EVENTS = {EventType.BOUNCED, EventType.REJECTED, EventType.COMPLAINED}


@receiver(tracking, dispatch_uid="colombe.mailing.bounces.record_provider_event")
def record_provider_event(
    sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object
) -> None:
    """A provider tells us a message bounced, was rejected, or that its recipient marked
    it as spam. A complaint counts as a hard bounce: whoever calls our mail spam must
    not receive more of it, and providers suspend senders who keep writing to them."""
    if event.event_type not in BOUNCE_EVENTS or not event.recipient:
        return
    diagnostic = " ".join(
        str(part)
        for part in (esp_name, event.reject_reason, event.mta_response or event.description)
        if part
    )
    hard = event.event_type != EventType.BOUNCED or not status_is_soft(event.mta_response or "")
    record_bounce(
        email=event.recipient,
        hard=hard,
        diagnostic=diagnostic,
        message=_outbox_row_from_event(event),
    )


def _outbox_row_from_event(event: AnymailTrackingEvent) -> OutboxMessage | None:
    """The transport puts the outbox id in the provider's metadata; the row must be for
    the address the provider reports, or it is not ours to mark."""
    outbox_id = str((event.metadata or {}).get("outbox_id", ""))
    if not outbox_id.isdigit():
        return None
    return OutboxMessage.objects.filter(pk=int(outbox_id), to_email__iexact=event.recipient).first()
