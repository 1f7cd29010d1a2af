"""What happens in a meeting's room: the lobby, joining, moderation, hands, chat,
recording and the end of the meeting.

Every seat (``Participant``) moves ``LOBBY → ADMITTED → IN_ROOM → LEFT`` (or
``REMOVED`` by a moderator). Moderation actions are taken by a moderator's *seat*, not
by a user account, because a moderator may be a guest invited by email. The engine
(Janus by default) is called through the small protocol of ``engines/base.py``; the
database only changes once the engine has done its part, so a failure leaves the room
as it was."""

import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from colombe.core.audit import log_action
from colombe.meetings import engines, policy
from colombe.meetings.engines.base import EngineError, JoinGrant
from colombe.meetings.models import (
    WEBINAR_STAGE_MAX,
    ChatMessage,
    Meeting,
    MeetingInvitation,
    Participant,
    Recording,
)
from colombe.meetings.recordings import process_recording_task

Role = Participant.Role
State = Participant.State
SEATED = [State.ADMITTED, State.IN_ROOM]
STAGE_ROLES = [Role.MODERATOR, Role.SPEAKER]
CHAT_BODY_MAX = 2000
# The chat kept in the shared state snapshot: a late joiner sees the last messages.
CHAT_WINDOW = 50
# How often a seat's "last seen" is written: polling must not turn into one UPDATE per
# request for a 1,000-person audience.
LAST_SEEN_EVERY_SECONDS = 30
# Polling intervals the browser follows (milliseconds). A réunion (≤ 50 people) polls
# fast so the speaker queue feels live; an audience of up to 1,000 polls slower, with
# jitter added by room.js so the requests do not arrive in waves.
POLL_MEETING_MS = 2000
POLL_AUDIENCE_MS = 5000
# The shared part of the state (participants, recent chat, flags) is cached per meeting
# and per version; every change bumps the version, so a poll costs one seat query and
# two cache reads whatever the audience size. The timeout only bounds memory.
SNAPSHOT_TIMEOUT_SECONDS = 60


