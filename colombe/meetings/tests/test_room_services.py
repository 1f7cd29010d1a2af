"""Room services against a real Janus: lobby, admission, joining, moderation, the end."""

import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.meetings import room_services, services
from colombe.meetings.engines.janus import VIDEOROOM, JanusClient, JanusEngine, JanusInstance
from colombe.meetings.models import (
    WEBINAR_STAGE_MAX,
    Meeting,
    MeetingInvitation,
    Participant,
)
from colombe.meetings.room_services import RoomError
from tests.janus import JanusServer
from tests.personas import World

pytestmark = pytest.mark.django_db
State = Participant.State
Role = Participant.Role


def make_meeting(world: World, group: Any = None, **fields: Any) -> Meeting:
    now = timezone.now()
    values: dict[str, Any] = {
        "owner": world.lyon,
        "group": group if group is not None else world.private_group,
        "title": "Visio hebdomadaire",
        "slug": f"visio-{secrets.token_hex(4)}",
        "starts_at": now,
        "ends_at": now + timedelta(hours=1),
        "created_by": world.bob,
        **fields,
    }
    return Meeting.objects.create(**values)


def make_invitation(meeting: Meeting, **fields: Any) -> tuple[MeetingInvitation, str]:
    values: dict[str, Any] = {
        "meeting": meeting,
        "email": f"{secrets.token_hex(4)}@example.net",
        "name": "Grace Invitée",
        "token_hash": secrets.token_hex(32),
        "expires_at": meeting.ends_at + timedelta(days=1),
        **fields,
    }
    invitation = MeetingInvitation.objects.create(**values)
    return invitation, services.issue_token(invitation)


def enter(meeting: Meeting, user: Any = None, **fields: Any) -> Participant:
    values = {"display_name": getattr(user, "display_name", "Invité"), "audio_only": False}
    return room_services.enter_lobby(meeting, user=user, **{**values, **fields})


def room_exists(server: JanusServer, meeting: Meeting) -> bool:
    client = JanusClient(JanusInstance(server.http_url, server.http_url, server.admin_url))
    answer = client.plugin_request(
        VIDEOROOM, {"request": "exists", "room": int(meeting.engine_room)}
    )
    return bool(answer["exists"])


def started(world: World, **fields: Any) -> tuple[Meeting, Participant]:
    """A meeting whose moderator (Bob) is in the room."""
    meeting = make_meeting(world, **fields)
    bob = enter(meeting, world.bob)
    room_services.join(bob)
    meeting.refresh_from_db()
    bob.refresh_from_db()
    return meeting, bob


def test_organiser_is_moderator_and_enters_directly_even_when_restricted(world: World):
    meeting = make_meeting(world, access=Meeting.Access.RESTRICTED)
    seat = enter(meeting, world.bob)
    assert (seat.role, seat.state) == (Role.MODERATOR, State.ADMITTED)
    charlie = enter(meeting, world.charlie)
    assert (charlie.role, charlie.state) == (Role.ATTENDEE, State.LOBBY)


def test_entering_again_reuses_the_live_seat(world: World):
    meeting = make_meeting(world)
    first = enter(meeting, world.charlie)
    again = enter(meeting, world.charlie, display_name="Charlie L.", audio_only=True)
    assert again.pk == first.pk
    assert again.display_name == "Charlie L." and again.audio_only
    assert meeting.participants.count() == 1


def test_invitation_roles_and_webinar_audience(world: World):
    webinar = make_meeting(world, format=Meeting.Format.WEBINAR)
    speaker_invitation, _ = make_invitation(webinar, role=MeetingInvitation.Role.SPEAKER)
    guest = room_services.enter_lobby(
        webinar, invitation=speaker_invitation, display_name="Grace", audio_only=False
    )
    assert guest.role == Role.SPEAKER and guest.user is None
    assert enter(webinar, world.charlie).role == Role.AUDIENCE


def test_nobody_enters_without_account_or_invitation(world: World):
    with pytest.raises(RoomError):
        room_services.enter_lobby(make_meeting(world), display_name="X", audio_only=False)


