from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from colombe.core.models import AuditEntry
from colombe.meetings import services
from colombe.meetings.models import Meeting, MeetingSeries
from colombe.meetings.tests.schedule_helpers import schedule
from tests.personas import SECRET_GROUP_SLUG, World

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def test_slug_comes_from_title_and_local_date_and_stays_unique(world: World) -> None:
    starts = at(2031, 3, 4, 23, 30)  # 22:30 UTC: the Paris date must win
    first = schedule(world, starts_at=starts, ends_at=starts + timedelta(minutes=20))
    second = schedule(world, starts_at=starts, ends_at=starts + timedelta(minutes=20))
    assert first.slug == "reunion-du-comite-2031-03-04"
    assert second.slug == "reunion-du-comite-2031-03-04-2"


def test_slug_never_takes_a_reserved_path_segment() -> None:
    assert {"nouvelle", "mon-agenda", "rejoindre"} <= services.RESERVED_SLUGS
    # A title-and-date slug always ends with the date, so it cannot be a bare reserved word.
    slug = services.unique_slug("Nouvelle", at(2031, 1, 1, 10), "Europe/Paris", secret=False)
    assert slug not in services.RESERVED_SLUGS


def test_secret_group_meeting_slug_is_unguessable(world: World) -> None:
    meeting = schedule(world, group=world.secret_group, title="Stratégie")
    assert meeting.slug.startswith("strategie-")
    assert len(meeting.slug.rsplit("-", 1)[1]) == 8
    other = schedule(world, group=world.secret_group, title="Stratégie")
    assert other.slug != meeting.slug and not other.slug.endswith("-2")


def test_agenda_markdown_is_rendered_and_sanitised(world: World) -> None:
    meeting = schedule(world, agenda="- **Bilan**\n- <script>alert(1)</script>")
    assert "<strong>Bilan</strong>" in meeting.agenda_html
    assert "<script>" not in meeting.agenda_html


def test_private_group_meeting_is_forced_to_the_group(world: World) -> None:
    meeting = schedule(world, group=world.private_group, audience=Meeting.Audience.PUBLIC)
    assert meeting.audience == Meeting.Audience.OWNER
    assert meeting.owner == world.lyon


def test_public_group_meeting_keeps_its_audience(world: World) -> None:
    meeting = schedule(world, group=world.public_group, audience=Meeting.Audience.PUBLIC)
    assert meeting.audience == Meeting.Audience.PUBLIC


def test_engine_defaults_to_the_setting(world: World, settings: Any) -> None:
    settings.MEETING_DEFAULT_ENGINE = "livekit"
    assert schedule(world).engine == "livekit"


def test_scheduling_is_audited(world: World) -> None:
    meeting = schedule(world)
    entry = AuditEntry.objects.get(action="meetings.meeting.scheduled")
    assert entry.actor == world.bob
    assert entry.object_id == str(meeting.pk)


