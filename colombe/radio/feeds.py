"""A podcast feed per show (RSS 2.0 with the iTunes namespace, written by feedgen).

Podcast apps identify an episode by its GUID for ever, download the enclosure with the
length announced (so it must be the file's real size) and show the artwork if it is a
square of 1400 to 3000 pixels (checked when it is uploaded). Only replays are listed:
published, audio ready, and already on air.

Every text goes through ``xml_safe``: one control character saved before the forms
refused them would otherwise make the feed an error for every subscriber."""

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from colombe.core import policy
from colombe.radio import programme
from colombe.radio.models import Episode, Show
from colombe.radio.xml_text import xml_safe

# From Apple's list of podcast categories: a movement's own radio talks about society.
CATEGORY = "Society & Culture"
MAX_EPISODES = 300

AbsoluteUrl = Callable[[str], str]


def podcast_feed(show: Show, *, absolute: AbsoluteUrl) -> bytes:
    """The RSS document of ``show``; ``absolute`` turns a path into a full URL."""
    generator = channel(show, absolute)
    episodes = programme.released(policy.visible(Episode, AnonymousUser()), timezone.now())
    # feedgen prepends entries by default; appending keeps the newest first.
    for episode in episodes.filter(show=show)[:MAX_EPISODES]:
        add_episode(generator, episode, absolute)
    return generator.rss_str(pretty=True)


def plain_description(markdown: str, fallback: str) -> str:
    """Markdown reads well as plain text; the HTML made from it would carry links
    relative to this site, broken in a podcast app."""
    text = xml_safe(strip_tags(markdown)).strip()
    return text or fallback


def channel(show: Show, absolute: AbsoluteUrl) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("podcast")
    title = xml_safe(show.title)
    generator.title(title)
    # feedgen writes the LAST link given as the RSS <link>: the show's page goes last.
    generator.link(href=absolute(reverse("radio:feed", args=[show.slug])), rel="self")
    generator.link(href=absolute(show.get_absolute_url()), rel="alternate")
    generator.description(
        plain_description(
            show.description, _("A show of Radio Colombe: %(title)s") % {"title": title}
        )
    )
    generator.language(show.language)
    podcast = generator.podcast
    podcast.itunes_author(xml_safe(show.author))
    podcast.itunes_category(CATEGORY)
    podcast.itunes_explicit("yes" if show.explicit else "no")
    if show.artwork:
        artwork_url = absolute(reverse("radio:artwork", args=[show.slug]))
        podcast.itunes_image(artwork_url)
        generator.image(url=artwork_url, title=title, link=absolute(show.get_absolute_url()))
    return generator


def add_episode(generator: FeedGenerator, episode: Episode, absolute: AbsoluteUrl) -> None:
    try:
        length = episode.audio.size  # the real size on disk, not a figure kept aside
    except OSError:
        return  # a file lost from storage: better no item than a broken download
    entry = generator.add_entry(order="append")
    title = xml_safe(episode.title)
    entry.title(title)
    entry.guid(str(episode.guid), permalink=False)
    entry.link(href=absolute(episode.get_absolute_url()))
    entry.description(plain_description(episode.description, title))
    entry.pubDate(publication_date(episode))
    audio_url = absolute(reverse("radio:episode_audio", args=[episode.show.slug, episode.number]))
    entry.enclosure(audio_url, str(length), episode.audio_content_type or "audio/mpeg")
    podcast = entry.podcast
    if episode.duration_seconds:
        podcast.itunes_duration(episode.duration_seconds)
    podcast.itunes_episode(episode.number)


def publication_date(episode: Episode) -> datetime:
    """When it was on air; when it was published for a podcast-only episode."""
    return episode.airs_at or episode.published_at or episode.created_at
