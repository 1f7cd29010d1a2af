"""The player page in a real browser, with a real Icecast on air (``tests/radio.py``): the
first figures come from the server, then static/radio/player.js keeps them up to date
from radio:now_playing — here a listener connects and the count on the page follows."""

import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from colombe.radio.streaming.icecast import fetch_status
from tests.browser import assert_accessible
from tests.radio import IcecastServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 15


@pytest.fixture
def listener(radio_settings: IcecastServer, radio_stream: IcecastServer) -> Iterator[Any]:
    """One listener reading the stream, as a player app would."""
    response = urllib.request.urlopen(radio_stream.stream_url, timeout=5)
    response.read(4096)
    try:
        yield response
    finally:
        response.close()


def listener_count(page: Page) -> str:
    return page.locator("[data-listener-count]").inner_text()


def wait_for_count(page: Page, expected: str) -> None:
    """Ask the page to poll now (as when its tab comes back into view) until it shows
    ``expected``: the server caches the status for two seconds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        page.wait_for_timeout(500)
        if listener_count(page) == expected:
            return
    raise AssertionError(f"the page shows {listener_count(page)} listeners, not {expected}")


def test_player_follows_the_listener_count(
    live_server: Any,
    new_context: Any,
    radio_settings: IcecastServer,
    radio_stream: IcecastServer,
    request: pytest.FixtureRequest,
) -> None:
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("radio:player"))

    assert page.locator("[data-status-unreachable]").is_hidden()
    assert listener_count(page) == "0"
    audio = page.locator("audio").first
    assert audio.get_attribute("src") == radio_stream.stream_url
    assert audio.get_attribute("preload") == "none"
    assert_accessible(page)

    request.getfixturevalue("listener")
    deadline = time.monotonic() + WAIT_SECONDS
    while fetch_status().listeners < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    wait_for_count(page, "1")
    assert page.locator("[data-status-details]").is_visible()
