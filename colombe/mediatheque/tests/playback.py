"""Playing media in the browser tests of the archive and the radio: tests.browser's
Chromium, allowed to start media from a script (the play button of the browser's own
player lives in a closed shadow DOM that a test cannot press), and a bounded wait for the
playing time to advance — the proof that the browser receives and decodes the media."""

from collections.abc import Iterator

from playwright.sync_api import Browser, Page, ViewportSize

from tests.browser import launch_chromium

AUTOPLAY_ARGS = ["--autoplay-policy=no-user-gesture-required"]
PLAYBACK_TIMEOUT_MS = 15_000
PHONE: ViewportSize = {"width": 390, "height": 844}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def autoplay_browser() -> Iterator[Browser]:
    """The body of a module-scoped ``browser`` fixture that overrides tests.browser's."""
    yield from launch_chromium(*AUTOPLAY_ARGS)


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
