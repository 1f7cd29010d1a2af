"""A meeting's recording archived in one click: as closed as the meeting (a committee
meeting's for the committee's members), copied (the meeting keeps its own file),
converted, and never twice."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.groups.models import Group
from colombe.mediatheque.clips import make_video_clip
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting, MeetingInvitation, Minutes, Recording
from colombe.meetings.tests.after_helpers import make_meeting
from tests.personas import World

Visibility = MediaItem.Visibility


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def recording_of(meeting: Meeting, content: bytes = b"webm bytes") -> Recording:
    recording = Recording.objects.create(meeting=meeting, status=Recording.Status.READY)
    recording.file.save("reunion.webm", ContentFile(content))
    return recording


def archive_url(recording: Recording) -> str:
    return reverse("mediatheque:archive_recording", args=[recording.pk])


def meeting_with_recording(
    world: World, *, group: Group | None = None, audience: str = Meeting.Audience.PUBLIC
) -> Recording:
    meeting = make_meeting(world.lyon, group=group, audience=audience, title="Assemblée de Lyon")
    return recording_of(meeting)


@pytest.mark.slow
def test_organiser_archives_a_recording_which_is_converted(
    client: Client,
    world: World,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clip = make_video_clip(tmp_path / "reunion.webm", seconds=2).read_bytes()
    recording = recording_of(make_meeting(world.lyon, audience=Meeting.Audience.PUBLIC), clip)
    client.force_login(world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(archive_url(recording))
    item = MediaItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.from_recording == recording and item.kind == MediaItem.Kind.VIDEO
    assert item.visibility == Visibility.PUBLIC and item.group is None
    assert list(item.structures.all()) == [world.lyon]
    assert item.original.read() == clip
    assert item.original.path != recording.file.path and Path(recording.file.path).exists()
    assert item.processing == MediaItem.Processing.READY, item.processing_error
    assert AuditEntry.objects.filter(action="mediatheque.recording.archived").count() == 1


def test_a_second_click_goes_to_the_same_item(client: Client, world: World) -> None:
    recording = meeting_with_recording(world)
    client.force_login(world.bob)
    first = client.post(archive_url(recording))
    second = client.post(archive_url(recording))
    assert MediaItem.objects.count() == 1
    assert first["Location"] == second["Location"] == MediaItem.objects.get().get_absolute_url()


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (Meeting.Audience.PUBLIC, Visibility.PUBLIC),
        (Meeting.Audience.MOVEMENT, Visibility.MEMBERS),
        (Meeting.Audience.OWNER, Visibility.COMMITTEE),
    ],
)
def test_the_item_is_as_closed_as_the_meeting(
    client: Client, world: World, audience: str, expected: str
) -> None:
    recording = meeting_with_recording(world, audience=audience)
    client.force_login(world.bob)
    client.post(archive_url(recording))
    assert MediaItem.objects.get().visibility == expected


def test_an_invited_moderator_outside_the_group_does_not_archive_its_recording(
    client: Client, world: World
) -> None:
    recording = meeting_with_recording(world, group=world.secret_group)
    MeetingInvitation.objects.create(
        meeting=recording.meeting,
        user=world.eve,
        kind=MeetingInvitation.Kind.MEMBER,
        role=MeetingInvitation.Role.MODERATOR,
        email=world.eve.email,
        token_hash="not-a-real-hash",
        expires_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(world.eve)
    assert client.post(archive_url(recording)).status_code == 403
    assert not MediaItem.objects.exists()


def test_a_group_meeting_is_archived_for_the_group(client: Client, world: World) -> None:
    recording = meeting_with_recording(world, group=world.secret_group)
    client.force_login(world.bob)
    client.post(archive_url(recording))
    item = MediaItem.objects.get()
    assert item.visibility == Visibility.GROUP and item.group == world.secret_group
    client.force_login(world.alice)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_secret_meeting_recording_does_not_exist_for_outsiders(
    client: Client, world: World
) -> None:
    recording = meeting_with_recording(world, group=world.secret_group)
    missing = reverse("mediatheque:archive_recording", args=[recording.pk + 1000])
    for person in (world.eve, world.alice):
        client.force_login(person)
        assert client.post(archive_url(recording)).status_code == 404
        assert client.post(missing).status_code == 404
    assert not MediaItem.objects.exists()


def test_only_organisers_archive(client: Client, world: World) -> None:
    recording = meeting_with_recording(world)
    client.force_login(world.charlie)
    assert client.post(archive_url(recording)).status_code == 403
    client.logout()
    response = client.post(archive_url(recording))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not MediaItem.objects.exists()


def test_a_recording_not_ready_is_refused(client: Client, world: World) -> None:
    recording = meeting_with_recording(world)
    recording.status = Recording.Status.PROCESSING
    recording.save()
    client.force_login(world.bob)
    assert client.post(archive_url(recording)).status_code == 403


def test_archiving_is_a_post(client: Client, world: World) -> None:
    recording = meeting_with_recording(world)
    client.force_login(world.bob)
    assert client.get(archive_url(recording)).status_code == 405


def test_minutes_page_offers_the_button_then_the_link(
    client: Client, world: World, english_pages: None
) -> None:
    recording = meeting_with_recording(world)
    Minutes.objects.create(meeting=recording.meeting, published_at=timezone.now())
    minutes = reverse("meetings:minutes", args=[recording.meeting.slug])
    client.force_login(world.charlie)
    assert "Archive in La mémoire" not in client.get(minutes).content.decode()
    client.force_login(world.bob)
    page = client.get(minutes).content.decode()
    assert f'action="{archive_url(recording)}"' in page and "Archive in La mémoire" in page
    client.post(archive_url(recording))
    page = client.get(minutes).content.decode()
    assert "Archive in La mémoire" not in page
    assert f'href="{MediaItem.objects.get().get_absolute_url()}"' in page
