"""The stage's audio sent to the radio, against a real Janus: the relay's forwards are
audio-only, listed by Janus, stopped on request, and stopping is idempotent.

The stage publishes from the server side (``tests.janus.StagePublisher``), so the
forwarders are real while no media flows."""

from typing import Any

import pytest

from colombe.meetings.engines import get_engine
from colombe.meetings.engines.base import (
    EngineNotSupported,
    relays_stage_audio,
    stage_audio_relay,
)
from colombe.meetings.engines.janus import OPUS_PAYLOAD_TYPE, VIDEOROOM, JanusEngine
from colombe.meetings.models import Meeting
from colombe.meetings.tests.test_engine_janus import client_for
from colombe.meetings.tests.test_engine_janus_edges import webinar_on_air
from tests.janus import JanusServer, free_port

pytestmark = pytest.mark.django_db


def forwarders(server: JanusServer, meeting: Meeting) -> list[dict[str, Any]]:
    """Every forwarder of the room, as Janus lists them (the audience fan-out's too)."""
    data = client_for(server).plugin_request(
        VIDEOROOM,
        {
            "request": "listforwarders",
            "room": int(meeting.engine_room),
            "secret": meeting.engine_state["secret"],
        },
    )
    return [
        {**forwarder, "publisher_id": publisher["publisher_id"]}
        for publisher in data["publishers"]
        for forwarder in publisher["forwarders"]
    ]


def relay_forwards(server: JanusServer, meeting: Meeting, port: int) -> list[dict[str, Any]]:
    return [forwarder for forwarder in forwarders(server, meeting) if forwarder["port"] == port]


def test_the_stage_audio_is_forwarded_alone_to_the_relay_port(janus_settings: JanusServer):
    meeting, speaker = webinar_on_air(janus_settings)
    port = free_port()

    stream_id = JanusEngine().forward_stage_audio(meeting, speaker.engine_feed, "127.0.0.1", port)

    [forward] = relay_forwards(janus_settings, meeting, port)
    assert forward["publisher_id"] == int(speaker.engine_feed)
    assert forward["stream_id"] == stream_id
    assert forward["type"] == "audio"
    assert forward["host"] == "127.0.0.1"
    assert forward["pt"] == OPUS_PAYLOAD_TYPE
    assert stream_id in JanusEngine().stage_audio_forwards(meeting)


def test_stopping_the_forward_removes_it_and_stopping_twice_is_fine(janus_settings: JanusServer):
    meeting, speaker = webinar_on_air(janus_settings)
    engine = JanusEngine()
    port = free_port()
    stream_id = engine.forward_stage_audio(meeting, speaker.engine_feed, "127.0.0.1", port)

    engine.stop_stage_audio(meeting, speaker.engine_feed, stream_id)

    assert relay_forwards(janus_settings, meeting, port) == []
    assert stream_id not in engine.stage_audio_forwards(meeting)
    # The audience's own fan-out of the feed is untouched.
    assert len(forwarders(janus_settings, meeting)) == 2
    engine.stop_stage_audio(meeting, speaker.engine_feed, stream_id)


def test_stopping_a_forward_of_a_closed_room_is_fine(janus_settings: JanusServer):
    meeting, speaker = webinar_on_air(janus_settings)
    engine = JanusEngine()
    stream_id = engine.forward_stage_audio(meeting, speaker.engine_feed, "127.0.0.1", free_port())
    engine.close_room(meeting)

    engine.stop_stage_audio(meeting, speaker.engine_feed, stream_id)

    assert engine.stage_audio_forwards(meeting) == set()


def test_only_janus_relays_the_stage():
    assert relays_stage_audio(get_engine("janus"))
    for name in ("livekit", "bigbluebutton", "jitsi"):
        engine = get_engine(name)
        assert not relays_stage_audio(engine)
        with pytest.raises(EngineNotSupported, match="cannot relay"):
            stage_audio_relay(engine)
