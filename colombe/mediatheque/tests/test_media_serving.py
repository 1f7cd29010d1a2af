"""An item's files are served through the permission policy, with byte ranges (a player
seeks without downloading everything), and its processing progress to its editors."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from colombe.mediatheque.models import MediaItem, Subtitle
from tests.personas import SECRET_GROUP_NAME, World

Audience = MediaItem.Visibility
RENDITION = bytes(range(256)) * 40  # 10,240 bytes, each position recognisable


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored files go to the test's folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def ready_item(
    slug: str,
    visibility: str = Audience.PUBLIC,
    kind: str = MediaItem.Kind.VIDEO,
    **fields: Any,
) -> MediaItem:
    fields.setdefault("original_name", "Reportage France 3.mov")
    fields.setdefault("original_content_type", "video/quicktime")
    item = MediaItem(
        kind=kind,
        title=slug,
        slug=slug,
        published_on=datetime.date(2026, 3, 1),
        visibility=visibility,
        rendition_content_type="video/mp4",
        processing=MediaItem.Processing.READY,
        processing_progress=100,
        **fields,
    )
    item.original.save("original.mov", ContentFile(b"original bytes"), save=False)
    item.rendition.save("rendition.mp4", ContentFile(RENDITION), save=False)
    item.poster.save("poster.jpg", ContentFile(b"\xff\xd8\xff poster"), save=False)
    item.rendition_size = len(RENDITION)
    item.save()
    return item


def add_subtitle(item: MediaItem, language: str = "fr") -> Subtitle:
    track = Subtitle(item=item, language=language, label="Français")
    track.file.save("fr.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n"))
    return track


def file_url(item: MediaItem, which: str = "rendition") -> str:
    return reverse("mediatheque:file", args=[item.slug, which])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# Byte ranges ---------------------------------------------------------------------------


def test_the_rendition_is_served_whole_with_its_type_and_cache_policy(
    db: None, client: Client
) -> None:
    item = ready_item("public-report")

    response = client.get(file_url(item))

    assert response.status_code == 200
    assert body(response) == RENDITION
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(RENDITION))
    assert response["Content-Disposition"] == 'inline; filename="public-report.mp4"'
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_range_answers_206_with_those_bytes(db: None, client: Client) -> None:
    item = ready_item("public-report")

    response = client.get(file_url(item), headers={"range": "bytes=1000-1099"})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1099/{len(RENDITION)}"
    assert response["Content-Length"] == "100"
    assert body(response) == RENDITION[1000:1100]
    assert response["Cache-Control"] == "private, max-age=3600"


def test_an_open_ended_range_and_a_suffix_range(db: None, client: Client) -> None:
    item = ready_item("public-report")

    tail = client.get(file_url(item), headers={"range": "bytes=10000-"})
    last = client.get(file_url(item), headers={"range": "bytes=-40"})

    assert (tail.status_code, body(tail)) == (206, RENDITION[10000:])
    assert (last.status_code, body(last)) == (206, RENDITION[-40:])


def test_a_range_past_the_end_answers_416_with_the_size(db: None, client: Client) -> None:
    item = ready_item("public-report")

    response = client.get(file_url(item), headers={"range": f"bytes={len(RENDITION)}-"})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(RENDITION)}"


def test_head_answers_without_a_body(db: None, client: Client) -> None:
    item = ready_item("public-report")

    response = client.head(file_url(item))

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(RENDITION))


# Originals, posters, subtitles ---------------------------------------------------------


def test_a_videos_original_is_for_its_editors_under_the_items_name(
    world: World, client: Client
) -> None:
    """A video or sound as uploaded still holds its metadata (where a phone shot it, the
    device): viewers get the rendition, which lost it in the conversion. Nobody gets the
    name the file had on the uploader's computer."""
    item = ready_item("public-report", created_by=world.bob)

    anonymous = client.get(file_url(item, "original"))
    client.force_login(world.charlie)
    member = client.get(file_url(item, "original"))
    client.force_login(world.bob)
    author = client.get(file_url(item, "original"))

    assert anonymous.status_code == member.status_code == 404
    assert body(author) == b"original bytes"
    assert author["Content-Type"] == "video/quicktime"
    assert author["Content-Disposition"] == 'inline; filename="public-report.mov"'
    assert author["Cache-Control"] == "private, no-store"


