"""The search page in a real browser: French, no axe-core violation, and usable from
the search box through the kinds' tabs and the pages without JavaScript."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from colombe.core.search import PAGE_SIZE
from colombe.core.tests.search_helpers import make_petition, make_report
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_search_page_is_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    make_report(world.lyon, title="Distribution de tracts", body="Contre le #désarmement raté")
    make_petition(world, title="Pour le désarmement")
    context = new_context()
    force_login(context, live_server.url, world.dana)
    page = context.new_page()
    visit(page, live_server.url + reverse("core:search"))
    page.fill("input[name=q]", "désarmement")
    submit(page)
    assert page.locator("mark").count() >= 2
    visit(page, page.url)
    page.get_by_role("link", name="Pétitions (1)").click()
    page.wait_for_url("**type=petition**")
    visit(page, page.url)
    assert page.locator(".search-results li").count() == 1
    visit(page, live_server.url + reverse("core:search") + "?q=zzzz")


def test_search_works_without_javascript(
    live_server: LiveServer, browser: Browser, world: World
) -> None:
    for number in range(PAGE_SIZE + 1):
        make_report(world.lyon, title=f"Vigile numéro {number}")
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("core:search"))
        page.fill("input[name=q]", "vigile")
        submit(page)
        assert page.locator(".search-results li").count() == PAGE_SIZE
        page.get_by_role("link", name="Suivant").click()
        page.wait_for_url("**page=2**")
        assert page.locator(".search-results li").count() == 1
    finally:
        context.close()
