"""Running the radio (national administrators): shows with their artwork and presenters,
the weekly schedule without overlaps, and the playlist."""

import io
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from colombe.core.models import AuditEntry
from colombe.mediatheque.models import MediaItem
from colombe.radio.models import PlaylistEntry, ScheduleSlot, Show
from colombe.radio.tests.radio_helpers import (
    archive_audio_item,
    as_user,
    image_upload,
    make_episode,
    make_show,
    make_slot,
    mp3_clip,
    use_test_settings,
)
from tests.personas import World

pytestmark = pytest.mark.django_db

Day = ScheduleSlot.Weekday


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


def show_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Paroles de paix",
        "description": "Des voix pour la paix.",
        "author": "Radio Colombe",
        "language": "fr",
        "is_active": "on",
    }
    return {**data, **overrides}


MANAGER_URLS: list[tuple[str, str, list[Any]]] = [
    ("get", "radio:manage", []),
    ("get", "radio:show_create", []),
    ("post", "radio:slot_add", []),
    ("post", "radio:playlist_add", []),
]


@pytest.mark.parametrize(("method", "name", "args"), MANAGER_URLS)
def test_only_national_administrators_run_the_radio(
    client: Client, world: World, method: str, name: str, args: list[Any]
) -> None:
    show = make_show()
    show.presenters.add(world.bob)  # a presenter does not run the programme
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for persona in (world.eve, world.charlie, world.bob):
        as_user(client, persona)
        assert getattr(client, method)(url).status_code == 403
    as_user(client, world.alice)
    if method == "get":
        assert client.get(url).status_code == 200


def test_create_a_show_with_artwork_and_presenters(client: Client, world: World) -> None:
    as_user(client, world.alice)
    url = reverse("radio:show_create")
    data = show_data(
        presenters=[world.bob.pk, world.charlie.pk],
        artwork_upload=image_upload((1600, 1600), "PNG", "art.png", mode="RGBA"),
    )

    response = client.post(url, data)

    show = Show.objects.get()
    assert response.status_code == 302 and response["Location"] == show.get_absolute_url()
    assert show.slug == "paroles-de-paix"
    assert set(show.presenters.all()) == {world.bob, world.charlie}
    assert "<p>Des voix pour la paix.</p>" in show.description_html
    with Image.open(show.artwork.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 1600)
        assert stored.mode == "RGB"
        # The transparent PNG is laid on white, not on black.
        pixel = stored.getpixel((10, 10))
        assert isinstance(pixel, tuple) and min(pixel) > 100
    assert AuditEntry.objects.filter(action="radio.show.created").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_upload((1600, 1400)), "must be square"),
        (image_upload((1000, 1000)), "between 1400 and 3000 pixels"),
        (image_upload((3200, 3200)), "between 1400 and 3000 pixels"),
        (image_upload((1400, 1400), "GIF", "art.gif", mode="P"), "must be a JPEG or PNG"),
        (SimpleUploadedFile("art.jpg", b"not an image at all"), "could not be read"),
    ],
    ids=["not-square", "too-small", "too-large", "gif", "text"],
)
def test_artwork_is_refused_with_a_clear_reason(
    client: Client, world: World, english_pages: None, upload: Any, message: str
) -> None:
    as_user(client, world.alice)
    response = client.post(reverse("radio:show_create"), show_data(artwork_upload=upload))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Show.objects.exists()


def test_artwork_loses_its_metadata(client: Client, world: World) -> None:
    as_user(client, world.alice)
    image = Image.new("RGB", (1400, 1400), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Appareil-Secret"  # camera maker
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes())
    assert b"Appareil-Secret" in output.getvalue()
    upload = SimpleUploadedFile("photo.jpg", output.getvalue())

    client.post(reverse("radio:show_create"), show_data(artwork_upload=upload))

    assert b"Appareil-Secret" not in Path(Show.objects.get().artwork.path).read_bytes()


@pytest.mark.parametrize(
    "field", [{"title": "Paroles\x0bde paix"}, {"author": "Radio\x07"}, {"description": "A\x1fB"}]
)
def test_control_characters_are_refused_in_a_show(
    client: Client, world: World, field: dict[str, str]
) -> None:
    """Titles and descriptions go into the podcast feed, which XML cannot carry them in;
    a description keeps its line breaks and tabs."""
    as_user(client, world.alice)
    response = client.post(reverse("radio:show_create"), show_data(**field))
    assert response.status_code == 422
    assert not Show.objects.exists()
    multiline = show_data(description="Des voix\r\npour\tla paix.")
    assert client.post(reverse("radio:show_create"), multiline).status_code == 302


def test_presenters_are_found_by_email(client: Client, world: World) -> None:
    as_user(client, world.alice)
    url = reverse("radio:show_create")
    assert "bob@example.org" not in client.get(url).content.decode()
    found = client.get(url, {"q": "bob@exa"}).content.decode()
    assert "bob@example.org" in found
    assert f'value="{world.bob.pk}"' in found
    # Eve belongs to no committee: she is not offered as a presenter.
    assert "eve@example.org" not in client.get(url, {"q": "eve@"}).content.decode()


def test_edit_a_show_keeps_its_address(client: Client, world: World) -> None:
    show = make_show()
    show.presenters.add(world.bob)
    as_user(client, world.alice)
    url = reverse("radio:show_edit", args=[show.slug])
    assert "bob@example.org" in client.get(url).content.decode()  # current presenter shown

    response = client.post(url, show_data(title="La voix des comités en lutte"))

    show.refresh_from_db()
    assert response.status_code == 302
    assert (show.title, show.slug) == ("La voix des comités en lutte", "voix")
    assert not show.presenters.exists()


