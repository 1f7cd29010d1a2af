"""Room pages and JSON endpoints: permissions, guests, moderation, engine outages."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.meetings import room_services
from colombe.meetings.models import Meeting, Participant
from colombe.meetings.tests.test_room_services import make_invitation, make_meeting
from tests.janus import JanusServer, free_port
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]
State = Participant.State
JSON = {"accept": "application/json"}


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"meetings:{name}", args=[meeting.slug])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def join(client: Client, meeting: Meeting, name: str = "") -> Any:
    return client.post(url("lobby", meeting), {"display_name": name})


def in_room(client: Client, meeting: Meeting) -> Participant:
    """Enter through the lobby and open the live page, as a browser would."""
    assert join(client, meeting).status_code == 302
    response = client.get(url("room", meeting))
    assert response.status_code == 200, response.content[:500]
    return Participant.objects.get(pk=response.context["seat"].pk)


def test_bad_expired_or_revoked_links_answer_a_clear_404(world: World):
    meeting = make_meeting(world)
    invitation, token = make_invitation(meeting)
    response = Client().get(reverse("meetings:invitation", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation link is wrong" in response.content.decode()
    invitation.revoked_at = meeting.starts_at
    invitation.save()
    assert Client().get(reverse("meetings:invitation", args=[token])).status_code == 404


def test_invitation_attempts_are_rate_limited(world: World):
    client = Client()
    for _attempt in range(20):
        client.get(reverse("meetings:invitation", args=["guess"]))
    assert client.get(reverse("meetings:invitation", args=["guess"])).status_code == 429


def test_guest_goes_from_email_to_room_in_two_clicks(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world, group=world.secret_group)
    _invitation, token = make_invitation(meeting, role="moderator")
    guest = Client()
    lobby = guest.get(reverse("meetings:invitation", args=[token]), follow=True)
    assert lobby.status_code == 200
    assert lobby.redirect_chain[-1][0] == url("lobby", meeting)
    assert 'name="display_name"' in lobby.content.decode()
    response = join(guest, meeting, "Grace")
    assert response.status_code == 302 and response["Location"] == url("room", meeting)
    room = guest.get(url("room", meeting))
    assert room.status_code == 200
    config = room.context["room_config"]
    assert config["grant"]["config"]["room"] == int(Meeting.objects.get(pk=meeting.pk).engine_room)
    assert janus_settings.http_url.rsplit("/", 1)[0] in room["Content-Security-Policy"]


def test_guest_sees_only_the_meeting_they_were_invited_to(world: World):
    meeting = make_meeting(world)
    other = make_meeting(world)
    _invitation, token = make_invitation(meeting)
    guest = Client()
    guest.get(reverse("meetings:invitation", args=[token]))
    assert join(guest, meeting, "Grace").status_code == 302
    assert guest.get(url("lobby", other)).status_code == 404
    assert guest.get(url("room_state", other)).status_code == 404


def test_coming_back_to_the_lobby_while_in_the_room_goes_back_in(
    world: World, janus_settings: JanusServer
):
    meeting = make_meeting(world)
    bob = logged_in(world.bob)
    seat = in_room(bob, meeting)
    again = join(bob, meeting)
    assert again["Location"] == url("room", meeting)
    assert bob.get(url("room", meeting)).context["seat"].pk == seat.pk


def test_guest_needs_a_name(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    _invitation, token = make_invitation(meeting)
    guest = Client()
    guest.get(reverse("meetings:invitation", args=[token]))
    assert join(guest, meeting, "").status_code == 422


def test_secret_meeting_is_404_for_outsiders_on_every_room_url(world: World):
    meeting = make_meeting(world, group=world.secret_group)
    eve = logged_in(world.eve)
    for name in ("lobby", "room", "room_state", "chat_post", "moderate", "end"):
        response = (
            eve.post(url(name, meeting)) if name != "room_state" else eve.get(url(name, meeting))
        )
        assert response.status_code in {404, 405}, name
        assert SECRET_GROUP_NAME not in response.content.decode()
    assert eve.get(url("lobby", meeting)).status_code == 404
    assert eve.get(url("room", meeting)).status_code == 404


def test_anonymous_gets_404_or_the_login_page(world: World):
    private = make_meeting(world)
    public = make_meeting(world, group=world.public_group, audience=Meeting.Audience.PUBLIC)
    assert Client().get(url("lobby", private)).status_code == 404
    response = Client().get(url("lobby", public))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_who_may_see_but_not_join_gets_403(world: World):
    meeting = make_meeting(world, group=world.public_group, audience=Meeting.Audience.MOVEMENT)
    meeting.registration_required = True
    meeting.save()
    assert logged_in(world.charlie).get(url("lobby", meeting)).status_code == 403


def test_restricted_meeting_waits_in_the_lobby_until_admitted(
    world: World, janus_settings: JanusServer
):
    meeting = make_meeting(world, access=Meeting.Access.RESTRICTED)
    bob, charlie = logged_in(world.bob), logged_in(world.charlie)
    bob_seat = in_room(bob, meeting)
    assert join(charlie, meeting).status_code == 302
    waiting = charlie.get(url("lobby", meeting))
    assert "A moderator will let you in shortly" in waiting.content.decode()
    assert charlie.get(url("room", meeting))["Location"] == url("lobby", meeting)
    state = bob.get(url("room_state", meeting)).json()
    seat_id = state["lobby"][0]["id"]
    admitted = bob.post(
        url("moderate", meeting), {"action": "admit", "participant": seat_id}, headers=JSON
    )
    assert admitted.json() == {"ok": True}
    assert charlie.get(url("room_state", meeting)).json()["me"]["state"] == State.ADMITTED
    assert charlie.get(url("room", meeting)).status_code == 200
    assert bob_seat.role == Participant.Role.MODERATOR


def test_removed_person_sees_it_and_cannot_rejoin(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    bob, charlie = logged_in(world.bob), logged_in(world.charlie)
    in_room(bob, meeting)
    charlie_seat = in_room(charlie, meeting)
    removed = bob.post(
        url("moderate", meeting), {"action": "remove", "participant": charlie_seat.pk}, headers=JSON
    )
    assert removed.json()["ok"]
    assert charlie.get(url("room_state", meeting)).json()["me"]["state"] == State.REMOVED
    page = charlie.get(url("room", meeting))
    assert page.status_code == 403 and "You were removed" in page.content.decode()
    again = join(charlie, meeting)
    assert again.status_code == 403 and "You were removed" in again.content.decode()


def test_audience_cannot_moderate(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world, format=Meeting.Format.WEBINAR)
    bob, charlie = logged_in(world.bob), logged_in(world.charlie)
    bob_seat = in_room(bob, meeting)
    in_room(charlie, meeting)
    for action in ("remove", "mute", "lock", "promote"):
        response = charlie.post(
            url("moderate", meeting), {"action": action, "participant": bob_seat.pk}, headers=JSON
        )
        assert response.status_code == 403, action
    assert charlie.post(url("recording_toggle", meeting), headers=JSON).status_code == 403
    assert charlie.get(url("end", meeting)).status_code == 403
    assert charlie.post(url("end", meeting)).status_code == 403


def test_chat_is_kept_as_text_and_never_rendered_as_html(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    charlie = logged_in(world.charlie)
    in_room(logged_in(world.bob), meeting)
    in_room(charlie, meeting)
    attack = '<img src=x onerror="alert(1)">'
    assert charlie.post(url("chat_post", meeting), {"body": attack}, headers=JSON).json()["ok"]
    response = charlie.get(url("room_state", meeting))
    assert response["Content-Type"] == "application/json"
    assert response.json()["chat"][-1]["body"] == attack
    world.charlie.display_name = '</script><script>alert("x")</script>'
    world.charlie.save()
    Participant.objects.filter(user=world.charlie).update(display_name=world.charlie.display_name)
    page = charlie.get(url("room", meeting)).content.decode()
    assert '<script>alert("x")' not in page


def test_end_is_confirmed_then_ends_for_everyone(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    bob, charlie = logged_in(world.bob), logged_in(world.charlie)
    in_room(bob, meeting)
    in_room(charlie, meeting)
    confirm = bob.get(url("end", meeting))
    assert (
        confirm.status_code == 200 and "End the meeting for everyone?" in confirm.content.decode()
    )
    assert bob.post(url("end", meeting)).status_code == 302
    assert charlie.get(url("room_state", meeting)).json()["status"] == "ended"
    assert "The meeting has ended" in charlie.get(url("room", meeting)).content.decode()


def test_hand_and_leave(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world)
    bob, charlie = logged_in(world.bob), logged_in(world.charlie)
    in_room(bob, meeting)
    seat = in_room(charlie, meeting)
    assert charlie.post(url("hand", meeting), {"raised": "1"}, headers=JSON).json()["ok"]
    queue = [
        p for p in bob.get(url("room_state", meeting)).json()["participants"] if p["hand_raised_at"]
    ]
    assert [p["id"] for p in queue] == [seat.pk]
    assert charlie.post(url("leave", meeting)).status_code == 302
    seat.refresh_from_db()
    assert seat.state == State.LEFT and seat.left_at is not None
    assert charlie.post(url("chat_post", meeting), {"body": "hé"}, headers=JSON).status_code == 409


def test_unreachable_engine_is_a_plain_503_page(world: World, settings: Any):
    closed = f"http://127.0.0.1:{free_port()}/janus"
    settings.JANUS_SERVERS = [f"{closed}|{closed}|http://127.0.0.1:{free_port()}/admin"]
    meeting = make_meeting(world, dial_in="+33 1 23 45 67 89, code 4242")
    bob = logged_in(world.bob)
    lobby = bob.get(url("lobby", meeting))
    assert lobby.status_code == 503
    assert "+33 1 23 45 67 89" in lobby.content.decode()
    assert join(bob, meeting).status_code == 302
    room = bob.get(url("room", meeting))
    assert room.status_code == 503
    assert "The video service is not available" in room.content.decode()


def test_room_state_json_is_small_for_a_large_audience(world: World, janus_settings: JanusServer):
    meeting = make_meeting(world, format=Meeting.Format.WEBINAR)
    bob = logged_in(world.bob)
    in_room(bob, meeting)
    for index in range(300):
        Participant.objects.create(
            meeting=meeting,
            display_name=f"Spectateur {index}",
            role=Participant.Role.AUDIENCE,
            state=State.IN_ROOM,
            engine_token=f"token-{index}",
        )
    room_services._bump_version(meeting.pk)
    body = bob.get(url("room_state", meeting)).content
    state = json.loads(body)
    assert state["audience_count"] == 300 and len(state["participants"]) == 1
    assert len(body) < 2000


def test_entering_the_lobby_is_rate_limited_per_person(world: World):
    meeting = make_meeting(world)
    charlie = logged_in(world.charlie)
    answers = [join(charlie, meeting).status_code for _ in range(12)]
    assert answers[:10] == [302] * 10
    assert answers[10:] == [429, 429]
    assert join(logged_in(world.bob), meeting).status_code == 302  # others are not refused
