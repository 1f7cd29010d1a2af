"""Atom feeds carry public reports only — whoever asks, logged in or not."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import day, make_report
from tests.personas import SECRET_GROUP_NAME, World

# These tests read the wording in English (the source language).
pytestmark = pytest.mark.usefixtures("english_pages")


ATOM = "{http://www.w3.org/2005/Atom}"
Audience = ActionReport.Visibility


@pytest.fixture
def reports(world: World) -> dict[str, ActionReport]:
    tags = "#désarmement"
    return {
        "public": make_report(world.lyon, title="Stand public", hashtags=tags, happened_on=day(1)),
        "public_group": make_report(
            world.lyon, title="Dans le groupe public", group=world.public_group, hashtags=tags
        ),
        "movement": make_report(
            world.lyon, title="Pour le mouvement", visibility=Audience.MOVEMENT, hashtags=tags
        ),
        "committee": make_report(
            world.lyon, title="Pour le comité", visibility=Audience.COMMITTEE, hashtags=tags
        ),
        "private_group": make_report(
            world.lyon, title="Groupe privé", group=world.private_group, hashtags=tags
        ),
        "secret": make_report(
            world.lyon, title="Veillée Zéphyr", group=world.secret_group, hashtags=tags
        ),
        "draft": make_report(
            world.lyon, title="Brouillon", status=ActionReport.Status.DRAFT, hashtags=tags
        ),
    }


PUBLIC = {"Stand public", "Dans le groupe public"}


def entry_titles(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert SECRET_GROUP_NAME not in body
    feed = ET.fromstring(response.content)
    return {entry.findtext(f"{ATOM}title") or "" for entry in feed.iter(f"{ATOM}entry")}


FEEDS = [
    ("reports:feed_atom", []),
    ("reports:committee_atom", ["lyon"]),
    ("reports:hashtag_atom", ["désarmement"]),
]


@pytest.mark.parametrize(("name", "args"), FEEDS)
@pytest.mark.parametrize("persona", [None, "charlie", "bob", "alice"])
def test_feeds_carry_public_reports_only_whoever_asks(
    client: Client,
    world: World,
    reports: dict[str, ActionReport],
    name: str,
    args: list[str],
    persona: str | None,
) -> None:
    if persona:
        client.force_login(getattr(world, persona))
    assert entry_titles(client, reverse(name, args=args)) == PUBLIC


def test_entry_content(client: Client, world: World) -> None:
    report = make_report(
        world.lyon,
        title="Tracts à la gare",
        town="Vénissieux",
        body="Nous avons distribué **300 tracts**.",
        hashtags="#paix",
        author=world.bob,
    )
    feed = ET.fromstring(client.get(reverse("reports:feed_atom")).content)
    assert feed.findtext(f"{ATOM}title") == "What the committees do"
    (entry,) = feed.iter(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(report.get_absolute_url())
    content = entry.findtext(f"{ATOM}summary") or ""
    assert "<strong>300 tracts</strong>" in content
    assert "Vénissieux" in content and "Leaflet distribution" in content
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == world.lyon.name
    assert "Bob" not in ET.tostring(entry, encoding="unicode")
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["paix"]


def test_committee_feed_lists_only_that_committee(client: Client, world: World) -> None:
    make_report(world.lyon, title="Lyon")
    make_report(world.collective, title="Collectif")
    assert entry_titles(client, reverse("reports:committee_atom", args=["lyon"])) == {"Lyon"}
    assert client.get(reverse("reports:committee_atom", args=["inconnu"])).status_code == 404


def test_hashtag_feed_of_a_non_public_tag_is_404(client: Client, world: World) -> None:
    make_report(world.lyon, title="Veillée Zéphyr", group=world.secret_group, hashtags="#zephyr")
    make_report(world.lyon, title="Interne", visibility=Audience.MOVEMENT, hashtags="#interne")
    client.force_login(world.charlie)
    assert client.get(reverse("reports:hashtag_atom", args=["zephyr"])).status_code == 404
    assert client.get(reverse("reports:hashtag_atom", args=["interne"])).status_code == 404
    assert client.get(reverse("reports:hashtag_atom", args=["inconnu"])).status_code == 404
