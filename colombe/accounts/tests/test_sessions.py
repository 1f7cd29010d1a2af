"""Sessions list and "log out everywhere else" (allauth.usersessions)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"


def logged_in_client(email: str, browser: str) -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return client


@pytest.fixture
def charlie_verified(world: World) -> World:
    charlie = world.charlie
    EmailAddress.objects.create(user=charlie, email=charlie.email, verified=True, primary=True)
    return world


def test_sessions_page_lists_each_device(charlie_verified: World) -> None:
    phone = logged_in_client("charlie@example.org", "Phone browser")
    logged_in_client("charlie@example.org", "Laptop browser")
    response = phone.get(reverse("usersessions_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Phone browser" in page
    assert "Laptop browser" in page
    assert '<th scope="col">' in page
    assert "Se déconnecter partout ailleurs" in page


def test_log_out_everywhere_else(charlie_verified: World) -> None:
    phone = logged_in_client("charlie@example.org", "Phone browser")
    laptop = logged_in_client("charlie@example.org", "Laptop browser")
    assert UserSession.objects.filter(user=charlie_verified.charlie).count() == 2

    response = phone.post(reverse("usersessions_list"))
    assert response.status_code == 302

    assert UserSession.objects.filter(user=charlie_verified.charlie).count() == 1
    assert phone.get(reverse("accounts:me")).status_code == 200
    locked_out = laptop.get(reverse("accounts:me"))
    assert locked_out.status_code == 302
    assert locked_out["Location"].startswith(reverse("account_login"))


def test_sessions_page_shows_only_my_sessions(charlie_verified: World) -> None:
    EmailAddress.objects.create(
        user=charlie_verified.bob, email="bob@example.org", verified=True, primary=True
    )
    logged_in_client("bob@example.org", "Bob's browser")
    charlie = logged_in_client("charlie@example.org", "Charlie's browser")
    page = charlie.get(reverse("usersessions_list")).content.decode()
    assert "Bob's browser" not in page


def test_sessions_page_needs_login(client: Client, world: World) -> None:
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_account_links_to_sessions(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    page = client.get(reverse("accounts:me")).content.decode()
    assert f'href="{reverse("usersessions_list")}"' in page
