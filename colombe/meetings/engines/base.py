"""The one small protocol every video engine speaks.

Colombe decides who may enter a meeting; an engine only hosts the media. Each adapter
turns these calls into its server's API (Janus HTTP/admin API, LiveKit room service,
BigBlueButton checksummed calls, Jitsi JWT) and never hands a room secret or an admin
key to a browser: a browser receives a ``JoinGrant`` for one seat only."""

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting, Participant


class EngineError(Exception):
    """The engine answered, but refused or failed the request. ``code`` is the
    engine's own error code when it gave one (Janus 426 "no such room"…)."""

    def __init__(self, message: str, code: int | str | None = None) -> None:
        super().__init__(message)
        self.code = code


class EngineNotSupported(EngineError):
    """The engine cannot do this from the server (e.g. Jitsi cannot kick or mute without
    a moderator in the meeting): the page tells the moderator to do it in the meeting."""


class EngineUnavailable(EngineError):
    """The engine could not be reached: the meeting page says so plainly and offers
    what still works (audio-only, another engine, dial-in)."""


def new_engine_token() -> str:
    """A fresh ``Participant.engine_token``: the credential of one seat, unguessable."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class RoomPlacement:
    """Where a meeting's room lives. ``state`` is engine-private (room secret, stream
    mountpoints…) and is stored server-side in ``Meeting.engine_state``."""

    server: str
    room: str
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JoinGrant:
    """What one participant's browser receives to enter the room.

    ``client`` names the browser-side script that uses ``config`` ("janus",
    "livekit") or is "redirect" for engines whose own page hosts the meeting (then
    ``redirect_url`` is the personal join URL)."""

    client: str
    config: dict[str, Any] = field(default_factory=dict)
    redirect_url: str = ""


class Engine(Protocol):
    name: str
    label: str

    def is_configured(self) -> bool:
        """Whether settings name a server for this engine."""
        ...

    def health(self) -> bool:
        """Whether the engine answers now (a short timeout; never raises)."""
        ...

    def open_room(self, meeting: "Meeting") -> RoomPlacement:
        """Create the meeting's room if it does not exist yet (idempotent)."""
        ...

    def admit(self, meeting: "Meeting", participant: "Participant") -> JoinGrant:
        """Let this one seat in (allowed list, access token…) and say how to join."""
        ...

    def remove(self, meeting: "Meeting", participant: "Participant") -> None:
        """Kick the seat out and revoke its access."""
        ...

    def mute(self, meeting: "Meeting", participant: "Participant") -> None:
        """Silence the seat's microphone."""
        ...

    def set_on_stage(self, meeting: "Meeting", participant: "Participant", on_stage: bool) -> None:
        """Webinar: bring the seat on stage (it may publish) or back to the audience."""
        ...

    def start_recording(self, meeting: "Meeting") -> str:
        """Start recording; returns the directory where raw files are written."""
        ...

    def stop_recording(self, meeting: "Meeting") -> None: ...

    def close_room(self, meeting: "Meeting") -> None:
        """End the meeting for everyone and destroy the room (idempotent)."""
        ...

    def on_published(self, meeting: "Meeting", participant: "Participant") -> None:
        """The seat started publishing (its browser says so): webinar engines that fan
        the stage out to an audience start forwarding it now; others do nothing."""
        ...

    def audience_streams(self, meeting: "Meeting") -> list[int]:
        """Webinar: the stream (mountpoint) ids the audience watches now; empty for
        engines where the audience joins the room itself."""
        ...


@runtime_checkable
class StageAudioRelay(Protocol):
    """An engine that can send a webinar's stage audio out as plain RTP (Opus), for the
    radio to broadcast. Only the built-in Janus engine can: the other engines' media
    never passes through a server Colombe drives."""

    def forward_stage_audio(self, meeting: "Meeting", feed: str, host: str, port: int) -> int:
        """Send the stage feed's audio to host:port; returns the forward's stream id."""
        ...

    def stop_stage_audio(self, meeting: "Meeting", feed: str, stream_id: int) -> None:
        """Stop that forward (idempotent: a feed or forward already gone is fine)."""
        ...

    def stage_audio_forwards(self, meeting: "Meeting") -> set[int]:
        """The stream ids of the audio forwards running now in the meeting's room."""
        ...


def relays_stage_audio(engine: Engine) -> bool:
    return isinstance(engine, StageAudioRelay)


def stage_audio_relay(engine: Engine) -> StageAudioRelay:
    """The engine's stage audio forwarding, or EngineNotSupported when it cannot relay."""
    if not isinstance(engine, StageAudioRelay):
        raise EngineNotSupported(f"The {engine.label} engine cannot relay a meeting's sound.")
    return engine
