"""Attendance of a meeting, for its organisers: who joined, when, for how long, and how
many people were there at once.

It is read from the ``Participant`` rows: one seat per person, from ``joined_at`` (first
entry into the room) to ``left_at`` (last exit). Someone still in the room counts until
the meeting ended, or until now while it goes on. Personal data is minimised: the report
and its CSV show names, roles and times, never a guest's email address."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core import policy, spreadsheets
from colombe.core.audit import log_action
from colombe.meetings.models import Meeting, MeetingInvitation, Participant


@dataclass(frozen=True)
class Attendee:
    name: str
    kind: str
    kind_label: str
    role_label: str
    joined_at: datetime
    left_at: datetime | None
    duration: timedelta

    @property
    def minutes(self) -> int:
        return minutes_of(self.duration)


@dataclass(frozen=True)
class AttendanceReport:
    attendees: list[Attendee]
    peak: int
    peak_at: datetime | None
    total_time: timedelta

    @property
    def count(self) -> int:
        return len(self.attendees)

    @property
    def average_duration(self) -> timedelta:
        if not self.attendees:
            return timedelta(0)
        return self.total_time / len(self.attendees)

    @property
    def average_minutes(self) -> int:
        return minutes_of(self.average_duration)

    @property
    def total_hours(self) -> float:
        return round(self.total_time.total_seconds() / 3600, 1)


def seat_kind(participant: Participant) -> str:
    """Member, partner organisation or guest: from the invitation when there was one,
    else a member when the seat has an account."""
    if participant.invitation is not None:
        return participant.invitation.kind
    if participant.user_id is not None:
        return MeetingInvitation.Kind.MEMBER
    return MeetingInvitation.Kind.GUEST


def seat_end(participant: Participant, meeting: Meeting, now: datetime) -> datetime:
    """When the seat stopped counting: the person left, the meeting ended, or now."""
    assert participant.joined_at is not None
    end = participant.left_at or meeting.ended_at or now
    return max(end, participant.joined_at)


def peak_concurrency(intervals: Iterable[tuple[datetime, datetime]]) -> tuple[int, datetime | None]:
    """The largest number of overlapping [start, end) intervals and when it was first
    reached. At the same instant an exit is counted before an entry, so someone who
    leaves as another arrives does not make two people at once."""
    events: list[tuple[datetime, int]] = []
    for start, end in intervals:
        events.append((start, 1))
        events.append((end, -1))
    events.sort(key=lambda event: (event[0], event[1]))
    present, peak, peak_at = 0, 0, None
    for moment, change in events:
        present += change
        if present > peak:
            peak, peak_at = present, moment
    return peak, peak_at


def attended_seats(meeting: Meeting) -> Iterable[Participant]:
    return (
        Participant.objects.filter(meeting=meeting, joined_at__isnull=False)
        .select_related("invitation")
        .order_by("joined_at", "pk")
    )


def attendance_report(meeting: Meeting, now: datetime | None = None) -> AttendanceReport:
    now = now or timezone.now()
    kind_labels = dict(MeetingInvitation.Kind.choices)
    attendees = []
    for seat in attended_seats(meeting):
        assert seat.joined_at is not None
        kind = seat_kind(seat)
        attendees.append(
            Attendee(
                name=seat.display_name,
                kind=kind,
                kind_label=str(kind_labels[kind]),
                role_label=seat.get_role_display(),
                joined_at=seat.joined_at,
                left_at=seat.left_at,
                duration=seat_end(seat, meeting, now) - seat.joined_at,
            )
        )
    peak, peak_at = peak_concurrency(
        (attendee.joined_at, attendee.joined_at + attendee.duration) for attendee in attendees
    )
    total = sum((attendee.duration for attendee in attendees), timedelta(0))
    return AttendanceReport(attendees=attendees, peak=peak, peak_at=peak_at, total_time=total)


def minutes_of(duration: timedelta) -> int:
    """Whole minutes, rounded to the nearest: what a person reads in a report."""
    return round(duration.total_seconds() / 60)


# CSV ------------------------------------------------------------------------------------


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def csv_header() -> list[str]:
    return [_("Name"), _("Kind"), _("Role"), _("Joined"), _("Left"), _("Minutes present")]


def csv_lines(report: AttendanceReport) -> Iterator[str]:
    """Display names are typed by the people themselves: cells are defused."""
    rows = (
        [
            attendee.name,
            attendee.kind_label,
            attendee.role_label,
            local_time(attendee.joined_at),
            local_time(attendee.left_at),
            minutes_of(attendee.duration),
        ]
        for attendee in report.attendees
    )
    return spreadsheets.csv_lines(csv_header(), rows)


def csv_filename(meeting: Meeting) -> str:
    return f"presences-{meeting.slug}-{timezone.localdate().isoformat()}.csv"


def record_csv_download(*, actor: Any, meeting: Meeting, report: AttendanceReport) -> None:
    """Check the right to see attendance and record the download (how many rows, never
    who was in them)."""
    policy.require(actor, "meetings.organise", meeting)
    with transaction.atomic():
        log_action(actor, "meetings.attendance.downloaded", meeting, {"count": report.count})
