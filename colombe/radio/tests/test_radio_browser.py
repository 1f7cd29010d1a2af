"""Listening to Radio Colombe without an account: an anonymous visitor opens /radio/ (in
French, on a computer and on a 390-px-wide phone), presses play, and the stream the real
chain broadcasts — Liquidsoap feeding Icecast (``tests/radio.py``) — starts: the audio
element's time advances and Icecast counts the browser as a listener. No axe-core
violation."""

import time as clock
from collections.abc import Iterator
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from colombe.mediatheque.tests.playback import (
    NO_OVERFLOW,
    PHONE,
    assert_playing_time_advances,
    autoplay_browser,
)
from colombe.radio.models import ScheduleSlot, Show
from colombe.radio.streaming.icecast import fetch_status
from tests.browser import OpenContext, assert_accessible, visit
from tests.radio import RadioChain

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LISTENER_WAIT_SECONDS = 10


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from autoplay_browser()


def wait_for_listeners(count: int) -> int:
    """Icecast's listener count, once it reaches ``count`` (or after the bounded wait)."""
    deadline = clock.monotonic() + LISTENER_WAIT_SECONDS
    listeners = fetch_status().listeners
    while listeners < count and clock.monotonic() < deadline:
        clock.sleep(0.2)
        listeners = fetch_status().listeners
    return listeners


def test_anonymous_visitor_hears_the_stream_start(
    live_server: LiveServer, new_context: OpenContext, radio_chain_settings: RadioChain
) -> None:
    # Something on today's programme, so that the page is shown with its full content.
    show = Show.objects.create(title="La voix des comités", slug="la-voix-des-comites")
    ScheduleSlot.objects.create(
        show=show, weekday=timezone.localdate().weekday(), starts_at=time(23, 0)
    )
    page = new_context().new_page()
    visit(page, live_server.url + reverse("radio:player"))
    assert page.get_by_role("link", name="La voix des comités").count() >= 1
    audio = page.locator("main audio")
    assert audio.get_attribute("src") == radio_chain_settings.stream_url
    assert wait_for_listeners(0) == 0

    assert_playing_time_advances(page, "main audio", seconds=1.0)
    assert wait_for_listeners(1) == 1
    assert not page.evaluate("document.querySelector('main audio').paused")

    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_OVERFLOW)
    assert_accessible(page)
