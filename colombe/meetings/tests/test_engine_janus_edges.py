"""A webinar spread over two real Janus instances: the room's instance forwards each stage
feed to a mountpoint on every edge, and the audience is placed on the least-loaded edge.

The stage publishes from the server side (``tests.janus.StagePublisher``: an offer with no
ICE candidate), so the forwarders and mountpoints are real while no media flows."""

import logging
from collections import Counter
from typing import Any

import pytest

from colombe.meetings import room_services
from colombe.meetings.engines.base import EngineError, EngineUnavailable
from colombe.meetings.engines.janus import (
    NO_SUCH_MOUNTPOINT,
    STREAMING,
    VIDEOROOM,
    JanusEngine,
)
from colombe.meetings.models import Meeting, Participant
from colombe.meetings.tests.test_engine_janus import browser_post, client_for, make_meeting
from tests.janus import JanusServer, StagePublisher, edge_public_url, free_port

pytestmark = pytest.mark.django_db

Servers = tuple[JanusServer, JanusServer]


def dead_entry() -> str:
    dead = f"http://127.0.0.1:{free_port()}/janus"
    return f"{dead}|{dead}|http://127.0.0.1:{free_port()}/admin"


def seat(meeting: Meeting, role: str = Participant.Role.AUDIENCE) -> Participant:
    return Participant.objects.create(
        meeting=meeting,
        display_name=f"{role} seat",
        role=role,
        state=Participant.State.ADMITTED,
        engine_token="",
    )


def webinar_on_air(room_server: JanusServer) -> tuple[Meeting, Participant]:
    """A webinar whose moderator opened the room and publishes on stage."""
    meeting = make_meeting(format=Meeting.Format.WEBINAR)
    moderator = seat(meeting, Participant.Role.MODERATOR)
    grant = room_services.join(moderator)
    meeting.refresh_from_db()
    assert meeting.engine_server == room_server.http_url
    StagePublisher(room_server.http_url, room_server.admin_secret).publish(
        grant.config["room"], grant.config["feed"], grant.config["token"]
    )
    moderator.refresh_from_db()
    room_services.published(moderator)
    meeting.refresh_from_db()
    return meeting, moderator


def join_audience(meeting: Meeting, count: int) -> list[tuple[Participant, dict[str, Any]]]:
    joined = []
    for _ in range(count):
        viewer = seat(meeting)
        grant = room_services.join(viewer)
        viewer.refresh_from_db()
        joined.append((viewer, grant.config))
    return joined


def mountpoint_info(server: JanusServer, meeting: Meeting, mountpoint_id: int) -> dict[str, Any]:
    body = {"request": "info", "id": mountpoint_id, "secret": meeting.engine_state["secret"]}
    info: dict[str, Any] = client_for(server).plugin_request(STREAMING, body)["info"]
    return info


def opens_a_session(server: JanusServer, token: str) -> bool:
    answer = browser_post(server.http_url, {"janus": "create", "token": token})
    if answer["janus"] == "error":
        assert answer["error"]["code"] == 403, answer
        return False
    return True


def test_a_stage_feed_gets_a_mountpoint_on_every_edge_fed_by_the_room(
    janus_settings_two: Servers,
):
    room_server, edge = janus_settings_two
    meeting, moderator = webinar_on_air(room_server)

    mountpoint = meeting.engine_state["mountpoints"][moderator.engine_feed]
    assert set(mountpoint["edges"]) == {room_server.http_url, edge.http_url}
    for server in janus_settings_two:
        ports = mountpoint["edges"][server.http_url]
        info = mountpoint_info(server, meeting, mountpoint["id"])
        assert info["id"] == mountpoint["id"]
        assert {media["type"]: media["port"] for media in info["media"]} == {
            "audio": ports["audio_port"],
            "video": ports["video_port"],
        }
        assert len(ports["stream_ids"]) == 2  # audio and video
    # Each instance picked its ports from its own range.
    assert mountpoint["edges"][room_server.http_url] != mountpoint["edges"][edge.http_url]

    forwarded = client_for(room_server).plugin_request(
        VIDEOROOM,
        {
            "request": "listforwarders",
            "room": int(meeting.engine_room),
            "secret": meeting.engine_state["secret"],
        },
    )
    [publisher] = forwarded["publishers"]
    assert publisher["publisher_id"] == int(moderator.engine_feed)
    destinations = {(f["host"], f["port"]) for f in publisher["forwarders"]}
    assert destinations == {
        ("127.0.0.1", ports[kind])
        for ports in mountpoint["edges"].values()
        for kind in ("audio_port", "video_port")
    }
    assert JanusEngine().audience_streams(meeting) == [mountpoint["id"]]


