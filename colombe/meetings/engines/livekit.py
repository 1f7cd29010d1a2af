"""Adapter for a LiveKit server a movement already runs (package livekit-api).

Colombe signs one access token per seat (identity = the seat's engine token) and drives
rooms through the RoomService (Twirp over HTTP, protobuf bodies). LiveKit's webhooks
(``engine_views.livekit_webhook``) report who joined and left, for attendance."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

import aiohttp
from django.conf import settings
from livekit import api

from colombe.meetings.engines.base import (
    EngineError,
    EngineUnavailable,
    JoinGrant,
    RoomPlacement,
    new_engine_token,
)

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting, Participant

T = TypeVar("T")
REQUEST_TIMEOUT_SECONDS = 5.0
SEAT_TOKEN_TTL = timedelta(hours=6)  # covers the longest meeting; re-admitting signs anew
EMPTY_ROOM_TIMEOUT_SECONDS = 10 * 60


def room_name(meeting: "Meeting") -> str:
    return f"colombe-{meeting.pk}"


class LiveKitEngine:
    name = "livekit"
    label = "LiveKit"

    def is_configured(self) -> bool:
        # Browsers join through the movement's LiveKit Meet page: without it, no one could.
        return bool(
            settings.LIVEKIT_URL
            and settings.LIVEKIT_API_KEY
            and settings.LIVEKIT_API_SECRET
            and settings.LIVEKIT_MEET_URL
        )

    def _call(self, operation: Callable[[api.LiveKitAPI], Awaitable[T]]) -> T:
        async def run() -> T:
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            client = api.LiveKitAPI(
                settings.LIVEKIT_URL,
                settings.LIVEKIT_API_KEY,
                settings.LIVEKIT_API_SECRET,
                timeout=timeout,
                failover=False,
            )
            try:
                return await operation(client)
            finally:
                await client.aclose()

        try:
            return asyncio.run(run())
        except api.TwirpError as error:
            raise EngineError(f"LiveKit refused: {error.message}", code=error.code) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise EngineUnavailable(f"LiveKit did not answer: {error}") from error

    def health(self) -> bool:
        try:
            self._call(lambda client: client.room.list_rooms(api.ListRoomsRequest(names=["-"])))
        except EngineError:
            return False
        return True

    def open_room(self, meeting: "Meeting") -> RoomPlacement:
        from colombe.meetings.models import MEETING_PUBLISHERS_MAX, WEBINAR_AUDIENCE_MAX

        request = api.CreateRoomRequest(
            name=room_name(meeting),
            empty_timeout=EMPTY_ROOM_TIMEOUT_SECONDS,
            max_participants=(
                WEBINAR_AUDIENCE_MAX if meeting.is_webinar else MEETING_PUBLISHERS_MAX
            )
            + 50,  # moderators and latecomers
        )
        room = self._call(lambda client: client.room.create_room(request))  # idempotent in LiveKit
        meeting.engine_server = settings.LIVEKIT_URL
        meeting.engine_room = room.name
        meeting.save(update_fields=["engine_server", "engine_room"])
        return RoomPlacement(server=settings.LIVEKIT_URL, room=room.name, state={"sid": room.sid})

    def _grants(self, meeting: "Meeting", participant: "Participant") -> api.VideoGrants:
        from colombe.meetings.models import Participant

        return api.VideoGrants(
            room_join=True,
            room=room_name(meeting),
            can_publish=participant.may_publish,
            can_subscribe=True,
            can_publish_data=True,
            room_admin=participant.role == Participant.Role.MODERATOR,
        )

    def admit(self, meeting: "Meeting", participant: "Participant") -> JoinGrant:
        if not participant.engine_token:
            participant.engine_token = new_engine_token()
            participant.save(update_fields=["engine_token"])
        token = (
            api.AccessToken(settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET)
            .with_identity(participant.engine_token)
            .with_name(participant.display_name)
            .with_ttl(SEAT_TOKEN_TTL)
            .with_grants(self._grants(meeting, participant))
            .to_jwt()
        )
        # LiveKit Meet's "custom" page joins any LiveKit server with a server URL and a
        # token: the seat's own, valid for this room only.
        query = urlencode({"liveKitUrl": settings.LIVEKIT_URL, "token": token})
        return JoinGrant(
            client="redirect",
            config={
                "url": settings.LIVEKIT_URL,
                "token": token,
                "publish": participant.may_publish,
            },
            redirect_url=f"{settings.LIVEKIT_MEET_URL.rstrip('/')}/custom?{query}",
        )

    def _identity(
        self, meeting: "Meeting", participant: "Participant"
    ) -> api.RoomParticipantIdentity:
        return api.RoomParticipantIdentity(
            room=room_name(meeting), identity=participant.engine_token
        )

    def remove(self, meeting: "Meeting", participant: "Participant") -> None:
        try:
            self._call(
                lambda client: client.room.remove_participant(self._identity(meeting, participant))
            )
        except EngineUnavailable:
            raise
        except EngineError as error:
            if error.code != api.ServerErrorCode.NOT_FOUND:  # already gone
                raise

    def mute(self, meeting: "Meeting", participant: "Participant") -> None:
        async def mute_microphone(client: api.LiveKitAPI) -> None:
            info = await client.room.get_participant(self._identity(meeting, participant))
            for track in info.tracks:
                if track.type == api.TrackType.AUDIO:
                    await client.room.mute_published_track(
                        api.MuteRoomTrackRequest(
                            room=room_name(meeting),
                            identity=participant.engine_token,
                            track_sid=track.sid,
                            muted=True,
                        )
                    )

        self._call(mute_microphone)

    def set_on_stage(self, meeting: "Meeting", participant: "Participant", on_stage: bool) -> None:
        permission = api.ParticipantPermission(
            can_subscribe=True, can_publish=on_stage, can_publish_data=True
        )
        request = api.UpdateParticipantRequest(
            room=room_name(meeting), identity=participant.engine_token, permission=permission
        )
        self._call(lambda client: client.room.update_participant(request))

    def on_published(self, meeting: "Meeting", participant: "Participant") -> None:
        """LiveKit's SFU serves the audience itself: nothing to forward."""

    def audience_streams(self, meeting: "Meeting") -> list[int]:
        return []

    def start_recording(self, meeting: "Meeting") -> str:
        raise EngineError("Recording with LiveKit needs its Egress service, not set up in Colombe")

    def stop_recording(self, meeting: "Meeting") -> None:
        raise EngineError("Recording with LiveKit needs its Egress service, not set up in Colombe")

    def close_room(self, meeting: "Meeting") -> None:
        request = api.DeleteRoomRequest(room=room_name(meeting))
        try:
            self._call(lambda client: client.room.delete_room(request))
        except EngineUnavailable:
            raise
        except EngineError as error:
            if error.code != api.ServerErrorCode.NOT_FOUND:
                raise


def read_webhook(body: str, authorization: str) -> dict[str, Any]:
    """Verify a LiveKit webhook's signature and return the event as a dict: ``event``
    ("participant_joined", "participant_left"…), ``room``, ``identity``."""
    receiver = api.WebhookReceiver(
        api.TokenVerifier(settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET)
    )
    try:
        event = receiver.receive(body, authorization)
    except Exception as error:  # the library raises plain exceptions for bad signatures
        raise EngineError(f"LiveKit webhook refused: {error}") from error
    return {
        "event": event.event,
        "room": event.room.name,
        "identity": event.participant.identity,
        "created_at": event.created_at,
    }
