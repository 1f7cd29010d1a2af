"""Report cards' reactions in the page's language, and the committee page's list, counted
once with its totals when no filter is chosen."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World

pytestmark = pytest.mark.django_db


def react(report: ActionReport, world: World) -> None:
    report.reactions.create(user=world.charlie, kind="bravo")
    report.reactions.create(user=world.bob, kind="bravo")
    report.reactions.create(user=world.bob, kind="did_it_too")


@pytest.mark.parametrize("page", ["feed", "committee"])
def test_reactions_are_worded_in_french(client: Client, world: World, page: str) -> None:
    react(make_report(world.lyon, title="Stand place Bellecour"), world)
    url = (
        reverse("reports:feed")
        if page == "feed"
        else reverse("reports:committee", args=[world.lyon.slug])
    )
    body = client.get(url).content.decode()
    assert "Bravo : 2" in body
    assert "On l’a fait aussi : 1" in body


@pytest.mark.usefixtures("english_pages")
def test_reactions_are_worded_in_english(client: Client, world: World) -> None:
    react(make_report(world.lyon, title="Stand place Bellecour"), world)
    body = client.get(reverse("reports:committee", args=[world.lyon.slug])).content.decode()
    assert "Bravo: 2" in body
    assert "We did it too: 1" in body


def fill_committee(world: World) -> None:
    for number in range(21):
        make_report(world.lyon, title=f"Stand {number}", kind="stand")
    make_report(world.lyon, title="Veillée", kind="vigil")
    make_report(world.lyon, title="Réunion du comité", visibility=ActionReport.Visibility.COMMITTEE)


def committee_page(client: Client, world: World, **params: Any) -> Any:
    response = client.get(reverse("reports:committee", args=[world.lyon.slug]), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("persona", "readable"), [(None, 22), ("eve", 22), ("charlie", 23)])
def test_committee_list_pages_through_what_the_totals_count(
    client: Client, world: World, persona: str | None, readable: int
) -> None:
    fill_committee(world)
    if persona:
        client.force_login(getattr(world, persona))
    first = committee_page(client, world)
    assert first.context["totals"]["reports"] == readable
    assert first.context["page_obj"].paginator.count == readable
    second = committee_page(client, world, page=2)
    assert len(second.context["page_obj"]) == readable - 20


def test_a_filtered_committee_list_counts_what_passes_the_filters(
    client: Client, world: World
) -> None:
    fill_committee(world)
    client.force_login(world.charlie)
    response = committee_page(client, world, kind="vigil")
    assert response.context["totals"]["reports"] == 23
    assert response.context["page_obj"].paginator.count == 1
    assert [report.title for report in response.context["page_obj"]] == ["Veillée"]


@pytest.mark.parametrize(("params", "list_counts"), [({}, 0), ({"kind": "vigil"}, 1)])
def test_only_a_filtered_committee_list_is_counted_apart_from_the_totals(
    client: Client, world: World, params: dict[str, str], list_counts: int
) -> None:
    fill_committee(world)
    client.force_login(world.charlie)
    with CaptureQueriesContext(connection) as captured:
        committee_page(client, world, **params)
    # The paginator's own count (Django names it __count).
    counted = [query for query in captured.captured_queries if "__count" in query["sql"]]
    assert len(counted) == list_counts
