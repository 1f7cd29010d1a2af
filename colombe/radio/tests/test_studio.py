"""The studio: who may enter, the live source and stream state, and personal harbor
credentials — the password shown once, revocation."""

import re
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.radio import live
from colombe.radio.models import HarborCredential, LiveSession, ScheduleSlot, Show
from colombe.radio.tests.radio_helpers import as_user, make_show, make_slot, use_test_settings
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)
    settings.RADIO_HARBOR_HOST = "radio.example.org"
    settings.RADIO_HARBOR_PORT = 8015
    settings.RADIO_HARBOR_MOUNT = "/live"


@pytest.fixture
def show(world: World) -> Show:
    show = make_show()
    show.presenters.add(world.bob)
    make_slot(show, ScheduleSlot.Weekday.TUESDAY, time(18, 0), 60)
    return show


def create_credentials(client: Client) -> tuple[Any, str]:
    response = client.post(reverse("radio:credential_create"))
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r"<dt>Password</dt><dd><code>([^<]+)</code>", html)
    assert match is not None
    return response, match.group(1)


def test_who_may_enter_the_studio(client: Client, world: World, show: Show) -> None:
    url = reverse("radio:studio")
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    for member_without_show in (world.charlie, world.eve):
        as_user(client, member_without_show)
        assert client.get(url).status_code == 403
        assert client.post(reverse("radio:credential_create")).status_code == 403
    for presenter_or_admin in (world.bob, world.alice):
        as_user(client, presenter_or_admin)
        assert client.get(url).status_code == 200


def test_a_presenter_of_a_show_off_the_programme_may_not_go_live(
    client: Client, world: World, show: Show
) -> None:
    Show.objects.filter(pk=show.pk).update(is_active=False)
    as_user(client, world.bob)
    assert client.get(reverse("radio:studio")).status_code == 403


def test_studio_shows_state_and_next_show(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    as_user(client, world.bob)
    html = client.get(reverse("radio:studio")).content.decode()
    assert "No live source is connected" in html
    assert "The stream is not reachable right now." in html
    assert "Next show:" in html and "La voix des comités" in html
    assert "radio/player.js" in html

    credential = HarborCredential.objects.create(
        user=world.bob, username="bob-1", password_hash="x"
    )
    LiveSession.objects.create(credential=credential)
    html = client.get(reverse("radio:studio")).content.decode()
    assert "A live source is connected" in html and "bob-1" in html


def test_new_credentials_are_shown_once(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    as_user(client, world.bob)

    response, password = create_credentials(client)

    credential = HarborCredential.objects.get(user=world.bob)
    assert live.check_login(credential.username, password) == credential
    assert password not in credential.password_hash
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "it is shown only once" in html
    for setting in ("radio.example.org", "8015", "/live", credential.username, "MP3"):
        assert setting in html
    # Back on the studio page, the username is listed, the password never again.
    later = client.get(reverse("radio:studio")).content.decode()
    assert credential.username in later
    assert password not in later


def test_new_credentials_need_a_post(client: Client, world: World, show: Show) -> None:
    as_user(client, world.bob)
    assert client.get(reverse("radio:credential_create")).status_code == 405
    assert not HarborCredential.objects.exists()


def test_revoke_credentials_with_confirmation(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    as_user(client, world.bob)
    create_credentials(client)
    credential = HarborCredential.objects.get()
    url = reverse("radio:credential_revoke", args=[credential.pk])

    assert "Revoke the credentials" in client.get(url).content.decode()
    credential.refresh_from_db()
    assert credential.revoked_at is None

    assert client.post(url)["Location"] == reverse("radio:studio")
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert "Revoked on" in client.get(reverse("radio:studio")).content.decode()
    assert client.post(url).status_code == 404  # already revoked


def test_someone_elses_credentials_do_not_exist(client: Client, world: World, show: Show) -> None:
    other = make_show("Paroles de paix", "paroles")
    other.presenters.add(world.charlie)
    credential = HarborCredential.objects.create(
        user=world.charlie, username="charlie-1", password_hash="x"
    )
    as_user(client, world.bob)
    url = reverse("radio:credential_revoke", args=[credential.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert "charlie-1" not in client.get(reverse("radio:studio")).content.decode()


def test_credentials_are_rate_limited(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    as_user(client, world.bob)
    for _attempt in range(10):
        create_credentials(client)
    response = client.post(reverse("radio:credential_create"))
    assert response.status_code == 302
    assert HarborCredential.objects.count() == 10


def test_other_presenters_see_who_is_live_but_not_their_username(
    client: Client, world: World, show: Show, english_pages: None
) -> None:
    """A username is half a login: only its owner sees it in the studio."""
    other = make_show("Paroles de paix", "paroles")
    other.presenters.add(world.charlie)
    credential = HarborCredential.objects.create(
        user=world.bob, username="bob-live-7f3a", password_hash="x"
    )
    LiveSession.objects.create(credential=credential)
    for colleague in (world.charlie, world.alice):
        as_user(client, colleague)
        html = client.get(reverse("radio:studio")).content.decode()
        assert "A live source is connected" in html
        assert "bob-live-7f3a" not in html
        assert "Presenter: Bob." in html
    as_user(client, world.bob)
    assert "bob-live-7f3a" in client.get(reverse("radio:studio")).content.decode()
