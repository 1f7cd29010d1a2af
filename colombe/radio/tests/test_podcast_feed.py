"""The podcast feed of a show, read as a podcast app reads it: RSS 2.0 with the iTunes
tags, one item per replay with its GUID and an enclosure whose length is the real size of
the file served at its URL."""

import os
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from colombe.mediatheque.models import MediaItem
from colombe.radio.models import Episode, Show
from colombe.radio.tests.radio_helpers import (
    as_user,
    body_of,
    image_upload,
    make_episode,
    make_show,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World

pytestmark = pytest.mark.django_db

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"itunes": ITUNES, "atom": ATOM}
SERVER = "http://testserver"


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


@pytest.fixture
def show(world: World, tmp_path: Path) -> Show:
    """A show with artwork, two replays, a draft, an episode planned for next week and
    one whose audio is still being converted."""
    show = make_show(description="Les comités racontent leurs actions.", author="Radio Colombe")
    show.presenters.add(world.bob)
    show.artwork.save("art.jpg", ContentFile(image_upload((1400, 1400)).read()))
    now = timezone.now()
    make_episode(show, 1, audio_file=mp3_clip(tmp_path, 2, 440), airs_at=now - timedelta(days=14))
    make_episode(
        show,
        2,
        audio_file=mp3_clip(tmp_path, 3, 660),
        airs_at=now - timedelta(days=7),
        title="Désarmer la peur",
        description="Avec le comité de Lyon.",
    )
    make_episode(
        show, 3, audio_file=mp3_clip(tmp_path, 2, 550), published=False, title="Brouillon secret"
    )
    make_episode(
        show,
        4,
        audio_file=mp3_clip(tmp_path, 2, 770),
        airs_at=now + timedelta(days=7),
        title="À venir",
    )
    make_episode(
        show,
        5,
        airs_at=now - timedelta(days=1),
        title="En conversion",
        processing=MediaItem.Processing.RUNNING,
        audio="radio/episodes/en-conversion.mp4",
    )
    return show