def test_a_member_may_not_schedule_for_the_committee(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(
            owner=world.lyon,
            group=None,
            created_by=world.charlie,
            title="x",
            starts_at=at(2031, 1, 1, 10),
            ends_at=at(2031, 1, 1, 11),
        )


def test_an_outsider_scheduling_in_a_secret_group_gets_404(world: World) -> None:
    assert world.secret_group.slug == SECRET_GROUP_SLUG
    with pytest.raises(Http404):
        services.schedule_meeting(
            owner=world.lyon,
            group=world.secret_group,
            created_by=world.alice,
            title="x",
            starts_at=at(2031, 1, 1, 10),
            ends_at=at(2031, 1, 1, 11),
        )


def test_weekly_series_keeps_the_paris_wall_clock_across_dst(world: World) -> None:
    # Summer time starts on Sunday 30 March 2031: 19:00 Paris is 18:00 UTC before, 17:00 after.
    starts = at(2031, 3, 20, 19)
    meetings = services.schedule_meeting(
        owner=world.lyon,
        group=None,
        created_by=world.bob,
        frequency=MeetingSeries.Frequency.WEEKLY,
        occurrences=3,
        title="Groupe de travail",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    local = [(m.starts_at.astimezone(PARIS), m.ends_at.astimezone(PARIS)) for m in meetings]
    assert [(s.date().isoformat(), s.hour, e.hour) for s, e in local] == [
        ("2031-03-20", 19, 21),
        ("2031-03-27", 19, 21),
        ("2031-04-03", 19, 21),
    ]
    assert [m.starts_at.astimezone(ZoneInfo("UTC")).hour for m in meetings] == [18, 18, 17]
    series = meetings[0].series
    assert series is not None and series.occurrences == 3
    assert {m.series_id for m in meetings} == {series.pk}
    assert len({m.slug for m in meetings}) == 3


def test_fortnightly_series_skips_a_week(world: World) -> None:
    starts = at(2031, 10, 16, 19)  # winter time starts on 26 October 2031
    occurrences = services.occurrence_starts(
        starts, "Europe/Paris", MeetingSeries.Frequency.FORTNIGHTLY, 2
    )
    second = occurrences[1].astimezone(PARIS)
    assert (second.date().isoformat(), second.hour) == ("2031-10-30", 19)


def test_monthly_series_keeps_the_same_weekday_of_the_month() -> None:
    starts = at(2031, 1, 14, 18)  # the second Tuesday of January
    occurrences = services.occurrence_starts(
        starts, "Europe/Paris", MeetingSeries.Frequency.MONTHLY, 4
    )
    local = [o.astimezone(PARIS) for o in occurrences]
    assert [d.date().isoformat() for d in local] == [
        "2031-01-14",
        "2031-02-11",
        "2031-03-11",
        "2031-04-08",
    ]
    assert {d.weekday() for d in local} == {1} and {d.hour for d in local} == {18}


def test_fifth_weekday_becomes_the_last_one() -> None:
    starts = at(2031, 1, 29, 18)  # fifth Wednesday of January
    second = services.occurrence_starts(starts, "Europe/Paris", "monthly", 2)[1]
    assert second.astimezone(PARIS).date().isoformat() == "2031-02-26"


def test_update_re_renders_the_agenda_and_resets_reminders_when_moved(world: World) -> None:
    meeting = schedule(world)
    Meeting.objects.filter(pk=meeting.pk).update(reminded_day_before_at=meeting.starts_at)
    meeting.refresh_from_db()
    later = meeting.starts_at + timedelta(days=1)
    updated = services.update_meeting(
        actor=world.bob,
        meeting=meeting,
        agenda="*nouveau*",
        starts_at=later,
        ends_at=later + timedelta(hours=1),
    )
    assert updated.agenda_html.strip() == "<p><em>nouveau</em></p>"
    assert updated.reminded_day_before_at is None


def test_cancel_emails_registrants_and_invitees_once(world: World, mailoutbox: list) -> None:
    meeting = schedule(world, registration_required=True)
    services.register(meeting, world.charlie)
    services.invite(
        meeting,
        email="CHARLIE@example.org",
        name="",
        kind="member",
        role="attendee",
        invited_by=world.bob,
    )
    services.invite(
        meeting,
        email="guest@example.net",
        name="",
        kind="guest",
        role="attendee",
        invited_by=world.bob,
    )
    mailoutbox.clear()
    services.cancel_meeting(meeting, world.bob)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert sorted(m.to[0] for m in mailoutbox) == ["charlie@example.org", "guest@example.net"]
    assert all(meeting.title in m.subject for m in mailoutbox)
    with pytest.raises(services.MeetingActionError):
        services.cancel_meeting(meeting, world.bob)


def test_a_member_may_not_cancel(world: World) -> None:
    meeting = schedule(world)
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(meeting, world.charlie)


def test_moving_a_meeting_tells_everyone_but_editing_the_agenda_does_not(
    world: World, mailoutbox: list
) -> None:
    meeting = schedule(world, registration_required=True)
    services.register(meeting, world.charlie)
    mailoutbox.clear()
    services.update_meeting(actor=world.bob, meeting=meeting, agenda="- Nouveau point")
    assert mailoutbox == []
    later = meeting.starts_at + timedelta(hours=1)
    services.update_meeting(
        actor=world.bob, meeting=meeting, starts_at=later, ends_at=later + timedelta(hours=1)
    )
    assert [m.to for m in mailoutbox] == [["charlie@example.org"]]
    assert later.astimezone(PARIS).strftime("%H:%M") in mailoutbox[0].body


def test_only_administrators_choose_another_engine(world: World) -> None:
    with pytest.raises(PermissionDenied):
        schedule(world, engine="livekit")
    meeting = services.schedule_meeting(
        owner=world.national,
        group=None,
        created_by=world.alice,
        title="Internationale",
        starts_at=at(2031, 5, 1, 18),
        ends_at=at(2031, 5, 1, 20),
        engine="bigbluebutton",
    )[0]
    assert meeting.engine == "bigbluebutton"
    with pytest.raises(PermissionDenied):
        services.update_meeting(actor=world.bob, meeting=schedule(world), engine="jitsi")
    with pytest.raises(services.MeetingActionError):
        services.update_meeting(actor=world.alice, meeting=meeting, engine="zoom")
