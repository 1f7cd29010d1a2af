"""Connecting accounts to Colombe (the communication group only), keeping the secret
encrypted and out of every page, and sending a failed post again."""

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.outreach.credentials import decrypt_secret, encrypt_secret
from colombe.outreach.models import Network, PostTarget, SocialAccount
from tests.fake_networks import FakeBluesky, FakeMastodon, make_account, scheduled_post
from tests.personas import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture
def account(world: World) -> SocialAccount:
    return make_account(world.lyon, Network.MASTODON)


def connect_url(account: SocialAccount) -> str:
    return reverse("outreach:account_connect", args=[account.pk])


def logged_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def raw_secret_column(account: SocialAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT api_secret_encrypted FROM {SocialAccount._meta.db_table} WHERE id = %s",
            [account.pk],
        )
        return str(cursor.fetchone()[0])


@pytest.mark.parametrize(
    ("persona", "status"), [("eve", 404), ("charlie", 403), ("bob", 403), ("alice", 200)]
)
def test_only_the_communication_group_connects(
    client: Client, world: World, account: SocialAccount, persona: str, status: int
) -> None:
    logged_in(client, getattr(world, persona))

    assert client.get(connect_url(account)).status_code == status
    # The group gets its form back with errors; the others are refused alike.
    expected_on_post = 422 if status == 200 else status
    assert client.post(connect_url(account), {}).status_code == expected_on_post


def test_anonymous_visitor_cannot_tell_an_account_exists(
    client: Client, account: SocialAccount
) -> None:
    assert client.get(connect_url(account)).status_code == 404


def test_network_without_api_cannot_be_connected(client: Client, world: World) -> None:
    facebook = make_account(world.lyon, Network.FACEBOOK, handle="colombe.lyon")

    response = logged_in(client, world.alice).get(connect_url(facebook))

    assert response.status_code == 403


def test_page_explains_how_to_get_a_token(
    client: Client, world: World, account: SocialAccount
) -> None:
    response = logged_in(client, world.alice).get(connect_url(account))

    body = response.content.decode()
    assert "write:statuses, write:media and read:statuses" in body
    assert 'value="https://mastodon.example"' in body  # the server, guessed from the address


