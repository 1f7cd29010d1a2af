"""Playing media in the browser tests of the archive and the radio: tests.browser's
Chromium, allowed to start media from a script (the play button of the browser's own
player lives in a closed shadow DOM that a test cannot press), and a bounded wait for the
playing time to advance — the proof that the browser receives and decodes the media."""

from collections.abc import Iterator

from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import AXE_SCRIPT, CHROMIUM_ARGS
from tests.services import chromium_path, require_service

AUTOPLAY_ARGS = ["--autoplay-policy=no-user-gesture-required"]
PLAYBACK_TIMEOUT_MS = 15_000


def autoplay_browser() -> Iterator[Browser]:
    """The body of a module-scoped ``browser`` fixture that overrides tests.browser's."""
    executable = chromium_path()
    require_service("Chromium", executable is not None, "apt-get install chromium")
    require_service("axe-core", AXE_SCRIPT.exists(), "npm ci")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *AUTOPLAY_ARGS]
        )
        yield browser
        browser.close()


def assert_playing_time_advances(page: Page, selector: str, seconds: float = 0.5) -> None:
    """Start the media element and wait until it has played more than ``seconds``.
    play()'s promise is not awaited: for a stream that never starts it never settles,
    while the wait below is bounded."""
    page.locator(selector).evaluate("media => { media.play(); }")
    page.wait_for_function(
        "([selector, seconds]) => document.querySelector(selector).currentTime > seconds",
        arg=[selector, seconds],
        timeout=PLAYBACK_TIMEOUT_MS,
    )