def test_publishing_again_does_not_forward_twice(janus_settings_two: Servers):
    meeting, moderator = webinar_on_air(janus_settings_two[0])
    before = meeting.engine_state["mountpoints"]

    room_services.published(moderator)

    meeting.refresh_from_db()
    assert meeting.engine_state["mountpoints"] == before


def test_the_audience_is_spread_over_the_edges(janus_settings_two: Servers):
    meeting, _moderator = webinar_on_air(janus_settings_two[0])
    [stream] = JanusEngine().audience_streams(meeting)

    joined = join_audience(meeting, 4)

    by_url = {server.http_url: server for server in janus_settings_two}
    assert Counter(grant["server"] for _, grant in joined) == {
        edge_public_url(0): 2,
        edge_public_url(1): 2,
    }
    for viewer, grant in joined:
        assert grant["publish"] is False
        assert grant["mountpoints"] == [stream]
        own = by_url[viewer.engine_server]
        other = next(server for server in janus_settings_two if server is not own)
        assert grant["server"] == edge_public_url(janus_settings_two.index(own))
        assert opens_a_session(own, viewer.engine_token)
        assert not opens_a_session(other, viewer.engine_token)


def test_a_removed_viewer_loses_its_token_and_its_place_is_taken_next(
    janus_settings_two: Servers,
):
    meeting, moderator = webinar_on_air(janus_settings_two[0])
    joined = join_audience(meeting, 4)
    leaving, _grant = joined[3]
    own = next(s for s in janus_settings_two if s.http_url == leaving.engine_server)
    other = next(s for s in janus_settings_two if s is not own)

    room_services.remove(leaving, by=moderator)

    assert not opens_a_session(own, leaving.engine_token)
    assert not opens_a_session(other, leaving.engine_token)
    assert all(
        opens_a_session(own, v.engine_token)
        for v, _ in joined[:3]
        if v.engine_server == own.http_url
    )
    [(newcomer, _)] = join_audience(meeting, 1)
    assert newcomer.engine_server == own.http_url  # the edge with a free place


def test_promotion_moves_the_token_to_the_room_and_demotion_back_to_an_edge(
    janus_settings_two: Servers,
):
    room_server, edge = janus_settings_two
    meeting, moderator = webinar_on_air(room_server)
    joined = join_audience(meeting, 2)
    viewer = next(v for v, _ in joined if v.engine_server == edge.http_url)

    room_services.promote(viewer, by=moderator)
    viewer.refresh_from_db()
    assert viewer.engine_server == room_server.http_url
    assert not opens_a_session(edge, viewer.engine_token)
    assert viewer.engine_token in JanusEngine().allowed_tokens(meeting)

    room_services.demote(viewer, by=moderator)
    viewer.refresh_from_db()
    # The other viewer is on the room's instance: the empty edge takes the demoted seat.
    assert viewer.engine_server == edge.http_url
    assert viewer.engine_token not in JanusEngine().allowed_tokens(meeting)
    assert not opens_a_session(room_server, viewer.engine_token)
    session = browser_post(edge.http_url, {"janus": "create", "token": viewer.engine_token})
    session_url = f"{edge.http_url}/{session['data']['id']}"
    attach = {"janus": "attach", "token": viewer.engine_token}
    assert browser_post(session_url, {**attach, "plugin": VIDEOROOM})["janus"] == "error"
    assert browser_post(session_url, {**attach, "plugin": STREAMING})["janus"] == "success"


