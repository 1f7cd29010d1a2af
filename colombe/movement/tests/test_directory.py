import pytest
from django.test import Client
from django.urls import reverse

from colombe.movement.models import Membership, Structure, Territory
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

DIRECTORY = reverse("movement:directory")


def add_committee(name: str, slug: str, territory: Territory) -> Structure:
    return factories.StructureFactory.create(name=name, slug=slug, territory=territory)


@pytest.fixture
def brest(other_region: Territory) -> Structure:
    finistere = factories.TerritoryFactory.create(
        name="Finistère",
        slug="finistere",
        level=Territory.Level.DEPARTMENT,
        parent=other_region,
        code="29",
    )
    town = factories.TerritoryFactory.create(
        name="Brest", slug="brest-ville", level=Territory.Level.LOCAL, parent=finistere
    )
    return add_committee("Comité du Pays de Brest", "brest", town)


def test_committees_are_grouped_by_region(client: Client, world: World, brest: Structure) -> None:
    response = client.get(DIRECTORY)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Auvergne-Rhône-Alpes</h2>" in body
    assert "<h2>Bretagne</h2>" in body
    lyon_heading = body.index("<h2>Auvergne-Rhône-Alpes</h2>")
    brittany_heading = body.index("<h2>Bretagne</h2>")
    assert lyon_heading < body.index("Comité de Lyon") < brittany_heading
    assert brittany_heading < body.index("Comité du Pays de Brest")
    # Only committees: the national office and collectives have their own pages.
    assert "Secrétariat national" not in body
    assert "Collectif pour la paix" not in body


def test_committee_card_shows_town_department_and_active_member_count(
    client: Client, world: World, brest: Structure
) -> None:
    body = client.get(DIRECTORY).content.decode()
    assert "Brest · Finistère (29)" in body
    # Bob and Charlie are active; Dana's request is pending.
    assert "2 members" in body or "2 membres" in body


@pytest.mark.parametrize("query", ["lyon", "Rhône", "69", "auvergne"])
def test_search_by_name_department_or_region(
    client: Client, world: World, brest: Structure, query: str
) -> None:
    body = client.get(DIRECTORY, {"q": query}).content.decode()
    assert "Comité de Lyon" in body
    assert "Comité du Pays de Brest" not in body


@pytest.mark.parametrize("query", ["brest", "Finistère", "29"])
def test_search_by_town(client: Client, world: World, brest: Structure, query: str) -> None:
    body = client.get(DIRECTORY, {"q": query}).content.decode()
    assert "Comité du Pays de Brest" in body
    assert "Comité de Lyon" not in body


def test_search_without_result_shows_empty_state(client: Client, world: World) -> None:
    response = client.get(DIRECTORY, {"q": "Tombouctou"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No committee matches your search" in response.content.decode()


def test_empty_directory_says_so(client: Client, db: None) -> None:
    response = client.get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="en")
    assert "There is no committee yet." in response.content.decode()


def test_filter_by_region(client: Client, world: World, brest: Structure) -> None:
    body = client.get(DIRECTORY, {"region": "bretagne"}).content.decode()
    assert "Comité du Pays de Brest" in body
    assert "Comité de Lyon" not in body


def test_unknown_region_is_a_form_error_not_a_crash(client: Client, world: World) -> None:
    response = client.get(DIRECTORY, {"region": "atlantide"})
    assert response.status_code == 200
    assert "Comité de Lyon" in response.content.decode()


def test_directory_is_paginated_and_keeps_the_search(client: Client, world: World) -> None:
    rhone = Territory.objects.get(slug="rhone")
    for number in range(30):
        add_committee(f"Comité Rhône {number:02d}", f"rhone-{number}", rhone)
    first = client.get(DIRECTORY, {"q": "Rhône"}).content.decode()
    assert first.count('class="card"') == 25
    assert "q=Rh%C3%B4ne&amp;page=2" in first
    second = client.get(DIRECTORY, {"q": "Rhône", "page": "2"}).content.decode()
    assert second.count('class="card"') == 6


def test_directory_does_not_query_per_committee(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    france = Territory.objects.get(slug="france")
    for number in range(20):
        region = factories.TerritoryFactory.create(level=Territory.Level.REGION, parent=france)
        department = factories.TerritoryFactory.create(
            level=Territory.Level.DEPARTMENT, parent=region
        )
        town = factories.TerritoryFactory.create(level=Territory.Level.LOCAL, parent=department)
        committee = add_committee(f"Comité {number}", f"c-{number}", town)
        factories.MembershipFactory.create(structure=committee, role=Membership.Role.LEADER)
    # count, region choices, one page of committees with their territories and counts
    with django_assert_max_num_queries(3):
        response = client.get(DIRECTORY)
    assert response.content.decode().count('class="card"') == 21
    client.force_login(world.charlie)
    client.get(DIRECTORY)  # the first request of a session records it (allauth)
    # + session, user, user-session activity (5 queries with savepoints), may they create
    with django_assert_max_num_queries(11):
        response = client.get(DIRECTORY)
    assert response.content.decode().count('class="card"') == 21


def test_directory_never_names_the_secret_group(client: Client, world: World) -> None:
    for person in [None, world.eve, world.alice]:
        if person:
            client.force_login(person)
        assert SECRET_GROUP_NAME not in client.get(DIRECTORY).content.decode()


def test_working_groups_page(client: Client, world: World, region: Territory) -> None:
    france = Territory.objects.get(slug="france")
    factories.StructureFactory.create(
        kind=Structure.Kind.WORKING_GROUP,
        name="GT Désarmement",
        slug="gt-desarmement",
        territory=france,
    )
    factories.StructureFactory.create(
        kind=Structure.Kind.WORKING_GROUP, name="GT Jeunes AURA", slug="gt-jeunes", territory=region
    )
    body = client.get(reverse("movement:working_groups")).content.decode()
    assert "GT Désarmement" in body
    assert "GT Jeunes AURA" in body
    assert body.index("Auvergne-Rhône-Alpes</h2>") < body.index("GT Jeunes AURA")
    assert "Comité de Lyon" not in body


def test_working_groups_empty_state(client: Client, world: World) -> None:
    body = client.get(
        reverse("movement:working_groups"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "There is no working group yet." in body


def test_collectives_list_partners_and_representatives_organisations(
    client: Client, world: World
) -> None:
    # An organisation whose representative joined without being listed as a partner yet.
    other = factories.PartnerOrganisationFactory.create(name="Syndicat des Cheminots")
    factories.MembershipFactory.create(
        structure=world.collective, role=Membership.Role.REPRESENTATIVE, organisation=other
    )
    response = client.get(reverse("movement:collectives"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Collectif pour la paix" in body
    assert "Association des Amis" in body
    assert "Syndicat des Cheminots" in body
    # Organisations are public; the names of their representatives are not.
    assert "Frank" not in body


def test_collectives_do_not_query_per_collective(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    france = Territory.objects.get(slug="france")
    for number in range(10):
        collective = factories.StructureFactory.create(
            kind=Structure.Kind.COLLECTIVE, territory=france, slug=f"collective-{number}"
        )
        collective.partners.add(factories.PartnerOrganisationFactory.create())
        factories.MembershipFactory.create(
            structure=collective,
            role=Membership.Role.REPRESENTATIVE,
            organisation=factories.PartnerOrganisationFactory.create(),
        )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("movement:collectives"))
    assert response.status_code == 200
