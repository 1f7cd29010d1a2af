"""The built-in engine: Janus WebRTC Server, driven from Colombe's server.

Rooms are VideoRoom rooms created with the plugin ``admin_key``, a random ``secret`` and an
``allowed`` list; a browser gets only its seat's token (see
docs/decisions/0003-janus-room-access.md). The same token is registered with Janus core
``token_auth`` (admin API ``add_token``), so it also gates the Streaming plugin that webinar
audiences watch, and revoking it shuts every door at once. Colombe itself authenticates
with the API secret, which never leaves the server.

A ``JANUS_SERVERS`` entry is "server URL|public URL|admin URL"; ``Meeting.engine_server``
keeps the server URL of the instance that hosts the room.

Webinars use every configured instance as an edge (docs/scaling-meetings.md, "Topology"):
each stage feed gets a Streaming mountpoint on every instance, fed by an ``rtp_forward``
from the room's instance, and each audience seat watches from the edge with the fewest
audience seats of the meeting (``Participant.engine_server`` says which)."""

import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from colombe.meetings.engines.base import (
    EngineError,
    EngineUnavailable,
    JoinGrant,
    RoomPlacement,
    new_engine_token,
)
from colombe.meetings.ice import ice_servers_for

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting, Participant

log = logging.getLogger(__name__)

VIDEOROOM = "janus.plugin.videoroom"
STREAMING = "janus.plugin.streaming"
REQUEST_TIMEOUT_SECONDS = 5.0
HEALTH_TIMEOUT_SECONDS = 1.0

# Janus error codes Colombe treats as "already done" (idempotent calls).
NO_SUCH_ROOM = 426
NO_SUCH_FEED = 428
NO_SUCH_MOUNTPOINT = 455
TOKEN_UNKNOWN = 490
UNAUTHORIZED = 433

MEETING_BITRATE = 512_000  # per publisher; a 50-person grid receives many of them
STAGE_BITRATE = 1_000_000  # a webinar stage has few publishers and a large audience
FIR_FREQUENCY_SECONDS = 10  # late viewers of a forwarded stream get a key frame soon
FORWARDED_STREAM_IDS = ("audio_stream_id", "video_stream_id")
OPUS_PAYLOAD_TYPE = 111
VP8_PAYLOAD_TYPE = 96


def _new_numeric_id() -> int:
    """Janus ids are JSON numbers: stay within the integers JavaScript holds exactly."""
    return secrets.randbelow(2**52) + 1


@dataclass(frozen=True)
class JanusInstance:
    server_url: str
    public_url: str
    admin_url: str

    @classmethod
    def parse(cls, entry: str) -> "JanusInstance":
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) != 3 or not all(parts):
            raise EngineError(f"JANUS_SERVERS entry must be 'server|public|admin' URLs: {entry!r}")
        return cls(*parts)


def configured_instances() -> list[JanusInstance]:
    return [JanusInstance.parse(entry) for entry in settings.JANUS_SERVERS]


def configured_instance(server_url: str) -> JanusInstance | None:
    return next((i for i in configured_instances() if i.server_url == server_url), None)


