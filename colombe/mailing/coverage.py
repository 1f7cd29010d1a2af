"""What the coverage page reads: for each committee a coordinator follows, how many
confirmed relays it has, whether one of them bounces, and whether it acknowledged the
recent circulars or had to be escalated.

Everything is annotated on one query of committees (correlated subqueries, no join that
would multiply rows), so the page costs the same few queries for 10 committees or 2,000.

A relay is *confirmed* when the address circulars go to (their account's email) is
verified and not disabled by bounces. Unconfirmed relays still receive circulars — an
unverified address usually works — but they do not count towards the 3 a committee
needs."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from colombe.core.mail import absolute_url
from colombe.mailing.circular_audience import THROUGH_RELAYS
from colombe.mailing.models import AddressHealth, Circular, CircularCommittee, OutboxMessage
from colombe.mailing.outbox import OutgoingEmail, enqueue
from colombe.mailing.policy import committees_covered_by
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import subtree_filter

RECENT_CIRCULARS = 5
WELL_COVERED = 3


def subquery_count(queryset: QuerySet, group_by: str) -> Coalesce:
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def relays_of_committee() -> QuerySet[Membership]:
    return Membership.objects.filter(
        structure=OuterRef("pk"),
        is_relay=True,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    )


def verified_address() -> Exists:
    return Exists(
        EmailAddress.objects.filter(
            user_id=OuterRef("user_id"), email__iexact=OuterRef("user__email"), verified=True
        )
    )


def confirmed(relays: QuerySet[Membership]) -> QuerySet[Membership]:
    """Verified, and not disabled by bounces: circulars reach them."""
    disabled = AddressHealth.objects.filter(
        email__iexact=OuterRef("user__email"), disabled_at__isnull=False
    )
    return relays.filter(verified_address()).exclude(Exists(disabled))


def bouncing_address(email_ref: str = "user__email") -> Exists:
    """Disabled after repeated bounces, or hard-bounced at least once."""
    return Exists(
        AddressHealth.objects.filter(email__iexact=OuterRef(email_ref)).filter(
            Q(disabled_at__isnull=False) | Q(hard_bounces__gt=0)
        )
    )


def recent_circular_ids(limit: int = RECENT_CIRCULARS) -> list[int]:
    """The last circulars sent to committees' relays (forwards are committee-level)."""
    sent = Circular.objects.filter(
        status=Circular.Status.SENT, audience__in=THROUGH_RELAYS, forwarded_from__isnull=True
    )
    return list(sent.order_by("-sent_at").values_list("pk", flat=True)[:limit])


def annotated_committees(committees: QuerySet[Structure], recent: list[int]) -> QuerySet:
    rows = CircularCommittee.objects.filter(committee=OuterRef("pk"), circular_id__in=recent)
    relays = relays_of_committee()
    return committees.select_related("territory").annotate(
        relays=subquery_count(relays, "structure"),
        confirmed_relays=subquery_count(confirmed(relays), "structure"),
        bouncing_relays=subquery_count(relays.filter(bouncing_address()), "structure"),
        recent_received=subquery_count(rows, "committee"),
        recent_unacknowledged=subquery_count(
            rows.filter(acknowledged_at__isnull=True), "committee"
        ),
        recent_escalated=subquery_count(rows.filter(escalated_at__isnull=False), "committee"),
    )


@dataclass
class Summary:
    """The counts at the top of the page."""

    committees: int = 0
    by_relays: dict[str, int] = field(
        default_factory=lambda: {"none": 0, "one": 0, "two": 0, "covered": 0}
    )
    with_bouncing_relay: int = 0
    not_acknowledged: int = 0
    escalated: int = 0


def relay_band(confirmed: int) -> str:
    if confirmed >= WELL_COVERED:
        return "covered"
    return ("none", "one", "two")[confirmed]


def summarise(committees: list[Any]) -> Summary:
    summary = Summary(committees=len(committees))
    for committee in committees:
        summary.by_relays[relay_band(committee.confirmed_relays)] += 1
        summary.with_bouncing_relay += committee.bouncing_relays > 0
        summary.not_acknowledged += committee.recent_unacknowledged > 0
        summary.escalated += committee.recent_escalated > 0
    return summary


