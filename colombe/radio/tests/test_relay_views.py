"""The relay's pages: the studio's "Relay a meeting" section, the confirmation steps to
start and stop (plain POST forms), and the notice in the meeting's room."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from colombe.core.models import AuditEntry
from colombe.meetings import room_services
from colombe.meetings.engines.base import new_engine_token
from colombe.meetings.models import Meeting, Participant
from colombe.meetings.room_views import SEATS_KEY
from colombe.meetings.tests.test_engine_janus_edges import seat
from colombe.radio import relay_services
from colombe.radio.models import MeetingRelay
from colombe.radio.tests.radio_helpers import as_user, make_show, use_test_settings
from colombe.radio.tests.test_relay_services import public_webinar
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.janus import JanusServer
from tests.personas import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

STUDIO_RELAY = reverse("radio:studio") + "#relay-title"


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


@pytest.fixture
def presenters(world: World) -> World:
    """Bob and Charlie present a show; Bob organises Lyon's meetings, Charlie does not."""
    make_show().presenters.add(world.bob, world.charlie)
    return world


def test_the_studio_lists_the_meetings_the_presenter_may_relay(client: Client, presenters: World):
    meeting = public_webinar(presenters)
    as_user(client, presenters.bob)

    page = client.get(reverse("radio:studio")).content.decode()

    assert 'id="relay-title"' in page
    assert "Meeting « pour la paix »" in page
    assert reverse("radio:relay_start", args=[meeting.slug]) in page

    as_user(client, presenters.charlie)
    page = client.get(reverse("radio:studio")).content.decode()
    assert reverse("radio:relay_start", args=[meeting.slug]) not in page
    assert "No public webinar that you may relay is in progress." in page


def test_starting_asks_for_confirmation_then_relays(client: Client, presenters: World):
    meeting = public_webinar(presenters)
    url = reverse("radio:relay_start", args=[meeting.slug])
    as_user(client, presenters.bob)

    confirmation = client.get(url)

    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert "goes out live and publicly on Radio Colombe" in text
    assert 'method="post"' in text and "csrfmiddlewaretoken" in text
    assert not MeetingRelay.objects.exists()

    response = client.post(url, follow=True)

    assert response.redirect_chain == [(STUDIO_RELAY, 302)]
    relay = MeetingRelay.objects.get()
    assert relay.meeting == meeting and relay.started_by == presenters.bob
    page = response.content.decode()
    assert "is relayed on the radio" in page
    assert "Relayed now" in page
    assert reverse("radio:relay_stop", args=[relay.pk]) in page


def test_a_meeting_that_cannot_be_relayed_is_explained(client: Client, presenters: World):
    meeting = public_webinar(presenters, audience=Meeting.Audience.MOVEMENT)
    url = reverse("radio:relay_start", args=[meeting.slug])
    as_user(client, presenters.bob)

    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.redirect_chain == [(STUDIO_RELAY, 302)]
        assert "Only a public meeting can be relayed" in response.content.decode()
    assert not MeetingRelay.objects.exists()


def test_who_may_start(client: Client, presenters: World):
    meeting = public_webinar(presenters)
    url = reverse("radio:relay_start", args=[meeting.slug])
    assert client.post(url).status_code == 302  # to the login page
    for refused in (presenters.eve, presenters.charlie):  # no show; a show, not an organiser
        as_user(client, refused)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    as_user(client, presenters.bob)
    assert client.get(reverse("radio:relay_start", args=["no-such-meeting"])).status_code == 404
    assert not MeetingRelay.objects.exists()


def test_stopping_asks_for_confirmation(client: Client, presenters: World):
    relay = relay_services.start_relay(presenters.bob, public_webinar(presenters))
    url = reverse("radio:relay_stop", args=[relay.pk])
    as_user(client, presenters.charlie)
    assert client.post(url).status_code == 403
    as_user(client, presenters.alice)

    assert "The meeting itself goes on." in client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert response.redirect_chain == [(STUDIO_RELAY, 302)]
    assert "the radio plays its programme again" in response.content.decode()
    relay.refresh_from_db()
    assert relay.stopped_by == presenters.alice
    assert AuditEntry.objects.filter(action="radio.relay.stopped", actor=presenters.alice)
    assert client.post(url).status_code == 404  # no longer on air


