"""Archive items made with the ORM for the tests of the archive's pages, and the form data
a person sends when filing one."""

import itertools
import re
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.markdown import render_markdown
from colombe.groups.models import Group
from colombe.mediatheque.models import MediaItem, Outlet, Theme

_numbers = itertools.count(1)

YOUTUBE_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
# An attribute that makes the browser fetch something: src, srcset, poster, data (object).
FETCHING_ATTRIBUTE_RE = re.compile(r"""\s(?:src|srcset|poster|data)=["']([^"']*)["']""")
VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nBonjour et bienvenue.\n"


def make_item(
    author: Any,
    *,
    title: str = "Reportage au journal de 20 h",
    published_on: date = date(2026, 3, 4),
    visibility: str = MediaItem.Visibility.PUBLIC,
    group: Group | None = None,
    kind: str = MediaItem.Kind.LINK,
    hashtags: tuple[str, ...] = (),
    themes: tuple[Theme, ...] = (),
    **fields: Any,
) -> MediaItem:
    if kind == MediaItem.Kind.LINK:
        fields.setdefault("external_url", YOUTUBE_URL)
    fields.setdefault("description_html", render_markdown(fields.get("description", "")))
    item = MediaItem.objects.create(
        kind=kind,
        title=title,
        slug=f"item-{next(_numbers)}-{published_on.isoformat()}",
        published_on=published_on,
        visibility=visibility,
        group=group,
        created_by=author,
        **fields,
    )
    if hashtags:
        item.hashtags.set(get_or_create_hashtags(list(hashtags)))
    if themes:
        item.themes.set(themes)
    return item


def make_ready_video(author: Any, **fields: Any) -> MediaItem:
    """A video as processing leaves it (the files' content does not matter to a page)."""
    item = make_item(author, kind=MediaItem.Kind.VIDEO, **fields)
    item.original.save("original.mp4", ContentFile(b"original"), save=False)
    item.rendition.save("rendition.mp4", ContentFile(b"rendition"), save=False)
    item.poster.save("poster.jpg", ContentFile(b"poster"), save=False)
    item.original_content_type = item.rendition_content_type = "video/mp4"
    item.processing = MediaItem.Processing.READY
    item.duration_seconds = 125
    item.save()
    return item


def make_outlet(name: str = "France 3 Rhône-Alpes", kind: str = Outlet.Kind.TV) -> Outlet:
    return Outlet.objects.create(name=name, slug=f"outlet-{next(_numbers)}", kind=kind)


def make_theme(name: str = "Désarmement") -> Theme:
    return Theme.objects.create(name=name, slug=f"theme-{next(_numbers)}")


def page_of(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def fetched_urls(page: str) -> list[str]:
    """What the browser would load by itself from this HTML (no click)."""
    return FETCHING_ATTRIBUTE_RE.findall(page)


def item_form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Débat sur France Bleu",
        "published_on": "2026-02-10",
        "outlet": "",
        "new_outlet_name": "",
        "new_outlet_kind": "",
        "territory": "",
        "description": "Un débat d'une heure sur le **désarmement**.",
        "rights": "Radio France, usage interne",
        "visibility": MediaItem.Visibility.PUBLIC,
        "group": "",
        "hashtags": "#paix",
        "external_url": "",
        **overrides,
    }