PROBLEMS = {
    "none": lambda c: c.confirmed_relays == 0,
    "under_covered": lambda c: c.confirmed_relays < WELL_COVERED,
    "bouncing": lambda c: c.bouncing_relays > 0,
    "not_acknowledged": lambda c: c.recent_unacknowledged > 0,
    "escalated": lambda c: c.recent_escalated > 0,
}


@dataclass
class Coverage:
    summary: Summary
    committees: list[Any]
    bouncing_relays: list[Membership]
    recent_circulars: list[Circular]


def in_region(committees: QuerySet[Structure], region: Territory | None) -> QuerySet[Structure]:
    if region is None:
        return committees
    return committees.filter(subtree_filter([region.pk], prefix="territory__"))


def bouncing_relays(committees: QuerySet[Structure]) -> list[Membership]:
    relays = Membership.objects.filter(
        structure__in=committees,
        is_relay=True,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).filter(bouncing_address())
    health = AddressHealth.objects.filter(email__iexact=OuterRef("user__email"))
    return list(
        relays.select_related("user", "structure")
        .annotate(
            hard_bounces=Subquery(health.values("hard_bounces")[:1]),
            disabled_at=Subquery(health.values("disabled_at")[:1]),
        )
        .order_by("structure__name", "user__display_name")
    )


def coverage_for(user: Any, *, region: Territory | None = None, problem: str = "") -> Coverage:
    """The committees ``user`` follows (within ``region``), the counts over all of
    them, and the list narrowed to one ``problem`` when asked."""
    recent = recent_circular_ids()
    committees = in_region(committees_covered_by(user), region)
    rows = list(annotated_committees(committees, recent).order_by("name"))
    shown = [c for c in rows if PROBLEMS[problem](c)] if problem in PROBLEMS else rows
    return Coverage(
        summary=summarise(rows),
        committees=shown,
        bouncing_relays=bouncing_relays(committees),
        recent_circulars=list(
            Circular.objects.filter(pk__in=recent).order_by("-sent_at").only("subject", "sent_at")
        ),
    )


# The weekly reminder to under-covered committees' leaders ------------------------------


def reminder_period(now: datetime) -> str:
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


def reminder_email(committee: Any, email: str, key: str) -> OutgoingEmail:
    context = {
        "committee": committee,
        "confirmed": committee.confirmed_relays,
        "members_url": absolute_url(reverse("movement:members", args=[committee.slug])),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("mailing/email/coverage_reminder_subject.txt", context)
        body = render_to_string("mailing/email/coverage_reminder_body.txt", context)
    return OutgoingEmail(
        key=key,
        to=email,
        subject=" ".join(subject.split()),
        body_text=body,
        category=OutboxMessage.Category.NOTICE,
        priority=OutboxMessage.PRIORITY_NORMAL,
    )


def remind_under_covered(now: datetime | None = None) -> int:
    """Email the leaders of every committee with fewer than 3 confirmed relays, once per
    ISO week: the outbox key names the week, so a second run that week queues nothing.
    Returns how many emails were queued."""
    period = reminder_period(timezone.localtime(now or timezone.now()))
    relays = relays_of_committee()
    committees = {
        committee.pk: committee
        for committee in Structure.objects.committees()
        .annotate(confirmed_relays=subquery_count(confirmed(relays), "structure"))
        .filter(confirmed_relays__lt=WELL_COVERED)
    }
    leaders = Membership.objects.filter(
        structure_id__in=committees,
        role=Membership.Role.LEADER,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).values_list("structure_id", "user_id", "user__email")
    emails = [
        reminder_email(
            committees[committee_id],
            email,
            f"coverage-reminder:{period}:committee:{committee_id}:user:{user_id}",
        )
        for committee_id, user_id, email in leaders
    ]
    with transaction.atomic():
        return enqueue(emails)
