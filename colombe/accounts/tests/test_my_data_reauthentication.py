"""The data export (session IP addresses and more) needs a recent authentication: a
stolen session cookie alone must not be enough to get it."""

import io
import zipfile
from urllib.parse import urlencode

import pytest
from allauth.account import app_settings
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from tests.personas import World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"
MY_DATA = reverse("accounts:my_data")
DOWNLOAD = reverse("accounts:download_my_data")
REAUTHENTICATE = reverse("account_reauthenticate")


@pytest.fixture
def charlie_client(client: Client, world: World) -> Client:
    """Charlie logs in with the login form, as a person would."""
    charlie = world.charlie
    EmailAddress.objects.create(user=charlie, email=charlie.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": charlie.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return client


def logged_in_seconds_ago(client: Client, seconds: int) -> None:
    """Move every authentication recorded in the session back in time."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def assert_is_the_export(response: HttpResponseBase) -> None:
    assert isinstance(response, HttpResponse)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["colombe-data.json"]
        assert b"charlie@example.org" in archive.read("colombe-data.json")


def assert_asked_for_password(response: HttpResponseBase, back_to: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{REAUTHENTICATE}?{urlencode({'next': back_to})}"


def test_fresh_login_may_download(charlie_client: Client) -> None:
    page = charlie_client.get(MY_DATA)
    assert page.status_code == 200
    assert f'action="{DOWNLOAD}"' in page.content.decode()

    assert_is_the_export(charlie_client.post(DOWNLOAD))
    assert AuditEntry.objects.filter(action="accounts.data.exported").count() == 1


def test_login_a_little_while_ago_is_still_recent(charlie_client: Client) -> None:
    logged_in_seconds_ago(charlie_client, app_settings.REAUTHENTICATION_TIMEOUT - 30)
    assert_is_the_export(charlie_client.post(DOWNLOAD))


def test_old_session_is_asked_for_the_password_on_the_page(charlie_client: Client) -> None:
    logged_in_seconds_ago(charlie_client, app_settings.REAUTHENTICATION_TIMEOUT + 1)

    response = charlie_client.get(MY_DATA)

    assert_asked_for_password(response, MY_DATA)
    confirm = charlie_client.get(response["Location"])
    assert confirm.status_code == 200
    assert 'name="password"' in confirm.content.decode()

    back = charlie_client.post(response["Location"], {"password": PASSWORD})
    assert back.status_code == 302
    assert back["Location"] == MY_DATA
    assert charlie_client.get(MY_DATA).status_code == 200


def test_old_session_posting_directly_gets_nothing(charlie_client: Client) -> None:
    logged_in_seconds_ago(charlie_client, app_settings.REAUTHENTICATION_TIMEOUT + 1)

    response = charlie_client.post(DOWNLOAD)

    assert_asked_for_password(response, DOWNLOAD)
    assert "application/zip" not in response.get("Content-Type", "")
    assert not AuditEntry.objects.filter(action="accounts.data.exported").exists()


def test_after_the_password_the_download_goes_on(charlie_client: Client) -> None:
    logged_in_seconds_ago(charlie_client, app_settings.REAUTHENTICATION_TIMEOUT + 1)
    asked = charlie_client.post(DOWNLOAD)

    # allauth replays the suspended POST once the password is confirmed.
    assert_is_the_export(charlie_client.post(asked["Location"], {"password": PASSWORD}))


def test_wrong_password_gives_nothing(charlie_client: Client) -> None:
    logged_in_seconds_ago(charlie_client, app_settings.REAUTHENTICATION_TIMEOUT + 1)
    asked = charlie_client.post(DOWNLOAD)

    response = charlie_client.post(asked["Location"], {"password": "not-my-password"})

    assert response.status_code == 200
    assert "application/zip" not in response["Content-Type"]
    assert not AuditEntry.objects.filter(action="accounts.data.exported").exists()
    assert_asked_for_password(charlie_client.post(DOWNLOAD), DOWNLOAD)


def test_session_without_any_credential_is_refused(client: Client, world: World) -> None:
    # force_login opens a session without checking a password (as a hijacked session
    # whose login record is gone would look).
    client.force_login(world.charlie)
    assert_asked_for_password(client.get(MY_DATA), MY_DATA)
    assert_asked_for_password(client.post(DOWNLOAD), DOWNLOAD)
    assert not AuditEntry.objects.filter(action="accounts.data.exported").exists()


def test_anonymous_is_sent_to_the_login_page(client: Client, world: World) -> None:
    for response in [client.get(MY_DATA), client.post(DOWNLOAD)]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
