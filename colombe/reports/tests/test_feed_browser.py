"""The feed, a committee's page and the hashtag page in a real browser, 390 px wide, in
French: filtering through the GET form, and no axe-core violation."""

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from colombe.reports.tests.feed_helpers import make_report
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_charlie_filters_the_feed_on_a_phone(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    report = make_report(
        world.lyon,
        title="Cercle de silence place Bellecour",
        kind="vigil",
        people_reached=40,
        hashtags="#paix #désarmement",
    )
    report.reactions.create(user=world.bob, kind="bravo")
    make_report(world.lyon, title="Tracts au marché de la Croix-Rousse", kind="leaflets")
    context = new_context()
    force_login(context, live_server.url, world.charlie)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, live_server.url + reverse("reports:feed"))
    assert page.locator(".report-card").count() == 2
    # Wider than the screen would mean horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("#id_kind", "vigil")
    submit(page)
    assert "kind=vigil" in page.url
    assert page.locator(".report-card").count() == 1
    assert page.locator(".report-card h3").inner_text() == report.title
    visit(page, live_server.url + reverse("reports:committee", args=[world.lyon.slug]))
    assert page.locator(".report-totals").count() == 1
    visit(page, live_server.url + reverse("core:hashtag", args=["paix"]))
    assert page.get_by_text(report.title).count() == 1
