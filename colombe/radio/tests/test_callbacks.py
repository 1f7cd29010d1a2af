"""The callbacks Liquidsoap makes (presenter login, live source connected and gone) and
the public "now playing" JSON."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.radio import live, streaming_views
from colombe.radio.models import HarborCredential, LiveSession, Show
from colombe.radio.tests.radio_helpers import NO_ICECAST
from tests.personas import World

SECRET = "a-shared-secret-between-liquidsoap-and-colombe"


@pytest.fixture(autouse=True)
def radio_secret(settings: Any) -> None:
    settings.RADIO_CALLBACK_SECRET = SECRET
    settings.RADIO_ICECAST_URL = NO_ICECAST


@pytest.fixture
def credential(world: World) -> tuple[HarborCredential, str]:
    show = Show.objects.create(title="La voix des comités", slug="voix")
    show.presenters.add(world.bob)
    return live.issue_credential(world.bob)


def call(client: Client, name: str, body: Any, secret: str = SECRET, **extra: Any) -> Any:
    return client.post(
        reverse(name),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
        **extra,
    )


def login(credential: tuple[HarborCredential, str], password: str | None = None) -> dict:
    username, right_password = credential[0].username, credential[1]
    return {"user": username, "password": password or right_password, "address": "192.0.2.7"}


def test_a_valid_login_answers_the_title_listeners_will_see(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    response = call(client, "radio:harbor_auth", login(credential))
    assert response.status_code == 200
    assert response.content.decode() == "La voix des comités"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_wrong_password_is_refused(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    assert call(client, "radio:harbor_auth", login(credential, "wrong")).status_code == 403


@pytest.mark.parametrize("name", ["radio:harbor_auth", "radio:harbor_connected"])
def test_without_the_shared_secret_nothing_is_checked_or_recorded(
    client: Client, credential: tuple[HarborCredential, str], name: str
) -> None:
    assert call(client, name, login(credential), secret="guess").status_code == 403
    response = client.post(reverse(name), data=login(credential))  # no header at all
    assert response.status_code == 403
    assert not LiveSession.objects.exists()
    credential[0].refresh_from_db()
    assert credential[0].last_used_at is None


@pytest.mark.parametrize(
    "name", ["radio:harbor_auth", "radio:harbor_connected", "radio:harbor_disconnected"]
)
def test_callbacks_answer_only_post(client: Client, db: None, name: str) -> None:
    response = client.get(reverse(name), headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 405


def test_a_body_that_is_not_a_json_object_is_a_bad_request(client: Client, db: None) -> None:
    assert call(client, "radio:harbor_auth", ["a", "list"]).status_code == 400
    response = client.post(
        reverse("radio:harbor_auth"),
        data="not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status_code == 400


def test_connected_and_disconnected_open_and_close_the_live_session(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    username = credential[0].username
    assert call(client, "radio:harbor_connected", {"user": username}).status_code == 200
    session = LiveSession.objects.get()
    assert session.credential == credential[0] and session.ended_at is None
    assert call(client, "radio:harbor_disconnected", {"user": username}).status_code == 200
    session.refresh_from_db()
    assert session.ended_at is not None


def test_connected_for_an_unknown_username_records_nothing(client: Client, db: None) -> None:
    assert call(client, "radio:harbor_connected", {"user": "ghost"}).status_code == 404
    assert not LiveSession.objects.exists()


def test_failures_against_a_username_never_lock_out_its_owner(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    """The studio names whoever is live, so anyone may learn a username: failing on
    purpose must not keep its presenter off air. Wrong passwords are refused (429 once
    the username is under attack, which Liquidsoap's log shows); the right one goes
    through."""
    answers = [
        call(client, "radio:harbor_auth", login(credential, "wrong")).status_code
        for _attempt in range(streaming_views.LOGIN_FAILURES_PER_USERNAME + 2)
    ]
    assert set(answers[: streaming_views.LOGIN_FAILURES_PER_USERNAME]) == {403}
    assert answers[-1] == 429
    response = call(client, "radio:harbor_auth", login(credential))
    assert response.status_code == 200
    assert response.content.decode() == "La voix des comités"


def test_failures_from_one_address_lock_no_one_out(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    """Behind the TLS proxy every presenter comes from the proxy's address: a stranger
    failing from there must not block them."""
    proxy = "192.0.2.7"
    for attempt in range(100):
        body = {**login(credential, "x"), "user": f"guess-{attempt}", "address": proxy}
        assert call(client, "radio:harbor_auth", body).status_code == 403
    assert (
        call(client, "radio:harbor_auth", {**login(credential), "address": proxy}).status_code
        == 200
    )


def test_successful_logins_never_lock_a_presenter_out(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    for _attempt in range(streaming_views.LOGIN_FAILURES_PER_USERNAME * 2):
        assert call(client, "radio:harbor_auth", login(credential)).status_code == 200


def test_guessing_the_secret_is_rate_limited(client: Client, db: None) -> None:
    answers = [
        call(client, "radio:harbor_disconnected", {}, secret="guess").status_code
        for _attempt in range(streaming_views.SECRET_FAILURES_PER_ADDRESS + 2)
    ]
    assert set(answers[: streaming_views.SECRET_FAILURES_PER_ADDRESS + 1]) == {403}
    assert answers[-1] == 429
    # Once locked out, even the right secret waits.
    assert call(client, "radio:harbor_disconnected", {}).status_code == 429


def test_liquidsoap_itself_is_never_rate_limited(client: Client, db: None) -> None:
    for _attempt in range(streaming_views.SECRET_FAILURES_PER_ADDRESS * 3):
        assert call(client, "radio:harbor_disconnected", {}).status_code == 200


def test_now_playing_is_public_json_and_says_when_the_stream_is_unreachable(
    client: Client, db: None
) -> None:
    response = client.get(reverse("radio:now_playing"))
    assert response.status_code == 200
    assert response.json() == {
        "reachable": False,
        "title": "",
        "listeners": 0,
        "live": False,
        "on_air": None,
    }
    assert "max-age=2" in response["Cache-Control"]


def test_now_playing_says_live_as_soon_as_liquidsoap_reports_it(
    client: Client, credential: tuple[HarborCredential, str]
) -> None:
    assert client.get(reverse("radio:now_playing")).json()["live"] is False
    call(client, "radio:harbor_connected", {"user": credential[0].username})
    assert client.get(reverse("radio:now_playing")).json()["live"] is True
    call(client, "radio:harbor_disconnected", {"user": credential[0].username})
    assert client.get(reverse("radio:now_playing")).json()["live"] is False
