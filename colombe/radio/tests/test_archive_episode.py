"""Keeping a replay in La mémoire, in one click: a public audio item, ready to play at
once, from Radio Colombe; a second click leads to the same item."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.mediatheque.models import MediaItem, Outlet
from colombe.radio.models import Episode, Show
from colombe.radio.tests.radio_helpers import (
    as_user,
    body_of,
    make_episode,
    make_show,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World

pytestmark = pytest.mark.django_db

AIRED = datetime.fromisoformat("2026-01-06T23:30:00+01:00")  # late on Tuesday in Paris


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


@pytest.fixture
def show(world: World) -> Show:
    show = make_show()
    show.presenters.add(world.bob)
    return show


@pytest.fixture
def episode(show: Show, tmp_path: Path) -> Episode:
    return make_episode(
        show,
        3,
        audio_file=mp3_clip(tmp_path, 2, 480),
        airs_at=AIRED,
        title="Désarmer la peur",
        description="Avec le comité de Lyon.",
        description_html="<p>Avec le comité de Lyon.</p>",
    )


def archive_url(episode: Episode) -> str:
    return reverse("radio:archive_episode", args=[episode.show.slug, episode.number])


def test_archive_a_replay_in_one_click(client: Client, world: World, episode: Episode) -> None:
    as_user(client, world.bob)

    response = client.post(archive_url(episode))

    item = MediaItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.kind == MediaItem.Kind.AUDIO
    assert item.visibility == MediaItem.Visibility.PUBLIC
    assert item.title == "La voix des comités — Désarmer la peur"
    assert item.published_on.isoformat() == "2026-01-06"  # the Paris date it was on air
    assert item.outlet is not None
    assert (item.outlet.name, item.outlet.kind) == ("Radio Colombe", Outlet.Kind.RADIO)
    assert item.processing == MediaItem.Processing.READY
    assert item.duration_seconds == episode.duration_seconds
    assert item.description_html == "<p>Avec le comité de Lyon.</p>"
    audio = Path(episode.audio.path).read_bytes()
    for stored in (item.original, item.rendition):
        assert Path(stored.path).read_bytes() == audio
    assert item.original.name != item.rendition.name  # two copies
    assert (item.original_size, item.rendition_size) == (len(audio), len(audio))
    assert item.rendition_content_type == "audio/mpeg"
    assert item.created_by == world.bob
    episode.refresh_from_db()
    assert episode.archived_as == item


def test_the_replay_plays_for_anyone(client: Client, world: World, episode: Episode) -> None:
    as_user(client, world.bob)
    client.post(archive_url(episode))
    item = MediaItem.objects.get()
    client.logout()
    assert client.get(item.get_absolute_url()).status_code == 200
    served = client.get(reverse("mediatheque:file", args=[item.slug, "rendition"]))
    assert served.status_code == 200
    assert body_of(served) == Path(episode.audio.path).read_bytes()


def test_a_second_click_leads_to_the_same_item(
    client: Client, world: World, episode: Episode, english_pages: None
) -> None:
    as_user(client, world.bob)
    client.post(archive_url(episode))
    response = client.post(archive_url(episode), follow=True)
    assert MediaItem.objects.count() == 1
    item = MediaItem.objects.get()
    assert response.redirect_chain[-1][0] == item.get_absolute_url()
    assert "already in La mémoire" in response.content.decode()
    # The episode's page links to it instead of offering the button again.
    page = client.get(episode.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in page
    assert archive_url(episode) not in page


def test_a_draft_is_not_archived(
    client: Client, world: World, show: Show, tmp_path: Path, english_pages: None
) -> None:
    draft = make_episode(show, 1, audio_file=mp3_clip(tmp_path), published=False)
    as_user(client, world.bob)
    response = client.post(archive_url(draft), follow=True)
    assert "Only a published episode" in response.content.decode()
    assert not MediaItem.objects.exists()


def test_only_the_show_presenters_and_admins_archive(
    client: Client, world: World, episode: Episode
) -> None:
    url = archive_url(episode)
    assert "/login/" in client.post(url)["Location"]
    as_user(client, world.charlie)
    assert client.post(url).status_code == 403
    as_user(client, world.bob)
    assert client.get(url).status_code == 405
    assert not MediaItem.objects.exists()
    as_user(client, world.alice)
    assert client.post(url).status_code == 302
    assert MediaItem.objects.count() == 1


def test_an_episode_is_archived_only_once_it_has_been_on_air(
    client: Client, world: World, show: Show, tmp_path: Path, english_pages: None
) -> None:
    """The replay is public in La mémoire: made before the air time, it would give the
    episode away."""
    upcoming = make_episode(
        show, 1, audio_file=mp3_clip(tmp_path), airs_at=timezone.now() + timedelta(days=7)
    )
    as_user(client, world.bob)
    assert archive_url(upcoming) not in client.get(upcoming.get_absolute_url()).content.decode()
    response = client.post(archive_url(upcoming), follow=True)
    assert "once it has been on air" in response.content.decode()
    assert not MediaItem.objects.exists()
