"""Circulars: writing, sending, acknowledging, escalating and forwarding them.

Sending is two steps. The first transaction claims the circular (``sending``, so two
clicks or a click and the scheduler cannot both send it), expands its audience in a few
bulk queries, writes the relays' ``CircularRecipient`` rows, a ``CircularCommittee`` row
per committee in scope (with how many relays it was sent to) and the relays' outbox rows
at a higher priority, and enqueues a task — in the same transaction — that writes the
members' rows and emails. So the first relay has the circular within a second or two even
when ten thousand members are queued behind, and nothing is lost if the worker dies
between the steps (the task is committed with the first step, and a periodic sweep
finishes any send left ``sending``).

"Bien reçu" is a signed token bound to the recipient row (circular and person): the link
works without logging in, and the acknowledgement is a POST (mail scanners follow GET
links). Urgent circulars that no relay of a committee acknowledged within the delay go
to the committee's other leaders, once."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url
from colombe.groups.models import Group
from colombe.groups.services import files_removed_on_failure
from colombe.groups.uploads import CheckedUpload
from colombe.mailing import circular_audience
from colombe.mailing.circular_audience import Person, Reach
from colombe.mailing.circular_emails import Letter, from_address, render_letter
from colombe.mailing.models import (
    Circular,
    CircularAttachment,
    CircularCommittee,
    CircularRecipient,
    OutboxMessage,
)
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.mailing.policy import national_offices_led_by, relay_committees
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import coordinates_within

Audience = Circular.Audience
Reason = CircularRecipient.Reason
Status = Circular.Status
ACK_SALT = "colombe.mailing.circular-acknowledgement"
INSERT_BATCH = 1000


class CircularError(Exception):
    """A refusal to show the person (the circular was already sent…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class CircularDraft:
    """What the compose form says; the service decides whether the person may say it."""

    subject: str
    body: str
    urgency: str
    audience: str
    escalation_hours: int = 24
    sender_structure: Structure | None = None
    sender_territory: Territory | None = None
    regions: list[Territory] = field(default_factory=list)
    group: Group | None = None
    structure: Structure | None = None


# Who may say what ------------------------------------------------------------------


def check_sender(actor: Any, draft: CircularDraft) -> None:
    """The national office the person leads, or a region they coordinate."""
    if draft.sender_structure is not None:
        if not national_offices_led_by(actor).filter(pk=draft.sender_structure.pk).exists():
            raise PermissionDenied
    elif draft.sender_territory is not None:
        region = draft.sender_territory
        if region.level != Territory.Level.REGION or not (
            policy.is_national_admin(actor) or coordinates_within(actor, region)
        ):
            raise PermissionDenied
    else:
        raise PermissionDenied


def inside(region: Territory, territory: Territory) -> bool:
    return region.pk in {t.pk for t in territory.ancestors_and_self()}


def check_audience(actor: Any, draft: CircularDraft) -> None:
    """A regional coordinator addresses their region only: other regions' relays, or a
    group or structure elsewhere, are refused (403). A secret group the person cannot
    see does not exist for them (404)."""
    region = draft.sender_territory
    if draft.group is not None and not policy.can_see(actor, draft.group):
        raise Http404
    if region is None:
        return
    if draft.audience == Audience.REGION_RELAYS and any(r.pk != region.pk for r in draft.regions):
        raise PermissionDenied
    target = draft.group.owner if draft.group is not None else draft.structure
    if draft.audience in (Audience.GROUP, Audience.STRUCTURE, Audience.PARTNERS) and (
        target is None or not inside(region, target.territory)
    ):
        raise PermissionDenied


def check_may_write(actor: Any, draft: CircularDraft) -> None:
    policy.require(actor, "mailing.write_circular")
    check_sender(actor, draft)
    check_audience(actor, draft)


# Drafts ----------------------------------------------------------------------------


# What an edit may change (never the status, the schedule or the dates).
CONTENT_FIELDS = [
    "subject",
    "body",
    "urgency",
    "audience",
    "escalation_hours",
    "sender_structure",
    "sender_territory",
    "group",
    "structure",
]


def apply_draft(circular: Circular, draft: CircularDraft) -> None:
    circular.subject = draft.subject
    circular.body = draft.body
    circular.urgency = draft.urgency
    circular.audience = draft.audience
    circular.escalation_hours = draft.escalation_hours
    circular.sender_structure = draft.sender_structure
    circular.sender_territory = draft.sender_territory
    uses_group = draft.audience == Audience.GROUP
    uses_structure = draft.audience in (Audience.STRUCTURE, Audience.PARTNERS)
    circular.group = draft.group if uses_group else None
    circular.structure = draft.structure if uses_structure else None


def store_attachments(circular: Circular, uploads: list[CheckedUpload], written: list[Any]) -> None:
    for upload in uploads:
        attachment = CircularAttachment(
            circular=circular,
            name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
        )
        attachment.file.save(upload.original_name, upload.file, save=False)
        written.append(attachment.file)
        attachment.save()


def create_circular(
    *, actor: Any, draft: CircularDraft, uploads: list[CheckedUpload] | None = None
) -> Circular:
    check_may_write(actor, draft)
    with files_removed_on_failure() as written, transaction.atomic():
        circular = Circular(author=actor)
        apply_draft(circular, draft)
        circular.save()
        circular.regions.set(draft.regions if draft.audience == Audience.REGION_RELAYS else [])
        store_attachments(circular, uploads or [], written)
        log_action(actor, "mailing.circular.created", circular, {"audience": circular.audience})
    return circular


def update_circular(
    *,
    actor: Any,
    circular: Circular,
    draft: CircularDraft,
    uploads: list[CheckedUpload] | None = None,
    remove_attachments: list[int] | None = None,
) -> Circular:
    policy.require(actor, "mailing.edit_circular", circular)
    check_may_write(actor, draft)
    with files_removed_on_failure() as written, transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        if locked.status not in (Status.DRAFT, Status.SCHEDULED):
            raise CircularError(_("This circular has already been sent: it can no longer change."))
        # The content goes onto the locked row and only the content is saved: a status
        # or schedule changed meanwhile (sent, unscheduled) is not undone by this edit.
        apply_draft(locked, draft)
        locked.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
        circular = locked
        circular.regions.set(draft.regions if draft.audience == Audience.REGION_RELAYS else [])
        removed = circular.attachments.filter(pk__in=remove_attachments or [])
        for attachment in removed:
            attachment.file.delete(save=False)
        removed.delete()
        store_attachments(circular, uploads or [], written)
        log_action(actor, "mailing.circular.updated", circular)
    return circular


def schedule_circular(*, actor: Any, circular: Circular, when: datetime) -> Circular:
    policy.require(actor, "mailing.edit_circular", circular)
    if when <= timezone.now():
        raise CircularError(_("Choose a moment in the future, or send it now."))
    with transaction.atomic():
        changed = Circular.objects.filter(
            pk=circular.pk, status__in=[Status.DRAFT, Status.SCHEDULED]
        ).update(status=Status.SCHEDULED, scheduled_for=when)
        if not changed:
            raise CircularError(_("This circular has already been sent."))
        circular.refresh_from_db()
        log_action(actor, "mailing.circular.scheduled", circular, {"at": when.isoformat()})
    return circular


def unschedule_circular(*, actor: Any, circular: Circular) -> Circular:
    policy.require(actor, "mailing.edit_circular", circular)
    with transaction.atomic():
        changed = Circular.objects.filter(pk=circular.pk, status=Status.SCHEDULED).update(
            status=Status.DRAFT, scheduled_for=None
        )
        if not changed:
            raise CircularError(_("This circular is not scheduled."))
        circular.refresh_from_db()
        log_action(actor, "mailing.circular.unscheduled", circular)
    return circular


# Sending ---------------------------------------------------------------------------


def ack_token(circular_id: int, user_id: int) -> str:
    return signing.Signer(salt=ACK_SALT).sign(f"{circular_id}.{user_id}")


def recipient_for_token(token: str) -> CircularRecipient:
    """The recipient row the token was made for; 404 for anything forged or stale."""
    try:
        circular_id, user_id = signing.Signer(salt=ACK_SALT).unsign(token).split(".")
    except (signing.BadSignature, ValueError) as exc:
        raise Http404 from exc
    found = (
        CircularRecipient.objects.select_related("circular", "user")
        .filter(circular_id=circular_id, user_id=user_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def relay_priority(circular: Circular) -> int:
    if circular.urgency == Circular.Urgency.URGENT:
        return OutboxMessage.PRIORITY_URGENT
    return OutboxMessage.PRIORITY_RELAYS


def member_priority(circular: Circular) -> int:
    """A movement-wide send waits behind everything smaller."""
    if circular.audience == Audience.ALL_MEMBERS:
        return OutboxMessage.PRIORITY_BULK
    return OutboxMessage.PRIORITY_NORMAL


@dataclass(frozen=True)
class Mailing:
    """One letter to many people: what is the same for all is computed once (a send to
    10,000 members must not parse the sender's address 10,000 times)."""

    circular: Circular
    letter: Letter
    priority: int
    from_email: str

    @classmethod
    def of(cls, circular: Circular, reason: str, priority: int) -> "Mailing":
        letter = render_letter(circular, reason)
        return cls(circular, letter, priority, from_address(circular))

    def email(self, person: Person, **personal: str) -> OutgoingEmail:
        mail = self.letter.personal(**personal)
        return OutgoingEmail(
            key=f"circular:{self.circular.pk}:user:{person.user_id}",
            to=person.email,
            subject=mail.subject,
            body_text=mail.text,
            body_html=mail.html,
            category=OutboxMessage.Category.CIRCULAR,
            priority=self.priority,
            from_email=self.from_email,
        )


def ack_links(circular_id: int) -> Callable[[int], str]:
    """user id → their "Bien reçu" link, without resolving the URL for each relay."""
    signer = signing.Signer(salt=ACK_SALT)
    pattern = absolute_url(reverse("mailing:circular_acknowledge", args=["TOKEN"]))
    return lambda user_id: pattern.replace("TOKEN", signer.sign(f"{circular_id}.{user_id}"))


def committee_details(reach: Reach) -> dict[int, tuple[str, str]]:
    """Committee id → (name, members page where its relays are named)."""
    committees = Structure.objects.filter(pk__in=reach.committees).values_list("pk", "name", "slug")
    pattern = absolute_url(reverse("movement:members", args=["SLUG"]))
    return {pk: (name, pattern.replace("SLUG", slug)) for pk, name, slug in committees}


def relay_emails(circular: Circular, reach: Reach) -> Iterator[OutgoingEmail]:
    mailing = Mailing.of(circular, Reason.RELAY, relay_priority(circular))
    details = committee_details(reach)
    link_for = ack_links(circular.pk)
    for user_id, person in reach.relays.items():
        committees = [details[pk] for pk in reach.relay_of[user_id]]
        yield mailing.email(
            person,
            ack_url=link_for(user_id),
            relay_of=", ".join(name for name, _url in committees),
            relay_page=committees[0][1],
        )


def member_emails(circular: Circular, reach: Reach) -> Iterator[OutgoingEmail]:
    mailing = Mailing.of(circular, Reason.MEMBER, member_priority(circular))
    # Nothing personal in a member's letter: the placeholders go once for all.
    mailing = replace(mailing, letter=mailing.letter.personal())
    for person in reach.members.values():
        yield mailing.email(person)


def record_relays(circular: Circular, reach: Reach) -> None:
    CircularRecipient.objects.bulk_create(
        [
            CircularRecipient(circular=circular, user_id=user_id, reason=Reason.RELAY)
            for user_id in reach.relays
        ],
        batch_size=INSERT_BATCH,
    )
    CircularCommittee.objects.bulk_create(
        [
            CircularCommittee(circular=circular, committee_id=pk, relays_sent=relays)
            for pk, relays in reach.committees.items()
        ],
        batch_size=INSERT_BATCH,
    )


def deliver(circular: Circular, actor: Any) -> Reach:
    """First step of a send, inside the transaction that claimed the circular: record and
    queue the relays' emails, and hand the members (possibly thousands) to a task
    committed with them. The relays' rows are committed — and delivered — within a
    second, without waiting for the members' rows to be written."""
    reach = circular_audience.expand(circular)
    record_relays(circular, reach)
    enqueue(relay_emails(circular, reach))
    log_action(
        actor,
        "mailing.circular.sent",
        circular,
        {"people": reach.people, "committees": len(reach.committees)},
    )
    if reach.members:
        queue_circular_members.enqueue(circular.pk)
    else:
        mark_sent(circular)
    return reach


def queue_members(circular_id: int) -> int:
    """Second step: record and queue the members' emails, then mark the circular sent.
    Safe to run again (a crashed task, the periodic sweep): rows already written are left
    alone. Returns how many emails were queued."""
    with transaction.atomic():
        circular = (
            # Only the circular's row is locked (PostgreSQL refuses FOR UPDATE on the
            # nullable side of the senders' outer joins).
            Circular.objects.select_for_update(of=("self",))
            .select_related("sender_structure", "sender_territory")
            .filter(pk=circular_id, status=Status.SENDING)
            .first()
        )
        if circular is None:
            return 0
        reach = circular_audience.expand(circular)
        CircularRecipient.objects.bulk_create(
            [
                CircularRecipient(circular=circular, user_id=user_id, reason=Reason.MEMBER)
                for user_id in reach.members
            ],
            batch_size=INSERT_BATCH,
            ignore_conflicts=True,
        )
        queued = enqueue(member_emails(circular, reach))
        mark_sent(circular)
    return queued


@task()
def queue_circular_members(circular_id: int) -> int:
    """The task of the second step (defined here, next to the first step that enqueues
    it); returns how many emails were queued."""
    return queue_members(circular_id)


def mark_sent(circular: Circular) -> None:
    circular.status = Status.SENT
    circular.sent_at = timezone.now()
    circular.scheduled_for = None
    circular.save(update_fields=["status", "sent_at", "scheduled_for", "updated_at"])


def claim(circular_id: int, from_states: list[str]) -> Circular | None:
    claimed = Circular.objects.filter(pk=circular_id, status__in=from_states).update(
        status=Status.SENDING, updated_at=timezone.now()
    )
    if not claimed:
        return None
    return Circular.objects.select_related("sender_structure", "sender_territory").get(
        pk=circular_id
    )


def send_circular(*, actor: Any, circular: Circular) -> Reach:
    policy.require(actor, "mailing.edit_circular", circular)
    check_may_write(actor, draft_of(circular))
    with transaction.atomic():
        claimed = claim(circular.pk, [Status.DRAFT, Status.SCHEDULED])
        if claimed is None:
            raise CircularError(_("This circular has already been sent."))
        reach = deliver(claimed, actor)
    circular.refresh_from_db()
    return reach


def finish_interrupted_sends(now: datetime, after: timedelta = timedelta(minutes=5)) -> int:
    """Circulars still ``sending`` a while after they were claimed: their members' task
    was lost (a worker killed mid-way). Queue their members again (idempotent)."""
    stuck = Circular.objects.filter(status=Status.SENDING, updated_at__lte=now - after)
    finished = 0
    for circular_id in stuck.values_list("pk", flat=True):
        queue_members(circular_id)
        finished += 1
    return finished


def send_due_circulars(now: datetime | None = None) -> int:
    """Send the scheduled circulars whose time has come (and finish interrupted sends);
    returns how many were sent."""
    now = now or timezone.now()
    finish_interrupted_sends(now)
    due = Circular.objects.filter(status=Status.SCHEDULED, scheduled_for__lte=now)
    sent = 0
    for circular_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = claim(circular_id, [Status.SCHEDULED])
            if claimed is None:
                continue
            if not author_may_still_send(claimed):
                unschedule_refused(claimed)
                continue
            deliver(claimed, claimed.author)
            sent += 1
    return sent


def author_may_still_send(circular: Circular) -> bool:
    """Rights can change between scheduling and sending (a coordinator replaced, a leader
    who stepped down): the author must still be allowed when it goes out."""
    if circular.author is None or not circular.author.is_active:
        return False
    try:
        check_may_write(circular.author, draft_of(circular))
    except (PermissionDenied, Http404):
        return False
    return True


def unschedule_refused(circular: Circular) -> None:
    """Back to draft, with a trace in the audit log, instead of going out."""
    Circular.objects.filter(pk=circular.pk).update(
        status=Status.DRAFT, scheduled_for=None, updated_at=timezone.now()
    )
    log_action(None, "mailing.circular.schedule_refused", circular, {"author": circular.author_id})


def draft_of(circular: Circular) -> CircularDraft:
    return CircularDraft(
        subject=circular.subject,
        body=circular.body,
        urgency=circular.urgency,
        audience=circular.audience,
        escalation_hours=circular.escalation_hours,
        sender_structure=circular.sender_structure,
        sender_territory=circular.sender_territory,
        regions=list(circular.regions.all()),
        group=circular.group,
        structure=circular.structure,
    )


def reach_of(circular: Circular) -> Reach:
    """Who a send would reach, for the confirmation page."""
    return circular_audience.expand(circular)


def send_test(*, actor: Any, circular: Circular) -> None:
    """A real email to the writer, through the outbox, marked [TEST]. No recipient row:
    a test is not a delivery, and the writer may be a real recipient later. Each test
    has its own key so that a second test after an edit is sent too."""
    policy.require(actor, "mailing.edit_circular", circular)
    mailing = Mailing.of(circular, Reason.TEST, OutboxMessage.PRIORITY_URGENT)
    email = mailing.email(Person(actor.pk, actor.email))
    key = f"circular:{circular.pk}:test:{actor.pk}:{uuid4().hex}"
    with transaction.atomic():
        enqueue([replace(email, key=key)])
        log_action(actor, "mailing.circular.test_sent", circular)


# "Bien reçu" -----------------------------------------------------------------------


def committees_answered_by(recipient: CircularRecipient) -> Q:
    """A relay answers for the committees they are relay of; a leader who received an
    escalation answers for the escalated committees they lead."""
    active = Membership.objects.filter(user=recipient.user, status=Membership.Status.ACTIVE)
    answered = Q(committee_id__in=active.filter(is_relay=True).values("structure_id"))
    if recipient.reason == Reason.ESCALATION:
        led = active.filter(role=Membership.Role.LEADER).values("structure_id")
        answered |= Q(committee_id__in=led, escalated_at__isnull=False)
    return answered


def acknowledge(recipient: CircularRecipient) -> bool:
    """Record "Bien reçu"; True the first time, False when it was already recorded (the
    first acknowledgement of a committee wins)."""
    now = timezone.now()
    with transaction.atomic():
        first = CircularRecipient.objects.filter(
            pk=recipient.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now)
        if not first:
            return False
        CircularCommittee.objects.filter(
            committees_answered_by(recipient),
            circular_id=recipient.circular_id,
            acknowledged_at__isnull=True,
        ).update(acknowledged_at=now, acknowledged_by_id=recipient.user_id)
        log_action(recipient.user, "mailing.circular.acknowledged", recipient.circular)
    recipient.acknowledged_at = now
    return True


# Escalation ------------------------------------------------------------------------


def escalation_due(now: datetime) -> list[int]:
    """Urgent circulars with a committee still silent after the circular's delay."""
    candidates = (
        Circular.objects.filter(
            urgency=Circular.Urgency.URGENT,
            status=Status.SENT,
            committees__acknowledged_at__isnull=True,
            committees__escalated_at__isnull=True,
        )
        .distinct()
        .values_list("pk", "sent_at", "escalation_hours")
    )
    return [
        pk
        for pk, sent_at, hours in candidates
        if sent_at is not None and sent_at + timedelta(hours=hours) <= now
    ]


def escalate_circular(circular_id: int, now: datetime) -> int:
    """Send the circular to the silent committees' leaders who are not relays, and mark
    those committees escalated — in one transaction, so never twice. Returns how many
    committees were escalated."""
    with transaction.atomic():
        silent = CircularCommittee.objects.select_for_update().filter(
            circular_id=circular_id, acknowledged_at__isnull=True, escalated_at__isnull=True
        )
        committee_ids = list(silent.values_list("committee_id", flat=True))
        if not committee_ids:
            return 0
        CircularCommittee.objects.filter(
            circular_id=circular_id, committee_id__in=committee_ids, escalated_at__isnull=True
        ).update(escalated_at=now)
        circular = Circular.objects.select_related("sender_structure", "sender_territory").get(
            pk=circular_id
        )
        leaders = new_escalation_recipients(circular, committee_ids)
        mailing = Mailing.of(circular, Reason.ESCALATION, OutboxMessage.PRIORITY_URGENT)
        link_for = ack_links(circular.pk)
        enqueue(mailing.email(person, ack_url=link_for(person.user_id)) for person in leaders)
        log_action(
            None,
            "mailing.circular.escalated",
            circular,
            {"committees": committee_ids, "leaders": len(leaders)},
        )
    return len(committee_ids)


def new_escalation_recipients(circular: Circular, committee_ids: list[int]) -> list[Person]:
    """The leaders (not relays) of the committees who did not receive it yet."""
    leaders = circular_audience.active_memberships().filter(
        structure_id__in=committee_ids, role=Membership.Role.LEADER, is_relay=False
    )
    already = CircularRecipient.objects.filter(circular=circular).values("user_id")
    rows = leaders.exclude(user_id__in=already).values_list("user_id", "user__email")
    people = {user_id: Person(user_id, email) for user_id, email in rows}
    CircularRecipient.objects.bulk_create(
        [
            CircularRecipient(circular=circular, user_id=user_id, reason=Reason.ESCALATION)
            for user_id in people
        ]
    )
    return list(people.values())


def escalate_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(escalate_circular(pk, now) for pk in escalation_due(now))


# Forwarding ------------------------------------------------------------------------


def forwarding_committees(actor: Any, circular: Circular) -> list[Structure]:
    """The relay's committees that the circular reached (a circular to one region is
    not pushed into another) and that have not received it from a relay yet."""
    done = Circular.objects.filter(forwarded_from=circular).values("structure_id")
    reached = CircularCommittee.objects.filter(circular=circular).values("committee_id")
    committees = relay_committees(actor).filter(pk__in=reached).exclude(pk__in=done)
    return list(committees.order_by("name"))


def forwarded_body(circular: Circular, note: str) -> str:
    if not note.strip():
        return circular.body
    return f"{note.strip()}\n\n---\n\n{circular.body}"


def forward_circular(
    *, actor: Any, circular: Circular, committee: Structure, note: str = ""
) -> Circular:
    """A relay passes a circular on to their committee's members: a new circular sent
    through the same machinery, pointing to the original."""
    policy.require(actor, "mailing.forward", circular)
    with transaction.atomic():
        # The original is locked: two clicks (or two relays) cannot both forward it to
        # the same committee.
        Circular.objects.select_for_update().filter(pk=circular.pk).first()
        if committee not in forwarding_committees(actor, circular):
            raise CircularError(_("This circular has already been forwarded to this committee."))
        forward = Circular.objects.create(
            subject=circular.subject,
            body=forwarded_body(circular, note),
            urgency=circular.urgency,
            audience=Audience.STRUCTURE,
            structure=committee,
            sender_structure=committee,
            forwarded_from=circular,
            author=actor,
            status=Status.SENDING,
        )
        CircularAttachment.objects.bulk_create(
            CircularAttachment(
                circular=forward,
                file=attachment.file.name,
                name=attachment.name,
                content_type=attachment.content_type,
                size=attachment.size,
            )
            for attachment in circular.attachments.all()
        )
        log_action(actor, "mailing.circular.forwarded", circular, {"forward": forward.pk})
        deliver(forward, actor)
    return forward
