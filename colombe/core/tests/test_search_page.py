"""The search page: highlighted and escaped results, pagination, filter by kind, and a
number of queries that does not depend on how much is found."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from colombe.core.search import PAGE_SIZE
from colombe.core.tests.search_helpers import make_petition, make_report, result_count, search_page
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_matches_are_highlighted_and_everything_else_escaped(client: Client, world: World) -> None:
    make_report(
        world.lyon,
        title='<script>alert("x")</script> Gazelle',
        body="Une <img src=x onerror=alert(1)> gazelle \x02 passe",
    )
    body = search_page(client, "gazelle")
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Gazelle</mark>" in body
    assert "<mark>gazelle</mark>" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_results_are_paginated(client: Client, world: World) -> None:
    for number in range(PAGE_SIZE + 5):
        make_report(world.lyon, title=f"Marmotte {number}")
    first = search_page(client, "marmotte")
    assert result_count(first) == PAGE_SIZE
    assert "page=2" in first
    second = search_page(client, "marmotte", page="2")
    assert result_count(second) == 5
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # A page beyond the last shows the last one; nonsense shows the first.
    assert result_count(search_page(client, "marmotte", page="99")) == 5
    assert result_count(search_page(client, "marmotte", page="x")) == PAGE_SIZE


def test_results_are_filtered_by_kind_with_counts(client: Client, world: World) -> None:
    make_report(world.lyon, title="Campagne hérisson")
    make_report(world.lyon, title="Autre hérisson")
    make_petition(world, title="Sauvons le hérisson")
    body = search_page(client, "hérisson")
    assert result_count(body) == 3
    assert "type=report" in body and "type=petition" in body
    assert "(2)" in body and "(1)" in body
    only_petitions = search_page(client, "hérisson", type="petition")
    assert result_count(only_petitions) == 1
    assert "Sauvons le" in only_petitions
    assert "Campagne" not in only_petitions
    # An unknown kind shows everything.
    assert result_count(search_page(client, "hérisson", type="nonsense")) == 3


def test_nothing_found_and_too_short(client: Client, world: World) -> None:
    assert 'class="empty"' in search_page(client, "introuvablemot")
    assert 'class="search-results"' not in search_page(client, "a")
    assert 'class="search-results"' not in search_page(client, "!!")


def queries_for(client: Client, query: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        search_page(client, query, **params)
    return len(captured)


def test_number_of_queries_does_not_depend_on_results(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    make_report(world.lyon, title="Blaireau seul")
    search_page(client, "blaireau")  # sessions warm up
    few = queries_for(client, "blaireau")
    for number in range(30):
        make_report(world.lyon, title=f"Blaireau {number}")
        make_petition(world, title=f"Blaireau pétition {number}")
    assert queries_for(client, "blaireau") == few
    assert queries_for(client, "blaireau", page="2") == few
    assert queries_for(client, "blaireau", type="petition") == few


def test_query_count_is_bounded(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        make_report(world.lyon, title=f"Loutre {number}")
    with django_assert_max_num_queries(6):
        search_page(client, "loutre")
