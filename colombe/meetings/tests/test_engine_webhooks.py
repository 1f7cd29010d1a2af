"""LiveKit's signed webhooks keep the attendance of meetings hosted on LiveKit."""

import base64
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from livekit import api

from colombe.meetings.models import Meeting, Participant
from colombe.meetings.tests.test_room_services import make_meeting
from tests.personas import World

pytestmark = pytest.mark.django_db
KEY, SECRET = "APIcolombe", "livekit-secret-of-at-least-32-characters"


@pytest.fixture
def livekit_settings(settings: Any) -> None:
    settings.LIVEKIT_URL = "wss://livekit.colombe.example"
    settings.LIVEKIT_API_KEY = KEY
    settings.LIVEKIT_API_SECRET = SECRET
    settings.LIVEKIT_MEET_URL = "https://meet.colombe.example"


def livekit_meeting(world: World) -> tuple[Meeting, Participant]:
    meeting = make_meeting(world, engine="livekit", engine_room="colombe-room")
    seat = Participant.objects.create(
        meeting=meeting,
        user=world.charlie,
        display_name="Charlie",
        engine_token="seat-charlie",
        state=Participant.State.ADMITTED,
    )
    return meeting, seat


def send(event: str, identity: str, secret: str = SECRET) -> int:
    body = json.dumps(
        {"event": event, "room": {"name": "colombe-room"}, "participant": {"identity": identity}}
    )
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    token = api.AccessToken(KEY, secret).with_sha256(digest).to_jwt()
    response = Client().post(
        reverse("meetings:livekit_webhook"),
        body,
        content_type="application/webhook+json",
        headers={"authorization": token},
    )
    return response.status_code


def test_joined_then_left_is_recorded(world: World, livekit_settings: None) -> None:
    _meeting, seat = livekit_meeting(world)
    assert send("participant_joined", "seat-charlie") == 204
    seat.refresh_from_db()
    assert seat.state == Participant.State.IN_ROOM and seat.joined_at is not None
    assert send("participant_left", "seat-charlie") == 204
    seat.refresh_from_db()
    assert seat.state == Participant.State.LEFT and seat.left_at is not None


def test_a_forged_signature_changes_nothing(world: World, livekit_settings: None) -> None:
    _meeting, seat = livekit_meeting(world)
    forged = "another-secret-of-at-least-32-characters!"
    assert send("participant_joined", "seat-charlie", secret=forged) == 401
    seat.refresh_from_db()
    assert seat.state == Participant.State.ADMITTED and seat.joined_at is None


def test_unknown_seats_are_ignored(world: World, livekit_settings: None) -> None:
    livekit_meeting(world)
    assert send("participant_joined", "someone-else") == 204
    assert not Participant.objects.filter(state=Participant.State.IN_ROOM).exists()


def test_without_livekit_the_url_does_not_exist(world: World) -> None:
    assert send("participant_joined", "seat-charlie") == 404
