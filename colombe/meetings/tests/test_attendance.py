"""Attendance: the maths (durations, peak), the page and the CSV (organisers only,
audit-logged, no guest email)."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.meetings.attendance import attendance_report, peak_concurrency
from colombe.meetings.models import Meeting, MeetingInvitation, Participant
from colombe.meetings.tests.after_helpers import make_meeting, seat
from tests.personas import SECRET_GROUP_NAME, World

T0 = datetime(2026, 3, 10, 17, 0, tzinfo=timezone.get_fixed_timezone(0))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_peak_counts_overlaps_and_not_a_handover() -> None:
    intervals = [(at(0), at(30)), (at(10), at(40)), (at(30), at(60)), (at(35), at(36))]
    # At 35: the second (10-40), the third (30-60) and the fourth; the first left at 30
    # as the third arrived, which is not two people at once.
    assert peak_concurrency(intervals) == (3, at(35))


def test_peak_of_nobody() -> None:
    assert peak_concurrency([]) == (0, None)


@pytest.mark.django_db
def test_report_durations_peak_and_people_still_there(world: World) -> None:
    meeting = make_meeting(world.lyon, minutes_long=90)
    seat(meeting, "Bob", joined=0, left=90, user=world.bob, role=Participant.Role.MODERATOR)
    seat(meeting, "Charlie", joined=5, left=65, user=world.charlie)
    # Never left: counts until the meeting ended (90).
    seat(meeting, "Invitée", joined=30, left=None)
    seat(meeting, "Stayed in the lobby", joined=None)
    report = attendance_report(meeting)
    assert report.count == 3
    assert [a.name for a in report.attendees] == ["Bob", "Charlie", "Invitée"]
    assert [a.minutes for a in report.attendees] == [90, 60, 60]
    assert report.peak == 3
    assert report.peak_at == meeting.starts_at + timedelta(minutes=30)
    assert report.total_time == timedelta(minutes=210)
    assert report.average_minutes == 70


@pytest.mark.django_db
def test_live_meeting_counts_until_now(world: World) -> None:
    meeting = make_meeting(
        world.lyon, starts_at=timezone.now() - timedelta(minutes=20), status=Meeting.Status.LIVE
    )
    seat(meeting, "Bob", joined=0, user=world.bob)
    now = meeting.starts_at + timedelta(minutes=20)
    assert attendance_report(meeting, now=now).attendees[0].minutes == 20


@pytest.mark.django_db
def test_kinds_come_from_the_invitation(world: World) -> None:
    meeting = make_meeting(world.collective)
    partner = MeetingInvitation.objects.create(
        meeting=meeting,
        kind=MeetingInvitation.Kind.PARTNER,
        user=world.frank,
        email=world.frank.email,
        token_hash="a" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    seat(meeting, "Frank", joined=0, left=10, user=world.frank, invitation=partner)
    seat(meeting, "Alice", joined=0, left=10, user=world.alice)
    seat(meeting, "Visiteuse", joined=0, left=10)
    kinds = [a.kind for a in attendance_report(meeting).attendees]
    assert kinds == ["partner", "member", "guest"]


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def attendance_url(meeting: Meeting, query: str = "") -> str:
    return reverse("meetings:attendance", args=[meeting.slug]) + query


@pytest.mark.django_db
def test_organiser_sees_the_page_without_guest_emails(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    guest = MeetingInvitation.objects.create(
        meeting=meeting,
        email="invitee-secret-address@example.net",
        name="Zoé Invitée",
        token_hash="b" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    seat(meeting, "Zoé Invitée", joined=3, left=50, invitation=guest)
    client.force_login(world.bob)
    response = client.get(attendance_url(meeting))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zoé Invitée" in body
    assert "invitee-secret-address" not in body


@pytest.mark.django_db
def test_csv_download_is_audited(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    seat(meeting, "=HYPERLINK(1)", joined=0, left=45)
    seat(meeting, "Charlie", joined=15, left=45, user=world.charlie)
    client.force_login(world.bob)
    response = client.get(attendance_url(meeting, "?format=csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = streamed(response).decode().lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("'=HYPERLINK(1);")  # defused formula
    assert lines[1].endswith(";45")
    assert lines[2].startswith("Charlie;") and lines[2].endswith(";30")
    entry = AuditEntry.objects.get(action="meetings.attendance.downloaded")
    assert entry.actor == world.bob
    assert entry.data == {"count": 2}


@pytest.mark.django_db
def test_member_is_refused(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon)
    client.force_login(world.charlie)
    assert client.get(attendance_url(meeting)).status_code == 403
    assert client.get(attendance_url(meeting, "?format=csv")).status_code == 403
    assert not AuditEntry.objects.filter(action="meetings.attendance.downloaded").exists()


@pytest.mark.django_db
def test_secret_group_meeting_is_missing_for_outsiders(client: Client, world: World) -> None:
    meeting = make_meeting(world.lyon, group=world.secret_group, title=SECRET_GROUP_NAME)
    client.force_login(world.eve)
    response = client.get(attendance_url(meeting, "?format=csv"))
    assert response.status_code == 404
    assert SECRET_GROUP_NAME not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_of_a_public_meeting_is_asked_to_log_in(
    client: Client, world: World
) -> None:
    meeting = make_meeting(world.lyon, audience=Meeting.Audience.PUBLIC)
    response = client.get(attendance_url(meeting))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    hidden = make_meeting(world.lyon)
    assert client.get(attendance_url(hidden)).status_code == 404
