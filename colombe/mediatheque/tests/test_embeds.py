"""Links to video platforms: recognised, embedded without cookies, and nothing loaded from
the platform before the visitor presses "Play"."""

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Request, Route

from colombe.mediatheque.embeds import embed_for, link_host
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.tests.page_helpers import fetched_urls, make_item, page_of
from tests.browser import OpenContext, assert_accessible
from tests.personas import World

PEERTUBE_UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "http://www.youtube.com/embed/dQw4w9WgXcQ",
    ],
)
def test_youtube_plays_from_the_no_cookie_domain(url: str) -> None:
    embed = embed_for(url)
    assert embed is not None
    assert embed.platform == "YouTube"
    assert embed.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert embed.host == "www.youtube-nocookie.com"
    assert embed.page_url == url


@pytest.mark.parametrize(
    ("url", "embed_url"),
    [
        (
            "https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
            "https://peertube.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv?autoplay=1",
        ),
        (
            f"https://videos.example.net:8443/videos/watch/{PEERTUBE_UUID}",
            f"https://videos.example.net:8443/videos/embed/{PEERTUBE_UUID}?autoplay=1",
        ),
    ],
)
def test_peertube_on_any_host(url: str, embed_url: str) -> None:
    embed = embed_for(url)
    assert embed is not None and embed.platform == "PeerTube"
    assert embed.embed_url == embed_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.dailymotion.com/video/x8abc12",
        "https://dailymotion.com/video/x8abc12_journal-de-20h",
        "https://dai.ly/x8abc12",
    ],
)
def test_dailymotion(url: str) -> None:
    embed = embed_for(url)
    assert embed is not None and embed.platform == "Dailymotion"
    assert embed.embed_url == "https://www.dailymotion.com/embed/video/x8abc12?autoplay=1"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lemonde.fr/politique/article/2026/03/04/la-paix.html",
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
        "https://www.youtube.com/watch?v=too-short",
        "https://peertube.example.org/w/p/kkGMgK9ZtnKfYAgnEtQxbv",  # a playlist
        # Plain http: the Content-Security-Policy only lets https frames in.
        "http://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_other_links_are_not_embedded(url: str) -> None:
    assert embed_for(url) is None


def test_link_host_is_the_site_name() -> None:
    assert link_host("https://www.lemonde.fr/a/b.html") == "lemonde.fr"


def test_video_link_page_loads_nothing_from_the_platform(
    client: Client, world: World, english_pages: None
) -> None:
    item = make_item(world.bob, external_url="https://youtu.be/dQw4w9WgXcQ")
    page = page_of(client, item.get_absolute_url())
    assert "<iframe" not in page
    third_party = [url for url in fetched_urls(page) if url.startswith(("http:", "https:", "//"))]
    assert third_party == []
    assert "Play — loads the video from www.youtube-nocookie.com" in page
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in page
    # Without JavaScript: a plain link to the original page.
    assert 'href="https://youtu.be/dQw4w9WgXcQ"' in page
    assert "/static/mediatheque/embed.js" in page


def test_an_article_link_is_a_plain_link(client: Client, world: World, english_pages: None) -> None:
    url = "https://www.lemonde.fr/politique/article/2026/03/04/la-paix.html"
    item = make_item(world.bob, external_url=url)
    page = page_of(client, item.get_absolute_url())
    assert f'href="{url}"' in page
    assert "Read or watch it on lemonde.fr" in page
    assert "data-embed-src" not in page and "embed.js" not in page


def test_pages_allow_only_https_frames(client: Client, world: World) -> None:
    item = make_item(world.bob, kind=MediaItem.Kind.LINK)
    response = client.get(item.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "frame-src https:" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.slow
def test_the_player_is_loaded_only_on_click(
    live_server: Any, new_context: OpenContext, world: World
) -> None:
    item = make_item(world.bob, external_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page = new_context().new_page()
    outside: list[str] = []

    def record(request: Request) -> None:
        if not request.url.startswith(live_server.url):
            outside.append(request.url)

    def refuse(route: Route) -> None:
        route.abort()  # the test stays on this machine

    page.on("request", record)
    page.route("https://**/*", refuse)
    page.goto(live_server.url + item.get_absolute_url())
    assert_accessible(page)
    assert page.locator("iframe").count() == 0
    assert outside == []
    page.get_by_role("button", name="www.youtube-nocookie.com").click()
    frame = page.locator(".media-embed iframe")
    expected = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert frame.get_attribute("src") == expected
    assert frame.get_attribute("referrerpolicy") == "strict-origin"
    # The platform's player may run its scripts and go full screen, never navigate or
    # replace our page.
    sandbox = (frame.get_attribute("sandbox") or "").split()
    assert sorted(sandbox) == [
        "allow-popups",
        "allow-presentation",
        "allow-same-origin",
        "allow-scripts",
    ]
    assert frame.get_attribute("allow") == "autoplay; fullscreen; picture-in-picture"
    assert page.locator("[data-embed-play]").count() == 0
    assert page.get_by_role("link", name="YouTube").count() == 1
