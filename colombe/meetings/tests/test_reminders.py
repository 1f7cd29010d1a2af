from datetime import timedelta

import pytest
from django.utils import timezone

from colombe.meetings import services, tasks
from colombe.meetings.models import Meeting, MeetingInvitation
from colombe.meetings.tests.schedule_helpers import schedule
from tests.personas import World

pytestmark = pytest.mark.django_db


def created_days_ago(meeting: Meeting, days: int = 7) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(days=days))


def with_people(world: World, meeting: Meeting) -> str:
    """Charlie registers, a guest is invited; returns the guest's token."""
    services.register(meeting, world.charlie)
    _, token = services.invite(
        meeting,
        email="guest@example.net",
        name="",
        kind=MeetingInvitation.Kind.GUEST,
        role=MeetingInvitation.Role.ATTENDEE,
        invited_by=world.bob,
    )
    return token


def test_day_before_reminder_goes_once_with_the_join_links(world: World, mailoutbox: list) -> None:
    meeting = schedule(world, starts_in=timedelta(hours=20), registration_required=True)
    created_days_ago(meeting)
    token = with_people(world, meeting)
    mailoutbox.clear()
    assert tasks.send_meeting_reminders.call() == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"charlie@example.org", "guest@example.net"}
    # The guest's reminder repeats their personal link; the member's goes to the lobby.
    assert f"/reunions/rejoindre/{token}/" in by_address["guest@example.net"].body
    assert f"/reunions/{meeting.slug}/salle/" in by_address["charlie@example.org"].body
    assert services.invitation_from_token(token) is not None  # the old link still works
    assert tasks.send_meeting_reminders.call() == 0
    assert len(mailoutbox) == 2
    meeting.refresh_from_db()
    assert meeting.reminded_day_before_at is not None and meeting.reminded_hour_before_at is None


def test_hour_before_reminder_follows(world: World, mailoutbox: list) -> None:
    meeting = schedule(world, starts_in=timedelta(minutes=50), registration_required=True)
    created_days_ago(meeting)
    with_people(world, meeting)
    mailoutbox.clear()
    assert tasks.send_meeting_reminders.call() == 2
    assert tasks.send_meeting_reminders.call() == 0
    meeting.refresh_from_db()
    # Within the hour only the hour reminder goes: two in a row would be noise.
    assert meeting.reminded_hour_before_at is not None and meeting.reminded_day_before_at is None


def test_meeting_scheduled_less_than_a_day_ahead_gets_only_the_hour_reminder(
    world: World, mailoutbox: list
) -> None:
    meeting = schedule(world, starts_in=timedelta(hours=5), registration_required=True)
    with_people(world, meeting)
    mailoutbox.clear()
    assert tasks.send_meeting_reminders.call() == 0
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + timedelta(minutes=30),
        ends_at=timezone.now() + timedelta(minutes=90),
    )
    assert tasks.send_meeting_reminders.call() == 2
    meeting.refresh_from_db()
    assert meeting.reminded_day_before_at is None


def test_no_reminder_for_cancelled_meetings_or_revoked_guests(
    world: World, mailoutbox: list
) -> None:
    cancelled = schedule(world, starts_in=timedelta(minutes=30), registration_required=True)
    with_people(world, cancelled)
    services.cancel_meeting(cancelled, world.bob)
    kept = schedule(world, starts_in=timedelta(minutes=30), registration_required=True)
    with_people(world, kept)
    guest = kept.invitations.get()
    services.revoke_invitation(actor=world.bob, meeting=kept, invitation_id=guest.pk)
    mailoutbox.clear()
    assert tasks.send_meeting_reminders.call() == 1
    assert [m.to for m in mailoutbox] == [["charlie@example.org"]]


def test_waitlisted_people_get_no_reminder(world: World, mailoutbox: list) -> None:
    meeting = schedule(
        world, starts_in=timedelta(minutes=30), registration_required=True, capacity=2
    )
    for person in (world.charlie, world.bob, world.alice):
        services.register(meeting, person)
    mailoutbox.clear()
    tasks.send_meeting_reminders.call()
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.org", "charlie@example.org"]