def test_closing_the_room_destroys_the_mountpoints_on_every_edge(janus_settings_two: Servers):
    meeting, _moderator = webinar_on_air(janus_settings_two[0])
    [stream] = JanusEngine().audience_streams(meeting)

    JanusEngine().close_room(meeting)
    JanusEngine().close_room(meeting)

    for server in janus_settings_two:
        with pytest.raises(EngineError) as gone:
            mountpoint_info(server, meeting, stream)
        assert gone.value.code == NO_SUCH_MOUNTPOINT
    assert meeting.engine_state["mountpoints"] == {}


def test_an_unreachable_edge_does_not_keep_the_room_open(
    settings: Any, janus_settings_two: Servers, caplog: pytest.LogCaptureFixture
):
    room_server, _edge = janus_settings_two
    meeting, moderator = webinar_on_air(room_server)
    unreachable = dead_entry()
    settings.JANUS_SERVERS = [*settings.JANUS_SERVERS, unreachable]
    mountpoint = meeting.engine_state["mountpoints"][moderator.engine_feed]
    mountpoint["edges"][unreachable.split("|")[0]] = {"audio_port": 1, "video_port": 2}

    with caplog.at_level(logging.WARNING, logger="colombe.meetings.engines.janus"):
        JanusEngine().close_room(meeting)

    assert "left on" in caplog.text
    for server in janus_settings_two:
        with pytest.raises(EngineError):
            mountpoint_info(server, meeting, mountpoint["id"])


def test_a_dead_edge_gets_neither_mountpoints_nor_audience(
    settings: Any, janus_settings_two: Servers, caplog: pytest.LogCaptureFixture
):
    live = janus_settings_two[0]
    settings.JANUS_SERVERS = [
        dead_entry(),
        f"{live.http_url}|{edge_public_url(0)}|{live.admin_url}",
    ]
    meeting = make_meeting(format=Meeting.Format.WEBINAR)
    moderator = seat(meeting, Participant.Role.MODERATOR)
    grant = room_services.join(moderator)
    [(early, early_grant)] = join_audience(Meeting.objects.get(pk=meeting.pk), 1)

    StagePublisher(live.http_url, live.admin_secret).publish(
        grant.config["room"], grant.config["feed"], grant.config["token"]
    )
    moderator.refresh_from_db()
    with caplog.at_level(logging.WARNING, logger="colombe.meetings.engines.janus"):
        room_services.published(moderator)
    meeting.refresh_from_db()
    joined = join_audience(meeting, 3)

    [mountpoint] = meeting.engine_state["mountpoints"].values()
    assert list(mountpoint["edges"]) == [live.http_url]
    assert "skipped" in caplog.text
    # Before the stage published the dead edge was the least loaded: health() skipped it.
    assert early.engine_server == live.http_url
    assert early_grant["mountpoints"] == []
    assert {viewer.engine_server for viewer, _ in joined} == {live.http_url}
    assert {grant["mountpoints"][0] for _, grant in joined} == {mountpoint["id"]}


def test_no_live_edge_is_engine_unavailable(settings: Any, janus_settings_two: Servers):
    meeting, _moderator = webinar_on_air(janus_settings_two[0])
    settings.JANUS_SERVERS = [*settings.JANUS_SERVERS[:1], dead_entry()]
    meeting.engine_state["mountpoints"] = {"1": {"id": 1, "edges": {"http://gone/janus": {}}}}

    with pytest.raises(EngineUnavailable):
        JanusEngine().admit(meeting, seat(meeting))
