"""The agenda of actions (filters, meetings alongside) and its iCalendar feed."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from colombe.actions import services
from colombe.actions.models import Action, ActionKind, DayOfAction
from colombe.actions.tests.plan_helpers import plan
from colombe.meetings.models import Meeting
from colombe.meetings.tests.schedule_helpers import schedule
from colombe.movement.models import Structure, Territory
from tests import factories
from tests.personas import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture
def toulouse(world: World) -> Structure:
    france = Territory.objects.get(slug="france")
    region = factories.TerritoryFactory.create(
        name="Occitanie", slug="occitanie", level=Territory.Level.REGION, parent=france, code="76"
    )
    department = factories.TerritoryFactory.create(
        name="Haute-Garonne", slug="haute-garonne", level=Territory.Level.DEPARTMENT, parent=region
    )
    town = factories.TerritoryFactory.create(name="Toulouse", slug="toulouse", parent=department)
    return factories.StructureFactory.create(
        name="Comité de Toulouse", slug="toulouse", territory=town
    )


def plan_in_toulouse(world: World, toulouse: Structure, **fields: Any) -> Action:
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=4)
    values: dict[str, Any] = {
        "kind": ActionKind.VIGIL,
        "title": "Veillée au Capitole",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "place": "Place du Capitole",
        "town": "Toulouse",
        "territory": toulouse.territory,
        **fields,
    }
    return services.plan_action(world.alice, toulouse, **values)


def titles(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("actions:agenda"), params)
    assert response.status_code == 200
    return [entry.item.title for entry in response.context["entries"]]


def test_filters_by_territory_with_its_sub_territories(world: World, toulouse: Structure) -> None:
    plan(world)
    plan_in_toulouse(world, toulouse)
    client = Client()
    assert sorted(titles(client)) == ["Distribution de tracts au marché", "Veillée au Capitole"]
    assert titles(client, territory="auvergne-rhone-alpes") == ["Distribution de tracts au marché"]
    assert titles(client, territory="occitanie") == ["Veillée au Capitole"]
    assert titles(client, territory="haute-garonne") == ["Veillée au Capitole"]


def test_filters_by_kind_committee_and_day(world: World, toulouse: Structure) -> None:
    day = services.call_day(
        world.alice,
        title="Journée nationale pour la paix",
        call="Partout en France.",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=10),
        territory=Territory.objects.get(slug="france"),
        called_by=world.national,
    )
    plan(world, co_organisers=[toulouse])
    plan_in_toulouse(world, toulouse, day_of_action=day)
    client = Client()
    assert titles(client, kind="vigil") == ["Veillée au Capitole"]
    assert titles(client, kind="leaflets") == ["Distribution de tracts au marché"]
    assert sorted(titles(client, comite="toulouse")) == [
        "Distribution de tracts au marché",  # co-organised
        "Veillée au Capitole",
    ]
    assert titles(client, comite="lyon") == ["Distribution de tracts au marché"]
    assert titles(client, journee=day.slug) == ["Veillée au Capitole"]


def test_meetings_are_in_the_agenda_marked_as_such(world: World) -> None:
    plan(world, starts_in=timedelta(days=2))
    schedule(world, title="Réunion publique du comité", audience=Meeting.Audience.PUBLIC)
    schedule(world, title="Réunion interne", audience=Meeting.Audience.OWNER)
    response = Client().get(reverse("actions:agenda"))
    entries = response.context["entries"]
    assert [(e.is_meeting, e.item.title) for e in entries] == [
        (False, "Distribution de tracts au marché"),
        (True, "Réunion publique du comité"),
    ]
    assert 'class="badge badge-meeting">Meeting<' in response.text
    member = Client()
    member.force_login(world.charlie)
    assert "Réunion interne" in titles(member)
    assert titles(member, kind="leaflets") == ["Distribution de tracts au marché"]


def test_grouped_by_date_and_paginated(world: World) -> None:
    for days in range(1, 34):
        plan(world, title=f"Action {days:02}", starts_in=timedelta(days=days))
    response = Client().get(reverse("actions:agenda"))
    assert titles(Client()) == [f"Action {n:02}" for n in range(1, 31)]
    first_day = timezone.localtime(Action.objects.get(title="Action 01").starts_at).date()
    assert f'<time datetime="{first_day:%Y-%m-%d}">' in response.text
    assert titles(Client(), page="2") == ["Action 31", "Action 32", "Action 33"]


def test_past_actions_leave_the_agenda(world: World) -> None:
    plan(world, title="Hier", starts_in=timedelta(days=-1))
    assert titles(Client()) == []
    assert "Nothing planned here yet." in Client().get(reverse("actions:agenda")).text


def events(response: Any) -> dict[str, Any]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_ical_holds_the_public_actions_only(world: World, toulouse: Structure) -> None:
    public = plan(world, address="Place Bellecour", material="Tracts")
    plan(world, title="Réservé aux membres", visibility=Action.Visibility.MEMBERS)
    plan(world, title="Dans le groupe", group=world.public_group)
    cancelled = plan_in_toulouse(world, toulouse)
    services.cancel_action(world.alice, cancelled)
    response = Client().get(reverse("actions:ical"))
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert set(found) == {"Distribution de tracts au marché", "Veillée au Capitole"}
    event = found["Distribution de tracts au marché"]
    assert event["dtstart"].dt == public.starts_at
    assert "Place Bellecour" in str(event["location"])
    assert str(event["url"]).endswith(public.get_absolute_url())
    assert str(found["Veillée au Capitole"]["status"]) == "CANCELLED"


def test_ical_of_one_committee(world: World, toulouse: Structure) -> None:
    plan(world)
    plan_in_toulouse(world, toulouse)
    response = Client().get(reverse("actions:ical"), {"comite": "toulouse"})
    assert set(events(response)) == {"Veillée au Capitole"}
    assert Client().get(reverse("actions:ical"), {"comite": "nope"}).status_code == 404


def test_days_of_action_are_announced_in_the_agenda(world: World) -> None:
    DayOfAction.objects.create(
        title="Journée des comités",
        slug="journee-des-comites-2030",
        call="…",
        starts_on=timezone.localdate() + timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        territory=world.lyon.territory,
        called_by=world.national,
    )
    assert "Journée des comités" in Client().get(reverse("actions:agenda")).text


def test_an_action_in_a_public_groups_space_is_public_like_the_group(
    client: Client, world: World
) -> None:
    open_action = plan(world, title="Pique-nique du groupe ouvert", group=world.public_group)
    closed_action = plan(world, title="Réunion du groupe privé", group=world.private_group)

    page = client.get(reverse("actions:agenda")).content.decode()

    assert open_action.title in page and closed_action.title not in page
    assert client.get(open_action.get_absolute_url()).status_code == 200
    assert client.get(closed_action.get_absolute_url()).status_code == 404


def test_a_co_organising_committee_can_be_chosen_in_the_agenda(
    client: Client, world: World, toulouse: Structure
) -> None:
    action = plan(world, title="Marche commune")
    action.co_organisers.add(toulouse)

    response = client.get(reverse("actions:agenda"), {"comite": toulouse.slug})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{toulouse.slug}" selected>' in page
    assert action.title in page
