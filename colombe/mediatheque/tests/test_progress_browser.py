"""progress.js in a real browser: the uploader's item page follows the conversion without
being reloaded by hand, and shows the player once it is done."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from colombe.mediatheque.clips import make_video_clip
from colombe.mediatheque.models import MediaItem
from tests.browser import OpenContext, force_login
from tests.personas import World
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

Processing = MediaItem.Processing


def running_item(world: World, clip: Path) -> MediaItem:
    item = MediaItem(
        kind=MediaItem.Kind.VIDEO,
        title="Reportage de France 3",
        slug="reportage-france-3-2026-03-01",
        published_on=datetime.date(2026, 3, 1),
        visibility=MediaItem.Visibility.MEMBERS,
        original_name=clip.name,
        original_content_type="video/mp4",
        original_size=clip.stat().st_size,
        processing=Processing.RUNNING,
        processing_progress=10,
        created_by=world.bob,
    )
    with clip.open("rb") as content:
        item.original.save(clip.name, File(content), save=False)
    item.save()
    return item


def test_the_page_follows_the_conversion_and_shows_the_player_when_done(
    live_server: LiveServer,
    new_context: OpenContext,
    world: World,
    settings: Any,
    tmp_path: Path,
) -> None:
    require_ffmpeg()
    settings.MEDIA_ROOT = tmp_path / "media"
    clip = make_video_clip(tmp_path / "reportage.mp4", seconds=1)
    item = running_item(world, clip)
    context = new_context()
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    page.goto(live_server.url + reverse("mediatheque:detail", args=[item.slug]))
    bar = page.locator("[data-progress-url] progress")
    expect(bar).to_have_js_property("value", 10)

    MediaItem.objects.filter(pk=item.pk).update(processing_progress=55)

    expect(bar).to_have_js_property("value", 55)
    expect(page.locator("[data-progress-status]")).to_contain_text("55")

    with clip.open("rb") as content:
        item.rendition.save("rendition.mp4", File(content), save=False)
    MediaItem.objects.filter(pk=item.pk).update(
        processing=Processing.READY,
        processing_progress=100,
        rendition=item.rendition.name,
        rendition_content_type="video/mp4",
        rendition_size=clip.stat().st_size,
    )

    expect(page.locator("video")).to_be_visible()
    expect(page.locator("[data-progress-url]")).to_have_count(0)
