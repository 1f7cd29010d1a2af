"""The map and the activity charts in a real browser, in French, on a phone (390 px) and
on a desktop (1280 px): no axe-core violation, a region clicked on the map filters the
feed, and Chart.js draws the chart whose figures the table repeats."""

import re

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from colombe.reports.tests.activity_helpers import place_world
from colombe.reports.tests.feed_helpers import day, make_report
from tests.browser import OpenContext, assert_accessible, force_login, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def figure(label: str | None) -> int:
    """The number in an area's label, whatever the wording of the language."""
    found = re.findall(r"\d+", label or "")
    assert len(found) == 1, label
    return int(found[0])


@pytest.mark.parametrize("width", [390, 1280])
def test_charlie_explores_the_map_and_the_charts(
    live_server: LiveServer, new_context: OpenContext, world: World, width: int
) -> None:
    placed = place_world(world)
    make_report(placed.lyon, title="Cercle de silence", kind="vigil", happened_on=day(40))
    make_report(placed.grenoble, title="Tracts à Grenoble", happened_on=day(3))
    make_report(placed.toulouse, title="Stand à Toulouse", kind="stand", happened_on=day(70))
    make_report(placed.lyon, title="Cellule", group=world.secret_group, happened_on=day(5))
    context = new_context()
    force_login(context, live_server.url, world.charlie)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, live_server.url + reverse("reports:feed"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    region = page.locator("#feed-map a.map-area[aria-label^='Auvergne-Rhône-Alpes']")
    # Charlie belongs to the secret group: its report counts for him.
    assert figure(region.get_attribute("aria-label")) == 3
    assert page.locator("[data-activity-chart] canvas").count() == 1
    page.screenshot(path=f"/tmp/h5-feed-{width}.png", full_page=True)

    with page.expect_navigation():
        region.click()
    assert "territory=auvergne-rhone-alpes" in page.url
    assert "Auvergne-Rhône-Alpes" in page.locator("#feed-map h2").inner_text()
    assert page.locator(".report-card").count() == 3
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#feed-map a.map-area[aria-label^='Isère']").click()
    assert page.locator(".report-card h3").all_inner_texts() == ["Tracts à Grenoble"]
    page.screenshot(path=f"/tmp/h5-isere-{width}.png", full_page=True)

    visit(page, live_server.url + reverse("reports:committee", args=[placed.lyon.slug]))
    assert page.locator("[data-activity-chart] canvas").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_eve_sees_the_map_without_the_secret_report(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    placed = place_world(world)
    make_report(placed.lyon, title="Public")
    make_report(placed.lyon, title="Cellule", group=world.secret_group)
    context = new_context()
    force_login(context, live_server.url, world.eve)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, live_server.url + reverse("reports:feed"))
    region = page.locator("#feed-map a.map-area[aria-label^='Auvergne-Rhône-Alpes']")
    assert figure(region.get_attribute("aria-label")) == 1
    assert "Cellule" not in page.content()
    # Reached with the keyboard, an area shows it has the focus.
    page.keyboard.press("Tab")
    region.focus()
    fill = region.locator("path").evaluate("path => getComputedStyle(path).fill")
    assert fill == "rgb(255, 191, 71)"
    page.screenshot(path="/tmp/h5-focus-390.png")
