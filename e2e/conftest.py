"""Browser tests: Playwright (Python) driving Debian's chromium, with axe-core from npm."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
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


OpenContext = Callable[..., BrowserContext]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    require_service("Chromium", executable is not None, "apt-get install chromium")
    require_service("axe-core", AXE_SCRIPT.exists(), "npm ci")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


def force_login(context: BrowserContext, live_server_url: str, user: Any) -> None:
    """Give the browser a logged-in session without going through the login form (the
    form itself is tested in the accounts app and in the secret-group story)."""
    from django.conf import settings
    from django.test import Client

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
