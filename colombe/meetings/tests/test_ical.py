import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from colombe.groups.models import GroupMembership
from colombe.meetings import services
from colombe.meetings.models import Meeting
from colombe.meetings.tests.schedule_helpers import schedule
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def events(response: Any) -> list[Any]:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_meeting_ics_has_stable_uid_local_start_and_url(client: Client, world: World) -> None:
    starts = datetime(2031, 6, 5, 19, 0, tzinfo=PARIS)
    meeting = schedule(
        world,
        audience=Meeting.Audience.PUBLIC,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    url = reverse("meetings:ical", args=[meeting.slug])
    [event] = events(client.get(url))
    assert str(event["uid"]) == f"meeting-{meeting.pk}@127.0.0.1"
    start = event.decoded("dtstart")
    assert start == starts and start.tzinfo.key == "Europe/Paris"
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(event["summary"]) == meeting.title
    assert str(event["url"]) == f"http://127.0.0.1:8000/reunions/{meeting.slug}/"
    assert str(event["status"]) == "CONFIRMED"
    services.update_meeting(actor=world.bob, meeting=meeting, title="Nouveau titre")
    [again] = events(client.get(url))
    assert str(again["uid"]) == str(event["uid"])
    assert str(again["summary"]) == "Nouveau titre"


def test_cancelled_meeting_ics_says_so(client: Client, world: World) -> None:
    meeting = schedule(world, audience=Meeting.Audience.PUBLIC)
    services.cancel_meeting(meeting, world.bob)
    [event] = events(client.get(reverse("meetings:ical", args=[meeting.slug])))
    assert str(event["status"]) == "CANCELLED"


def test_secret_meeting_ics_is_404_for_outsiders(client: Client, world: World) -> None:
    meeting = schedule(world, group=world.secret_group)
    url = reverse("meetings:ical", args=[meeting.slug])
    for person in (None, world.eve, world.alice):
        client.logout()
        if person:
            client.force_login(person)
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_GROUP_NAME not in response.content.decode()
    client.force_login(world.charlie)
    assert client.get(url).status_code == 200


def feed_token(client: Client, user: Any) -> str:
    client.force_login(user)
    response = client.post(reverse("meetings:feed_settings"))
    assert response.status_code == 200
    match = re.search(r"/reunions/mon-agenda/([\w-]+)\.ics", response.content.decode())
    assert match is not None
    return match.group(1)


def test_feed_lists_my_meetings_only(client: Client, world: World) -> None:
    registered = schedule(world, registration_required=True, title="Inscrit")
    services.register(registered, world.charlie)
    invited = schedule(world, title="Invité")
    services.invite(
        invited,
        email="charlie@example.org",
        name="",
        kind="member",
        role="attendee",
        invited_by=world.bob,
    )
    secret = schedule(world, group=world.secret_group, registration_required=True, title="Secrète")
    recent = schedule(
        world, registration_required=True, title="Récente", starts_in=-timedelta(days=10)
    )
    old = schedule(
        world, registration_required=True, title="Ancienne", starts_in=-timedelta(days=40)
    )
    for meeting in (secret, recent, old):
        services.register(meeting, world.charlie)
    schedule(world, title="Pas pour moi")
    token = feed_token(client, world.charlie)
    client.logout()  # calendar applications send no cookie
    url = reverse("meetings:my_feed", args=[token])
    summaries = {str(e["summary"]) for e in events(client.get(url))}
    assert summaries == {"Inscrit", "Invité", "Secrète", "Récente"}
    # Charlie leaves the secret group: its meeting leaves his feed.
    GroupMembership.objects.filter(group=world.secret_group, user=world.charlie).delete()
    summaries = {str(e["summary"]) for e in events(client.get(url))}
    assert summaries == {"Inscrit", "Invité", "Récente"}


def test_feed_token_is_hashed_and_regeneration_kills_the_old_one(
    client: Client, world: World
) -> None:
    first = feed_token(client, world.bob)
    assert world.bob.meeting_feed.token_hash == services.hash_token(first)
    second = feed_token(client, world.bob)
    client.logout()
    assert client.get(reverse("meetings:my_feed", args=[first])).status_code == 404
    assert client.get(reverse("meetings:my_feed", args=[second])).status_code == 200
    assert client.get(reverse("meetings:my_feed", args=["wrong"])).status_code == 404


def test_revoked_feed_answers_404(client: Client, world: World) -> None:
    token = feed_token(client, world.bob)
    confirm = client.get(reverse("meetings:feed_revoke"))
    assert confirm.status_code == 200
    client.post(reverse("meetings:feed_revoke"))
    client.logout()
    assert client.get(reverse("meetings:my_feed", args=[token])).status_code == 404


def test_feed_settings_needs_a_login(client: Client) -> None:
    response = client.get(reverse("meetings:feed_settings"))
    assert response.status_code == 302
