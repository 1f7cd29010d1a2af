"""Filing a video from a phone, in French: Charlie (a member of the Lyon committee) logs
in, uploads a short generated clip through the add form on a 390-px-wide screen, sees its
conversion waiting and then done, plays it in the browser's own player (its time
advances), and finds it on the timeline. No page has an axe-core violation."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from colombe.mediatheque.clips import make_video_clip
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.processing import process_item
from colombe.mediatheque.tests.playback import (
    NO_OVERFLOW,
    PHONE,
    assert_playing_time_advances,
    autoplay_browser,
)
from tests.browser import OpenContext, assert_accessible, log_in_with_form, submit, visit
from tests.personas import World
from tests.services import require_service

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The page polls the conversion every 2 s and reloads itself once it is done.
RELOAD_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from autoplay_browser()


@pytest.fixture
def queued_tasks(settings: Any, tmp_path: Path) -> None:
    """Conversions wait in a queue that only the test empties, so that the page shows
    the waiting item before the player (the immediate backend would convert during the
    upload request)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "media"],
        }
    }


def test_member_uploads_a_clip_sees_it_converted_and_plays_it_on_a_phone(
    live_server: LiveServer,
    new_context: OpenContext,
    world: World,
    queued_tasks: None,
    tmp_path: Path,
) -> None:
    require_service(
        "ffmpeg", shutil.which(settings.FFMPEG_BINARY) is not None, "apt-get install ffmpeg"
    )
    clip = make_video_clip(tmp_path / "reportage.mp4", 3, title="Journal régional")
    context = new_context()
    page = log_in_with_form(context, live_server.url, world.charlie)
    page.set_viewport_size(PHONE)

    visit(page, live_server.url + reverse("mediatheque:add"))
    assert page.evaluate(NO_OVERFLOW)
    page.set_input_files("#id_file", str(clip))
    page.fill("#id_title", "Le comité au journal régional")
    page.fill("#id_published_on", timezone.localdate().isoformat())
    page.fill("#id_hashtags", "#désarmement")
    submit(page)

    item = MediaItem.objects.get()
    assert item.kind == MediaItem.Kind.VIDEO
    assert item.processing == MediaItem.Processing.PENDING
    assert page.url == live_server.url + item.get_absolute_url()
    progress = page.locator(".media-progress progress")
    assert progress.is_visible() and progress.get_attribute("value") == "0"
    assert page.locator("[data-progress-status]").inner_text().endswith("0 %")
    assert_accessible(page)
    assert page.evaluate(NO_OVERFLOW)

    # The worker's turn: the page, polling, reloads itself with the player.
    assert process_item(item).processing == MediaItem.Processing.READY
    video = page.locator("video.media-player")
    video.wait_for(timeout=RELOAD_TIMEOUT_MS)
    assert page.locator(".media-progress").count() == 0
    assert video.get_attribute("poster")
    assert_accessible(page)
    assert page.evaluate(NO_OVERFLOW)
    assert_playing_time_advances(page, "video.media-player")
    assert page.evaluate("document.querySelector('video.media-player').videoWidth") == 320

    visit(page, live_server.url + reverse("mediatheque:index"))
    assert page.locator(f"a[href='{item.get_absolute_url()}']").count() >= 1
    assert page.evaluate(NO_OVERFLOW)
