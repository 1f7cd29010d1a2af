"""Filters (territory, kind, hashtag, period), pagination and the query bound."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.movement.models import Structure, Territory
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import day, make_report
from tests import factories
from tests.personas import World

# These tests read the wording in English (the source language).
pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def grenoble(world: World) -> Structure:
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    isere = factories.TerritoryFactory.create(
        name="Isère", slug="isere", level=Territory.Level.DEPARTMENT, parent=region
    )
    town = factories.TerritoryFactory.create(
        name="Grenoble", slug="grenoble", level=Territory.Level.LOCAL, parent=isere
    )
    return factories.StructureFactory.create(
        name="Comité de Grenoble", slug="grenoble", territory=town
    )


@pytest.fixture
def toulouse(world: World) -> Structure:
    france = Territory.objects.get(slug="france")
    occitanie = factories.TerritoryFactory.create(
        name="Occitanie", slug="occitanie", level=Territory.Level.REGION, parent=france
    )
    haute_garonne = factories.TerritoryFactory.create(
        name="Haute-Garonne",
        slug="haute-garonne",
        level=Territory.Level.DEPARTMENT,
        parent=occitanie,
    )
    return factories.StructureFactory.create(
        name="Comité de Toulouse", slug="toulouse", territory=haute_garonne
    )


def titles(client: Client, **params: Any) -> set[str]:
    response = client.get(reverse("reports:feed"), params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    return {report.title for report in page}


def test_territory_filter_takes_the_whole_subtree(
    client: Client, world: World, grenoble: Structure, toulouse: Structure
) -> None:
    make_report(world.lyon, title="Lyon")
    make_report(grenoble, title="Grenoble")
    make_report(toulouse, title="Toulouse")
    assert titles(client, territory="auvergne-rhone-alpes") == {"Lyon", "Grenoble"}
    assert titles(client, territory="isere") == {"Grenoble"}
    assert titles(client, territory="occitanie") == {"Toulouse"}
    assert titles(client) == {"Lyon", "Grenoble", "Toulouse"}


def test_territory_choices_are_regions_and_departments(
    client: Client, world: World, grenoble: Structure
) -> None:
    body = client.get(reverse("reports:feed")).content.decode()
    assert 'value="auvergne-rhone-alpes"' in body
    assert 'value="isere"' in body
    assert 'value="grenoble"' not in body  # a town is not a choice
    assert 'value="france"' not in body


def test_kind_filter(client: Client, world: World) -> None:
    make_report(world.lyon, title="Tracts", kind=ActionReport.Kind.LEAFLETS)
    make_report(world.lyon, title="Veillée", kind=ActionReport.Kind.VIGIL)
    assert titles(client, kind="vigil") == {"Veillée"}


def test_hashtag_filter_is_case_and_hash_insensitive(client: Client, world: World) -> None:
    make_report(world.lyon, title="Désarmement", hashtags="#désarmement")
    make_report(world.lyon, title="Climat", hashtags="#climat")
    assert titles(client, hashtag="#Désarmement") == {"Désarmement"}


def test_period_filter(client: Client, world: World) -> None:
    make_report(world.lyon, title="Ancienne", happened_on=day(200))
    make_report(world.lyon, title="Récente", happened_on=day(10))
    make_report(world.lyon, title="Moyenne", happened_on=day(100))
    assert titles(client, start=day(150).isoformat()) == {"Récente", "Moyenne"}
    assert titles(client, end=day(150).isoformat()) == {"Ancienne"}
    assert titles(client, start=day(150).isoformat(), end=day(50).isoformat()) == {"Moyenne"}


def test_inverted_period_shows_an_error(client: Client, world: World) -> None:
    body = client.get(
        reverse("reports:feed"), {"start": day(10).isoformat(), "end": day(50).isoformat()}
    ).content.decode()
    assert "The end of the period comes before its start." in body


def test_no_match_has_its_own_empty_state(client: Client, world: World) -> None:
    make_report(world.lyon, kind=ActionReport.Kind.LEAFLETS)
    body = client.get(reverse("reports:feed"), {"kind": "vigil"}).content.decode()
    assert "No report matches these filters." in body


def test_filters_do_not_reveal_secret_reports(client: Client, world: World) -> None:
    make_report(world.lyon, title="Secrète", group=world.secret_group, hashtags="#hirondelle")
    client.force_login(world.alice)
    assert titles(client, hashtag="hirondelle") == set()


def test_newest_first_paginated_by_twenty_keeping_filters(client: Client, world: World) -> None:
    for age in range(25):
        make_report(world.lyon, title=f"R{age:02d}", happened_on=day(age), kind="stand")
    make_report(world.lyon, title="Autre", kind="vigil")
    response = client.get(reverse("reports:feed"), {"kind": "stand"})
    first = [r.title for r in response.context["page_obj"]]
    assert first == [f"R{age:02d}" for age in range(20)]
    body = response.content.decode()
    assert "?kind=stand&amp;page=2" in body
    second = client.get(reverse("reports:feed"), {"kind": "stand", "page": "2"})
    assert [r.title for r in second.context["page_obj"]] == [f"R{age:02d}" for age in range(20, 25)]


def test_constant_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.charlie)

    def fill(count: int) -> None:
        for _ in range(count):
            report = make_report(world.lyon, hashtags="#paix #climat", people_reached=3)
            report.photos.create(image="a.jpg", thumbnail="a-t.jpg", alt_text="Photo")
            report.reactions.create(user=world.bob, kind="bravo")

    fill(2)
    # 21: the page, its filters, its cards, the map (3) and the activity chart (1).
    with django_assert_max_num_queries(21) as few:
        client.get(reverse("reports:feed"))
    fill(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:feed"))
    assert len(response.context["page_obj"]) == 20