def test_attendees_wait_until_a_moderator_opens_the_room(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    charlie = enter(meeting, world.charlie)
    with pytest.raises(RoomError) as refused:
        room_services.join(charlie)
    assert refused.value.code == "not_started"
    bob = enter(meeting, world.bob)
    grant = room_services.join(bob)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.LIVE and meeting.started_at is not None
    assert room_exists(janus_settings, meeting)
    assert grant.config["token"] == bob.engine_token
    assert "secret" not in str(grant.config)
    room_services.join(charlie)
    charlie.refresh_from_db()
    assert charlie.state == State.IN_ROOM and charlie.joined_at is not None
    assert set(JanusEngine().allowed_tokens(meeting)) >= {bob.engine_token, charlie.engine_token}


def test_remove_revokes_the_seat_and_it_cannot_come_back_until_readmitted(
    world: World, janus_settings: JanusServer
):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    room_services.remove(charlie, by=bob)
    charlie.refresh_from_db()
    assert charlie.state == State.REMOVED and charlie.left_at is not None
    assert charlie.engine_token not in JanusEngine().allowed_tokens(meeting)
    assert AuditEntry.objects.filter(action="meetings.participant.removed").count() == 1
    with pytest.raises(RoomError) as refused:
        enter(meeting, world.charlie)
    assert refused.value.code == "removed"
    room_services.admit(charlie, by=bob)
    assert enter(meeting, world.charlie).state == State.ADMITTED


def test_only_moderators_moderate(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    with pytest.raises(RoomError) as refused:
        room_services.remove(bob, by=charlie)
    assert refused.value.code == "forbidden"
    with pytest.raises(RoomError):
        room_services.end_meeting(meeting, by=charlie)
    with pytest.raises(RoomError):
        room_services.set_locked(meeting, True, by=charlie)


def test_a_locked_room_sends_newcomers_to_the_lobby(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    room_services.set_locked(meeting, True, by=bob)
    charlie = enter(meeting, world.charlie)
    assert charlie.state == State.LOBBY
    lobby = room_services.room_state(meeting, bob)["lobby"]
    assert [person["id"] for person in lobby] == [charlie.pk]
    room_services.admit(charlie, by=bob)
    charlie.refresh_from_db()
    assert charlie.state == State.ADMITTED


def test_capacity_is_enforced_but_not_for_moderators(world: World):
    meeting = make_meeting(world, capacity=1)
    enter(meeting, world.charlie)
    invitation, _ = make_invitation(meeting)
    with pytest.raises(RoomError) as refused:
        room_services.enter_lobby(
            meeting, invitation=invitation, display_name="G", audio_only=False
        )
    assert refused.value.code == "full"
    assert enter(meeting, world.bob).state == State.ADMITTED


def test_end_destroys_the_room_and_closes_every_seat(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    room_services.end_meeting(meeting, by=bob)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ENDED and meeting.ended_at is not None
    assert not room_exists(janus_settings, meeting)
    assert set(meeting.participants.values_list("state", flat=True)) == {State.LEFT}
    assert all(seat.left_at for seat in meeting.participants.all())
    charlie.refresh_from_db()
    state = room_services.room_state(meeting, charlie)
    assert state["status"] == "ended" and state["me"]["state"] == State.LEFT


def test_hands_form_the_speaker_queue_in_order(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    room_services.raise_hand(charlie)
    room_services.raise_hand(bob)
    people = room_services.room_state(meeting, charlie)["participants"]
    assert [person["id"] for person in people] == [charlie.pk, bob.pk]
    room_services.lower_hand(charlie, by=bob)
    people = room_services.room_state(meeting, charlie)["participants"]
    assert people[0]["id"] == bob.pk and people[1]["hand_raised_at"] is None


def test_state_per_role_and_chat_since(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    first = room_services.post_chat(charlie, "<b>Bonjour</b>")
    room_services.post_chat(bob, "Bienvenue", is_question=False)
    state = room_services.room_state(meeting, charlie, since_chat_id=first.pk)
    assert "lobby" not in state
    assert [message["body"] for message in state["chat"]] == ["Bienvenue"]
    assert state["me"] == {
        "id": charlie.pk,
        "state": State.IN_ROOM,
        "role": Role.ATTENDEE,
        "hand_raised": False,
        "muted_by_moderator": False,
        "may_publish": True,
    }
    assert "lobby" in room_services.room_state(meeting, bob)
    assert "engine_token" not in str(state) and charlie.engine_token not in str(state)


def test_webinar_stage_is_limited_and_audience_is_listed_only_with_a_hand_up(
    world: World, janus_settings: JanusServer
):
    meeting, bob = started(world, format=Meeting.Format.WEBINAR)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    state = room_services.room_state(meeting, bob)
    assert [person["id"] for person in state["participants"]] == [bob.pk]
    assert state["audience_count"] == 1
    assert state["poll_ms"] == room_services.POLL_MEETING_MS
    assert room_services.room_state(meeting, charlie)["poll_ms"] == room_services.POLL_AUDIENCE_MS
    room_services.raise_hand(charlie)
    assert charlie.pk in [p["id"] for p in room_services.room_state(meeting, bob)["participants"]]
    room_services.promote(charlie, by=bob)
    charlie.refresh_from_db()
    assert charlie.role == Role.SPEAKER and charlie.engine_token in JanusEngine().allowed_tokens(
        meeting
    )
    room_services.demote(charlie, by=bob)
    charlie.refresh_from_db()
    assert charlie.role == Role.AUDIENCE


def test_webinar_stage_holds_at_most_twelve(world: World):
    meeting = make_meeting(world, format=Meeting.Format.WEBINAR)
    bob = enter(meeting, world.bob)
    for index in range(WEBINAR_STAGE_MAX - 1):
        Participant.objects.create(
            meeting=meeting,
            display_name=f"Orateur {index}",
            role=Role.SPEAKER,
            state=State.ADMITTED,
            engine_token=secrets.token_urlsafe(16),
        )
    charlie = enter(meeting, world.charlie)
    with pytest.raises(RoomError):
        room_services.promote(charlie, by=bob)


def test_recording_is_visible_in_everyones_state(world: World, janus_settings: JanusServer):
    meeting, bob = started(world)
    charlie = enter(meeting, world.charlie)
    room_services.join(charlie)
    recording = room_services.start_recording(meeting, by=bob)
    assert recording.raw_directory
    assert room_services.room_state(meeting, charlie)["recording"] is True
    room_services.stop_recording(meeting, by=bob)
    recording.refresh_from_db()
    assert recording.stopped_at is not None and recording.status != "recording"
    assert room_services.room_state(meeting, charlie)["recording"] is False
