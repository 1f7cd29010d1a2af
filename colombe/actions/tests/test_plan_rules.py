"""Rules of planning and printing: who plans and prints for which structures, the days
of action a form offers, the fields a form sets, turning an action into a report only
once it is over, and the iCalendar helper the agendas share."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event

from colombe.accounts.models import User
from colombe.actions import forms, services
from colombe.actions.models import DayOfAction
from colombe.actions.policy import may_print
from colombe.actions.tests.plan_helpers import move_to_the_past, plan
from colombe.core import policy
from colombe.core.ical import calendar, stable_uid
from colombe.movement.policy import active_structures
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_active_structures_are_those_of_active_memberships(world: World) -> None:
    assert list(active_structures(world.charlie)) == [world.lyon]
    assert list(active_structures(world.dana)) == []  # still waiting for approval
    assert list(active_structures(world.eve)) == []
    assert list(active_structures(AnonymousUser())) == []
    assert world.national in active_structures(world.alice)
    assert world.lyon in active_structures(world.alice)


def test_printing_for_a_committee_is_for_its_members(world: World) -> None:
    other = factories.StructureFactory.create()
    assert policy.has_perm(world.charlie, "actions.print_for", world.lyon)
    assert not policy.has_perm(world.charlie, "actions.print_for", other)
    assert policy.has_perm(world.alice, "actions.print_for", other)
    assert policy.has_perm(world.charlie, "actions.print_for")
    assert not policy.has_perm(world.eve, "actions.print_for")
    assert not policy.has_perm(world.dana, "actions.print_for")
    assert may_print(world.charlie) and not may_print(world.eve)


def day(world: World, slug: str, starts_on: date) -> DayOfAction:
    return DayOfAction.objects.create(
        title=slug.title(),
        slug=slug,
        call="Mobilisons-nous.",
        starts_on=starts_on,
        ends_on=starts_on,
        territory=world.national.territory,
        called_by=world.national,
    )


def test_forms_offer_the_open_days_and_the_one_already_chosen(world: World) -> None:
    today = date.today()
    past = day(world, "passee", today - timedelta(days=30))
    kept = day(world, "gardee", today - timedelta(days=60))
    coming = day(world, "prochaine", today + timedelta(days=30))
    client = logged_in(world.bob)
    creating = client.get(reverse("actions:create") + "?comite=lyon").text
    assert coming.title in creating
    assert past.title not in creating and kept.title not in creating
    action = plan(world, day_of_action=kept)
    editing = client.get(reverse("actions:edit", args=[action.slug])).text
    assert coming.title in editing and kept.title in editing
    assert past.title not in editing


def test_the_form_sets_the_fields_the_service_accepts(world: World) -> None:
    form = forms.ActionForm(days=services.days_to_join())
    form.cleaned_data = {name: None for name in [*services.ACTION_FIELDS, *forms.RELATED_FIELDS]}
    assert set(form.action_fields()) == services.ACTION_FIELDS | set(forms.RELATED_FIELDS)
    in_group = forms.ActionForm(days=services.days_to_join(), in_group=True)
    in_group.cleaned_data = form.cleaned_data
    assert set(in_group.action_fields()) == set(form.action_fields()) - {"visibility"}


def test_the_report_is_offered_once_the_action_is_over(world: World, english_pages: None) -> None:
    action = plan(world)
    client = logged_in(world.bob)
    to_report = reverse("actions:to_report", args=[action.slug])
    assert to_report not in client.get(action.get_absolute_url()).text
    refused = client.post(to_report, follow=True)
    assert "An action is turned into a report once it is over." in refused.text
    action.refresh_from_db()
    assert action.report is None
    move_to_the_past(action)
    assert to_report in client.get(action.get_absolute_url()).text


def test_calendar_helper_names_the_feed_and_keeps_uids_stable() -> None:
    event = Event()
    event.add("uid", stable_uid("action", 7))
    event.add("summary", "Tractage")
    feed = Calendar.from_ical(calendar("-//Colombe//Test//FR", [event], "Agenda"))
    assert str(feed["PRODID"]) == "-//Colombe//Test//FR"
    assert str(feed["X-WR-CALNAME"]) == "Agenda"
    (found,) = feed.walk("VEVENT")
    assert str(found["UID"]) == "action-7@127.0.0.1"
    unnamed = Calendar.from_ical(calendar("-//Colombe//Test//FR", []))
    assert "X-WR-CALNAME" not in unnamed