class RoomError(Exception):
    """An action the rules refuse, with a translated message to show to the person."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Entry:
    """How a person comes into the lobby: as a member, with an invitation, or both."""

    user: Any = None
    invitation: MeetingInvitation | None = None


# Entering ---------------------------------------------------------------------------


def enter_lobby(
    meeting: Meeting,
    *,
    user: Any = None,
    invitation: MeetingInvitation | None = None,
    display_name: str,
    audio_only: bool,
) -> Participant:
    """Give the person their seat: the one they already hold, or a new one. A removed
    person stays removed until a moderator admits them again."""
    if meeting.is_over:
        raise RoomError(_("This meeting has ended."), "ended")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is None and invitation is None:
        raise RoomError(_("A personal invitation link is needed to join."))
    with transaction.atomic():
        if meeting.capacity is not None:
            # Counting the seats left must not race with others entering at once; without
            # a capacity there is nothing to count, and a rush of 1,000 need not queue.
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        seat = _current_seat(meeting, user, invitation)
        if seat is not None and seat.state == State.REMOVED:
            raise RoomError(_("A moderator removed you from this meeting."), "removed")
        if seat is None:
            seat = _new_seat(meeting, user, invitation)
        seat.display_name = display_name.strip()[:80] or seat.display_name
        seat.audio_only = audio_only
        if seat.state == State.LOBBY and _enters_directly(meeting, seat):
            _check_capacity(meeting, seat)
            seat.state = State.ADMITTED
        seat.save()
    _changed(meeting)
    return seat


def _current_seat(
    meeting: Meeting, user: Any, invitation: MeetingInvitation | None
) -> Participant | None:
    """The person's live (or removed) seat: seats left earlier stay as attendance records
    and a new one is given."""
    owner = Q(user=user) if user is not None else Q(invitation=invitation)
    return (
        meeting.participants.filter(owner)
        .exclude(state=State.LEFT)
        .order_by("-entered_lobby_at", "-pk")
        .first()
    )


def _new_seat(meeting: Meeting, user: Any, invitation: MeetingInvitation | None) -> Participant:
    if user is not None and invitation is None:
        invitation = meeting.invitations.filter(user=user, revoked_at__isnull=True).first()
    default_name = getattr(user, "display_name", "") or (invitation.name if invitation else "")
    return Participant(
        meeting=meeting,
        user=user,
        invitation=invitation,
        display_name=default_name or _("Guest"),
        role=_role_for(meeting, user, invitation),
        engine_token=secrets.token_urlsafe(32),
    )


def _role_for(meeting: Meeting, user: Any, invitation: MeetingInvitation | None) -> str:
    if user is not None and policy.is_organiser(user, meeting):
        return Role.MODERATOR
    if invitation is not None and invitation.role == MeetingInvitation.Role.MODERATOR:
        return Role.MODERATOR
    if invitation is not None and invitation.role == MeetingInvitation.Role.SPEAKER:
        return Role.SPEAKER
    return Role.AUDIENCE if meeting.is_webinar else Role.ATTENDEE


def _enters_directly(meeting: Meeting, seat: Participant) -> bool:
    if seat.role == Role.MODERATOR:
        return True
    return meeting.access == Meeting.Access.OPEN and not meeting.locked


def _check_capacity(meeting: Meeting, seat: Participant) -> None:
    if meeting.capacity is None or seat.role == Role.MODERATOR:
        return
    seated = meeting.participants.filter(state__in=SEATED).exclude(pk=seat.pk).count()
    if seated >= meeting.capacity:
        raise RoomError(_("The meeting is full."), "full")


# Joining and leaving -----------------------------------------------------------------


def join(participant: Participant) -> JoinGrant:
    """Let an admitted seat into the engine's room, opening the room when the first
    moderator arrives. Others wait until then (code ``not_started``)."""
    meeting = participant.meeting
    if meeting.is_over:
        raise RoomError(_("This meeting has ended."), "ended")
    if participant.state not in SEATED:
        raise RoomError(_("You have not been admitted yet."), "not_admitted")
    engine = engines.engine_for(meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.engine_room:
            if participant.role != Role.MODERATOR:
                raise RoomError(_("The meeting has not started yet."), "not_started")
            _open_room(meeting, engine)
        participant.meeting = meeting
        grant = engine.admit(meeting, participant)
        participant.state = State.IN_ROOM
        participant.joined_at = participant.joined_at or timezone.now()
        participant.left_at = None
        participant.save()
    _changed(meeting)
    return grant


def _open_room(meeting: Meeting, engine: Any) -> None:
    placement = engine.open_room(meeting)
    meeting.engine_server = placement.server
    meeting.engine_room = placement.room
    meeting.engine_state = {**meeting.engine_state, **placement.state}
    meeting.status = Meeting.Status.LIVE
    meeting.started_at = meeting.started_at or timezone.now()
    meeting.save()
    log_action(None, "meetings.room.opened", meeting, {"engine": engine.name})


def leave(participant: Participant) -> None:
    """Leaving always succeeds: the engine is told to close the seat (and to stop
    forwarding it to an audience), but an unreachable engine does not keep anyone in."""
    if participant.state == State.IN_ROOM and participant.meeting.engine_room:
        # The token dies with the room anyway; the browser has hung up already.
        with suppress(EngineError):
            engines.engine_for(participant.meeting).remove(participant.meeting, participant)
    with transaction.atomic():
        updated = Participant.objects.filter(pk=participant.pk, state__in=[*SEATED, State.LOBBY])
        updated.update(state=State.LEFT, left_at=timezone.now(), hand_raised_at=None)
    participant.refresh_from_db()
    _changed(participant.meeting)


def published(participant: Participant) -> None:
    """A stage publisher's browser reports that its video is up, so the engine can
    forward it to the webinar audience (the feed id was chosen by the engine)."""
    if participant.state != State.IN_ROOM or not participant.may_publish:
        raise RoomError(_("Only people on stage publish video."))
    engines.engine_for(participant.meeting).on_published(participant.meeting, participant)
    _changed(participant.meeting)


# Moderation --------------------------------------------------------------------------


def _require_moderator(by: Participant, participant: Participant | None = None) -> None:
    if by.role != Role.MODERATOR or by.state not in SEATED:
        raise RoomError(_("Only moderators may do this."), "forbidden")
    if participant is not None and participant.meeting_id != by.meeting_id:
        raise RoomError(_("This person is not in this meeting."), "forbidden")


def _audit(by: Participant, action: str, obj: Any, data: dict | None = None) -> None:
    log_action(by.user, action, obj, {"moderator_seat": by.pk, **(data or {})})


def admit(participant: Participant, by: Participant) -> None:
    """Admit someone from the lobby, or let a removed person back in."""
    _require_moderator(by, participant)
    if participant.state not in {State.LOBBY, State.REMOVED}:
        return
    with transaction.atomic():
        _check_capacity(participant.meeting, participant)
        participant.state = State.ADMITTED
        participant.left_at = None
        participant.save(update_fields=["state", "left_at"])
        _audit(by, "meetings.participant.admitted", participant)
    _changed(participant.meeting)


def remove(participant: Participant, by: Participant) -> None:
    _require_moderator(by, participant)
    if participant.pk == by.pk:
        raise RoomError(_("You cannot remove yourself; leave the meeting instead."))
    if participant.joined_at is not None and participant.meeting.engine_room:
        engines.engine_for(participant.meeting).remove(participant.meeting, participant)
    with transaction.atomic():
        participant.state = State.REMOVED
        participant.left_at = timezone.now()
        participant.hand_raised_at = None
        participant.save(update_fields=["state", "left_at", "hand_raised_at"])
        _audit(by, "meetings.participant.removed", participant)
    _changed(participant.meeting)


def mute(participant: Participant, by: Participant) -> None:
    _require_moderator(by, participant)
    if participant.state == State.IN_ROOM and participant.may_publish:
        engines.engine_for(participant.meeting).mute(participant.meeting, participant)
    with transaction.atomic():
        participant.muted_by_moderator = True
        participant.save(update_fields=["muted_by_moderator"])
        _audit(by, "meetings.participant.muted", participant)
    _changed(participant.meeting)


def promote(participant: Participant, by: Participant) -> None:
    """Webinar: bring someone from the audience on stage (at most WEBINAR_STAGE_MAX)."""
    _set_on_stage(participant, by, on_stage=True)


def demote(participant: Participant, by: Participant) -> None:
    _set_on_stage(participant, by, on_stage=False)


def _set_on_stage(participant: Participant, by: Participant, *, on_stage: bool) -> None:
    _require_moderator(by, participant)
    meeting = participant.meeting
    if not meeting.is_webinar:
        raise RoomError(_("Everyone may already speak in this meeting."))
    if participant.role == Role.MODERATOR:
        raise RoomError(_("Moderators are always on stage."))
    if on_stage and stage_size(meeting) >= WEBINAR_STAGE_MAX:
        raise RoomError(_("The stage is full (%(max)d speakers).") % {"max": WEBINAR_STAGE_MAX})
    if participant.state == State.IN_ROOM:
        engines.engine_for(meeting).set_on_stage(meeting, participant, on_stage)
    with transaction.atomic():
        participant.role = Role.SPEAKER if on_stage else Role.AUDIENCE
        participant.hand_raised_at = None
        participant.save(update_fields=["role", "hand_raised_at"])
        action = "promoted" if on_stage else "demoted"
        _audit(by, f"meetings.participant.{action}", participant)
    _changed(meeting)


def stage_size(meeting: Meeting) -> int:
    return meeting.participants.filter(role__in=STAGE_ROLES, state__in=SEATED).count()


def set_locked(meeting: Meeting, locked: bool, by: Participant) -> None:
    """A locked room lets nobody new in directly: newcomers wait in the lobby."""
    _require_moderator(by)
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(locked=locked)
        meeting.locked = locked
        _audit(by, "meetings.room.locked" if locked else "meetings.room.unlocked", meeting)
    _changed(meeting)


def end_meeting(meeting: Meeting, by: Participant) -> None:
    """End the meeting for everyone: the engine's room is destroyed, every seat closed."""
    _require_moderator(by)
    if meeting.engine_room:
        engines.engine_for(meeting).close_room(meeting)
    now = timezone.now()
    with transaction.atomic():
        meeting.status = Meeting.Status.ENDED
        meeting.ended_at = now
        meeting.save(update_fields=["status", "ended_at"])
        meeting.participants.filter(state__in=[*SEATED, State.LOBBY]).update(
            state=State.LEFT, left_at=now, hand_raised_at=None
        )
        # Destroying the room closed the files of a recording still running.
        for recording in meeting.recordings.filter(status=Recording.Status.RECORDING):
            recording.status = Recording.Status.PROCESSING
            recording.stopped_at = now
            recording.save(update_fields=["status", "stopped_at"])
            process_recording_task.enqueue(recording.pk)
        _audit(by, "meetings.meeting.ended", meeting)
    _changed(meeting)


