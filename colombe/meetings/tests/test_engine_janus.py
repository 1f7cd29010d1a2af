"""The Janus engine against a real Janus (tests/janus.py starts one per module)."""

import json
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from colombe.meetings.engines.base import EngineError, EngineUnavailable, new_engine_token
from colombe.meetings.engines.janus import (
    NO_SUCH_MOUNTPOINT,
    NO_SUCH_ROOM,
    STREAMING,
    UNAUTHORIZED,
    VIDEOROOM,
    JanusClient,
    JanusEngine,
    JanusInstance,
)
from colombe.meetings.models import Meeting, Participant
from tests.factories import StructureFactory
from tests.janus import JanusServer, free_port

MISSING_ELEMENT = 429

pytestmark = pytest.mark.django_db


def make_meeting(**fields: Any) -> Meeting:
    starts_at = timezone.now()
    values: dict[str, Any] = {
        "owner": StructureFactory.create(),
        "title": "Weekly visio",
        "slug": f"visio-{new_engine_token()[:8].lower()}",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        **fields,
    }
    return Meeting.objects.create(**values)


def make_seat(meeting: Meeting, role: str = Participant.Role.ATTENDEE) -> Participant:
    return Participant.objects.create(
        meeting=meeting, display_name="Charlie", role=role, engine_token=new_engine_token()
    )


def client_for(server: JanusServer) -> JanusClient:
    return JanusClient(JanusInstance(server.http_url, server.http_url, server.admin_url))


