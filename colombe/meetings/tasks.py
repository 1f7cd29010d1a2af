"""Background work of the scheduling part: reminders a day and an hour before.

``send_meeting_reminders`` runs every 5 minutes (colombe.core.schedule). Each reminder is
sent once per meeting: the meeting's ``reminded_*_at`` stamp is set by a conditional
update in the same transaction as the enqueued emails, so two overlapping runs (or a
worker killed half-way) neither duplicate nor lose a reminder."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.meetings import services
from colombe.meetings.models import Meeting, Registration

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def upcoming(now: datetime) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.LIVE], starts_at__gt=now
    )


def due_day_before(now: datetime) -> QuerySet[Meeting]:
    """Starting within a day but not within the hour (that one gets the hour reminder),
    and scheduled at least a day ahead: a meeting set up this afternoon for tonight
    would otherwise get two reminders in a row."""
    return upcoming(now).filter(
        reminded_day_before_at__isnull=True,
        starts_at__lte=now + DAY,
        starts_at__gt=now + HOUR,
        created_at__lte=F("starts_at") - DAY,
    )


def due_hour_before(now: datetime) -> QuerySet[Meeting]:
    return upcoming(now).filter(reminded_hour_before_at__isnull=True, starts_at__lte=now + HOUR)


def recipients(meeting: Meeting) -> dict[str, str]:
    """Each address once, with its join link: invitees their personal link, registered
    members the lobby (they log in)."""
    links: dict[str, str] = {}
    lobby = absolute_url(reverse("meetings:lobby", args=[meeting.slug]))
    confirmed = meeting.registrations.filter(status=Registration.Status.CONFIRMED)
    for registration in confirmed.select_related("user"):
        links[registration.user.email.lower()] = lobby
    for invitation in meeting.invitations.filter(
        revoked_at__isnull=True, expires_at__gt=timezone.now()
    ):
        links[invitation.email.lower()] = services.join_url(services.current_token(invitation))
    return links


def remind(meeting_id: int, stamp: str, *, soon: bool) -> int:
    """Send one reminder for one meeting unless another run already did; returns the
    number of emails enqueued."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(pk=meeting_id, **{f"{stamp}__isnull": True}).update(
            **{stamp: now}
        )
        if not claimed:
            return 0
        meeting = Meeting.objects.get(pk=meeting_id)
        links = recipients(meeting)
        for email, link in links.items():
            enqueue_templated_email(
                to=[email],
                template="meetings/email/reminder",
                context={"meeting": meeting, "join_url": link, "soon": soon},
                language=settings.LANGUAGE_CODE,
            )
    return len(links)


@task()
def send_meeting_reminders() -> int:
    """Send the reminders that are due; returns how many emails were enqueued."""
    now = timezone.now()
    sent = 0
    for meeting_id in due_day_before(now).values_list("pk", flat=True):
        sent += remind(meeting_id, "reminded_day_before_at", soon=False)
    for meeting_id in due_hour_before(now).values_list("pk", flat=True):
        sent += remind(meeting_id, "reminded_hour_before_at", soon=True)
    return sent
