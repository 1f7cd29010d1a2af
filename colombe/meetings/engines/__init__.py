"""Video engines behind one protocol (``base.Engine``); ``engine_for`` picks a meeting's.

Janus is built in and always offered; the adapters are offered when their settings name
a server (an administrator picks the engine per meeting)."""

from typing import TYPE_CHECKING

from colombe.meetings.engines.base import Engine, EngineError

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting

ENGINE_NAMES = ("janus", "livekit", "bigbluebutton", "jitsi")


def get_engine(name: str) -> Engine:
    if name == "janus":
        from colombe.meetings.engines.janus import JanusEngine

        return JanusEngine()
    if name == "livekit":
        from colombe.meetings.engines.livekit import LiveKitEngine

        return LiveKitEngine()
    if name == "bigbluebutton":
        from colombe.meetings.engines.bigbluebutton import BigBlueButtonEngine

        return BigBlueButtonEngine()
    if name == "jitsi":
        from colombe.meetings.engines.jitsi import JitsiEngine

        return JitsiEngine()
    raise EngineError(f"Unknown video engine {name!r}")


def configured_engines() -> list[Engine]:
    """Engines an administrator may choose now: Janus, and each adapter with settings."""
    engines = [get_engine(name) for name in ENGINE_NAMES]
    return [engine for engine in engines if engine.name == "janus" or engine.is_configured()]


def engine_for(meeting: "Meeting") -> Engine:
    return get_engine(meeting.engine)
