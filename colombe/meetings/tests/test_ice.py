"""ICE servers in a seat's grant: none by default (and never a third party's), STUN
when configured, TURN with per-seat credentials that coturn's ``use-auth-secret`` checks."""

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Any

import pytest

from colombe.meetings import room_services
from colombe.meetings.ice import ice_servers_for
from colombe.meetings.models import Participant
from colombe.meetings.tests.test_room_services import make_meeting
from tests.janus import JanusServer
from tests.personas import World

pytestmark = pytest.mark.django_db
TURN_SECRET = "a-turn-secret-shared-with-coturn"


def seat(world: World) -> Participant:
    meeting = make_meeting(world)
    return Participant.objects.create(
        meeting=meeting, user=world.charlie, display_name="Charlie", engine_token="t-charlie"
    )


def test_no_ice_server_unless_configured(world: World) -> None:
    assert ice_servers_for(seat(world)) == []


def test_turn_credentials_expire_after_the_meeting_and_verify(world: World, settings: Any) -> None:
    settings.MEETING_STUN_URLS = ["stun:turn.example.org:3478"]
    settings.MEETING_TURN_URLS = ["turn:turn.example.org:3478?transport=udp"]
    settings.MEETING_TURN_SECRET = TURN_SECRET
    charlie = seat(world)
    stun, turn = ice_servers_for(charlie)
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    expiry, seat_id = turn["username"].split(":")
    expected_expiry = charlie.meeting.ends_at + timedelta(hours=1)
    assert int(expiry) == int(expected_expiry.timestamp())
    assert seat_id == str(charlie.pk)
    digest = hmac.new(TURN_SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(digest).decode()


def test_the_janus_grant_carries_the_ice_servers(
    world: World, settings: Any, janus_settings: JanusServer
) -> None:
    settings.MEETING_TURN_URLS = ["turns:turn.example.org:443?transport=tcp"]
    settings.MEETING_TURN_SECRET = TURN_SECRET
    meeting = make_meeting(world)
    bob = room_services.enter_lobby(meeting, user=world.bob, display_name="Bob", audio_only=False)
    grant = room_services.join(bob)
    [turn] = grant.config["ice_servers"]
    assert turn["urls"] == ["turns:turn.example.org:443?transport=tcp"]
    assert turn["username"].endswith(f":{bob.pk}")
