"""Contract tests of the LiveKit, BigBlueButton and Jitsi adapters.

No such server runs here, so a tiny HTTP server on a free loopback port records every
request and answers in the servers' documented formats (LiveKit: Twirp with protobuf
bodies; BigBlueButton: XML). The tests assert the exact requests the adapters send."""

import base64
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
import pytest
from django.utils import timezone
from livekit import api

from colombe.meetings.engines import configured_engines, engine_for, get_engine
from colombe.meetings.engines.base import EngineError, EngineNotSupported, EngineUnavailable
from colombe.meetings.engines.bigbluebutton import BigBlueButtonEngine
from colombe.meetings.engines.jitsi import JitsiEngine
from colombe.meetings.engines.livekit import LiveKitEngine, read_webhook
from colombe.meetings.models import Meeting, Participant
from tests.factories import StructureFactory, UserFactory
from tests.janus import free_port

pytestmark = pytest.mark.django_db

BBB_SECRET = "bbb-shared-secret"
LIVEKIT_KEY, LIVEKIT_SECRET = "APIcolombe", "livekit-secret-of-at-least-32-characters"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeServer:
    """Canned answers by path; every request is kept for the assertions."""

    url: str
    answers: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    port = free_port()
    server = FakeServer(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            server.requests.append(
                Recorded(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query)),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            status, content_type, body = server.answers.get(parts.path, (404, "text/plain", b""))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def make_meeting(**fields: Any) -> Meeting:
    starts_at = timezone.now()
    values: dict[str, Any] = {
        "owner": StructureFactory.create(),
        "title": "Partners' collective",
        "slug": "partners-collective",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        **fields,
    }
    return Meeting.objects.create(**values)


def make_seat(
    meeting: Meeting, role: str = Participant.Role.ATTENDEE, **fields: Any
) -> Participant:
    return Participant.objects.create(
        meeting=meeting, display_name="Frank", role=role, engine_token=f"seat-{role}", **fields
    )


# BigBlueButton ------------------------------------------------------------------------


def bbb_xml(body: str) -> tuple[int, str, bytes]:
    return 200, "text/xml", f"<response>{body}</response>".encode()


@pytest.fixture
def bbb(settings: Any, fake_server: FakeServer) -> FakeServer:
    settings.BIGBLUEBUTTON_URL = f"{fake_server.url}/bigbluebutton/"
    settings.BIGBLUEBUTTON_SECRET = BBB_SECRET
    return fake_server


def expected_checksum(call: str, request: Recorded) -> str:
    """sha256(call name + query string without the checksum + shared secret)."""
    query = urlencode({k: v for k, v in request.query.items() if k != "checksum"})
    return hashlib.sha256(f"{call}{query}{BBB_SECRET}".encode()).hexdigest()


def test_bbb_create_sends_a_checksummed_call_and_keeps_passwords_server_side(bbb: FakeServer):
    bbb.answers["/bigbluebutton/api/create"] = bbb_xml(
        "<returncode>SUCCESS</returncode><meetingID>colombe-1</meetingID>"
    )
    meeting = make_meeting(capacity=120)

    placement = BigBlueButtonEngine().open_room(meeting)

    [request] = bbb.requests
    assert request.method == "GET"
    assert request.path == "/bigbluebutton/api/create"
    assert request.query["meetingID"] == f"colombe-{meeting.pk}"
    assert request.query["name"] == "Partners' collective"
    assert request.query["maxParticipants"] == "120"
    assert request.query["moderatorPW"] == meeting.engine_state["moderatorPW"]
    assert request.query["checksum"] == expected_checksum("create", request)
    assert placement.room == "colombe-1"


def test_bbb_join_url_is_signed_with_the_role_of_the_seat(bbb: FakeServer):
    meeting = make_meeting()
    engine = BigBlueButtonEngine()
    moderator = make_seat(meeting, Participant.Role.MODERATOR)
    attendee = make_seat(meeting)

    moderator_url = urlsplit(engine.admit(meeting, moderator).redirect_url)
    attendee_grant = engine.admit(meeting, attendee)

    moderator_query = dict(parse_qsl(moderator_url.query))
    assert moderator_url.path == "/bigbluebutton/api/join"
    assert moderator_query["role"] == "MODERATOR"
    assert moderator_query["password"] == meeting.engine_state["moderatorPW"]
    assert moderator_query["userID"] == "seat-moderator"
    assert moderator_query["redirect"] == "true"
    query_without_checksum = moderator_url.query.rsplit("&checksum=", 1)[0]
    assert (
        moderator_query["checksum"]
        == hashlib.sha256(f"join{query_without_checksum}{BBB_SECRET}".encode()).hexdigest()
    )
    assert attendee_grant.client == "redirect"
    assert "role=VIEWER" in attendee_grant.redirect_url


def test_bbb_failed_answers_become_engine_errors_with_the_message_key(bbb: FakeServer):
    bbb.answers["/bigbluebutton/api/isMeetingRunning"] = bbb_xml(
        "<returncode>FAILED</returncode><messageKey>checksumError</messageKey>"
        "<message>You did not pass the checksum security check</message>"
    )
    with pytest.raises(EngineError) as refused:
        BigBlueButtonEngine().is_running(make_meeting())
    assert refused.value.code == "checksumError"
    assert "checksum security check" in str(refused.value)


def test_bbb_end_is_idempotent_and_recordings_are_read(bbb: FakeServer):
    bbb.answers["/bigbluebutton/api/end"] = bbb_xml(
        "<returncode>FAILED</returncode><messageKey>notFound</messageKey><message>gone</message>"
    )
    bbb.answers["/bigbluebutton/api/getRecordings"] = bbb_xml(
        "<returncode>SUCCESS</returncode><recordings><recording><recordID>r1</recordID>"
        "<state>published</state><playback><format><type>presentation</type>"
        "<url>https://bbb.example/playback/r1</url></format></playback></recording></recordings>"
    )
    meeting = make_meeting()
    engine = BigBlueButtonEngine()

    engine.close_room(meeting)
    recordings = engine.recordings(meeting)

    assert bbb.requests[0].path == "/bigbluebutton/api/end"
    assert bbb.requests[0].query["password"] == meeting.engine_state["moderatorPW"]
    assert recordings == [
        {"id": "r1", "state": "published", "url": "https://bbb.example/playback/r1"}
    ]


def test_bbb_says_what_it_cannot_do_and_when_it_is_down(settings: Any, bbb: FakeServer):
    meeting = make_meeting()
    with pytest.raises(EngineNotSupported):
        BigBlueButtonEngine().remove(meeting, make_seat(meeting))
    settings.BIGBLUEBUTTON_URL = f"http://127.0.0.1:{free_port()}/bigbluebutton/"
    assert BigBlueButtonEngine().health() is False
    with pytest.raises(EngineUnavailable):
        BigBlueButtonEngine().open_room(meeting)


# LiveKit ------------------------------------------------------------------------------


@pytest.fixture
def livekit(settings: Any, fake_server: FakeServer) -> FakeServer:
    settings.LIVEKIT_URL = fake_server.url
    settings.LIVEKIT_API_KEY = LIVEKIT_KEY
    settings.LIVEKIT_API_SECRET = LIVEKIT_SECRET
    settings.LIVEKIT_MEET_URL = "https://meet.colombe.example/"
    return fake_server


def twirp_path(method: str) -> str:
    return f"/twirp/livekit.RoomService/{method}"


def bearer_grants(request: Recorded) -> dict[str, Any]:
    scheme, token = request.headers["authorization"].split(" ", 1)
    assert scheme == "Bearer"
    claims: dict[str, Any] = jwt.decode(token, LIVEKIT_SECRET, algorithms=["HS256"])
    assert claims["iss"] == LIVEKIT_KEY
    return dict(claims["video"])


def test_livekit_open_room_posts_a_signed_protobuf_create_room(livekit: FakeServer):
    room = api.Room(name="colombe-1", sid="RM_abc")
    livekit.answers[twirp_path("CreateRoom")] = (
        200,
        "application/protobuf",
        room.SerializeToString(),
    )
    meeting = make_meeting(format=Meeting.Format.WEBINAR)

    placement = LiveKitEngine().open_room(meeting)

    [request] = livekit.requests
    assert request.method == "POST"
    assert request.path == twirp_path("CreateRoom")
    assert request.headers["content-type"] == "application/protobuf"
    sent = api.CreateRoomRequest.FromString(request.body)
    assert sent.name == f"colombe-{meeting.pk}"
    assert sent.max_participants == 1050
    assert bearer_grants(request)["roomCreate"] is True
    assert placement.state == {"sid": "RM_abc"}


def test_livekit_seat_token_grants_one_room_and_publishing_by_role(livekit: FakeServer):
    meeting = make_meeting(format=Meeting.Format.WEBINAR)
    viewer = make_seat(meeting, Participant.Role.AUDIENCE)

    grant = LiveKitEngine().admit(meeting, viewer)

    claims = jwt.decode(grant.config["token"], LIVEKIT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "seat-audience"
    assert claims["name"] == "Frank"
    assert claims["video"]["room"] == f"colombe-{meeting.pk}"
    assert claims["video"]["roomJoin"] is True
    assert claims["video"]["canPublish"] is False
    assert grant.client == "redirect"
    assert grant.redirect_url == (
        "https://meet.colombe.example/custom?"
        + urlencode({"liveKitUrl": livekit.url, "token": grant.config["token"]})
    )
    assert livekit.requests == []  # signing needs no round trip


def test_livekit_remove_and_mute_target_the_seat(livekit: FakeServer):
    info = api.ParticipantInfo(
        identity="seat-attendee",
        tracks=[
            api.TrackInfo(sid="TR_video", type=api.TrackType.VIDEO),
            api.TrackInfo(sid="TR_audio", type=api.TrackType.AUDIO),
        ],
    )
    livekit.answers[twirp_path("GetParticipant")] = (
        200,
        "application/protobuf",
        info.SerializeToString(),
    )
    livekit.answers[twirp_path("MutePublishedTrack")] = (200, "application/protobuf", b"")
    livekit.answers[twirp_path("RemoveParticipant")] = (
        404,
        "application/json",
        b'{"code":"not_found","msg":"participant not found"}',
    )
    meeting = make_meeting()
    seat = make_seat(meeting)
    engine = LiveKitEngine()

    engine.mute(meeting, seat)
    engine.remove(meeting, seat)  # already gone: fine

    _get, mute, remove = livekit.requests
    muted = api.MuteRoomTrackRequest.FromString(mute.body)
    assert (muted.room, muted.identity, muted.track_sid, muted.muted) == (
        f"colombe-{meeting.pk}",
        "seat-attendee",
        "TR_audio",
        True,
    )
    assert api.RoomParticipantIdentity.FromString(remove.body).identity == "seat-attendee"
    assert bearer_grants(remove)["roomAdmin"] is True


def test_livekit_errors_and_outages(settings: Any, livekit: FakeServer):
    livekit.answers[twirp_path("DeleteRoom")] = (
        403,
        "application/json",
        b'{"code":"permission_denied","msg":"no permissions"}',
    )
    meeting = make_meeting()
    with pytest.raises(EngineError) as refused:
        LiveKitEngine().close_room(meeting)
    assert refused.value.code == "permission_denied"
    settings.LIVEKIT_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EngineUnavailable):
        LiveKitEngine().close_room(meeting)
    assert LiveKitEngine().health() is False


def test_livekit_webhook_signature_is_verified(livekit: FakeServer):
    body = (
        '{"event":"participant_joined","room":{"name":"colombe-1"},'
        '"participant":{"identity":"seat-x"}}'
    )
    token = (
        api.AccessToken(LIVEKIT_KEY, LIVEKIT_SECRET)
        .with_sha256(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode())
        .to_jwt()
    )

    event = read_webhook(body, token)

    assert (event["event"], event["room"], event["identity"]) == (
        "participant_joined",
        "colombe-1",
        "seat-x",
    )
    with pytest.raises(EngineError):
        read_webhook(body.replace("seat-x", "seat-y"), token)


# Jitsi --------------------------------------------------------------------------------


def test_jitsi_redirect_carries_a_jwt_with_the_documented_claims(settings: Any):
    settings.JITSI_URL = "https://meet.example.org"
    settings.JITSI_APP_ID = "colombe"
    settings.JITSI_APP_SECRET = "jitsi-secret-of-at-least-32-characters"
    meeting = make_meeting()
    user = UserFactory.create(email="frank@partner.example")
    seat = make_seat(meeting, Participant.Role.MODERATOR, user=user)

    grant = JitsiEngine().admit(meeting, seat)

    url = urlsplit(grant.redirect_url)
    assert grant.client == "redirect"
    assert f"{url.scheme}://{url.netloc}" == "https://meet.example.org"
    assert url.path == f"/colombe-{meeting.pk}-partners-collective"
    token = dict(parse_qsl(url.query))["jwt"]
    claims = jwt.decode(
        token, "jitsi-secret-of-at-least-32-characters", algorithms=["HS256"], audience="colombe"
    )
    assert claims["iss"] == "colombe"
    assert claims["sub"] == "meet.example.org"
    assert claims["room"] == f"colombe-{meeting.pk}-partners-collective"
    assert claims["context"]["user"] == {
        "id": "seat-moderator",
        "name": "Frank",
        "email": "frank@partner.example",
        "moderator": True,
    }
    assert 0 < claims["exp"] - claims["iat"] <= 6 * 3600
    with pytest.raises(EngineNotSupported, match="Jitsi cannot remove"):
        JitsiEngine().remove(meeting, seat)


# Registry -----------------------------------------------------------------------------


def test_registry_offers_janus_and_the_adapters_that_have_settings(settings: Any):
    settings.LIVEKIT_URL = settings.BIGBLUEBUTTON_URL = settings.JITSI_URL = ""
    assert [engine.name for engine in configured_engines()] == ["janus"]
    settings.JITSI_URL, settings.JITSI_APP_ID, settings.JITSI_APP_SECRET = "https://m", "a", "s"
    assert [engine.name for engine in configured_engines()] == ["janus", "jitsi"]
    assert engine_for(make_meeting(engine="jitsi")).name == "jitsi"
    with pytest.raises(EngineError):
        get_engine("zoom")
