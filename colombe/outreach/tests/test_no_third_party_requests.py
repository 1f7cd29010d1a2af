"""No public page loads anything from another site: no share button script, no tracking
pixel, no font or picture from a network. A real browser opens each public page kind and
every request it makes must go to the test server; the mini-site and the short-link pages
also pass axe."""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from colombe.outreach.models import ShortLink
from colombe.outreach.tests.presence_helpers import public_pages
from colombe.outreach.tests.registry_helpers import make_account
from tests.browser import OpenContext, assert_accessible, force_login, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def watched_page(new_context: OpenContext) -> Iterator[tuple[Page, list[str]]]:
    """A page and the list of every address it asked for that is not local."""
    page = new_context().new_page()
    foreign: list[str] = []

    def record(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS:
            foreign.append(request.url)

    page.on("request", record)
    yield page, foreign


def test_public_pages_load_nothing_from_other_sites(
    watched_page: tuple[Page, list[str]], live_server: LiveServer, world: World
) -> None:
    page, foreign = watched_page
    make_account(world.lyon)
    pages = public_pages(world)
    addresses = [
        reverse("core:home"),
        reverse("presence:minisite", args=[world.lyon.slug]),
        world.lyon.get_absolute_url(),
        pages["petition"].get_absolute_url(),
        pages["groupe"].get_absolute_url(),
        pages["compte-rendu"].get_absolute_url(),
        pages["reunion"].get_absolute_url(),
        pages["memoire"].get_absolute_url(),
        pages["emission"].get_absolute_url(),
        reverse("radio:player"),
        reverse("core:search") + "?q=paix",
        reverse("outreach:share_mastodon") + "?path=/lyon/&text=Lyon",
    ]
    for address in addresses:
        response = page.goto(live_server.url + address)
        assert response is not None and response.status == 200, address
        page.wait_for_load_state("networkidle")
        assert foreign == [], f"{address} loaded {foreign}"
    # The share links are there, as plain links that load nothing until followed.
    page.goto(live_server.url + pages["petition"].get_absolute_url())
    assert page.locator(".share-links a[href^='https://bsky.app/']").count() == 1


def test_copy_button_copies_the_signal_text(
    new_context: OpenContext, live_server: LiveServer, world: World
) -> None:
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + reverse("presence:minisite", args=[world.lyon.slug]))

    # The button's label waits for the translators: found by its place.
    page.locator("textarea[data-copy-text] + button").click()

    # The clipboard answers asynchronously: wait for the status it sets.
    expect(page.locator(".copy-status")).to_have_text(re.compile(r"\S"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("/lyon/?source=signal")


def test_minisite_and_short_link_pages_are_accessible(
    new_context: OpenContext, live_server: LiveServer, world: World
) -> None:
    context = new_context()
    page = context.new_page()
    visit(page, live_server.url + reverse("presence:minisite", args=[world.lyon.slug]))

    # The contact form with its errors, then its confirmation.
    page.fill("#id_email", "pas-une-adresse")
    with page.expect_navigation():
        page.locator("form[action$='/contact/'] button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    visit(page, live_server.url + reverse("presence:minisite_contact_sent", args=["lyon"]))

    link = ShortLink.objects.create(
        code="tract", target="/petitions/", title="Tract du 1er mai", created_by=world.bob
    )
    force_login(context, live_server.url, world.bob)
    for address in [
        reverse("outreach:short_links"),
        reverse("outreach:short_link_create"),
        link.get_absolute_url(),
        link.get_absolute_url() + "?days=90",
        reverse("outreach:short_link_edit", args=[link.code]),
        reverse("outreach:short_link_delete", args=[link.code]),
    ]:
        visit(page, live_server.url + address)
