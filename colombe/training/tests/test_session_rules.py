"""Cancelling a session once (and never one that is over), registering with what the
trainer should know (refused, not dropped, when it is too long), mentoring's messages,
the skills labels, the demand link and the calendar's time zone."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from colombe.accounts.models import User
from colombe.outreach.models import CommunicationRole
from colombe.training import services
from colombe.training.models import MentoringRequest, Registration
from colombe.training.tests.training_helpers import (
    can_help,
    make_request,
    make_session,
    make_topic,
)
from tests.personas import World

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_cancelling_twice_emails_those_registered_once(world: World) -> None:
    session = make_session(world)
    services.register(session, world.charlie)
    services.register(session, world.alice)
    services.cancel_session(world.bob, session)
    services.cancel_session(world.alice, session)  # a second organiser, a second click
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [world.charlie.email, world.alice.email]
    )


def test_a_session_that_is_over_cannot_be_cancelled(world: World) -> None:
    started = timezone.now() - timedelta(hours=3)
    session = make_session(world, starts_at=started, ends_at=started + timedelta(hours=2))
    Registration.objects.create(session=session, user=world.charlie)
    with pytest.raises(services.TrainingError):
        services.cancel_session(world.bob, session)
    session.refresh_from_db()
    assert not session.is_cancelled
    assert mail.outbox == []


def test_the_cancel_page_says_why_a_session_over_stays(world: World, english_pages: None) -> None:
    started = timezone.now() - timedelta(hours=3)
    session = make_session(world, starts_at=started, ends_at=started + timedelta(hours=2))
    url = reverse("training:session_cancel", args=[session.slug])
    assert url not in logged_in(world.bob).get(session.get_absolute_url()).content.decode()
    page = logged_in(world.bob).post(url, follow=True).content.decode()
    assert "This session is over: it can no longer be cancelled." in page


def test_registering_with_too_long_needs_shows_the_form_again(
    world: World, english_pages: None
) -> None:
    session = make_session(world)
    url = reverse("training:register", args=[session.slug])
    response = logged_in(world.charlie).post(url, {"needs": "x" * 301})
    assert response.status_code == 422
    page = response.content.decode()
    assert "error-summary" in page and "x" * 301 in page
    assert not Registration.objects.exists()
    logged_in(world.charlie).post(url, {"needs": "Je viens avec ma tablette."})
    assert Registration.objects.get().needs == "Je viens avec ma tablette."


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("charlie", "Your request for help is withdrawn."),
        ("mentor", "You stepped back: the request is open again for someone else to help."),
    ],
)
def test_withdrawing_and_stepping_back_say_what_happened(
    world: World, english_pages: None, who: str, message: str
) -> None:
    topic = make_topic()
    can_help(world.bob, topic)
    asked = make_request(
        world.charlie,
        topic,
        status=MentoringRequest.Status.PAIRED,
        mentor=world.bob,
        paired_at=timezone.now(),
    )
    client = logged_in(world.charlie if who == "charlie" else world.bob)
    url = reverse("training:mentoring_cancel", args=[asked.pk])
    page = client.post(url, follow=True).content.decode()
    assert message in page
    assert "Done." not in page


def test_each_skill_box_is_labelled_with_its_topic(world: World, english_pages: None) -> None:
    make_topic("Rejoindre une visio", "visio")
    page = logged_in(world.charlie).get(reverse("training:skills")).content.decode()
    assert "Rejoindre une visio: I can help others" in page


def test_the_demand_page_is_linked_for_the_communication_group(world: World) -> None:
    demand = reverse("training:demand")
    home = reverse("training:home")
    assert f'href="{demand}"' not in logged_in(world.bob).get(home).content.decode()
    CommunicationRole.objects.create(user=world.bob, structure=None)
    assert f'href="{demand}"' in logged_in(world.bob).get(home).content.decode()


def test_the_calendar_file_is_in_the_sites_time_zone(world: World, settings: Any) -> None:
    settings.TIME_ZONE = "America/Martinique"
    session = make_session(world)
    ics = logged_in(world.charlie).get(reverse("training:session_ical", args=[session.slug]))
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/Martinique"
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert str(event["UID"]) == f"training-session-{session.pk}@127.0.0.1"
