"""A word found nearly everywhere: hits are counted up to a cap ("1,000+"), and only the
newest hits of such a kind are ranked — without ever counting what the viewer may not
read."""

import re
from typing import Any

import pytest
from django.test import Client

from colombe.core import search
from colombe.core.tests.search_helpers import make_report, result_count, search_page
from colombe.reports.models import ActionReport
from tests.personas import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

CAP = 3


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: Any) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", CAP)


def tabs(page: str) -> list[str]:
    """The kinds' tabs as shown: "All (3+)", "Action reports (3+)"…"""
    nav = re.search(r'<nav aria-label="Kinds of results">(.*?)</nav>', page, re.S)
    assert nav is not None
    found = re.findall(r"<li><a [^>]*>(.*?)</a>", nav.group(1), re.S)
    return [re.sub(r"\s+", " ", tab).strip() for tab in found]


def titles(page: str) -> set[str]:
    return set(re.findall(r"<h3><a [^>]*>(.*?)</a></h3>", re.sub(r"</?mark>", "", page)))


def test_counts_stop_at_the_cap_and_say_so(client: Client, world: World) -> None:
    for number in range(CAP + 2):
        make_report(world.lyon, title=f"Marmotte {number}")
    page = search_page(client, "marmotte")
    assert tabs(page)[:2] == ["All (3+)", "Action reports (3+)"]
    assert "More than 3 results" in page
    assert "these are the best of the 3 newest of each kind" in page
    # The newest reports are the ones ranked, across one page here.
    assert titles(page) == {"Marmotte 2", "Marmotte 3", "Marmotte 4"}
    assert "page=2" not in page


def test_under_the_cap_counts_are_exact(client: Client, world: World) -> None:
    for number in range(CAP):
        make_report(world.lyon, title=f"Marmotte {number}")
    page = search_page(client, "marmotte")
    assert tabs(page)[:2] == ["All (3)", "Action reports (3)"]
    assert "3 results" in page and "More than" not in page
    assert result_count(page) == CAP


def test_reports_one_may_not_read_never_reach_the_cap(client: Client, world: World) -> None:
    make_report(world.lyon, title="Marmotte publique")
    for number in range(CAP + 2):
        make_report(
            world.lyon,
            title=f"Marmotte du comité {number}",
            visibility=ActionReport.Visibility.COMMITTEE,
        )
    anonymous = search_page(client, "marmotte")
    assert tabs(anonymous)[:2] == ["All (1)", "Action reports (1)"]
    assert titles(anonymous) == {"Marmotte publique"}
    client.force_login(world.eve)
    assert tabs(search_page(client, "marmotte"))[:2] == ["All (1)", "Action reports (1)"]
    client.force_login(world.charlie)  # a member of the committee
    assert tabs(search_page(client, "marmotte"))[:2] == ["All (3+)", "Action reports (3+)"]


def test_a_capped_kind_pages_through_its_newest_hits(client: Client, world: World) -> None:
    for number in range(CAP + 2):
        make_report(world.lyon, title=f"Marmotte {number}")
    results = search.search_everything(world.bob, "marmotte", kind="report")
    assert results.shown_capped and results.shown_total == CAP and results.num_pages == 1
    assert len(results.results) == CAP
