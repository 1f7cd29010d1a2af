"""Scheduling actions: meetings, registrations with a waiting list, invitations and the
private calendar feed. Each action checks the policy, writes in one transaction, records
an audit entry (ids only, never names) and enqueues its emails inside the transaction."""

import calendar
import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.markdown import render_markdown
from colombe.core.ratelimit import hit_key
from colombe.groups.models import Group, Visibility
from colombe.meetings.engines import ENGINE_NAMES
from colombe.meetings.models import (
    CalendarFeed,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    Registration,
)
from colombe.meetings.policy import _organised_by
from colombe.movement.models import Membership, PartnerOrganisation, Structure

# First path segments of the app's own URLs (reunions/nouvelle/, reunions/mon-agenda/…).
RESERVED_SLUGS = {"nouvelle", "mon-agenda", "rejoindre", "moteurs"}
SLUG_SUFFIX_TRIES = 50
# Invitations one organiser may send per hour, across all meetings: a committee of a few
# hundred can be invited at once, a mailing list of strangers cannot.
INVITATIONS_PER_HOUR = 300
FEED_PAST_DAYS = 30
MEETING_FIELDS = {
    "title",
    "agenda",
    "starts_at",
    "ends_at",
    "time_zone",
    "format",
    "audience",
    "access",
    "capacity",
    "registration_required",
    "dial_in",
    "engine",
}
Frequency = MeetingSeries.Frequency


class MeetingActionError(Exception):
    """An action that the rules refuse, with a message to show to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvitationLimitReached(MeetingActionError):
    """The organiser sent too many invitations in the last hour."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_language() -> str:
    return get_language() or settings.LANGUAGE_CODE


# Scheduling ----------------------------------------------------------------------------


def unique_slug(title: str, starts_at: datetime, time_zone: str, *, secret: bool) -> str:
    local_day = starts_at.astimezone(ZoneInfo(time_zone)).date()
    base = f"{slugify(title)[:180] or 'reunion'}-{local_day:%Y-%m-%d}"
    if secret:
        # A secret group's meeting address must not be guessable, and a clash must never
        # tell another organiser (through a "-2" suffix) that such a meeting exists.
        return f"{base}-{secrets.token_hex(4)}"
    candidates = [base] + [f"{base}-{number}" for number in range(2, SLUG_SUFFIX_TRIES)]
    taken = set(Meeting.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    free = [c for c in candidates if c not in taken and c not in RESERVED_SLUGS]
    return free[0] if free else f"{base}-{secrets.token_hex(4)}"


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> int:
    """Day of the month of the ``nth`` (1-based) ``weekday``; the last one when the month
    has fewer (a "5th Tuesday" becomes the month's last Tuesday)."""
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday] != 0]
    return days[min(nth, len(days)) - 1]


def occurrence_starts(
    first: datetime, time_zone: str, frequency: str | None, occurrences: int
) -> list[datetime]:
    """Start times of a series, computed on the wall clock of the meeting's time zone so
    that 19:00 in Paris stays 19:00 in Paris across a daylight-saving change."""
    local = first.astimezone(ZoneInfo(time_zone))
    if not frequency or occurrences <= 1:
        return [first]
    if frequency == Frequency.MONTHLY:
        nth = (local.day - 1) // 7 + 1
        starts = []
        for index in range(occurrences):
            year, month = divmod(local.month - 1 + index, 12)
            day = nth_weekday(local.year + year, month + 1, local.weekday(), nth)
            starts.append(local.replace(year=local.year + year, month=month + 1, day=day))
    else:
        step = timedelta(weeks=2 if frequency == Frequency.FORTNIGHTLY else 1)
        # Adding a timedelta to an aware datetime moves the wall clock, and zoneinfo then
        # gives the offset of the new date: exactly the DST-safe arithmetic needed.
        starts = [local + step * index for index in range(occurrences)]
    return [start.astimezone(ZoneInfo("UTC")) for start in starts]


def audience_for(group: Group | None, audience: str) -> str:
    """A group's meeting is as closed as the group unless the group is public."""
    if group is not None and group.visibility != Visibility.PUBLIC:
        return Meeting.Audience.OWNER
    return audience


