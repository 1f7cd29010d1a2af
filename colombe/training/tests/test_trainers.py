"""The trainers' directory: filtered by topic and region in the database, paginated by
person (not by skill), one line per active member with the places of their structures."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.movement.models import Membership, Structure, Territory
from colombe.training import views
from colombe.training.tests.training_helpers import (
    can_help,
    committee,
    make_topic,
    member_of,
    territory,
)
from tests.personas import World

pytestmark = pytest.mark.django_db

Level = Territory.Level


def brittany_committee() -> Structure:
    region = territory("Bretagne", Level.REGION, None)
    department = territory("Finistère", Level.DEPARTMENT, region)
    return committee("Comité de Brest", territory("Brest", Level.LOCAL, department))


def villeurbanne_committee(world: World) -> Structure:
    """A town below the Rhône: three levels under the region."""
    return committee(
        "Comité de Villeurbanne", territory("Villeurbanne", Level.LOCAL, world.lyon.territory)
    )


def listed_trainer(structure: Structure, name: str, *topics: str) -> User:
    person = member_of(structure, name)
    for topic in topics or ("visio",):
        can_help(person, make_topic(topic.title(), topic), listed=True)
    return person


def names_on(client: Client, **query: str) -> list[str]:
    response = client.get(reverse("training:trainers"), query)
    assert response.status_code == 200
    return re.findall(r'<th scope="row">([^<]+)</th>', response.content.decode())


@pytest.fixture
def charlie(world: World) -> Client:
    client = Client()
    client.force_login(world.charlie)
    return client


def test_the_region_filter_keeps_the_members_of_structures_in_the_region(
    world: World, charlie: Client
) -> None:
    brest = brittany_committee()
    listed_trainer(villeurbanne_committee(world), "Zoé", "visio")
    listed_trainer(world.lyon, "Yves", "visio", "petition")
    listed_trainer(brest, "Anne", "visio")
    both = listed_trainer(brest, "Marc", "visio")
    Membership.objects.create(user=both, structure=world.lyon, status=Membership.Status.ACTIVE)
    region = world.lyon.territory.parent
    assert region is not None
    assert names_on(charlie) == ["Anne", "Marc", "Yves", "Zoé"]
    assert names_on(charlie, region=str(region.pk)) == ["Marc", "Yves", "Zoé"]
    brittany = Territory.objects.get(slug="bretagne")
    assert names_on(charlie, region=str(brittany.pk)) == ["Anne", "Marc"]
    assert names_on(
        charlie, region=str(region.pk), topic=str(make_topic("Petition", "petition").pk)
    ) == ["Yves"]


def test_the_directory_is_paginated_by_person_inside_the_region(
    world: World, charlie: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "TRAINERS_PER_PAGE", 2)
    brest = brittany_committee()
    for name in ("Alain", "Berthe", "Claude"):  # before the Lyon trainers in the order
        listed_trainer(brest, name, "visio", "petition", "mail")
    for name in ("Xavier", "Yves", "Zoé"):
        listed_trainer(world.lyon, name, "visio", "petition", "mail")
    region = str(world.lyon.territory.parent_id)
    assert names_on(charlie, region=region) == ["Xavier", "Yves"]
    assert names_on(charlie, region=region, page="2") == ["Zoé"]
    page = charlie.get(reverse("training:trainers"), {"region": region}).content.decode()
    assert f"?region={region}&amp;page=2" in page  # the filter is kept from page to page


def test_places_and_topics_of_a_trainer(world: World, charlie: Client) -> None:
    listed_trainer(world.lyon, "Yves", "visio", "petition")
    can_help(User.objects.get(display_name="Yves"), make_topic("Mail", "mail"))  # not listed
    page = charlie.get(reverse("training:trainers")).content.decode()
    row = re.search(r"<th scope=\"row\">Yves</th><td>([^<]*)</td><td>([^<]*)</td>", page)
    assert row is not None
    assert set(row.group(1).split(", ")) == {"Visio", "Petition"}
    assert row.group(2) == world.lyon.territory.name


def test_someone_no_longer_active_is_not_listed(world: World, charlie: Client) -> None:
    gone = listed_trainer(world.lyon, "Yves")
    Membership.objects.filter(user=gone).update(status=Membership.Status.PENDING)
    assert names_on(charlie) == []
