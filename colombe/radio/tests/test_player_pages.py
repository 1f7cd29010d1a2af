"""The listeners' pages, without an account: the player, a show, an episode, its audio
(with byte ranges) and the artwork. Icecast is not running: the player says so."""

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.radio import programme
from colombe.radio.models import Show
from colombe.radio.tests.radio_helpers import (
    as_user,
    body_of,
    image_upload,
    make_episode,
    make_show,
    make_slot,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


@pytest.fixture
def show(world: World, tmp_path: Path) -> Show:
    """On the programme today at 23:58 (so it is "next"), with a replay and a draft."""
    show = make_show(description="Les comités **racontent** leurs actions.")
    show.description_html = "<p>Les comités <strong>racontent</strong> leurs actions.</p>"
    show.save()
    show.presenters.add(world.bob)
    today = timezone.localdate()
    make_slot(show, today.weekday(), time(23, 58), 1)
    make_episode(
        show,
        1,
        audio_file=mp3_clip(tmp_path),
        airs_at=timezone.now() - timedelta(days=7),
        title="Désarmer la peur",
    )
    make_episode(show, 2, audio_file=mp3_clip(tmp_path), published=False, title="Brouillon Pétrel")
    return show


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_player_works_without_an_account_and_says_the_stream_is_down(
    client: Client, show: Show, english_pages: None
) -> None:
    html = page(client, reverse("radio:player"))

    audio = re.search(r"<audio [^>]*>", html)
    assert audio is not None
    assert "controls" in audio.group(0) and 'preload="none"' in audio.group(0)
    assert f'src="{settings.RADIO_PUBLIC_STREAM_URL}"' in audio.group(0)
    assert "The stream is not reachable right now." in html
    # The updates come from a static script; no script is written into the page.
    assert "radio/player.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert 'data-now-playing-url="/radio/' in html


def test_player_shows_today_programme_next_show_shows_and_replays(
    client: Client, show: Show, english_pages: None
) -> None:
    html = page(client, reverse("radio:player"))

    today = html.split('id="today-title"')[1].split("</section>")[0]
    assert "La voix des comités" in today and "23:58" in today
    assert "Next show:" in html
    assert f'href="{show.get_absolute_url()}"' in html
    replays = html.split('id="replays-title"')[1]
    assert "Désarmer la peur" in replays
    assert reverse("radio:episode_audio", args=[show.slug, 1]) in replays
    assert "Brouillon Pétrel" not in html


def test_player_marks_the_show_on_air(client: Client, world: World, english_pages: None) -> None:
    show = make_show()
    started = timezone.localtime() - timedelta(minutes=5)
    make_slot(show, started.weekday(), started.time(), 30)
    assert programme.current_slot(timezone.now()) is not None

    html = page(client, reverse("radio:player"))

    assert "On air:" in html
    if started.date() == timezone.localdate():  # else it is yesterday's slot, past midnight
        assert 'aria-current="true"' in html


def test_player_page_queries_do_not_grow_with_shows(
    client: Client, show: Show, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    for number in range(3, 9):
        other = make_show(f"Émission {number}", f"emission-{number}")
        make_slot(other, number % 7, time(6, number), 1)
        make_episode(
            other, 1, audio_file=mp3_clip(tmp_path), airs_at=timezone.now() - timedelta(days=1)
        )
    with django_assert_max_num_queries(7):
        page(client, reverse("radio:player"))


def test_show_page_for_listeners(client: Client, show: Show, english_pages: None) -> None:
    html = page(client, show.get_absolute_url())

    assert "<strong>racontent</strong>" in html
    assert "Bob" in html and "bob@example.org" not in html  # display names only
    assert "23:58" in html
    feed = reverse("radio:feed", args=[show.slug])
    assert '<link rel="alternate" type="application/rss+xml"' in html and feed in html
    assert "Désarmer la peur" in html
    assert re.search(
        r'<audio controls preload="none" src="/radio/emissions/voix/1/audio.mp3"', html
    )
    assert "Brouillon Pétrel" not in html
    assert "Add an episode" not in html


def test_draft_audio_is_not_kept_in_shared_caches(client: Client, world: World, show: Show) -> None:
    as_user(client, world.bob)
    response = client.get(reverse("radio:episode_audio", args=[show.slug, 2]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_show_page_lists_drafts_for_its_presenters(
    client: Client, world: World, show: Show
) -> None:
    as_user(client, world.bob)
    html = page(client, show.get_absolute_url())
    assert "Brouillon Pétrel" in html
    assert reverse("radio:episode_create", args=[show.slug]) in html


def test_show_episodes_are_paginated(client: Client, db: None, tmp_path: Path) -> None:
    show = make_show()
    audio = mp3_clip(tmp_path)
    for number in range(1, 13):
        make_episode(
            show, number, audio_file=audio, airs_at=timezone.now() - timedelta(days=number)
        )
    first = page(client, show.get_absolute_url())
    second = page(client, show.get_absolute_url() + "?page=2")
    assert first.count('class="episode-item"') == 10
    assert second.count('class="episode-item"') == 2
    assert "Épisode 12" in first and "Épisode 1<" in second


@pytest.mark.parametrize(
    ("persona", "published", "draft"),
    [
        (None, 200, 404),
        ("eve", 200, 404),
        ("charlie", 200, 404),
        ("bob", 200, 200),
        ("alice", 200, 200),
    ],
)
def test_episode_page_per_persona(
    client: Client, world: World, show: Show, persona: str | None, published: int, draft: int
) -> None:
    as_user(client, getattr(world, persona) if persona else None)
    for number, expected in [(1, published), (2, draft)]:
        for name in ("radio:episode", "radio:episode_audio"):
            response = client.get(reverse(name, args=[show.slug, number]))
            assert response.status_code == expected, (persona, name, number)
            if expected == 404:
                assert "Brouillon Pétrel" not in response.content.decode(errors="replace")


def test_episode_page_has_player_and_download(
    client: Client, show: Show, english_pages: None
) -> None:
    html = page(client, reverse("radio:episode", args=[show.slug, 1]))
    audio_url = reverse("radio:episode_audio", args=[show.slug, 1])
    assert f'<audio controls preload="none" src="{audio_url}">' in html
    assert f'href="{audio_url}" download' in html
    assert "Download the episode (MP3)" in html


def test_episode_audio_is_served_with_byte_ranges(client: Client, show: Show) -> None:
    url = reverse("radio:episode_audio", args=[show.slug, 1])
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/mpeg"
    assert whole["Accept-Ranges"] == "bytes"
    data = body_of(whole)
    assert data[:3] == b"ID3" or data[0] == 0xFF

    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert body_of(part) == data[100:200]

    assert client.get(url, HTTP_RANGE=f"bytes={len(data) + 10}-").status_code == 416
    assert whole["Cache-Control"] == "public, max-age=3600"  # published: anyone may keep it
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_an_episode_without_ready_audio_has_no_audio_url(client: Client, db: None) -> None:
    show = make_show()
    make_episode(show, 1)
    assert client.get(reverse("radio:episode_audio", args=[show.slug, 1])).status_code == 404
    assert page(client, reverse("radio:episode", args=[show.slug, 1])).count("<audio") == 0


def test_artwork_is_served(client: Client, show: Show) -> None:
    url = reverse("radio:artwork", args=[show.slug])
    assert client.get(url).status_code == 404
    show.artwork.save("art.jpg", ContentFile(image_upload((1400, 1400)).read()))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert body_of(response).startswith(b"\xff\xd8")
    html = page(client, show.get_absolute_url())
    assert f'src="{url}"' in html


def test_unknown_show_and_episode_are_404(client: Client, show: Show) -> None:
    assert client.get(reverse("radio:show", args=["inconnue"])).status_code == 404
    assert client.get(reverse("radio:episode", args=[show.slug, 99])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 404), ("eve", 404), ("charlie", 404), ("bob", 200), ("alice", 200)],
)
def test_an_episode_before_its_air_time_is_only_for_its_editors(
    client: Client, world: World, show: Show, tmp_path: Path, persona: str | None, expected: int
) -> None:
    """Published for next week: the next number must not answer before it airs, and its
    audio is never kept by a shared cache."""
    make_episode(
        show,
        3,
        audio_file=mp3_clip(tmp_path),
        airs_at=timezone.now() + timedelta(days=7),
        title="Embargo Sterne",
    )
    as_user(client, getattr(world, persona) if persona else None)
    page_response = client.get(reverse("radio:episode", args=[show.slug, 3]))
    audio = client.get(reverse("radio:episode_audio", args=[show.slug, 3]))
    assert (page_response.status_code, audio.status_code) == (expected, expected)
    if expected == 200:
        assert audio["Cache-Control"] == "private, no-store"
    else:
        assert "Embargo Sterne" not in page(client, show.get_absolute_url())
        assert "Embargo Sterne" not in page(client, reverse("radio:player"))


def test_today_programme_names_an_episode_only_once_it_may_be_heard(
    client: Client, world: World, show: Show, tmp_path: Path
) -> None:
    """The episode planned in tonight's slot (23:58) is not named, nor linked, before its
    air time, except to its presenters."""
    tonight = timezone.make_aware(
        datetime.combine(timezone.localdate(), time(23, 58)), timezone.get_default_timezone()
    )
    make_episode(show, 3, audio_file=mp3_clip(tmp_path), airs_at=tonight, title="Ce soir Sterne")
    aired = tonight <= timezone.now()  # run in the last two minutes of the day
    anonymous = todays_programme(page(client, reverse("radio:player")))
    assert "La voix des comités" in anonymous
    assert ("Ce soir Sterne" in anonymous) == aired
    as_user(client, world.bob)
    assert "Ce soir Sterne" in todays_programme(page(client, reverse("radio:player")))


def todays_programme(html: str) -> str:
    return html.split('id="today-title"')[1].split("</section>")[0]