# Hands and chat ----------------------------------------------------------------------


def raise_hand(participant: Participant) -> None:
    _require_in_room(participant)
    Participant.objects.filter(pk=participant.pk, hand_raised_at__isnull=True).update(
        hand_raised_at=timezone.now()
    )
    _changed(participant.meeting)


def lower_hand(participant: Participant, by: Participant | None = None) -> None:
    """Lower one's own hand, or (moderators) someone's hand once they have spoken."""
    if by is not None and by.pk != participant.pk:
        _require_moderator(by, participant)
    Participant.objects.filter(pk=participant.pk).update(hand_raised_at=None)
    _changed(participant.meeting)


def _require_in_room(participant: Participant) -> None:
    if participant.state != State.IN_ROOM or participant.meeting.is_over:
        raise RoomError(_("You are not in the meeting."), "not_in_room")


def post_chat(participant: Participant, body: str, is_question: bool = False) -> ChatMessage:
    _require_in_room(participant)
    body = body.strip()
    if not body:
        raise RoomError(_("Write a message first."))
    if len(body) > CHAT_BODY_MAX:
        raise RoomError(_("Messages are limited to %(max)d characters.") % {"max": CHAT_BODY_MAX})
    message = ChatMessage.objects.create(
        meeting=participant.meeting,
        author=participant,
        author_name=participant.display_name,
        body=body,
        is_question=is_question,
    )
    _changed(participant.meeting)
    return message