def test_connecting_mastodon_checks_and_stores_the_token_encrypted(
    client: Client, world: World, account: SocialAccount, fake_mastodon: FakeMastodon
) -> None:
    logged_in(client, world.alice)

    response = client.post(
        connect_url(account), {"server": fake_mastodon.url, "access_token": fake_mastodon.token}
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_connected
    assert account.api_base_url == fake_mastodon.url
    assert account.connected_by == world.alice
    assert account.connected_at is not None
    assert decrypt_secret(account.api_secret_encrypted) == fake_mastodon.token
    assert fake_mastodon.token not in raw_secret_column(account)
    assert fake_mastodon.paths == ["GET /api/v1/accounts/verify_credentials"]
    entry = AuditEntry.objects.get(action="outreach.account.connected")
    assert entry.actor == world.alice
    assert fake_mastodon.token not in str(entry.data)
    page = client.get(response["Location"])
    assert "Connected as @colombe_lyon@127.0.0.1" in page.content.decode()
    assert fake_mastodon.token not in page.content.decode()
    assert account.api_secret_encrypted not in page.content.decode()


def test_connecting_bluesky_with_an_app_password(
    client: Client, world: World, fake_bluesky: FakeBluesky
) -> None:
    bluesky = make_account(world.lyon, Network.BLUESKY, handle=f"@{fake_bluesky.handle}")
    logged_in(client, world.alice)
    page = client.get(connect_url(bluesky)).content.decode()
    assert 'value="https://bsky.social"' in page
    assert f'value="{fake_bluesky.handle}"' in page

    response = client.post(
        connect_url(bluesky),
        {
            "server": fake_bluesky.url,
            "login": f"@{fake_bluesky.handle}",
            "app_password": fake_bluesky.password,
        },
    )

    assert response.status_code == 302
    bluesky.refresh_from_db()
    assert bluesky.api_login == fake_bluesky.handle
    assert decrypt_secret(bluesky.api_secret_encrypted) == fake_bluesky.password
    assert fake_bluesky.requests[0].json()["identifier"] == fake_bluesky.handle


def test_wrong_token_is_refused_with_a_clear_error(
    client: Client, world: World, account: SocialAccount, fake_mastodon: FakeMastodon
) -> None:
    logged_in(client, world.alice)

    response = client.post(
        connect_url(account), {"server": fake_mastodon.url, "access_token": "wrong-token"}
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "error-summary" in body
    assert "refused the access token" in body
    assert "wrong-token" not in body  # a password field is not filled back
    account.refresh_from_db()
    assert not account.is_connected


def test_unreachable_server_is_a_clear_error(
    client: Client, world: World, account: SocialAccount, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.drop_next()

    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": fake_mastodon.url, "access_token": fake_mastodon.token}
    )

    assert response.status_code == 422
    assert "could not be reached" in response.content.decode()


def test_server_address_must_be_https(client: Client, world: World, account: SocialAccount) -> None:
    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": "http://mastodon.example", "access_token": "x"}
    )

    assert response.status_code == 422
    assert "must start with https://" in response.content.decode()


@pytest.mark.parametrize(
    "server",
    [
        "https://127.0.0.1",
        "https://localhost:3000",
        "https://10.0.0.7",
        "https://192.168.1.1",
        "https://169.254.169.254",
        "https://[::1]:8443",
        "https://[2002:c0a8:101::1]",
    ],
)
def test_servers_of_a_private_network_are_refused(
    client: Client, world: World, account: SocialAccount, server: str
) -> None:
    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": server, "access_token": "x"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Colombe connects only to servers on the internet" in page
    account.refresh_from_db()
    assert not account.is_connected and account.api_base_url == ""


def test_plain_http_to_this_machine_is_refused_in_production(
    client: Client, world: World, account: SocialAccount, fake_mastodon: FakeMastodon, settings: Any
) -> None:
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = False

    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": fake_mastodon.url, "access_token": fake_mastodon.token}
    )

    assert response.status_code == 422
    assert "must start with https://" in response.content.decode()
    assert fake_mastodon.requests == []


def test_plain_http_to_a_public_server_is_refused_even_for_local_servers(
    client: Client, world: World, account: SocialAccount, settings: Any
) -> None:
    settings.OUTREACH_ALLOW_LOCAL_SERVERS = True
    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": "http://8.8.8.8", "access_token": "x"}
    )
    assert "must start with https://" in response.content.decode()


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ("https://nulle-part.invalid", "No server answers at this address"),
        ("https://moi:secret@mastodon.example", "Enter the address of the server"),
        ("https://mastodon.example:99999", "Enter the address of the server"),
        ("ftp://mastodon.example", "Enter the address of the server"),
    ],
)
def test_addresses_that_are_not_a_server_are_refused(
    client: Client, world: World, account: SocialAccount, server: str, message: str
) -> None:
    response = logged_in(client, world.alice).post(
        connect_url(account), {"server": server, "access_token": "x"}
    )
    assert response.status_code == 422
    assert message in response.content.decode()