def check_engine_choice(actor: Any, engine: str | None) -> None:
    """Administrators choose a meeting's engine (it costs servers); others get the
    default."""
    if engine is None:
        return
    if engine not in ENGINE_NAMES:
        raise MeetingActionError(_("Unknown video engine."))
    if engine != settings.MEETING_DEFAULT_ENGINE and not policy.is_national_admin(actor):
        raise PermissionDenied


def schedule_meeting(
    *,
    owner: Structure,
    group: Group | None,
    created_by: Any,
    frequency: str | None = None,
    occurrences: int = 1,
    **fields: Any,
) -> list[Meeting]:
    policy.require(created_by, "meetings.schedule", group or owner)
    if group is not None:
        owner = group.owner
    fields = {name: value for name, value in fields.items() if name in MEETING_FIELDS}
    check_engine_choice(created_by, fields.get("engine"))
    fields.setdefault("engine", settings.MEETING_DEFAULT_ENGINE)
    fields["audience"] = audience_for(group, fields.get("audience", Meeting.Audience.OWNER))
    fields.setdefault("time_zone", settings.TIME_ZONE)
    duration = fields["ends_at"] - fields["starts_at"]
    starts = occurrence_starts(fields["starts_at"], fields["time_zone"], frequency, occurrences)
    secret = group is not None and group.visibility == Visibility.SECRET
    with transaction.atomic():
        series = None
        if frequency and len(starts) > 1:
            series = MeetingSeries.objects.create(frequency=frequency, occurrences=len(starts))
        meetings = []
        for start in starts:
            meeting = Meeting.objects.create(
                **{**fields, "starts_at": start, "ends_at": start + duration},
                owner=owner,
                group=group,
                series=series,
                slug=unique_slug(fields["title"], start, fields["time_zone"], secret=secret),
                agenda_html=render_markdown(fields.get("agenda", "")),
                created_by=created_by,
            )
            log_action(
                created_by,
                "meetings.meeting.scheduled",
                meeting,
                {"series": series.pk if series else None},
            )
            meetings.append(meeting)
    return meetings


def update_meeting(*, actor: Any, meeting: Meeting, **fields: Any) -> Meeting:
    policy.require(actor, "meetings.organise", meeting)
    if meeting.is_over:
        raise MeetingActionError(_("This meeting is over or cancelled: it can no longer change."))
    changes = {name: value for name, value in fields.items() if name in MEETING_FIELDS}
    if changes.get("engine", meeting.engine) != meeting.engine:
        check_engine_choice(actor, changes["engine"])
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        moved = changes.get("starts_at", meeting.starts_at) != meeting.starts_at
        rescheduled = moved or changes.get("ends_at", meeting.ends_at) != meeting.ends_at
        for name, value in changes.items():
            setattr(meeting, name, value)
        meeting.audience = audience_for(meeting.group, meeting.audience)
        meeting.agenda_html = render_markdown(meeting.agenda)
        if moved:  # reminders follow the new time
            meeting.reminded_day_before_at = meeting.reminded_hour_before_at = None
        meeting.save()
        promoted = fill_free_seats(meeting)
        if rescheduled:
            notify_everyone(meeting, "rescheduled")
        log_action(
            actor,
            "meetings.meeting.updated",
            meeting,
            {"fields": sorted(changes), "promoted": [r.pk for r in promoted]},
        )
    return meeting


def people_to_notify(meeting: Meeting) -> list[str]:
    """Addresses of everyone registered (or waiting) and everyone invited, once each."""
    registered = meeting.registrations.exclude(status=Registration.Status.CANCELLED)
    emails = [r.user.email for r in registered.select_related("user")]
    emails += meeting.invitations.filter(revoked_at__isnull=True).values_list("email", flat=True)
    return sorted({email.lower() for email in emails if email})