# Recording ---------------------------------------------------------------------------


def active_recording(meeting: Meeting) -> Recording | None:
    return meeting.recordings.filter(status=Recording.Status.RECORDING).first()


def start_recording(meeting: Meeting, by: Participant) -> Recording:
    _require_moderator(by)
    current = active_recording(meeting)
    if current is not None:
        return current
    if not meeting.engine_room:
        raise RoomError(_("The meeting has not started yet."), "not_started")
    raw_directory = engines.engine_for(meeting).start_recording(meeting)
    with transaction.atomic():
        recording = Recording.objects.create(
            meeting=meeting, started_by=by.user, raw_directory=raw_directory
        )
        _audit(by, "meetings.recording.started", recording)
    _changed(meeting)
    return recording


def stop_recording(meeting: Meeting, by: Participant) -> Recording | None:
    _require_moderator(by)
    recording = active_recording(meeting)
    if recording is None:
        return None
    engines.engine_for(meeting).stop_recording(meeting)
    with transaction.atomic():
        recording.status = Recording.Status.PROCESSING
        recording.stopped_at = timezone.now()
        recording.save(update_fields=["status", "stopped_at"])
        _audit(by, "meetings.recording.stopped", recording)
        # The conversion task commits together with the recording's new status.
        process_recording_task.enqueue(recording.pk)
    _changed(meeting)
    return recording


# State for polling -------------------------------------------------------------------


def _version_key(meeting_id: int) -> str:
    return f"meetings:room:{meeting_id}:version"


def _changed(meeting: Meeting) -> None:
    """Invalidate the meeting's cached snapshot: now, and again once the change is
    committed (a poll in between may have cached the state as it was before commit)."""
    _bump_version(meeting.pk)
    transaction.on_commit(lambda: _bump_version(meeting.pk))


def announce_change(meeting: Meeting) -> None:
    """Another app changed what the room shows (the radio relays the meeting)."""
    _changed(meeting)


def _bump_version(meeting_id: int) -> None:
    key = _version_key(meeting_id)
    if cache.add(key, 1, timeout=None):
        return
    try:
        cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.add(key, 1, timeout=None)


def room_state(meeting: Meeting, participant: Participant, since_chat_id: int = 0) -> dict:
    """What one browser needs to draw the room, as JSON-ready data. The caller passes the
    seat and meeting as just read from the database (each poll reads them once)."""
    _touch(participant)
    snapshot = _snapshot(meeting)
    is_moderator = participant.role == Role.MODERATOR
    state = {
        "me": {
            "id": participant.pk,
            "state": participant.state,
            "role": participant.role,
            "hand_raised": participant.hand_raised_at is not None,
            "muted_by_moderator": participant.muted_by_moderator,
            "may_publish": participant.may_publish,
        },
        "status": meeting.status,
        "started": bool(meeting.engine_room),
        "locked": meeting.locked,
        "recording": snapshot["recording"],
        "relayed": snapshot["relayed"],
        "participants": snapshot["participants"],
        "audience_count": snapshot["audience_count"],
        "streams": snapshot["streams"],
        "chat": [message for message in snapshot["chat"] if message["id"] > since_chat_id],
        "poll_ms": POLL_AUDIENCE_MS if participant.role == Role.AUDIENCE else POLL_MEETING_MS,
    }
    if is_moderator:
        state["lobby"] = _lobby(meeting)
    return state


