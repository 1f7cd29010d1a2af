"""Presenters' episodes: upload (converted to MP3 by the task queue) or audio from the
archive, numbers that follow each other, publish and withdraw with confirmation,
delete."""

import subprocess
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.mediatheque.clips import make_audio_clip
from colombe.mediatheque.models import MediaItem
from colombe.radio.models import Episode, ScheduleSlot, Show
from colombe.radio.tests.radio_helpers import (
    archive_audio_item,
    as_user,
    make_episode,
    make_show,
    make_slot,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World
from tests.services import require_ffmpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


@pytest.fixture
def show(world: World) -> Show:
    show = make_show()
    show.presenters.add(world.bob)
    make_slot(show, ScheduleSlot.Weekday.TUESDAY, time(18, 0), 60)
    return show


def upload_of(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def codec_of(path: str) -> str:
    command = [
        settings.FFPROBE_BINARY,
        *("-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name"),
        *("-of", "default=noprint_wrappers=1:nokey=1", path),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=30, check=True
    ).stdout.strip()


def create(client: Client, show: Show, captured: Any, **data: Any) -> Any:
    with captured(execute=True):
        return client.post(reverse("radio:episode_create", args=[show.slug]), data)


def test_presenter_uploads_an_episode_converted_to_mp3(
    client: Client,
    world: World,
    show: Show,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    require_ffmpeg()
    ogg = make_audio_clip(tmp_path / "emission.ogg", 2, 520, fmt="ogg")
    as_user(client, world.bob)

    response = create(
        client,
        show,
        django_capture_on_commit_callbacks,
        title="Désarmer la peur",
        description="Avec **Lyon**.",
        airs_at="2026-01-06T18:00",
        audio_upload=upload_of(ogg),
    )

    episode = Episode.objects.get()
    assert response.status_code == 302 and response["Location"] == episode.get_absolute_url()
    assert (episode.number, episode.status) == (1, Episode.Status.DRAFT)
    assert episode.processing == MediaItem.Processing.READY, episode.processing_error
    assert episode.audio.name.endswith(".mp3")
    assert episode.audio_content_type == "audio/mpeg"
    assert episode.audio_size == Path(episode.audio.path).stat().st_size
    assert codec_of(episode.audio.path) == "mp3"
    assert episode.duration_seconds == 2
    assert episode.airs_at == timezone.make_aware(datetime(2026, 1, 6, 18, 0))
    assert "<strong>Lyon</strong>" in episode.description_html
    assert AuditEntry.objects.filter(action="radio.episode.created").exists()


def test_numbers_follow_each_other(
    client: Client, world: World, show: Show, django_capture_on_commit_callbacks: Any
) -> None:
    make_episode(show, 4)
    as_user(client, world.bob)
    create(client, show, django_capture_on_commit_callbacks, title="Suivant")
    create(client, show, django_capture_on_commit_callbacks, title="Encore")
    assert list(show.episodes.order_by("number").values_list("number", "title")) == [
        (4, "Épisode 4"),
        (5, "Suivant"),
        (6, "Encore"),
    ]


def test_a_file_that_is_not_sound_is_refused(
    client: Client,
    world: World,
    show: Show,
    english_pages: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    require_ffmpeg()
    as_user(client, world.bob)
    fake = SimpleUploadedFile("emission.mp3", b"Ceci n'est pas un son.\n" * 50)
    response = create(
        client, show, django_capture_on_commit_callbacks, title="Faux", audio_upload=fake
    )
    assert response.status_code == 422
    assert "Its content is checked, not its name." in response.content.decode()
    assert not Episode.objects.exists()


def test_an_episode_from_archive_audio_is_ready_at_once(
    client: Client,
    world: World,
    show: Show,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = archive_audio_item(mp3_clip(tmp_path))
    as_user(client, world.bob)

    create(
        client, show, django_capture_on_commit_callbacks, title="Rediffusion", source_item=item.pk
    )

    episode = Episode.objects.get()
    assert episode.source_item == item
    assert episode.processing == MediaItem.Processing.READY
    # The episode has its own copy: the archive item may change or go.
    assert episode.audio.name != item.rendition.name
    assert Path(episode.audio.path).read_bytes() == Path(item.rendition.path).read_bytes()
    assert episode.audio_size == item.rendition_size


def test_upload_and_archive_audio_together_are_refused(
    client: Client,
    world: World,
    show: Show,
    tmp_path: Path,
    english_pages: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clip = mp3_clip(tmp_path)
    item = archive_audio_item(clip)
    as_user(client, world.bob)
    response = create(
        client,
        show,
        django_capture_on_commit_callbacks,
        title="Les deux",
        source_item=item.pk,
        audio_upload=upload_of(clip),
    )
    assert response.status_code == 422
    assert "not both" in response.content.decode()


@pytest.mark.parametrize("field", [{"title": "Épisode\x0b1"}, {"description": "Avec\x08Lyon"}])
def test_control_characters_are_refused_in_an_episode(
    client: Client, world: World, show: Show, field: dict[str, str]
) -> None:
    as_user(client, world.bob)
    data = {"title": "Épisode 1", **field}
    response = client.post(reverse("radio:episode_create", args=[show.slug]), data)
    assert response.status_code == 422
    assert not Episode.objects.exists()


def test_the_edit_form_does_not_name_archive_audio_the_editor_may_not_see(
    client: Client, world: World, show: Show, tmp_path: Path, english_pages: None
) -> None:
    """The episode was made from a public interview, since moved into a secret group:
    Alice (who runs the radio, not a member of that group) must not learn its title."""
    item = archive_audio_item(mp3_clip(tmp_path), title="Interview Goéland")
    episode = make_episode(show, 1, published=False, source_item=item)
    MediaItem.objects.filter(pk=item.pk).update(
        visibility=MediaItem.Visibility.GROUP, group=world.secret_group
    )
    url = reverse("radio:episode_edit", args=[show.slug, episode.number])
    as_user(client, world.alice)
    html = client.get(url).content.decode()
    assert "Interview Goéland" not in html
    assert "An item you cannot see" in html
    # Saving the form keeps the episode's audio and source as they were.
    assert client.post(url, {"title": "Renommé", "source_item": item.pk}).status_code == 302
    episode.refresh_from_db()
    assert (episode.title, episode.source_item) == ("Renommé", item)
    as_user(client, world.bob)  # a member of the group sees what it is
    assert "Interview Goéland" in client.get(url).content.decode()


def test_who_may_add_and_edit_episodes(client: Client, world: World, show: Show) -> None:
    draft = make_episode(show, 1, published=False)
    published = make_episode(show, 2)
    create_url = reverse("radio:episode_create", args=[show.slug])
    draft_url = reverse("radio:episode_edit", args=[show.slug, draft.number])
    published_url = reverse("radio:episode_edit", args=[show.slug, published.number])

    assert "/login/" in client.get(create_url)["Location"]
    assert client.get(draft_url).status_code == 404  # a draft does not exist for them
    assert "/login/" in client.get(published_url)["Location"]
    as_user(client, world.charlie)
    assert client.get(create_url).status_code == 403
    assert client.get(draft_url).status_code == 404
    assert client.get(published_url).status_code == 403
    for presenter_or_admin in (world.bob, world.alice):
        as_user(client, presenter_or_admin)
        for url in (create_url, draft_url, published_url):
            assert client.get(url).status_code == 200


def test_edit_keeps_the_audio_unless_a_new_file_comes(
    client: Client,
    world: World,
    show: Show,
    tmp_path: Path,
    english_pages: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first_clip = mp3_clip(tmp_path)
    episode = make_episode(show, 1, audio_file=first_clip, published=False)
    audio_name = episode.audio.name
    as_user(client, world.bob)
    url = reverse("radio:episode_edit", args=[show.slug, 1])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"title": "Nouveau titre", "airs_at": "2026-01-07T09:00"})

    episode.refresh_from_db()
    assert (episode.title, episode.audio.name) == ("Nouveau titre", audio_name)
    assert episode.processing == MediaItem.Processing.READY
    # Wednesday 9:00 is outside the show's Tuesday slot: the presenter is told.
    assert "is not within one of the show" in client.get(response["Location"]).content.decode()

    new_clip = make_audio_clip(tmp_path / "v2.wav", 3, 330, fmt="wav")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"title": "Nouveau titre", "audio_upload": upload_of(new_clip)})
    episode.refresh_from_db()
    assert episode.audio.name.endswith(".mp3") and episode.duration_seconds == 3
    assert Path(episode.audio.path).read_bytes() != first_clip.read_bytes()
    # The uploaded WAV and the first MP3 are gone: only the new MP3 is kept.
    stored = sorted(path.name for path in Path(episode.audio.path).parent.iterdir())
    assert stored == [Path(episode.audio.name).name]


def test_publish_and_withdraw_with_confirmation(
    client: Client, world: World, show: Show, tmp_path: Path, english_pages: None
) -> None:
    episode = make_episode(show, 1, audio_file=mp3_clip(tmp_path), published=False)
    as_user(client, world.bob)
    publish_url = reverse("radio:episode_publish", args=[show.slug, 1])

    confirmation = client.get(publish_url)
    assert (
        confirmation.status_code == 200 and "Publish the episode" in confirmation.content.decode()
    )
    episode.refresh_from_db()
    assert episode.status == Episode.Status.DRAFT  # a GET changes nothing

    client.post(publish_url)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.PUBLISHED and episode.published_at is not None
    first_published_at = episode.published_at

    unpublish_url = reverse("radio:episode_unpublish", args=[show.slug, 1])
    assert "Withdraw the episode" in client.get(unpublish_url).content.decode()
    client.post(unpublish_url)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.DRAFT
    client.post(publish_url)
    episode.refresh_from_db()
    assert episode.published_at == first_published_at  # podcast apps do not see it as new


def test_an_episode_without_ready_audio_cannot_be_published(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    episode = make_episode(show, 1, published=False)
    as_user(client, world.bob)
    response = client.post(reverse("radio:episode_publish", args=[show.slug, 1]), follow=True)
    assert "cannot be published yet" in response.content.decode()
    episode.refresh_from_db()
    assert episode.status == Episode.Status.DRAFT


def test_delete_with_confirmation_removes_the_audio(
    client: Client,
    world: World,
    show: Show,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    episode = make_episode(show, 1, audio_file=mp3_clip(tmp_path))
    audio_path = Path(episode.audio.path)
    url = reverse("radio:episode_delete", args=[show.slug, 1])
    as_user(client, world.charlie)
    assert client.post(url).status_code == 403
    as_user(client, world.bob)
    assert client.get(url).status_code == 200
    assert Episode.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response["Location"] == show.get_absolute_url()
    assert not Episode.objects.exists()
    assert not audio_path.exists()
