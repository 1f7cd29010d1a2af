"""Browser testing for every app: Playwright (Python) driving Debian's chromium, with
axe-core from npm. Loaded as a pytest plugin by the root conftest, so any test can ask for
the ``browser`` and ``new_context`` fixtures and use the helpers below."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.services import chromium_path, require_service

AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-password-123"  # set by tests.factories.UserFactory

OpenContext = Callable[..., BrowserContext]


def launch_chromium(*extra_args: str) -> Iterator[Browser]:
    """Debian's Chromium with CHROMIUM_ARGS (and ``extra_args``), for a module-scoped
    ``browser`` fixture; closed when the fixture ends."""
    executable = chromium_path()
    require_service("Chromium", executable is not None, "apt-get install chromium")
    require_service("axe-core", AXE_SCRIPT.exists(), "npm ci")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch_chromium()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[OpenContext]:
    """Opens fresh browser contexts (one per person) and closes them after the test."""
    contexts: list[BrowserContext] = []

    def open_context(locale: str = "fr-FR") -> BrowserContext:
        # bypass_csp lets axe-core be injected despite our strict Content-Security-Policy.
        context = browser.new_context(locale=locale, bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']})"
    )
    return result["violations"]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    summary = [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert not violations, f"{page.url}: {json.dumps(summary, indent=1, ensure_ascii=False)}"


def visit(page: Page, url: str, status: int = 200) -> None:
    """Open a page and check what every page must be: the expected status, French, one
    h1, and no axe violation."""
    response = page.goto(url)
    assert response is not None and response.status == status, url
    assert page.locator("html").get_attribute("lang") == "fr", url
    assert page.locator("h1").count() == 1, url
    assert_accessible(page)


def force_login(context: BrowserContext, live_server_url: str, user: Any) -> None:
    """Give the browser a logged-in session without going through the login form."""
    client = Client()
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie.value,
                "url": live_server_url,
            }
        ]
    )


def log_in_with_form(context: BrowserContext, live_server_url: str, user: Any) -> Page:
    """Log in through the real form, as someone whose address is verified."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page = context.new_page()
    page.goto(live_server_url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    assert "/accounts/" not in page.url, page.url
    return page


def submit(page: Page) -> None:
    """Submit the page's main form and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