def _touch(participant: Participant) -> None:
    now = timezone.now()
    last = participant.last_seen_at
    if last is None or (now - last).total_seconds() >= LAST_SEEN_EVERY_SECONDS:
        Participant.objects.filter(pk=participant.pk).update(last_seen_at=now)


def _snapshot(meeting: Meeting) -> dict:
    version = cache.get(_version_key(meeting.pk), 0)
    key = f"meetings:room:{meeting.pk}:snapshot:{version}"
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = _build_snapshot(meeting)
        cache.set(key, snapshot, timeout=SNAPSHOT_TIMEOUT_SECONDS)
    return snapshot


def _build_snapshot(meeting: Meeting) -> dict:
    seated = meeting.participants.filter(state=State.IN_ROOM)
    audience = seated.filter(role=Role.AUDIENCE)
    # In a webinar the audience is listed only when it raises a hand: a list of 1,000
    # names in every poll would cost more than the video.
    shown = seated.exclude(role=Role.AUDIENCE, hand_raised_at__isnull=True)
    if not meeting.is_webinar:
        shown = seated
    people = shown.order_by(F("hand_raised_at").asc(nulls_last=True), "display_name", "pk")
    recent = ChatMessage.objects.filter(meeting=meeting, hidden_at__isnull=True).order_by("-pk")
    return {
        "participants": [_public_seat(seat) for seat in people[:200]],
        "audience_count": audience.count() if meeting.is_webinar else 0,
        "chat": [_public_message(message) for message in reversed(recent[:CHAT_WINDOW])],
        "recording": active_recording(meeting) is not None,
        # Stage speakers must know when the radio broadcasts them (colombe.radio).
        "relayed": meeting.radio_relays.filter(stopped_at__isnull=True).exists(),
        "streams": _audience_streams(meeting),
    }


def _audience_streams(meeting: Meeting) -> list[int]:
    """Webinar: the stage streams the audience watches (read from the meeting's stored
    engine state; no call to the engine)."""
    if not meeting.is_webinar or not meeting.engine_room:
        return []
    return engines.engine_for(meeting).audience_streams(meeting)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _public_seat(seat: Participant) -> dict:
    return {
        "id": seat.pk,
        "name": seat.display_name,
        "role": seat.role,
        "role_label": str(seat.get_role_display()),
        "hand_raised_at": _iso(seat.hand_raised_at),
        "feed": seat.engine_feed,
        "muted_by_moderator": seat.muted_by_moderator,
    }


def _public_message(message: ChatMessage) -> dict:
    # Bodies are plain text: room.js inserts them with textContent, never as HTML.
    return {
        "id": message.pk,
        "author": message.author_name,
        "body": message.body,
        "is_question": message.is_question,
        "at": _iso(message.created_at),
    }


def _lobby(meeting: Meeting) -> list[dict]:
    waiting = meeting.participants.filter(state__in=[State.LOBBY, State.REMOVED])
    return [
        {"id": seat.pk, "name": seat.display_name, "state": seat.state}
        for seat in waiting.order_by("entered_lobby_at", "pk")[:200]
    ]


def record_engine_presence(*, engine: str, room: str, identity: str, event: str) -> None:
    """An engine reports that a seat connected or hung up (LiveKit webhooks): attendance
    for meetings whose media Colombe does not see. Unknown seats and events are ignored:
    the engine may host rooms of other tools."""
    seat = Participant.objects.filter(
        engine_token=identity, meeting__engine=engine, meeting__engine_room=room
    ).first()
    if seat is None:
        return
    now = timezone.now()
    if event == "participant_joined":
        Participant.objects.filter(pk=seat.pk, state__in=SEATED).update(
            state=State.IN_ROOM, joined_at=seat.joined_at or now, last_seen_at=now
        )
    elif event == "participant_left":
        Participant.objects.filter(pk=seat.pk, state__in=SEATED).update(
            state=State.LEFT, left_at=now, hand_raised_at=None
        )
    else:
        return
    _changed(seat.meeting)