class JanusClient:
    """The HTTP API (sessions, handles, plugin messages) and the admin API of one Janus."""

    def __init__(
        self,
        instance: JanusInstance,
        *,
        secret: str | None = None,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.instance = instance
        self.timeout = timeout
        self.secret = secret or settings.JANUS_ADMIN_SECRET

    def _post(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps({**payload, "transaction": secrets.token_hex(8)}).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer: dict[str, Any] = json.load(response)
        except (OSError, ValueError) as error:  # refused, timed out, not JSON
            raise EngineUnavailable(f"Janus at {url} did not answer: {error}") from error
        if answer.get("janus") == "error":
            error_info = answer.get("error", {})
            raise EngineError(
                f"Janus refused the request: {error_info.get('reason', answer)}",
                code=error_info.get("code"),
            )
        return answer

    def admin(self, request: str, path: str = "", **fields: Any) -> dict[str, Any]:
        """An admin API request; ``path`` is "/<session>" or "/<session>/<handle>"."""
        payload = {"janus": request, "admin_secret": self.secret, **fields}
        return self._post(f"{self.instance.admin_url}{path}", payload)

    def publisher_streams(self, feed: int) -> list[dict[str, Any]]:
        """The streams (type, mid) a VideoRoom publisher sends, found through the admin
        API: the moderate request needs the audio stream's mid, which only the
        publisher's handle knows. Walks every handle — acceptable for a rare moderator
        action on a loopback API."""
        for session in self.admin("list_sessions").get("sessions", []):
            handles = self.admin("list_handles", path=f"/{session}").get("handles", [])
            for handle in handles:
                info = self.admin("handle_info", path=f"/{session}/{handle}").get("info", {})
                plugin_state = info.get("plugin_specific", {})
                if info.get("plugin") == VIDEOROOM and plugin_state.get("id") == feed:
                    return list(plugin_state.get("streams", []))
        return []

    @contextmanager
    def plugin(self, plugin: str) -> Iterator["PluginHandle"]:
        """A short-lived session attached to one plugin, destroyed afterwards."""
        base = self.instance.server_url
        session = self._post(base, {"janus": "create", "apisecret": self.secret})["data"]["id"]
        try:
            attach = {"janus": "attach", "plugin": plugin, "apisecret": self.secret}
            attached = self._post(f"{base}/{session}", attach)
            yield PluginHandle(self, f"{base}/{session}/{attached['data']['id']}")
        finally:
            # If destroying fails, the session expires on its own after session_timeout.
            with suppress(EngineError):
                self._post(f"{base}/{session}", {"janus": "destroy", "apisecret": self.secret})

    def plugin_request(self, plugin: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.plugin(plugin) as handle:
            return handle.request(body)

    def health(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"{self.instance.server_url}/info", timeout=HEALTH_TIMEOUT_SECONDS
            ) as response:
                return bool(json.load(response).get("janus") == "server_info")
        except (OSError, ValueError):
            return False


class PluginHandle:
    def __init__(self, client: JanusClient, url: str) -> None:
        self.client = client
        self.url = url

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """A synchronous plugin request; plugin errors come inside a success answer."""
        answer = self.client._post(
            self.url, {"janus": "message", "body": body, "apisecret": self.client.secret}
        )
        data: dict[str, Any] = answer.get("plugindata", {}).get("data", {})
        if "error_code" in data or "error" in data:
            raise EngineError(
                f"Janus {body.get('request')} failed: {data.get('error', data)}",
                code=data.get("error_code"),
            )
        return data


def _ignoring(codes: set[int], call: Any, *args: Any) -> Any:
    """Run an idempotent call, treating "already gone" answers as success."""
    try:
        return call(*args)
    except EngineUnavailable:
        raise
    except EngineError as error:
        if error.code in codes:
            return None
        raise


class JanusEngine:
    name = "janus"
    label = "Janus"

    def is_configured(self) -> bool:
        return bool(settings.JANUS_SERVERS)

    def health(self) -> bool:
        try:
            instances = configured_instances()
        except EngineError:
            return False
        return any(JanusClient(instance).health() for instance in instances)

    # Placement -----------------------------------------------------------------------

    def _client(self, meeting: "Meeting") -> JanusClient:
        instance = configured_instance(meeting.engine_server)
        if instance is None:
            raise EngineUnavailable(
                f"Janus server {meeting.engine_server!r} is no longer configured"
            )
        return JanusClient(instance)

    def _least_loaded_instance(self) -> JanusInstance:
        """The healthy instance hosting the fewest open rooms (counted in Colombe's
        database: no round trip to every server)."""
        from colombe.meetings.models import Meeting

        open_rooms = Meeting.objects.filter(engine=self.name).exclude(
            status__in=[Meeting.Status.ENDED, Meeting.Status.CANCELLED]
        )
        instances = configured_instances()
        instances.sort(
            key=lambda instance: open_rooms.filter(engine_server=instance.server_url).count()
        )
        for instance in instances:
            if JanusClient(instance).health():
                return instance
        raise EngineUnavailable("No Janus server answers")

    def _secret(self, meeting: "Meeting") -> str:
        return str(meeting.engine_state["secret"])

    def _room_body(self, meeting: "Meeting", request: str, **fields: Any) -> dict[str, Any]:
        return {
            "request": request,
            "room": int(meeting.engine_room),
            "secret": self._secret(meeting),
            **fields,
        }

    def _room_exists(self, client: JanusClient, meeting: "Meeting") -> bool:
        data = client.plugin_request(
            VIDEOROOM, {"request": "exists", "room": int(meeting.engine_room)}
        )
        return bool(data.get("exists"))

    def open_room(self, meeting: "Meeting") -> RoomPlacement:
        if meeting.engine_room and meeting.engine_state.get("secret"):
            client = self._client(meeting)
            if self._room_exists(client, meeting):
                return self._placement(meeting)
        else:
            client = JanusClient(self._least_loaded_instance())
            meeting.engine_server = client.instance.server_url
            meeting.engine_room = str(_new_numeric_id())
            meeting.engine_state = {"secret": secrets.token_urlsafe(24), "mountpoints": {}}
        client.plugin_request(VIDEOROOM, self._create_body(meeting))
        meeting.save(update_fields=["engine_server", "engine_room", "engine_state"])
        return self._placement(meeting)

    def _placement(self, meeting: "Meeting") -> RoomPlacement:
        return RoomPlacement(
            server=meeting.engine_server, room=meeting.engine_room, state=meeting.engine_state
        )

    def _create_body(self, meeting: "Meeting") -> dict[str, Any]:
        from colombe.meetings.models import MEETING_PUBLISHERS_MAX, WEBINAR_STAGE_MAX

        return {
            "request": "create",
            "room": int(meeting.engine_room),
            "admin_key": settings.JANUS_ROOM_ADMIN_KEY,
            "secret": self._secret(meeting),
            "description": f"colombe-{meeting.pk}",
            "is_private": True,
            "allowed": [],  # an empty list still turns the token check on
            "publishers": WEBINAR_STAGE_MAX if meeting.is_webinar else MEETING_PUBLISHERS_MAX,
            "bitrate": STAGE_BITRATE if meeting.is_webinar else MEETING_BITRATE,
            "fir_freq": FIR_FREQUENCY_SECONDS,
            "audiocodec": "opus",
            "videocodec": "vp8",
            "notify_joining": True,
            "rec_dir": str(self._recordings_root(meeting)),
            "permanent": False,
        }

    def _recordings_root(self, meeting: "Meeting") -> Path:
        return Path(settings.JANUS_RECORDINGS_DIR) / f"meeting-{meeting.pk}"

    # Seats -----------------------------------------------------------------------------

    def _ensure_seat_identity(self, participant: "Participant") -> None:
        changed = []
        if not participant.engine_token:
            participant.engine_token = new_engine_token()
            changed.append("engine_token")
        if not participant.engine_feed:
            participant.engine_feed = str(_new_numeric_id())
            changed.append("engine_feed")
        if changed and participant.pk:
            participant.save(update_fields=changed)

    def _joins_room(self, meeting: "Meeting", participant: "Participant") -> bool:
        """Webinar audiences watch the Streaming mountpoints; everyone else is in the room."""
        return not meeting.is_webinar or participant.may_publish

    def _set_core_token(
        self, client: JanusClient, participant: "Participant", plugins: list[str]
    ) -> None:
        """Register the seat's token with Janus core for exactly these plugins (adding a
        token that exists extends its plugins, so the others are taken away explicitly)."""
        client.admin("add_token", token=participant.engine_token, plugins=plugins)
        others = [plugin for plugin in (VIDEOROOM, STREAMING) if plugin not in plugins]
        if others:
            client.admin("disallow_token", token=participant.engine_token, plugins=others)

    def _revoke_core_token(self, client: JanusClient, participant: "Participant") -> None:
        # Janus answers a generic 490 when the token is unknown: already revoked.
        _ignoring(
            {TOKEN_UNKNOWN}, lambda: client.admin("remove_token", token=participant.engine_token)
        )

    def admit(self, meeting: "Meeting", participant: "Participant") -> JoinGrant:
        self._ensure_seat_identity(participant)
        joins_room = self._joins_room(meeting, participant)
        if joins_room:
            client = self._client(meeting)
            self._place_token(client, participant, [VIDEOROOM, STREAMING])
            client.plugin_request(
                VIDEOROOM,
                self._room_body(
                    meeting, "allowed", action="add", allowed=[participant.engine_token]
                ),
            )
        else:
            client = self._audience_edge(meeting, participant)
            self._place_token(client, participant, [STREAMING])
        return JoinGrant(
            client="janus",
            config={
                "server": client.instance.public_url,
                "room": int(meeting.engine_room),
                "token": participant.engine_token,
                "feed": int(participant.engine_feed),
                "display": participant.display_name,
                "publish": joins_room,
                "audio_only": participant.audio_only,
                # The same ids on every edge (see on_published).
                "mountpoints": [] if joins_room else self.audience_streams(meeting),
                "ice_servers": ice_servers_for(participant),
            },
        )

    def _place_token(
        self, client: JanusClient, participant: "Participant", plugins: list[str]
    ) -> None:
        """Register the seat's token on this instance only: a seat that moves (brought on
        stage, sent back to the audience, re-placed) loses its token where it was."""
        server_url = client.instance.server_url
        if participant.engine_server and participant.engine_server != server_url:
            self._revoke_on(participant.engine_server, participant)
        self._set_core_token(client, participant, plugins)
        if participant.engine_server != server_url:
            participant.engine_server = server_url
            if participant.pk:
                participant.save(update_fields=["engine_server"])

    def _revoke_on(self, server_url: str, participant: "Participant") -> None:
        """Revoke the token on an instance the seat leaves; an instance that is gone or
        down cannot be told (its tokens die when it restarts), which is logged."""
        instance = configured_instance(server_url)
        try:
            if instance is None:
                raise EngineUnavailable(f"{server_url} is no longer configured")
            self._revoke_core_token(JanusClient(instance), participant)
        except EngineUnavailable as error:
            log.warning("Seat %s keeps a token on %s: %s", participant.pk, server_url, error)

    def _audience_edge(self, meeting: "Meeting", participant: "Participant") -> JanusClient:
        """The healthy edge with the fewest audience seats of this meeting, among the
        edges that carry every stage stream."""
        edges = self._serving_edges(meeting)
        load = self._audience_load(meeting, participant, edges)
        for edge in sorted(edges, key=lambda edge: load.get(edge.server_url, 0)):
            client = JanusClient(edge)
            if client.health():
                return client
        raise EngineUnavailable("No Janus edge answers")

    def _serving_edges(self, meeting: "Meeting") -> list[JanusInstance]:
        """Instances holding a mountpoint for every stage feed (an edge that was down when
        a feed started is left out until that feed is published again)."""
        edges = configured_instances()
        for mountpoint in meeting.engine_state.get("mountpoints", {}).values():
            edges = [edge for edge in edges if edge.server_url in mountpoint["edges"]]
        return edges

    def _audience_load(
        self, meeting: "Meeting", participant: "Participant", edges: list[JanusInstance]
    ) -> dict[str, int]:
        """Audience seats watching now, per edge, in one query. Counted from the seats
        (``Participant.engine_server``) rather than kept as counters in engine_state: a
        seat that leaves, is removed or goes on stage stops counting by its own state,
        with no second write to the meeting row that every join already locks."""
        from colombe.meetings.models import Participant

        watching = (
            Participant.objects.filter(
                meeting=meeting,
                role=Participant.Role.AUDIENCE,
                state=Participant.State.IN_ROOM,
                engine_server__in=[edge.server_url for edge in edges],
            )
            .exclude(pk=participant.pk)
            .values_list("engine_server")
            .annotate(seats=Count("pk"))
        )
        return dict(watching)

    def allowed_tokens(self, meeting: "Meeting") -> list[str]:
        """The room's allowed list as Janus holds it (adding nothing answers the list)."""
        data = self._client(meeting).plugin_request(
            VIDEOROOM, self._room_body(meeting, "allowed", action="add", allowed=[])
        )
        return list(data.get("allowed", []))

    def remove(self, meeting: "Meeting", participant: "Participant") -> None:
        if not participant.engine_token:
            return
        room = self._client(meeting)
        self._revoke_core_token(self._seat_client(meeting, participant), participant)
        # A webinar audience seat never entered the room: nothing to kick there.
        if meeting.engine_room and self._joins_room(meeting, participant):
            self._leave_room(room, meeting, participant)

    def _seat_client(self, meeting: "Meeting", participant: "Participant") -> JanusClient:
        """The instance holding the seat's token (the room's for seats admitted before
        seats were placed)."""
        instance = configured_instance(participant.engine_server)
        if participant.engine_server and instance is None:
            raise EngineUnavailable(f"{participant.engine_server} is no longer configured")
        return JanusClient(instance) if instance else self._client(meeting)

    def _leave_room(
        self, client: JanusClient, meeting: "Meeting", participant: "Participant"
    ) -> None:
        self._stop_forwarding(meeting, participant)
        with client.plugin(VIDEOROOM) as handle:
            _ignoring(
                {NO_SUCH_ROOM},
                handle.request,
                self._room_body(
                    meeting, "allowed", action="remove", allowed=[participant.engine_token]
                ),
            )
            if participant.engine_feed:
                _ignoring(
                    {NO_SUCH_ROOM, NO_SUCH_FEED},
                    handle.request,
                    self._room_body(meeting, "kick", id=int(participant.engine_feed)),
                )

    def mute(self, meeting: "Meeting", participant: "Participant") -> None:
        """Stop relaying the seat's sound; Janus 1.x moderates one stream (mid) at a time."""
        client = self._client(meeting)
        feed = int(participant.engine_feed)
        audio_mids = [
            stream["mid"]
            for stream in client.publisher_streams(feed)
            if stream.get("type") == "audio" and "mid" in stream
        ]
        if not audio_mids:
            raise EngineError("This person is not sending any sound", code=NO_SUCH_FEED)
        with client.plugin(VIDEOROOM) as handle:
            for mid in audio_mids:
                handle.request(self._room_body(meeting, "moderate", id=feed, mid=mid, mute=True))

    def set_on_stage(self, meeting: "Meeting", participant: "Participant", on_stage: bool) -> None:
        """Stage seats are in the room's allowed list on the room's instance (they
        publish); audience seats only hold a Streaming token on an edge. Demoting kicks
        the seat out of the room: its page falls back to the audience stream."""
        room = self._client(meeting)
        self._ensure_seat_identity(participant)
        if on_stage:
            self._place_token(room, participant, [VIDEOROOM, STREAMING])
            room.plugin_request(
                VIDEOROOM,
                self._room_body(
                    meeting, "allowed", action="add", allowed=[participant.engine_token]
                ),
            )
        else:
            self._leave_room(room, meeting, participant)
            self._place_token(self._audience_edge(meeting, participant), participant, [STREAMING])

    # Webinar fan-out ------------------------------------------------------------------
    #
    # engine_state["mountpoints"] maps each stage feed to {"id": <mountpoint id>, "edges":
    # {<server URL>: {"audio_port", "video_port", "stream_ids"}}}. The mountpoint has the
    # same id on every edge: the room's state poll is one cached snapshot for the whole
    # audience, so the ids it lists must be valid on whichever edge a viewer watches from.

    def audience_streams(self, meeting: "Meeting") -> list[int]:
        mountpoints = meeting.engine_state.get("mountpoints", {})
        return sorted(int(mountpoint["id"]) for mountpoint in mountpoints.values())

    def on_published(self, meeting: "Meeting", participant: "Participant") -> None:
        """Forward a stage seat's audio and video to a Streaming mountpoint of its own on
        every edge. Publishing again fills in the edges that were down the first time."""
        if not meeting.is_webinar or not participant.engine_feed:
            return
        room = self._client(meeting)
        with transaction.atomic():
            locked = type(meeting).objects.select_for_update().get(pk=meeting.pk)
            mountpoints = locked.engine_state.setdefault("mountpoints", {})
            mountpoint = mountpoints.setdefault(
                participant.engine_feed, {"id": _new_numeric_id(), "edges": {}}
            )
            edges = configured_instances()
            missing = [edge for edge in edges if edge.server_url not in mountpoint["edges"]]
            for edge in missing:
                served = self._serve_on_edge(
                    room, JanusClient(edge), locked, participant, mountpoint
                )
                if served is not None:
                    mountpoint["edges"][edge.server_url] = served
            if missing:
                locked.save(update_fields=["engine_state"])
            meeting.engine_state = locked.engine_state

    def _serve_on_edge(
        self,
        room: JanusClient,
        edge: JanusClient,
        meeting: "Meeting",
        participant: "Participant",
        mountpoint: dict[str, Any],
    ) -> dict[str, Any] | None:
        """Create the feed's mountpoint on one edge and forward the feed there; None when
        that edge is down (the others still serve the audience)."""
        try:
            ports = self._create_mountpoint(edge, meeting, int(mountpoint["id"]))
        except EngineUnavailable as error:
            if edge.instance == room.instance:
                raise
            log.warning(
                "Edge %s skipped for meeting %s: %s", edge.instance.server_url, meeting.pk, error
            )
            return None
        host = self._forward_host(room, edge)
        ports["stream_ids"] = self._forward(room, meeting, participant, ports, host)
        return ports

    def _forward_host(self, room: JanusClient, edge: JanusClient) -> str:
        """Where the room's instance sends RTP: JANUS_RTP_FORWARD_HOST for itself, an
        edge's private address (the host of its server URL) for the others."""
        if edge.instance == room.instance:
            return str(settings.JANUS_RTP_FORWARD_HOST)
        host = urlsplit(edge.instance.server_url).hostname
        if not host:
            raise EngineError(f"No host in Janus server URL {edge.instance.server_url!r}")
        return host

    def _create_mountpoint(
        self, client: JanusClient, meeting: "Meeting", mountpoint_id: int
    ) -> dict[str, Any]:
        data = client.plugin_request(
            STREAMING,
            {
                "request": "create",
                "type": "rtp",
                "id": mountpoint_id,
                "admin_key": settings.JANUS_ROOM_ADMIN_KEY,
                "secret": self._secret(meeting),
                "description": f"colombe-{meeting.pk}-stage",
                "is_private": True,
                "media": [
                    {
                        "type": "audio",
                        "mid": "a",
                        "port": 0,
                        "pt": OPUS_PAYLOAD_TYPE,
                        "codec": "opus",
                    },
                    {
                        "type": "video",
                        "mid": "v",
                        "port": 0,
                        "pt": VP8_PAYLOAD_TYPE,
                        "codec": "vp8",
                    },
                ],
            },
        )
        ports = {media["mid"]: media["port"] for media in data["stream"]["ports"]}
        return {"audio_port": ports["a"], "video_port": ports["v"]}

    def _forward(
        self,
        client: JanusClient,
        meeting: "Meeting",
        participant: "Participant",
        ports: dict[str, Any],
        host: str,
    ) -> list[int]:
        data = client.plugin_request(
            VIDEOROOM,
            self._room_body(
                meeting,
                "rtp_forward",
                publisher_id=int(participant.engine_feed),
                admin_key=settings.JANUS_ROOM_ADMIN_KEY,
                host=host,
                audio_port=ports["audio_port"],
                audio_pt=OPUS_PAYLOAD_TYPE,
                video_port=ports["video_port"],
                video_pt=VP8_PAYLOAD_TYPE,
            ),
        )
        # Janus 1.1 answers the audio_port/video_port form of rtp_forward (deprecated, but
        # it needs no knowledge of the browser's mids) with one "rtp_stream" object.
        forwarded = data.get("rtp_stream", {})
        return [int(forwarded[key]) for key in FORWARDED_STREAM_IDS if key in forwarded]

    def _stop_forwarding(self, meeting: "Meeting", participant: "Participant") -> None:
        mountpoint = meeting.engine_state.get("mountpoints", {}).pop(participant.engine_feed, None)
        if mountpoint is None:
            return
        self._destroy_everywhere(meeting, mountpoint)
        meeting.save(update_fields=["engine_state"])

    def _destroy_everywhere(self, meeting: "Meeting", mountpoint: dict[str, Any]) -> None:
        """Destroy a feed's mountpoint on every edge; an edge that is down or no longer
        configured is logged and skipped (Janus forgets non-permanent mountpoints when it
        restarts), so that it never keeps a room from closing."""
        for server_url in mountpoint["edges"]:
            instance = configured_instance(server_url)
            try:
                if instance is None:
                    raise EngineUnavailable(f"{server_url} is no longer configured")
                self._destroy_mountpoint(JanusClient(instance), meeting, int(mountpoint["id"]))
            except EngineUnavailable as error:
                log.warning("Mountpoint %s left on %s: %s", mountpoint["id"], server_url, error)

    def _destroy_mountpoint(
        self, client: JanusClient, meeting: "Meeting", mountpoint_id: int
    ) -> None:
        _ignoring(
            {NO_SUCH_MOUNTPOINT},
            client.plugin_request,
            STREAMING,
            {"request": "destroy", "id": mountpoint_id, "secret": self._secret(meeting)},
        )

    # Radio relay -----------------------------------------------------------------------
    #
    # The radio's relay process (colombe/radio/relay_services.py) sends each stage feed's
    # audio, alone, to a UDP port where it encodes it for the antenna. These forwards are
    # the relay's own (kept in its state), apart from the audience fan-out above.

    def forward_stage_audio(self, meeting: "Meeting", feed: str, host: str, port: int) -> int:
        data = self._client(meeting).plugin_request(
            VIDEOROOM,
            self._room_body(
                meeting,
                "rtp_forward",
                publisher_id=int(feed),
                admin_key=settings.JANUS_ROOM_ADMIN_KEY,
                host=host,
                audio_port=port,
                audio_pt=OPUS_PAYLOAD_TYPE,
            ),
        )
        forwarded = data.get("rtp_stream", {})
        if "audio_stream_id" not in forwarded:
            raise EngineError(f"Janus forwarded no audio for feed {feed}: {data}")
        return int(forwarded["audio_stream_id"])

    def stop_stage_audio(self, meeting: "Meeting", feed: str, stream_id: int) -> None:
        _ignoring(
            {NO_SUCH_ROOM, NO_SUCH_FEED},
            self._client(meeting).plugin_request,
            VIDEOROOM,
            self._room_body(
                meeting,
                "stop_rtp_forward",
                publisher_id=int(feed),
                stream_id=stream_id,
                admin_key=settings.JANUS_ROOM_ADMIN_KEY,
            ),
        )

    def stage_audio_forwards(self, meeting: "Meeting") -> set[int]:
        """A forward dies with its publisher (a speaker who reloads the page publishes
        anew): the relay compares its own list with this one."""
        data = _ignoring(
            {NO_SUCH_ROOM},
            self._client(meeting).plugin_request,
            VIDEOROOM,
            self._room_body(meeting, "listforwarders"),
        )
        return {
            int(forwarder["stream_id"])
            for publisher in (data or {}).get("publishers", [])
            for forwarder in publisher.get("forwarders", [])
            if forwarder.get("type") == "audio"
        }

    # Recording -------------------------------------------------------------------------

    def start_recording(self, meeting: "Meeting") -> str:
        """Each recording gets its own folder, so processing one never mixes another's files."""
        directory = self._recordings_root(meeting) / timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        directory.mkdir(parents=True, exist_ok=True)
        with self._client(meeting).plugin(VIDEOROOM) as handle:
            handle.request(self._room_body(meeting, "edit", new_rec_dir=str(directory)))
            handle.request(self._room_body(meeting, "enable_recording", record=True))
        return str(directory)

    def stop_recording(self, meeting: "Meeting") -> None:
        self._client(meeting).plugin_request(
            VIDEOROOM, self._room_body(meeting, "enable_recording", record=False)
        )

    # End -------------------------------------------------------------------------------

    def close_room(self, meeting: "Meeting") -> None:
        if not meeting.engine_room or "secret" not in meeting.engine_state:
            return
        client = self._client(meeting)
        for mountpoint in meeting.engine_state.get("mountpoints", {}).values():
            self._destroy_everywhere(meeting, mountpoint)
        _ignoring(
            {NO_SUCH_ROOM}, client.plugin_request, VIDEOROOM, self._room_body(meeting, "destroy")
        )
        meeting.engine_state["mountpoints"] = {}
        meeting.save(update_fields=["engine_state"])
