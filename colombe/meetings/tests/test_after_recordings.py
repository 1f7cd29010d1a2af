"""A recording's file: for those who may read the minutes, with HTTP Range requests so a
player seeks without downloading everything."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.meetings.models import Meeting, Minutes, Recording
from colombe.meetings.tests.after_helpers import make_meeting
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10,240 bytes, every offset recognisable


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def recording_of(meeting: Meeting, name: str = "reunion.webm") -> Recording:
    recording = Recording.objects.create(meeting=meeting, status=Recording.Status.READY)
    recording.file.save(name, ContentFile(CONTENT))
    return recording


def published_meeting(world: World, **extra: Any) -> Meeting:
    meeting = make_meeting(world.lyon, **extra)
    Minutes.objects.create(meeting=meeting, published_at=timezone.now())
    return meeting


def file_url(recording: Recording) -> str:
    return reverse("meetings:recording_file", args=[recording.meeting.slug, recording.pk])


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file(client: Client, world: World) -> None:
    recording = recording_of(published_meeting(world))
    client.force_login(world.charlie)
    response = client.get(file_url(recording))
    assert response.status_code == 200
    assert body_of(response) == CONTENT
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_partial_content(client: Client, world: World, header: str, start: int, end: int) -> None:
    recording = recording_of(published_meeting(world))
    client.force_login(world.charlie)
    response = client.get(file_url(recording), headers={"range": header})
    assert response.status_code == 206
    assert body_of(response) == CONTENT[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(CONTENT)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/webm"


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=50-10", "bytes=-0", "bytes=abc"])
def test_unsatisfiable_range(client: Client, world: World, header: str) -> None:
    recording = recording_of(published_meeting(world))
    client.force_login(world.charlie)
    response = client.get(file_url(recording), headers={"range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


@pytest.mark.parametrize("header", ["items=0-5", "bytes=0-5,10-20"])
def test_ranges_we_do_not_serve_get_the_whole_file(
    client: Client, world: World, header: str
) -> None:
    recording = recording_of(published_meeting(world))
    client.force_login(world.charlie)
    response = client.get(file_url(recording), headers={"range": header})
    assert response.status_code == 200
    assert body_of(response) == CONTENT


def test_audio_recording_type(client: Client, world: World) -> None:
    recording = recording_of(published_meeting(world), name="reunion.opus")
    client.force_login(world.bob)
    assert client.get(file_url(recording))["Content-Type"] == "audio/ogg"


def test_recordings_are_for_everyone_who_may_see_the_meeting(client: Client, world: World) -> None:
    """Not held back until the minutes are published: everyone saw the recording notice."""
    recording = recording_of(make_meeting(world.lyon))
    client.force_login(world.charlie)
    assert client.get(file_url(recording)).status_code == 200
    page = client.get(reverse("meetings:detail", args=[recording.meeting.slug]))
    assert file_url(recording) in page.content.decode()
    client.force_login(world.eve)
    assert client.get(file_url(recording)).status_code == 404


def test_unfinished_recording_is_missing(client: Client, world: World) -> None:
    recording = recording_of(published_meeting(world))
    Recording.objects.filter(pk=recording.pk).update(status=Recording.Status.PROCESSING)
    client.force_login(world.bob)
    assert client.get(file_url(recording)).status_code == 404


def test_recording_of_another_meeting_is_missing(client: Client, world: World) -> None:
    recording = recording_of(published_meeting(world))
    other = published_meeting(world)
    client.force_login(world.bob)
    url = reverse("meetings:recording_file", args=[other.slug, recording.pk])
    assert client.get(url).status_code == 404


def test_secret_group_recording_is_missing_for_outsiders(client: Client, world: World) -> None:
    meeting = published_meeting(world, group=world.secret_group, title=SECRET_GROUP_NAME)
    recording = recording_of(meeting)
    client.force_login(world.eve)
    response = client.get(file_url(recording), headers={"range": "bytes=0-10"})
    assert response.status_code == 404
    assert SECRET_GROUP_NAME not in response.content.decode()