def read_feed(client: Client, show: Show) -> etree._Element:
    response = client.get(reverse("radio:feed", args=[show.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = etree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root


def text(element: etree._Element, path: str) -> str:
    found = element.find(path, NS)
    assert found is not None, f"{path} is missing"
    return found.text or ""


def test_channel_has_the_tags_podcast_apps_require(client: Client, show: Show) -> None:
    channel = read_feed(client, show).find("channel")
    assert channel is not None

    assert text(channel, "title") == "La voix des comités"
    assert text(channel, "link") == f"{SERVER}/radio/emissions/voix/"
    assert text(channel, "description") == "Les comités racontent leurs actions."
    assert text(channel, "language") == "fr"
    assert text(channel, "itunes:author") == "Radio Colombe"
    assert text(channel, "itunes:explicit") == "no"
    category = channel.find("itunes:category", NS)
    assert category is not None and category.get("text") == "Society & Culture"
    image = channel.find("itunes:image", NS)
    assert image is not None
    assert image.get("href") == f"{SERVER}/radio/emissions/voix/artwork.jpg"
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link is not None
    assert self_link.get("href") == f"{SERVER}/radio/emissions/voix/podcast.xml"


def test_artwork_in_the_feed_is_served_as_a_square_jpeg(client: Client, show: Show) -> None:
    response = client.get(reverse("radio:artwork", args=[show.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body_of(response).startswith(b"\xff\xd8")


def test_items_are_the_replays_with_guid_date_and_real_enclosure(
    client: Client, show: Show
) -> None:
    channel = read_feed(client, show).find("channel")
    assert channel is not None
    items = channel.findall("item")
    episodes = {episode.number: episode for episode in show.episodes.all()}

    # Newest first; drafts, next week's episode and one still converting are left out.
    assert [text(item, "title") for item in items] == ["Désarmer la peur", "Épisode 1"]
    for item, number in zip(items, [2, 1], strict=True):
        episode = episodes[number]
        guid = item.find("guid")
        assert guid is not None and guid.text == str(episode.guid)
        assert guid.get("isPermaLink") == "false"
        assert episode.airs_at is not None
        assert parsedate_to_datetime(text(item, "pubDate")) == episode.airs_at.replace(
            microsecond=0
        )
        assert text(item, "itunes:duration") == "2"
        enclosure = item.find("enclosure")
        assert enclosure is not None
        url = f"{SERVER}/radio/emissions/voix/{number}/audio.mp3"
        assert enclosure.get("url") == url
        assert enclosure.get("type") == "audio/mpeg"
        assert int(enclosure.get("length", "0")) == os.path.getsize(episode.audio.path)
        served = client.get(url.removeprefix(SERVER))
        assert served.status_code == 200
        body = body_of(served)
        assert len(body) == int(enclosure.get("length", "0"))
        assert body == Path(episode.audio.path).read_bytes()
    assert text(items[0], "description") == "Avec le comité de Lyon."


def test_the_feed_is_the_same_for_a_presenter(client: Client, world: World, show: Show) -> None:
    """Feeds are fetched without cookies and shared: a presenter's session adds nothing."""
    as_user(client, world.bob)
    body = etree.tostring(read_feed(client, show)).decode()
    assert "Brouillon secret" not in body
    assert "À venir" not in body


def test_explicit_show_and_show_without_artwork(client: Client) -> None:
    show = make_show("Nuit blanche", "nuit", explicit=True)
    channel = read_feed(client, show).find("channel")
    assert channel is not None
    assert text(channel, "itunes:explicit") == "yes"
    assert channel.find("itunes:image", NS) is None
    # An empty description still gives podcast apps something to show.
    assert "Nuit blanche" in text(channel, "description")
    assert client.get(reverse("radio:artwork", args=[show.slug])).status_code == 404


def test_unknown_show_has_no_feed(client: Client, db: None) -> None:
    assert client.get(reverse("radio:feed", args=["inconnue"])).status_code == 404


def test_an_episode_whose_file_is_lost_is_left_out(client: Client, show: Show) -> None:
    lost = Episode.objects.get(show=show, number=1)
    os.remove(lost.audio.path)
    channel = read_feed(client, show).find("channel")
    assert channel is not None
    assert [text(item, "title") for item in channel.findall("item")] == ["Désarmer la peur"]


def test_publication_date_of_a_podcast_only_episode(client: Client, tmp_path: Path) -> None:
    show = make_show()
    published_at = datetime.fromisoformat("2026-02-03T09:30:00+01:00")
    episode = make_episode(show, 1, audio_file=mp3_clip(tmp_path))
    Episode.objects.filter(pk=episode.pk).update(published_at=published_at)
    channel = read_feed(client, show).find("channel")
    assert channel is not None
    (item,) = channel.findall("item")
    assert parsedate_to_datetime(text(item, "pubDate")) == published_at


def test_control_characters_saved_before_the_forms_refused_them_do_not_break_the_feed(
    client: Client, show: Show
) -> None:
    """XML cannot carry most control characters: one pasted into a title must not turn
    the feed into an error for every subscriber. (No NUL here: PostgreSQL refuses to
    store it at all.)"""
    Show.objects.filter(pk=show.pk).update(
        title="La voix\x0b des comités", description="Les\x01 comités\x1f racontent.\ufffe"
    )
    Episode.objects.filter(show=show, number=2).update(
        title="Désarmer\x0b la peur", description="Avec\x08 le comité\ttab\nde Lyon."
    )
    Show.objects.filter(pk=show.pk).update(author="Radio\x0c Colombe")
    show.refresh_from_db()

    channel = read_feed(client, show).find("channel")

    assert channel is not None
    assert text(channel, "title") == "La voix des comités"
    assert text(channel, "description") == "Les comités racontent."
    assert text(channel, "itunes:author") == "Radio Colombe"
    items = channel.findall("item")
    assert text(items[0], "title") == "Désarmer la peur"
    assert text(items[0], "description") == "Avec le comité\ttab\nde Lyon."