def test_add_and_remove_a_slot(client: Client, world: World, english_pages: None) -> None:
    show = make_show()
    as_user(client, world.alice)
    data = {"show": show.pk, "weekday": Day.TUESDAY, "starts_at": "18:00", "duration_minutes": 60}

    response = client.post(reverse("radio:slot_add"), data)

    assert response.status_code == 302
    slot = ScheduleSlot.objects.get()
    assert (slot.weekday, slot.starts_at, slot.duration_minutes) == (Day.TUESDAY, time(18), 60)
    grid = client.get(reverse("radio:manage")).content.decode()
    week = grid.split('class="week-grid"')[1].split("</ol>")[0]
    days = week.split("<h3>")
    assert days[2].startswith("Tuesday")
    assert "18:00" in days[2] and "La voix des comités" in days[2]
    assert "18:00" not in days[1] + days[3]

    client.post(reverse("radio:slot_remove", args=[slot.pk]))
    assert not ScheduleSlot.objects.exists()


def test_overlapping_slot_is_refused(client: Client, world: World, english_pages: None) -> None:
    voix = make_show()
    paroles = make_show("Paroles de paix", "paroles")
    make_slot(voix, Day.SUNDAY, time(23, 30), 60)
    as_user(client, world.alice)
    data = {"show": paroles.pk, "weekday": Day.MONDAY, "starts_at": "00:15", "duration_minutes": 30}

    response = client.post(reverse("radio:slot_add"), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert "This slot overlaps" in html and "La voix des comités" in html
    assert ScheduleSlot.objects.count() == 1


def test_a_slot_longer_than_a_day_is_refused(client: Client, world: World) -> None:
    show = make_show()
    as_user(client, world.alice)
    data = {"show": show.pk, "weekday": 1, "starts_at": "18:00", "duration_minutes": 24 * 60 + 1}
    assert client.post(reverse("radio:slot_add"), data).status_code == 422
    assert not ScheduleSlot.objects.exists()


def test_playlist_add_reorder_remove(client: Client, world: World, tmp_path: Path) -> None:
    audio = mp3_clip(tmp_path)
    item = archive_audio_item(audio)
    episode = make_episode(make_show(), 1, audio_file=audio, title="Replay")
    as_user(client, world.alice)

    client.post(reverse("radio:playlist_add"), {"item": item.pk})
    client.post(reverse("radio:playlist_add"), {"episode": episode.pk})
    first, second = PlaylistEntry.objects.order_by("position")
    assert (first.item, second.episode) == (item, episode)

    client.post(reverse("radio:playlist_move", args=[second.pk]), {"direction": "up"})
    assert list(PlaylistEntry.objects.order_by("position")) == [second, first]
    client.post(reverse("radio:playlist_move", args=[second.pk]), {"direction": "down"})
    assert list(PlaylistEntry.objects.order_by("position")) == [first, second]
    html = client.get(reverse("radio:manage")).content.decode()
    assert html.index("Interview") < html.index("Replay")

    client.post(reverse("radio:playlist_remove", args=[first.pk]))
    assert list(PlaylistEntry.objects.all()) == [second]


def test_playlist_takes_only_public_ready_audio(
    client: Client, world: World, tmp_path: Path
) -> None:
    audio = mp3_clip(tmp_path)
    members_only = archive_audio_item(
        audio, slug="reunion-2026-02-01", visibility=MediaItem.Visibility.MEMBERS
    )
    draft = make_episode(make_show(), 1, audio_file=audio, published=False)
    as_user(client, world.alice)

    for data in ({"item": members_only.pk}, {"episode": draft.pk}, {}):
        assert client.post(reverse("radio:playlist_add"), data).status_code == 422
    assert not PlaylistEntry.objects.exists()
    html = client.get(reverse("radio:manage")).content.decode()
    archive_select = html.split('name="item"')[1].split("</select>")[0]
    assert "<option" in archive_select and f'value="{members_only.pk}"' not in archive_select


def test_playlist_and_slot_changes_are_refused_to_others(
    client: Client, world: World, tmp_path: Path
) -> None:
    show = make_show()
    slot = make_slot(show, Day.TUESDAY, time(18))
    entry = PlaylistEntry.objects.create(item=archive_audio_item(mp3_clip(tmp_path)))
    as_user(client, world.bob)
    for url in (
        reverse("radio:slot_remove", args=[slot.pk]),
        reverse("radio:playlist_move", args=[entry.pk]),
        reverse("radio:playlist_remove", args=[entry.pk]),
        reverse("radio:show_edit", args=[show.slug]),
    ):
        assert client.post(url, {"direction": "up"}).status_code == 403
    assert ScheduleSlot.objects.exists() and PlaylistEntry.objects.exists()


def test_the_playlist_does_not_name_an_item_moved_out_of_reach(
    client: Client, world: World, tmp_path: Path, english_pages: None
) -> None:
    """Added when it was public, the item was then filed in a secret group: Alice runs
    the radio but is not a member of that group. It is not played (not public) and she
    can still remove it."""
    audio = mp3_clip(tmp_path)
    item = archive_audio_item(audio, title="Interview Goéland")
    entry = PlaylistEntry.objects.create(position=0, item=item)
    PlaylistEntry.objects.create(position=1, episode=make_episode(make_show(), 1, audio_file=audio))
    MediaItem.objects.filter(pk=item.pk).update(
        visibility=MediaItem.Visibility.GROUP, group=world.secret_group
    )
    as_user(client, world.alice)

    html = client.get(reverse("radio:manage")).content.decode()

    assert "Interview Goéland" not in html
    assert item.get_absolute_url() not in html
    assert "An item you cannot see" in html
    assert reverse("radio:playlist_remove", args=[entry.pk]) in html
