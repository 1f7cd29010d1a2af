"""Adapter for a Jitsi Meet server with JWT authentication (prosody ``token`` auth).

Jitsi has no server-side room API: the room exists when the first person with a valid
token enters. A seat receives a personal redirect to ``JITSI_URL/<room>?jwt=…``; removing
or muting someone is done by a moderator inside Jitsi."""

import time
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

import jwt
from django.conf import settings

from colombe.meetings.engines.base import EngineNotSupported, JoinGrant, RoomPlacement

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting, Participant

SEAT_TOKEN_TTL = timedelta(hours=6)


def room_name(meeting: "Meeting") -> str:
    return f"colombe-{meeting.pk}-{meeting.slug}"[:120]


class JitsiEngine:
    name = "jitsi"
    label = "Jitsi Meet"

    def is_configured(self) -> bool:
        return bool(settings.JITSI_URL and settings.JITSI_APP_ID and settings.JITSI_APP_SECRET)

    def health(self) -> bool:
        """Jitsi has no API to ask: configured means offered."""
        return self.is_configured()

    def open_room(self, meeting: "Meeting") -> RoomPlacement:
        meeting.engine_server = settings.JITSI_URL
        meeting.engine_room = room_name(meeting)
        meeting.save(update_fields=["engine_server", "engine_room"])
        return RoomPlacement(server=settings.JITSI_URL, room=meeting.engine_room)

    def seat_token(self, meeting: "Meeting", participant: "Participant") -> str:
        from colombe.meetings.models import Participant

        now = int(time.time())
        claims = {
            "aud": settings.JITSI_APP_ID,
            "iss": settings.JITSI_APP_ID,
            "sub": urlsplit(settings.JITSI_URL).hostname,
            "room": room_name(meeting),
            "iat": now,
            "nbf": now - 10,
            "exp": now + int(SEAT_TOKEN_TTL.total_seconds()),
            "context": {
                "user": {
                    "id": participant.engine_token,
                    "name": participant.display_name,
                    "email": participant.user.email if participant.user else "",
                    "moderator": participant.role == Participant.Role.MODERATOR,
                }
            },
        }
        return jwt.encode(claims, settings.JITSI_APP_SECRET, algorithm="HS256")

    def admit(self, meeting: "Meeting", participant: "Participant") -> JoinGrant:
        base = settings.JITSI_URL.rstrip("/")
        url = f"{base}/{quote(room_name(meeting))}?jwt={self.seat_token(meeting, participant)}"
        return JoinGrant(client="redirect", redirect_url=url)

    def remove(self, meeting: "Meeting", participant: "Participant") -> None:
        raise EngineNotSupported(
            "Jitsi cannot remove someone from the server: do it in the meeting."
        )

    def mute(self, meeting: "Meeting", participant: "Participant") -> None:
        raise EngineNotSupported("Jitsi cannot mute someone from the server: do it in the meeting.")

    def set_on_stage(self, meeting: "Meeting", participant: "Participant", on_stage: bool) -> None:
        raise EngineNotSupported("Jitsi has no stage: everyone admitted may speak.")

    def on_published(self, meeting: "Meeting", participant: "Participant") -> None:
        """Jitsi serves everyone itself."""

    def audience_streams(self, meeting: "Meeting") -> list[int]:
        return []

    def start_recording(self, meeting: "Meeting") -> str:
        raise EngineNotSupported("With Jitsi, start the recording in the meeting (Jibri).")

    def stop_recording(self, meeting: "Meeting") -> None:
        raise EngineNotSupported("With Jitsi, stop the recording in the meeting (Jibri).")

    def close_room(self, meeting: "Meeting") -> None:
        """Nothing to destroy: tokens expire and the room vanishes when empty."""
