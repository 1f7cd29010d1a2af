"""Demo meetings: upcoming and past ones, with attendance and published minutes, and
seeding twice creates nothing new."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core import demo as core_demo
from colombe.groups.models import Post, Thread
from colombe.meetings.attendance import attendance_report
from colombe.meetings.demo import seed_meetings
from colombe.meetings.models import (
    ActionItem,
    ChatMessage,
    Decision,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    Minutes,
    Participant,
    Registration,
)
from colombe.movement.models import Structure

pytestmark = pytest.mark.django_db

MODELS: list[type[models.Model]] = [
    Meeting,
    MeetingSeries,
    MeetingInvitation,
    Registration,
    Participant,
    ChatMessage,
    Minutes,
    Decision,
    ActionItem,
    Thread,
    Post,
]


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> tuple[dict[str, Structure], core_demo.Cast]:
    """The demo movement without its petitions (not what these tests are about)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    seeder = core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    cast = core_demo.seed_people(structures, seeder)
    core_demo.seed_groups(structures, cast, report)
    return structures, cast


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_seed_twice_creates_nothing_new(
    movement: tuple[dict[str, Structure], core_demo.Cast],
) -> None:
    structures, cast = movement
    first = core_demo.SeedReport()
    seed_meetings(structures, cast, first)
    after_first = counts()
    second = core_demo.SeedReport()
    seed_meetings(structures, cast, second)
    assert counts() == after_first
    assert not second.created
    assert first.created["meetings.Meeting"] == Meeting.objects.count() == 8
    assert first.created["meetings.Participant"] == Participant.objects.count()


def test_demo_has_upcoming_and_past_meetings(
    movement: tuple[dict[str, Structure], core_demo.Cast],
) -> None:
    structures, cast = movement
    seed_meetings(structures, cast, core_demo.SeedReport())
    now = timezone.now()
    upcoming = Meeting.objects.filter(starts_at__gt=now)
    assert upcoming.filter(registration_required=True, registrations__isnull=False).exists()
    assert upcoming.filter(series__isnull=False).count() == 4
    webinar = Meeting.objects.get(format=Meeting.Format.WEBINAR)
    assert webinar.invitations.get().role == MeetingInvitation.Role.SPEAKER
    past = Meeting.objects.filter(ends_at__lt=now)
    assert past.count() == 2
    for meeting in past:
        report = attendance_report(meeting)
        assert report.count >= 5 and 1 < report.peak <= report.count
        assert meeting.minutes.published_at is not None
        assert meeting.minutes.action_items.filter(assignee__isnull=False).exists()
    [post] = Post.objects.filter(pk__in=Minutes.objects.values("published_post"))
    posted = Minutes.objects.get(published_post=post)
    assert posted.meeting.group is not None
    assert post.thread.group == posted.meeting.group


def test_demo_minutes_page_reads_for_a_member(
    client: Client, movement: tuple[dict[str, Structure], core_demo.Cast]
) -> None:
    structures, cast = movement
    seed_meetings(structures, cast, core_demo.SeedReport())
    meeting = Meeting.objects.get(slug="reunion-comite-lyon-passee")
    client.force_login(cast.charlie)
    response = client.get(reverse("meetings:minutes", args=[meeting.slug]))
    assert response.status_code == 200
    assert "Réserver la salle du cinéma associatif" in response.content.decode()