def cancel_meeting(meeting: Meeting, by: Any) -> Meeting:
    policy.require(by, "meetings.organise", meeting)
    if meeting.is_over:
        raise MeetingActionError(_("This meeting is already over or cancelled."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        notified = notify_everyone(meeting, "cancelled")
        log_action(by, "meetings.meeting.cancelled", meeting, {"notified": notified})
    return meeting


def notify_everyone(meeting: Meeting, template: str) -> int:
    """Email everyone registered or invited (call inside the action's transaction)."""
    recipients = people_to_notify(meeting)
    for email in recipients:
        enqueue_templated_email(
            to=[email],
            template=f"meetings/email/{template}",
            context={"meeting": meeting, "meeting_url": meeting_url(meeting)},
            language=email_language(),
        )
    return len(recipients)


def meeting_url(meeting: Meeting) -> str:
    return absolute_url(meeting.get_absolute_url())


# Registration and waiting list ---------------------------------------------------------


def confirmed_count(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=Registration.Status.CONFIRMED).count()


def seats_left(meeting: Meeting) -> int | None:
    """Free seats, or None when the meeting has no limit."""
    if meeting.capacity is None:
        return None
    return max(meeting.capacity - confirmed_count(meeting), 0)


def waiting_list(meeting: Meeting) -> QuerySet[Registration]:
    return meeting.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
        "created_at", "pk"
    )


def waitlist_position(meeting: Meeting, registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = waiting_list(meeting).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def send_registration_email(registration: Registration, template: str) -> None:
    meeting = registration.meeting
    enqueue_templated_email(
        to=[registration.user.email],
        template=f"meetings/email/{template}",
        context={
            "meeting": meeting,
            "registration": registration,
            "position": waitlist_position(meeting, registration),
            "meeting_url": meeting_url(meeting),
        },
        language=email_language(),
    )


def register(meeting: Meeting, user: Any) -> Registration:
    """A seat while seats remain, else a place on the waiting list. The meeting row is
    locked so that two people cannot take the last seat together."""
    policy.require(user, "meetings.register", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
        if registration is not None and registration.status != Registration.Status.CANCELLED:
            return registration
        full = meeting.capacity is not None and confirmed_count(meeting) >= meeting.capacity
        status = Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED
        if registration is None:
            registration = Registration.objects.create(meeting=meeting, user=user, status=status)
        else:  # registering again: back of the queue, like anyone new
            registration.status = status
            registration.created_at = timezone.now()
            registration.save()
        log_action(user, "meetings.registration.created", meeting, {"status": status})
        send_registration_email(registration, "registration")
    return registration


def unregister(meeting: Meeting, user: Any) -> Registration | None:
    """Give the seat (or the waiting-list place) back; the first person waiting gets a
    freed seat and an email saying so."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = (
            Registration.objects.filter(meeting=meeting, user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if registration is None:
            return None
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = fill_free_seats(meeting)
        log_action(
            user,
            "meetings.registration.cancelled",
            meeting,
            {"promoted": [r.pk for r in promoted]},
        )
    return registration


def fill_free_seats(meeting: Meeting) -> list[Registration]:
    """Promote people from the waiting list into free seats. Call with the meeting row
    locked, inside the transaction that freed the seats."""
    if meeting.is_over:
        return []
    free = len(waiting_list(meeting)) if meeting.capacity is None else seats_left(meeting)
    promoted = list(waiting_list(meeting).select_related("user")[:free])
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        send_registration_email(registration, "promoted")
    return promoted


# Invitations ---------------------------------------------------------------------------


def personal_token(invitation: MeetingInvitation) -> str:
    return salted_hmac(
        "colombe.meetings.invitation", f"{invitation.pk}:{invitation.token_nonce}"
    ).hexdigest()


def issue_token(invitation: MeetingInvitation) -> str:
    """Give the invitation a new personal link (the previous one stops working)."""
    invitation.token_nonce = secrets.token_hex(16)
    token = personal_token(invitation)
    invitation.token_hash = hash_token(token)
    invitation.save(update_fields=["token_nonce", "token_hash"])
    return token


def current_token(invitation: MeetingInvitation) -> str:
    """The personal link's token as last sent, for reminders. If SECRET_KEY was rotated
    since, the old link is dead anyway: a new one is issued."""
    token = personal_token(invitation)
    if hash_token(token) != invitation.token_hash:
        return issue_token(invitation)
    return token


def join_url(token: str) -> str:
    return absolute_url(reverse("meetings:invitation", args=[token]))


def invitation_from_token(token: str) -> MeetingInvitation | None:
    """The invitation behind a personal link, if it may still be used (not revoked, not
    expired)."""
    return (
        MeetingInvitation.objects.select_related("meeting", "user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )


def count_invitation_sent(actor: Any) -> bool:
    """Count one invitation for ``actor`` (per person, not per address: an organiser may
    change networks, not accounts); False once over the hourly limit."""
    return hit_key(
        f"meetings.invite:user:{actor.pk}", limit=INVITATIONS_PER_HOUR, period_seconds=3600
    )


def limit_reached() -> InvitationLimitReached:
    return InvitationLimitReached(
        _(
            "You have sent %(limit)s invitations in the last hour, the most allowed. "
            "Please try again later."
        )
        % {"limit": INVITATIONS_PER_HOUR}
    )


def invitation_expiry(meeting: Meeting) -> datetime:
    return meeting.ends_at + timedelta(days=settings.MEETING_INVITATION_DAYS_AFTER_END)


def send_invitation_email(invitation: MeetingInvitation, token: str, inviter: Any) -> None:
    enqueue_templated_email(
        to=[invitation.email],
        template="meetings/email/invitation",
        context={
            "meeting": invitation.meeting,
            "invitation": invitation,
            "inviter": inviter,
            "join_url": join_url(token),
        },
        language=email_language(),
    )


def invite(
    meeting: Meeting,
    *,
    email: str,
    name: str,
    kind: str,
    role: str,
    user: Any = None,
    organisation: PartnerOrganisation | None = None,
    invited_by: Any,
) -> tuple[MeetingInvitation, str]:
    """Invite one person; inviting the same address again renews the invitation (new
    link, new role) instead of piling them up. Returns the invitation and its token."""
    policy.require(invited_by, "meetings.organise", meeting)
    if meeting.is_over:
        raise MeetingActionError(_("This meeting is over or cancelled."))
    if not count_invitation_sent(invited_by):
        raise limit_reached()
    email = email.strip().lower()
    if user is None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
    with transaction.atomic():
        invitation, created = MeetingInvitation.objects.select_for_update().get_or_create(
            meeting=meeting,
            email=email,
            defaults={
                "token_hash": secrets.token_hex(32),
                "expires_at": invitation_expiry(meeting),
            },
        )
        invitation.name, invitation.kind, invitation.role = name, kind, role
        invitation.user, invitation.organisation = user, organisation
        invitation.invited_by, invitation.revoked_at = invited_by, None
        invitation.expires_at = invitation_expiry(meeting)
        invitation.save()
        token = issue_token(invitation)
        log_action(
            invited_by,
            "meetings.invitation.created",
            meeting,
            {"invitation": invitation.pk, "renewed": not created, "role": role},
        )
        send_invitation_email(invitation, token, invited_by)
    return invitation, token


def already_invited(meeting: Meeting) -> set[str]:
    emails = meeting.invitations.filter(revoked_at__isnull=True).values_list("email", flat=True)
    return {email.lower() for email in emails}


def invite_people(
    meeting: Meeting, people: Iterable[tuple[Any, str, PartnerOrganisation | None]], by: Any
) -> int:
    """Invite each (user, kind, organisation) not invited yet; returns how many were."""
    skip = already_invited(meeting) | {by.email.lower()}
    sent = 0
    for person, kind, organisation in people:
        if person.email.lower() in skip:
            continue
        skip.add(person.email.lower())
        invite(
            meeting,
            email=person.email,
            name=person.public_name,
            kind=kind,
            role=MeetingInvitation.Role.ATTENDEE,
            user=person,
            organisation=organisation,
            invited_by=by,
        )
        sent += 1
    return sent


def owner_members(meeting: Meeting) -> QuerySet[User]:
    """The group's members for a group meeting, else the structure's active members."""
    if meeting.group is not None:
        members = Q(group_memberships__group=meeting.group)
    else:
        members = Q(
            memberships__structure=meeting.owner, memberships__status=Membership.Status.ACTIVE
        )
    return User.objects.filter(members, is_active=True).distinct().order_by("pk")


def invite_members(meeting: Meeting, *, invited_by: Any) -> int:
    """Invite every member of the committee or group that organises the meeting."""
    policy.require(invited_by, "meetings.organise", meeting)
    kind = MeetingInvitation.Kind.MEMBER
    return invite_people(meeting, ((u, kind, None) for u in owner_members(meeting)), invited_by)


def representatives(organisation: PartnerOrganisation) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation=organisation,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user")


def partners_with_representatives() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(
        pk__in=representatives_of_any().values("organisation_id")
    )


def representatives_of_any() -> QuerySet[Membership]:
    return Membership.objects.filter(
        organisation__isnull=False,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.ACTIVE,
    )


def invite_partner(meeting: Meeting, *, organisation: PartnerOrganisation, invited_by: Any) -> int:
    """Invite the representatives of a partner organisation."""
    policy.require(invited_by, "meetings.organise", meeting)
    kind = MeetingInvitation.Kind.PARTNER
    people = ((m.user, kind, organisation) for m in representatives(organisation))
    return invite_people(meeting, people, invited_by)


def organised_invitation(meeting: Meeting, invitation_id: int, actor: Any) -> MeetingInvitation:
    policy.require(actor, "meetings.organise", meeting)
    invitation = meeting.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise MeetingActionError(_("This invitation does not exist."))
    return invitation


def revoke_invitation(*, actor: Any, meeting: Meeting, invitation_id: int) -> MeetingInvitation:
    invitation = organised_invitation(meeting, invitation_id, actor)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log_action(actor, "meetings.invitation.revoked", meeting, {"invitation": invitation.pk})
    return invitation


def resend_invitation(
    *, actor: Any, meeting: Meeting, invitation_id: int
) -> tuple[MeetingInvitation, str]:
    """Send a new personal link (the old one stops working) and extend the expiry."""
    invitation = organised_invitation(meeting, invitation_id, actor)
    if invitation.revoked_at is not None or meeting.is_over:
        raise MeetingActionError(_("This invitation can no longer be sent."))
    if not count_invitation_sent(actor):
        raise limit_reached()
    with transaction.atomic():
        invitation.expires_at = invitation_expiry(meeting)
        invitation.save(update_fields=["expires_at"])
        token = issue_token(invitation)
        log_action(actor, "meetings.invitation.resent", meeting, {"invitation": invitation.pk})
        send_invitation_email(invitation, token, actor)
    return invitation, token


# "My meetings" and the private calendar feed ------------------------------------------


def my_meetings(user: Any) -> QuerySet[Meeting]:
    """Meetings the user registered to, was invited to, or organises, among those they
    may still see (someone who left a secret group loses its meetings)."""
    registered = Registration.objects.filter(user=user).exclude(
        status=Registration.Status.CANCELLED
    )
    invited = MeetingInvitation.objects.filter(user=user, revoked_at__isnull=True)
    mine = (
        Q(pk__in=registered.values("meeting_id"))
        | Q(pk__in=invited.values("meeting_id"))
        | _organised_by(user)
    )
    visible_ids = policy.visible(Meeting, user).values("pk")
    return Meeting.objects.filter(mine, pk__in=visible_ids)


def feed_meetings(user: Any) -> QuerySet[Meeting]:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return my_meetings(user).filter(ends_at__gte=since).order_by("starts_at")


def regenerate_feed(user: Any) -> str:
    """A new secret feed address (the previous one stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token_hash": hash_token(token)}
        )
        log_action(user, "meetings.feed.generated", feed)
    return token


def revoke_feed(user: Any) -> None:
    with transaction.atomic():
        deleted, _detail = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            log_action(user, "meetings.feed.revoked")


def feed_owner(token: str) -> Any:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None