def browser_post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a browser can do: the client API with a seat token, never the API secret."""
    body = json.dumps({**payload, "transaction": "t"}).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        answer: dict[str, Any] = json.load(response)
    return answer


def browser_join(server: JanusServer, meeting: Meeting, token: str, feed: int) -> dict[str, Any]:
    """Create a session and join as publisher with ``token``; returns the first event."""
    session = browser_post(server.http_url, {"janus": "create", "token": token})
    assert session["janus"] == "success", session
    session_url = f"{server.http_url}/{session['data']['id']}"
    handle = browser_post(session_url, {"janus": "attach", "plugin": VIDEOROOM, "token": token})
    join = {
        "request": "join",
        "ptype": "publisher",
        "room": int(meeting.engine_room),
        "id": feed,
        "token": token,
    }
    ack = browser_post(
        f"{session_url}/{handle['data']['id']}", {"janus": "message", "body": join, "token": token}
    )
    assert ack["janus"] == "ack", ack
    with urllib.request.urlopen(f"{session_url}?maxev=1&token={token}", timeout=10) as response:
        events = json.load(response)
    event: dict[str, Any] = events[0] if isinstance(events, list) else events
    return event


def room_participants(server: JanusServer, meeting: Meeting) -> list[dict[str, Any]]:
    data = client_for(server).plugin_request(
        VIDEOROOM, {"request": "listparticipants", "room": int(meeting.engine_room)}
    )
    return list(data["participants"])


def test_open_room_creates_a_private_room_with_a_server_side_secret(janus_settings: JanusServer):
    meeting = make_meeting()
    placement = JanusEngine().open_room(meeting)

    meeting.refresh_from_db()
    assert placement.server == janus_settings.http_url == meeting.engine_server
    assert meeting.engine_room == placement.room
    assert len(meeting.engine_state["secret"]) >= 24
    exists = client_for(janus_settings).plugin_request(
        VIDEOROOM, {"request": "exists", "room": int(meeting.engine_room)}
    )
    assert exists["exists"] is True
    rooms = client_for(janus_settings).plugin_request(VIDEOROOM, {"request": "list"})["list"]
    assert int(meeting.engine_room) not in [room["room"] for room in rooms]  # is_private


def test_open_room_is_idempotent_and_recreates_a_vanished_room(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    first = engine.open_room(meeting)
    assert engine.open_room(meeting).room == first.room

    engine.close_room(meeting)
    again = engine.open_room(meeting)
    assert again.room == first.room
    assert client_for(janus_settings).plugin_request(
        VIDEOROOM, {"request": "exists", "room": int(first.room)}
    )["exists"]


def test_nobody_creates_rooms_without_the_admin_key(janus_settings: JanusServer):
    with pytest.raises(EngineError) as refused:
        client_for(janus_settings).plugin_request(VIDEOROOM, {"request": "create", "room": 4242})
    assert refused.value.code == MISSING_ELEMENT
    assert "admin_key" in str(refused.value)


def test_admit_adds_the_seat_token_and_grants_only_that_seat(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)
    seat = make_seat(meeting)

    grant = engine.admit(meeting, seat)

    seat.refresh_from_db()
    assert grant.client == "janus"
    assert grant.config["token"] == seat.engine_token
    assert grant.config["feed"] == int(seat.engine_feed)
    assert grant.config["room"] == int(meeting.engine_room)
    assert grant.config["publish"] is True
    assert meeting.engine_state["secret"] not in json.dumps(grant.config)
    assert settings_secrets(janus_settings).isdisjoint(json.dumps(grant.config).split('"'))
    assert engine.allowed_tokens(meeting) == [seat.engine_token]


def settings_secrets(server: JanusServer) -> set[str]:
    return {server.admin_secret, server.room_admin_key}


def test_an_admitted_seat_joins_with_its_feed_and_a_wrong_token_is_refused(
    janus_settings: JanusServer,
):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)
    seat = make_seat(meeting)
    grant = engine.admit(meeting, seat)
    stranger = make_seat(meeting)
    other_meeting = make_meeting()
    engine.open_room(other_meeting)
    engine.admit(other_meeting, stranger)  # a valid Janus token, but for another room

    joined = browser_join(janus_settings, meeting, grant.config["token"], grant.config["feed"])
    refused = browser_join(janus_settings, meeting, stranger.engine_token, 77)

    assert joined["plugindata"]["data"]["videoroom"] == "joined", joined
    assert joined["plugindata"]["data"]["id"] == grant.config["feed"]
    assert refused["plugindata"]["data"]["error_code"] == UNAUTHORIZED
    assert [p["id"] for p in room_participants(janus_settings, meeting)] == [grant.config["feed"]]


def test_a_browser_without_a_token_cannot_even_open_a_session(janus_settings: JanusServer):
    answer = browser_post(janus_settings.http_url, {"janus": "create", "token": "made-up"})
    assert answer["janus"] == "error"
    assert answer["error"]["code"] == 403


def test_remove_kicks_the_feed_and_revokes_the_token(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)
    staying, leaving = make_seat(meeting), make_seat(meeting)
    engine.admit(meeting, staying)
    grant = engine.admit(meeting, leaving)
    browser_join(janus_settings, meeting, grant.config["token"], grant.config["feed"])

    engine.remove(meeting, leaving)

    assert engine.allowed_tokens(meeting) == [staying.engine_token]
    assert room_participants(janus_settings, meeting) == []
    session = browser_post(
        janus_settings.http_url, {"janus": "create", "token": leaving.engine_token}
    )
    assert session["janus"] == "error"  # the core token is gone too
    engine.remove(meeting, leaving)  # twice is fine


def test_close_room_destroys_it_and_is_idempotent(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)

    engine.close_room(meeting)
    engine.close_room(meeting)

    with pytest.raises(EngineError) as gone:
        client_for(janus_settings).plugin_request(
            VIDEOROOM,
            {"request": "listparticipants", "room": int(meeting.engine_room)},
        )
    assert gone.value.code == NO_SUCH_ROOM


def test_recording_is_enabled_into_a_folder_of_its_own(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)

    first = engine.start_recording(meeting)
    engine.stop_recording(meeting)
    second = engine.start_recording(meeting)

    assert first.startswith(str(janus_settings.recordings_dir / f"meeting-{meeting.pk}"))
    assert first != second
    listed = client_for(janus_settings).plugin_request(
        VIDEOROOM, {"request": "list", "admin_key": janus_settings.room_admin_key}
    )["list"]
    room = next(room for room in listed if room["room"] == int(meeting.engine_room))
    assert room["record"] is True
    assert room["rec_dir"] == second


def test_webinar_mountpoint_is_created_then_destroyed_with_the_room(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting(format=Meeting.Format.WEBINAR)
    engine.open_room(meeting)
    client = client_for(janus_settings)

    mountpoint: dict[str, Any] = {"id": 4242, "edges": {}}
    mountpoint["edges"][janus_settings.http_url] = engine._create_mountpoint(
        client, meeting, mountpoint["id"]
    )
    meeting.engine_state["mountpoints"] = {"1": mountpoint}
    meeting.save()

    info = client.plugin_request(
        STREAMING,
        {"request": "info", "id": mountpoint["id"], "secret": meeting.engine_state["secret"]},
    )["info"]
    assert {media["type"]: media["codec"] for media in info["media"]} == {
        "audio": "opus",
        "video": "vp8",
    }
    assert engine.audience_streams(meeting) == [mountpoint["id"]]

    engine.close_room(meeting)

    with pytest.raises(EngineError) as gone:
        client.plugin_request(STREAMING, {"request": "info", "id": mountpoint["id"]})
    assert gone.value.code == NO_SUCH_MOUNTPOINT
    assert engine.audience_streams(meeting) == []


def test_webinar_audience_gets_a_streaming_token_and_no_room_access(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting(format=Meeting.Format.WEBINAR)
    engine.open_room(meeting)
    viewer = make_seat(meeting, Participant.Role.AUDIENCE)

    grant = engine.admit(meeting, viewer)

    assert grant.config["publish"] is False
    assert engine.allowed_tokens(meeting) == []
    session = browser_post(
        janus_settings.http_url, {"janus": "create", "token": viewer.engine_token}
    )
    session_url = f"{janus_settings.http_url}/{session['data']['id']}"
    denied = browser_post(
        session_url, {"janus": "attach", "plugin": VIDEOROOM, "token": viewer.engine_token}
    )
    allowed = browser_post(
        session_url, {"janus": "attach", "plugin": STREAMING, "token": viewer.engine_token}
    )
    assert denied["janus"] == "error"
    assert allowed["janus"] == "success"


def test_health_is_false_on_a_closed_port(settings: Any, janus_settings: JanusServer):
    assert JanusEngine().health() is True
    dead = f"http://127.0.0.1:{free_port()}/janus"
    settings.JANUS_SERVERS = [f"{dead}|{dead}|http://127.0.0.1:{free_port()}/admin"]
    assert JanusEngine().health() is False


def test_a_dead_server_is_engine_unavailable(settings: Any, janus_settings: JanusServer):
    dead = f"http://127.0.0.1:{free_port()}/janus"
    settings.JANUS_SERVERS = [f"{dead}|{dead}|http://127.0.0.1:{free_port()}/admin"]
    with pytest.raises(EngineUnavailable):
        JanusEngine().open_room(make_meeting())


def test_muting_a_seat_that_sends_no_sound_says_so(janus_settings: JanusServer):
    engine = JanusEngine()
    meeting = make_meeting()
    engine.open_room(meeting)
    seat = make_seat(meeting)
    grant = engine.admit(meeting, seat)
    browser_join(janus_settings, meeting, grant.config["token"], grant.config["feed"])

    streams = client_for(janus_settings).publisher_streams(grant.config["feed"])
    with pytest.raises(EngineError, match="not sending any sound"):
        engine.mute(meeting, seat)

    assert streams == []  # joined without publishing: no stream to mute
