from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.meetings import services
from colombe.meetings.models import Meeting, Registration
from colombe.meetings.tests.schedule_helpers import schedule
from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def as_user(client: Client, user: Any) -> Client:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=10)).date()
    return {
        "title": "Visio du groupe de travail",
        "agenda": "- Point 1",
        "date": day.isoformat(),
        "start_time": "19:00",
        "end_time": "21:00",
        "time_zone": "Europe/Paris",
        "format": "meeting",
        "audience": "movement",
        "access": "open",
        "capacity": "",
        "dial_in": "",
        "frequency": "",
        "occurrences": "1",
        **overrides,
    }


# Agenda -------------------------------------------------------------------------------


def test_agenda_lists_what_each_persona_may_see(client: Client, world: World) -> None:
    schedule(world, audience=Meeting.Audience.PUBLIC, title="Réunion publique")
    schedule(world, title="Réunion du comité")
    schedule(world, group=world.secret_group, title="Réunion secrète")
    schedule(world, title="Passée", starts_in=-timedelta(days=2))
    expected = {
        None: {"Réunion publique"},
        "eve": {"Réunion publique"},
        "alice": {"Réunion publique", "Réunion du comité"},
        "charlie": {"Réunion publique", "Réunion du comité", "Réunion secrète"},
    }
    titles = ["Réunion publique", "Réunion du comité", "Réunion secrète", "Passée"]
    for persona, visible in expected.items():
        user = getattr(world, persona) if persona else None
        body = as_user(client, user).get(reverse("meetings:agenda")).content.decode()
        assert {t for t in titles if t in body} == visible, persona
        if persona != "charlie":
            assert SECRET_GROUP_NAME not in body


def test_invited_partner_sees_the_meeting_but_not_the_secret_group(
    client: Client, world: World
) -> None:
    meeting = schedule(world, group=world.secret_group, title="Réunion secrète")
    services.invite(
        meeting,
        email="frank@example.org",
        name="",
        kind="partner",
        role="attendee",
        invited_by=world.bob,
    )
    as_user(client, world.frank)
    agenda = client.get(reverse("meetings:agenda")).content.decode()
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Réunion secrète" in agenda and "Réunion secrète" in detail
    assert SECRET_GROUP_NAME not in agenda + detail
    assert SECRET_GROUP_SLUG not in agenda + detail


def test_agenda_filters(client: Client, world: World) -> None:
    schedule(world, audience=Meeting.Audience.PUBLIC, title="Lyon réunion")
    schedule(world, audience=Meeting.Audience.PUBLIC, title="Lyon webinaire", format="webinar")
    registered = schedule(world, registration_required=True, title="Mon inscription")
    services.register(registered, world.charlie)
    as_user(client, world.charlie)
    url = reverse("meetings:agenda")
    webinars = client.get(url, {"format": "webinar"}).content.decode()
    assert "Lyon webinaire" in webinars and "Lyon réunion" not in webinars
    mine = client.get(url, {"mine": "on"}).content.decode()
    assert "Mon inscription" in mine and "Lyon webinaire" not in mine
    by_owner = client.get(url, {"owner": "lyon"}).content.decode()
    assert "Lyon webinaire" in by_owner and "Mon inscription" in by_owner


