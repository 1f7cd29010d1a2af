"""Adapter for a BigBlueButton server a movement already runs.

Every API call is ``<BIGBLUEBUTTON_URL>api/<call>?<query>&checksum=<sha256(call + query +
secret)>``; answers are XML with ``returncode`` SUCCESS or FAILED (``messageKey`` says why).
BigBlueButton hosts the meeting on its own page: a seat gets a personal join redirect."""

import hashlib
import secrets
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.conf import settings

from colombe.meetings.engines.base import (
    EngineError,
    EngineNotSupported,
    EngineUnavailable,
    JoinGrant,
    RoomPlacement,
)

if TYPE_CHECKING:
    from colombe.meetings.models import Meeting, Participant

REQUEST_TIMEOUT_SECONDS = 5.0
NOT_FOUND_KEYS = {"notFound", "invalidMeetingIdentifier"}


def meeting_id(meeting: "Meeting") -> str:
    return f"colombe-{meeting.pk}"


def api_url(call: str, params: dict[str, str]) -> str:
    query = urlencode(params)
    checksum = hashlib.sha256(f"{call}{query}{settings.BIGBLUEBUTTON_SECRET}".encode()).hexdigest()
    base = settings.BIGBLUEBUTTON_URL.rstrip("/")
    separator = "&" if query else ""
    return f"{base}/api/{call}?{query}{separator}checksum={checksum}"


def call_api(call: str, params: dict[str, str]) -> ElementTree.Element:
    try:
        with urllib.request.urlopen(
            api_url(call, params), timeout=REQUEST_TIMEOUT_SECONDS
        ) as answer:
            root = ElementTree.fromstring(answer.read())
    except ElementTree.ParseError as error:
        raise EngineError(f"BigBlueButton answered {call} with something else than XML") from error
    except OSError as error:
        raise EngineUnavailable(f"BigBlueButton did not answer: {error}") from error
    if root.findtext("returncode") != "SUCCESS":
        raise EngineError(
            f"BigBlueButton {call} failed: {root.findtext('message') or 'no reason given'}",
            code=root.findtext("messageKey"),
        )
    return root


class BigBlueButtonEngine:
    name = "bigbluebutton"
    label = "BigBlueButton"

    def is_configured(self) -> bool:
        return bool(settings.BIGBLUEBUTTON_URL and settings.BIGBLUEBUTTON_SECRET)

    def health(self) -> bool:
        try:
            call_api("getMeetings", {})
        except EngineError:
            return False
        return True

    def _passwords(self, meeting: "Meeting") -> dict[str, str]:
        """Role passwords (older BBB needs them at join); kept server-side only."""
        state = meeting.engine_state
        if "moderatorPW" not in state:
            state["moderatorPW"] = secrets.token_urlsafe(16)
            state["attendeePW"] = secrets.token_urlsafe(16)
        return {"moderatorPW": state["moderatorPW"], "attendeePW": state["attendeePW"]}

    def open_room(self, meeting: "Meeting") -> RoomPlacement:
        params = {
            "meetingID": meeting_id(meeting),
            "name": meeting.title,
            "record": "true",
            "autoStartRecording": "false",
            "allowStartStopRecording": "true",
            **self._passwords(meeting),
        }
        if meeting.capacity:
            params["maxParticipants"] = str(meeting.capacity)
        root = call_api("create", params)  # BBB answers SUCCESS again for an existing meeting
        meeting.engine_server = settings.BIGBLUEBUTTON_URL
        meeting.engine_room = root.findtext("meetingID") or meeting_id(meeting)
        meeting.save(update_fields=["engine_server", "engine_room", "engine_state"])
        return RoomPlacement(settings.BIGBLUEBUTTON_URL, meeting.engine_room, meeting.engine_state)

    def admit(self, meeting: "Meeting", participant: "Participant") -> JoinGrant:
        """The join URL is personal and signed; ``redirect=true`` lands in the meeting."""
        from colombe.meetings.models import Participant

        moderator = participant.role == Participant.Role.MODERATOR
        passwords = self._passwords(meeting)
        params = {
            "meetingID": meeting_id(meeting),
            "fullName": participant.display_name,
            "role": "MODERATOR" if moderator else "VIEWER",
            "password": passwords["moderatorPW" if moderator else "attendeePW"],
            "userID": participant.engine_token,
            "redirect": "true",
        }
        return JoinGrant(client="redirect", redirect_url=api_url("join", params))

    def is_running(self, meeting: "Meeting") -> bool:
        root = call_api("isMeetingRunning", {"meetingID": meeting_id(meeting)})
        return root.findtext("running") == "true"

    def recordings(self, meeting: "Meeting") -> list[dict[str, str]]:
        """BBB processes its recordings itself: their playback URLs, to link from Colombe."""
        root = call_api("getRecordings", {"meetingID": meeting_id(meeting)})
        return [
            {
                "id": recording.findtext("recordID") or "",
                "state": recording.findtext("state") or "",
                "url": recording.findtext("playback/format/url") or "",
            }
            for recording in root.iterfind("recordings/recording")
        ]

    def remove(self, meeting: "Meeting", participant: "Participant") -> None:
        raise EngineNotSupported(
            "BigBlueButton cannot remove someone through its API: do it in the meeting."
        )

    def mute(self, meeting: "Meeting", participant: "Participant") -> None:
        raise EngineNotSupported(
            "BigBlueButton cannot mute someone through its API: do it in the meeting."
        )

    def set_on_stage(self, meeting: "Meeting", participant: "Participant", on_stage: bool) -> None:
        raise EngineNotSupported("With BigBlueButton, give presenter rights in the meeting.")

    def on_published(self, meeting: "Meeting", participant: "Participant") -> None:
        """BigBlueButton serves its audience itself."""

    def audience_streams(self, meeting: "Meeting") -> list[int]:
        return []

    def start_recording(self, meeting: "Meeting") -> str:
        raise EngineNotSupported("With BigBlueButton, start the recording in the meeting.")

    def stop_recording(self, meeting: "Meeting") -> None:
        raise EngineNotSupported("With BigBlueButton, stop the recording in the meeting.")

    def close_room(self, meeting: "Meeting") -> None:
        passwords = self._passwords(meeting)
        try:
            call_api(
                "end", {"meetingID": meeting_id(meeting), "password": passwords["moderatorPW"]}
            )
        except EngineUnavailable:
            raise
        except EngineError as error:
            if error.code not in NOT_FOUND_KEYS:
                raise