def test_an_articles_original_is_for_its_readers(db: None, client: Client) -> None:
    item = ready_item(
        "public-article",
        kind=MediaItem.Kind.ARTICLE,
        original_name="scan de Jeanne Martin.pdf",
        original_content_type="application/pdf",
    )
    item.original.save("3f2a9c.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))

    response = client.get(file_url(item, "original"))

    assert response.status_code == 200
    assert body(response) == b"%PDF-1.4\n%%EOF\n"
    assert response["Content-Disposition"] == 'inline; filename="public-article.pdf"'


def test_an_original_of_another_type_is_a_download(db: None, client: Client) -> None:
    item = ready_item("public-report", kind=MediaItem.Kind.ARTICLE)
    MediaItem.objects.filter(pk=item.pk).update(original_content_type="text/html")

    response = client.get(file_url(item, "original"), headers={"range": "bytes=0-3"})

    assert response.status_code == 206
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/html"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_poster_is_a_jpeg(db: None, client: Client) -> None:
    item = ready_item("public-report")

    response = client.get(reverse("mediatheque:poster", args=[item.slug]))

    assert response["Content-Type"] == "image/jpeg"
    assert body(response) == b"\xff\xd8\xff poster"


def test_subtitles_are_served_as_webvtt_in_utf8(db: None, client: Client) -> None:
    item = ready_item("public-report")
    track = add_subtitle(item)

    response = client.get(reverse("mediatheque:subtitle", args=[item.slug, track.pk]))

    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert body(response).startswith(b"WEBVTT")


def test_a_subtitle_of_another_item_is_not_found(db: None, client: Client) -> None:
    item = ready_item("public-report")
    other = ready_item("other-report")
    track = add_subtitle(other)

    response = client.get(reverse("mediatheque:subtitle", args=[item.slug, track.pk]))

    assert response.status_code == 404


def test_missing_files_and_unknown_names_are_not_found(db: None, client: Client) -> None:
    item = ready_item("public-report")
    MediaItem.objects.filter(pk=item.pk).update(rendition="", poster="")

    assert client.get(file_url(item)).status_code == 404
    assert client.get(reverse("mediatheque:poster", args=[item.slug])).status_code == 404
    assert client.get(file_url(item, "passwd")).status_code == 404


# Who may fetch them --------------------------------------------------------------------


def all_urls(item: MediaItem, track: Subtitle) -> list[str]:
    return [
        file_url(item),
        file_url(item, "original"),
        reverse("mediatheque:poster", args=[item.slug]),
        reverse("mediatheque:subtitle", args=[item.slug, track.pk]),
        reverse("mediatheque:progress", args=[item.slug]),
    ]


def test_a_members_item_is_not_found_for_anonymous_visitors(world: World, client: Client) -> None:
    item = ready_item("members-report", Audience.MEMBERS)
    track = add_subtitle(item)

    for url in all_urls(item, track):
        assert client.get(url).status_code == 404, url


def test_members_get_a_members_item_never_kept_by_shared_caches(
    world: World, client: Client
) -> None:
    item = ready_item("members-report", Audience.MEMBERS)
    client.force_login(world.charlie)

    response = client.get(file_url(item), headers={"range": "bytes=0-9"})

    assert response.status_code == 206
    assert response["Cache-Control"] == "private, no-store"


def test_a_secret_groups_item_is_not_found_outside_the_group(world: World, client: Client) -> None:
    item = ready_item("secret-report", Audience.GROUP, group=world.secret_group)
    track = add_subtitle(item)

    for outsider in (world.eve, world.alice):
        client.force_login(outsider)
        for url in all_urls(item, track):
            response = client.get(url)
            assert response.status_code == 404, url
            assert SECRET_GROUP_NAME not in response.content.decode()
    client.force_login(world.charlie)
    assert client.get(file_url(item)).status_code == 200


# Processing progress -------------------------------------------------------------------


def progress_of(client: Client, item: MediaItem) -> Any:
    return client.get(reverse("mediatheque:progress", args=[item.slug]))


def test_the_uploader_follows_the_progress(world: World, client: Client) -> None:
    item = ready_item("members-report", Audience.MEMBERS, created_by=world.bob)
    MediaItem.objects.filter(pk=item.pk).update(
        processing=MediaItem.Processing.RUNNING, processing_progress=42
    )
    client.force_login(world.bob)

    response = progress_of(client, item)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    state = response.json()
    assert (state["status"], state["progress"], state["error"]) == ("running", 42, "")
    assert state["label"]
    assert "ready_url" not in state


def test_when_ready_the_progress_gives_the_items_page(world: World, client: Client) -> None:
    item = ready_item("members-report", Audience.MEMBERS, created_by=world.bob)
    client.force_login(world.alice)  # national administrators edit every item they see

    state = progress_of(client, item).json()

    assert (state["status"], state["progress"]) == ("ready", 100)
    assert state["ready_url"] == item.get_absolute_url()


def test_a_failure_gives_its_reason(world: World, client: Client) -> None:
    item = ready_item("public-report", created_by=world.bob)
    MediaItem.objects.filter(pk=item.pk).update(
        processing=MediaItem.Processing.FAILED, processing_error="The file could not be decoded."
    )
    client.force_login(world.bob)

    state = progress_of(client, item).json()

    assert (state["status"], state["error"]) == ("failed", "The file could not be decoded.")


def test_the_progress_is_for_editors_only(world: World, client: Client) -> None:
    item = ready_item("public-report", created_by=world.bob)

    anonymous = progress_of(client, item)
    client.force_login(world.charlie)
    member = progress_of(client, item)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert member.status_code == 403