def test_credentials_of_another_account_are_refused_before_saving(
    client: Client, world: World, fake_mastodon: FakeMastodon
) -> None:
    other = make_account(world.lyon, Network.MASTODON, handle="@colombe_paris")

    response = logged_in(client, world.alice).post(
        connect_url(other), {"server": fake_mastodon.url, "access_token": fake_mastodon.token}
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "not to @colombe_paris as the registry says. Nothing was saved." in body
    assert "error-summary" in body
    other.refresh_from_db()
    assert not other.is_connected
    assert other.api_secret_encrypted == ""
    assert not AuditEntry.objects.filter(action="outreach.account.connected").exists()


def test_ticking_yes_connects_the_other_account(
    client: Client, world: World, fake_mastodon: FakeMastodon
) -> None:
    other = make_account(world.lyon, Network.MASTODON, handle="@colombe_paris")

    response = logged_in(client, world.alice).post(
        connect_url(other),
        {"server": fake_mastodon.url, "access_token": fake_mastodon.token, "other_account": "on"},
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_connected
    assert decrypt_secret(other.api_secret_encrypted) == fake_mastodon.token


def test_disconnect_asks_then_wipes_the_secret(
    client: Client, world: World, account: SocialAccount
) -> None:
    account.api_base_url = "https://mastodon.example"
    account.api_secret_encrypted = encrypt_secret("secret-token")
    account.save()
    url = reverse("outreach:account_disconnect", args=[account.pk])
    logged_in(client, world.alice)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert 'method="post"' in confirmation.content.decode()
    account.refresh_from_db()
    assert account.is_connected

    assert client.post(url).status_code == 302
    account.refresh_from_db()
    assert not account.is_connected
    assert account.connected_at is None
    assert AuditEntry.objects.filter(action="outreach.account.disconnected").exists()


@pytest.mark.parametrize(("persona", "status"), [("eve", 404), ("charlie", 403), ("bob", 403)])
def test_only_the_communication_group_disconnects(
    client: Client, world: World, account: SocialAccount, persona: str, status: int
) -> None:
    account.api_secret_encrypted = encrypt_secret("secret-token")
    account.save()
    url = reverse("outreach:account_disconnect", args=[account.pk])

    assert logged_in(client, getattr(world, persona)).post(url).status_code == status
    account.refresh_from_db()
    assert account.is_connected


# Sending a failed post again -----------------------------------------------------------


@pytest.fixture
def failed_target(world: World, account: SocialAccount, fake_mastodon: FakeMastodon) -> PostTarget:
    account.api_base_url = fake_mastodon.url
    account.api_secret_encrypted = encrypt_secret(fake_mastodon.token)
    account.save()
    target = scheduled_post(world.lyon, [account]).targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        state=PostTarget.State.FAILED, attempts=5, last_error="The server had an error."
    )
    return target


def retry_url(target: PostTarget) -> str:
    return reverse("outreach:target_retry", args=[target.post_id, target.pk])


def test_member_of_the_committee_retries_a_failed_send(
    client: Client, world: World, failed_target: PostTarget, fake_mastodon: FakeMastodon
) -> None:
    response = logged_in(client, world.charlie).post(retry_url(failed_target))

    assert response.status_code == 302
    assert response["Location"] == failed_target.post.get_absolute_url() + "#targets"
    failed_target.refresh_from_db()
    assert failed_target.state == PostTarget.State.PUBLISHED
    assert len(fake_mastodon.statuses) == 1


@pytest.mark.parametrize(("persona", "status"), [("eve", 404), ("frank", 403)])
def test_retry_needs_the_right(
    client: Client, world: World, failed_target: PostTarget, persona: str, status: int
) -> None:
    assert logged_in(client, getattr(world, persona)).post(
        retry_url(failed_target)
    ).status_code == (status)
    failed_target.refresh_from_db()
    assert failed_target.state == PostTarget.State.FAILED


def test_anonymous_visitors_do_not_know_the_post(client: Client, failed_target: PostTarget) -> None:
    assert client.post(retry_url(failed_target)).status_code == 404


def test_retry_is_a_post_only_action(
    client: Client, world: World, failed_target: PostTarget
) -> None:
    assert logged_in(client, world.bob).get(retry_url(failed_target)).status_code == 405


def test_only_a_failed_target_is_sent_again(
    client: Client, world: World, failed_target: PostTarget
) -> None:
    PostTarget.objects.filter(pk=failed_target.pk).update(state=PostTarget.State.PUBLISHED)

    assert logged_in(client, world.bob).post(retry_url(failed_target)).status_code == 404


# Keys ------------------------------------------------------------------------------------


def test_secrets_survive_a_key_rotation(settings: Any) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.OUTREACH_SECRET_KEYS = [old_key]
    sealed = encrypt_secret("token-123")

    settings.OUTREACH_SECRET_KEYS = [new_key, old_key]
    assert decrypt_secret(sealed) == "token-123"
    assert decrypt_secret(encrypt_secret("token-456")) == "token-456"

    settings.OUTREACH_SECRET_KEYS = [new_key]
    with pytest.raises(ValueError, match="no longer configured"):
        decrypt_secret(sealed)