def test_agenda_empty_state_and_queries(
    english: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    body = english.get(reverse("meetings:agenda")).content.decode()
    assert "No upcoming meeting." in body
    for number in range(25):
        schedule(world, audience=Meeting.Audience.PUBLIC, title=f"Réunion {number}")
    as_user(english, world.charlie)
    with django_assert_max_num_queries(20):
        response = english.get(reverse("meetings:agenda"))
    assert response.context["page_obj"].paginator.num_pages == 2


# Detail -------------------------------------------------------------------------------


def test_secret_group_meeting_is_404_for_outsiders_and_alice(client: Client, world: World) -> None:
    meeting = schedule(world, group=world.secret_group, registration_required=True)
    names = ["detail", "edit", "cancel", "register", "unregister", "invitations", "ical"]
    for persona in (None, world.eve, world.alice, world.frank):
        as_user(client, persona)
        for name in names:
            url = reverse(f"meetings:{name}", args=[meeting.slug])
            response = client.post(url) if "register" in name else client.get(url)
            assert response.status_code == 404, (persona, name)
            assert SECRET_GROUP_SLUG not in response.get("Location", "")
    as_user(client, world.charlie)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_detail_shows_times_group_and_registration(english: Client, world: World) -> None:
    meeting = schedule(world, group=world.private_group, registration_required=True, capacity=3)
    as_user(english, world.charlie)
    body = english.get(meeting.get_absolute_url()).content.decode()
    assert meeting.title in body and world.private_group.name in body
    assert "Europe/Paris" in body and "3 left" in body
    assert reverse("meetings:register", args=[meeting.slug]) in body
    assert reverse("meetings:ical", args=[meeting.slug]) in body
    assert reverse("meetings:invitations", args=[meeting.slug]) not in body  # not an organiser


def test_detail_for_organisers_links_to_their_tools(english: Client, world: World) -> None:
    meeting = schedule(world)
    body = as_user(english, world.bob).get(meeting.get_absolute_url()).content.decode()
    for name in ("invitations", "edit", "cancel", "attendance", "minutes"):
        assert reverse(f"meetings:{name}", args=[meeting.slug]) in body


def test_join_button_appears_when_the_meeting_opens(english: Client, world: World) -> None:
    later = schedule(world, starts_in=timedelta(hours=3))
    soon = schedule(world, starts_in=timedelta(minutes=10))
    as_user(english, world.charlie)
    assert (
        reverse("meetings:lobby", args=[later.slug])
        not in english.get(later.get_absolute_url()).content.decode()
    )
    assert (
        reverse("meetings:lobby", args=[soon.slug])
        in english.get(soon.get_absolute_url()).content.decode()
    )


def test_register_and_waitlist_from_the_page(english: Client, world: World) -> None:
    meeting = schedule(world, registration_required=True, capacity=1)
    register = reverse("meetings:register", args=[meeting.slug])
    as_user(english, world.bob)
    assert english.post(register).status_code == 302
    as_user(english, world.charlie)
    english.post(register)
    body = english.get(meeting.get_absolute_url()).content.decode()
    assert "waiting list, in position 1" in body
    assert english.get(register).status_code == 405
    as_user(english, world.bob)
    english.post(reverse("meetings:unregister", args=[meeting.slug]))
    status = Registration.objects.get(meeting=meeting, user=world.charlie).status
    assert status == Registration.Status.CONFIRMED


def test_register_needs_a_login_and_registration(client: Client, world: World) -> None:
    public = schedule(world, audience=Meeting.Audience.PUBLIC, registration_required=True)
    response = client.post(reverse("meetings:register", args=[public.slug]))
    assert response.status_code == 302 and "login" in response["Location"]
    open_meeting = schedule(world)
    as_user(client, world.charlie)
    assert client.post(reverse("meetings:register", args=[open_meeting.slug])).status_code == 403


# Schedule, edit, cancel ---------------------------------------------------------------


def test_create_permissions(client: Client, world: World) -> None:
    url = reverse("meetings:create") + "?structure=lyon"
    assert as_user(client, None).get(url).status_code == 302
    assert as_user(client, world.charlie).get(url).status_code == 403
    assert as_user(client, world.eve).get(url).status_code == 403
    assert as_user(client, world.bob).get(url).status_code == 200
    secret_url = reverse("meetings:create") + f"?group={SECRET_GROUP_SLUG}"
    for persona in (None, world.eve, world.alice):
        assert as_user(client, persona).get(secret_url).status_code == 404
    assert as_user(client, world.charlie).get(secret_url).status_code == 403
    assert as_user(client, world.bob).get(secret_url).status_code == 200


def test_create_without_an_owner_offers_a_choice(english: Client, world: World) -> None:
    body = as_user(english, world.bob).get(reverse("meetings:create")).content.decode()
    assert "?structure=lyon" in body and f"?group={SECRET_GROUP_SLUG}" in body
    body = as_user(english, world.eve).get(reverse("meetings:create")).content.decode()
    assert "Committee leaders and group moderators schedule meetings" in body


def test_create_schedules_a_weekly_series(client: Client, world: World) -> None:
    as_user(client, world.bob)
    url = reverse("meetings:create") + "?structure=lyon"
    response = client.post(url, form_data(frequency="weekly", occurrences="3"))
    assert response.status_code == 302
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 3 and response["Location"] == meetings[0].get_absolute_url()
    assert meetings[0].audience == Meeting.Audience.MOVEMENT
    assert {m.starts_at.astimezone(timezone.get_current_timezone()).hour for m in meetings} == {19}


def test_create_for_a_private_group_hides_the_audience(client: Client, world: World) -> None:
    as_user(client, world.bob)
    url = reverse("meetings:create") + "?group=lyon-prive"
    assert 'name="audience"' not in client.get(url).content.decode()
    client.post(url, form_data(audience="public"))
    meeting = Meeting.objects.get()
    assert (meeting.group, meeting.audience) == (world.private_group, Meeting.Audience.OWNER)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"end_time": "18:00"}, "end_time"),
        ({"date": "2001-01-01"}, "date"),
        ({"capacity": "80"}, "capacity"),
        ({"capacity": "5000", "format": "webinar"}, "capacity"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ],
)
def test_create_form_errors(
    english: Client, world: World, overrides: dict[str, str], field: str
) -> None:
    as_user(english, world.bob)
    response = english.post(reverse("meetings:create") + "?structure=lyon", form_data(**overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert "Please correct the following" in response.content.decode()
    assert not Meeting.objects.exists()


def test_edit_by_organiser_only(client: Client, world: World) -> None:
    meeting = schedule(world)
    url = reverse("meetings:edit", args=[meeting.slug])
    assert as_user(client, world.charlie).get(url).status_code == 403
    as_user(client, world.bob)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(title="Nouveau titre", start_time="18:30"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Nouveau titre"
    assert (
        meeting.starts_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") == "18:30"
    )
    assert meeting.slug in response["Location"]  # the address does not change


def test_cancel_asks_then_cancels(client: Client, world: World, mailoutbox: list) -> None:
    meeting = schedule(world, registration_required=True)
    services.register(meeting, world.charlie)
    url = reverse("meetings:cancel", args=[meeting.slug])
    assert as_user(client, world.charlie).post(url).status_code == 403
    as_user(client, world.bob)
    assert client.get(url).status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    mailoutbox.clear()
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert [m.to for m in mailoutbox] == [["charlie@example.org"]]
    assert client.get(reverse("meetings:edit", args=[meeting.slug])).status_code == 302


def test_only_national_administrators_choose_the_engine(world: World, settings: Any) -> None:
    settings.JITSI_URL = "https://jitsi.example.org"
    settings.JITSI_APP_ID = "colombe"
    settings.JITSI_APP_SECRET = "a-secret-for-the-test-only"
    url = reverse("meetings:create") + f"?structure={world.lyon.slug}"
    bob, alice = Client(), Client()
    bob.force_login(world.bob)
    alice.force_login(world.alice)
    assert "engine" not in bob.get(url).context["form"].fields
    choices = dict(alice.get(url).context["form"].fields["engine"].choices)
    assert set(choices) == {"janus", "jitsi"}