def enter_room(client: Client, user: Any, meeting: Meeting, role: str) -> str:
    """The room's page for ``user``, seated with ``role`` (as the lobby leaves them)."""
    as_user(client, user)
    participant = Participant.objects.create(
        meeting=meeting,
        user=user,
        display_name=user.display_name,
        role=role,
        state=Participant.State.ADMITTED,
        engine_token=new_engine_token(),
    )
    session = client.session
    session[SEATS_KEY] = {str(meeting.pk): participant.pk}
    session.save()
    response = client.get(reverse("meetings:room", args=[meeting.slug]))
    assert response.status_code == 200
    return response.content.decode()


NOTICE_SHOWN = '<p id="relay-notice" class="relay-notice" role="status">'
NOTICE_HIDDEN = '<p id="relay-notice" class="relay-notice" role="status" hidden>'


def test_everyone_in_the_room_sees_that_it_is_relayed(
    client: Client, presenters: World, janus_settings: JanusServer
):
    meeting = public_webinar(presenters)
    start_link = reverse("radio:studio") + "#relay-title"

    page = enter_room(client, presenters.bob, meeting, Participant.Role.MODERATOR)
    assert NOTICE_HIDDEN in page
    assert start_link in page  # Bob presents a show and organises the meeting

    relay = relay_services.start_relay(presenters.bob, meeting)
    stop_link = reverse("radio:relay_stop", args=[relay.pk])

    page = enter_room(client, presenters.bob, meeting, Participant.Role.MODERATOR)
    assert NOTICE_SHOWN in page and "Relayed live on Radio Colombe" in page
    assert stop_link in page

    page = enter_room(client, presenters.charlie, meeting, Participant.Role.AUDIENCE)
    assert NOTICE_SHOWN in page
    assert stop_link not in page and start_link not in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_presenter_relays_and_stops_from_the_studio_in_a_browser(
    live_server: LiveServer, new_context: OpenContext, world: World, settings: Any
):
    """Without JavaScript: the forms alone start and stop the relay; every page passes
    axe-core."""
    settings.LANGUAGE_CODE = "fr"
    make_show().presenters.add(world.bob)
    meeting = public_webinar(world)
    context = new_context()
    context.route("**/*.js", lambda route: route.abort())  # no script runs
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    studio = live_server.url + reverse("radio:studio")

    visit(page, studio)
    relay_section = page.locator("section", has=page.locator("#relay-title"))
    relay_section.get_by_role("link", name=f"({meeting.title})").click()
    expect(page.locator("h1")).to_contain_text(meeting.title)
    assert_accessible(page)
    submit(page)

    expect(relay_section.locator(".badge")).to_be_visible()
    assert MeetingRelay.objects.get().is_active
    assert_accessible(page)
    relay_section.get_by_role("link", name=f"({meeting.title})").click()
    assert_accessible(page)
    submit(page)

    expect(relay_section.locator(".badge")).to_have_count(0)
    assert not MeetingRelay.objects.get().is_active


ANNOUNCEMENTS_KEPT = """() => {
  window.announced = [];
  const announcer = document.getElementById("announcer");
  new MutationObserver(() => window.announced.push(announcer.textContent)).observe(
    announcer, { childList: true, characterData: true, subtree: true });
}"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_room_shows_the_relay_as_it_starts_and_stops(
    live_server: LiveServer, new_context: OpenContext, world: World, janus_settings: JanusServer
):
    """The room's page polls its state: a relay started while people are in the room is
    shown to them (and announced), without reloading."""
    make_show().presenters.add(world.bob)
    meeting = public_webinar(world)
    room_services.join(seat(meeting, Participant.Role.MODERATOR))  # opens the room
    seated = Participant.objects.create(
        meeting=meeting,
        user=world.charlie,
        display_name="Charlie",
        role=Participant.Role.SPEAKER,
        state=Participant.State.ADMITTED,
        engine_token=new_engine_token(),
    )
    client = Client()
    client.force_login(world.charlie)
    session = client.session
    session[SEATS_KEY] = {str(meeting.pk): seated.pk}
    session.save()
    context = new_context()
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("meetings:room", args=[meeting.slug]))
    notice = page.locator("#relay-notice")
    expect(notice).to_be_hidden()
    # Announcements replace each other: keep every one, to find the relay's among them.
    page.evaluate(ANNOUNCEMENTS_KEPT)

    relay = relay_services.start_relay(world.bob, meeting)
    expect(notice).to_be_visible(timeout=15_000)
    page.wait_for_function(
        # The page's language follows the browser (French) unless the session chose one.
        "window.announced.some((text) => text.includes('relaie maintenant la réunion')"
        " || text.includes('relays the meeting'))",
        timeout=10_000,
    )

    relay_services.stop_relay(world.bob, relay)
    expect(notice).to_be_hidden(timeout=15_000)
