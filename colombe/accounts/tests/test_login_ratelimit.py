"""Every auth form is rate-limited (ACCOUNT_RATE_LIMITS in settings)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"  # tests.factories.UserFactory


def login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_wrong_password_shows_a_clear_error(client: Client, world: World) -> None:
    response = login(client, world.charlie.email, "wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert "_auth_user_id" not in client.session


def test_after_five_failures_even_the_right_password_is_refused(
    client: Client, world: World
) -> None:
    for _ in range(5):
        login(client, world.charlie.email, "wrong")
    response = login(client, world.charlie.email, PASSWORD)
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_answers_429_after_too_many_failures(client: Client, world: World) -> None:
    # 30 login attempts per minute per IP, whatever the address tried.
    for attempt in range(30):
        response = login(client, f"nobody{attempt}@example.org", "wrong")
        assert response.status_code == 200
    response = login(client, world.charlie.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Trop de tentatives</h1>" in page
    assert "_auth_user_id" not in client.session


def test_signup_answers_429_after_too_many_attempts(client: Client, db: None) -> None:
    for attempt in range(10):
        client.post(reverse("account_signup"), {"email": f"bot{attempt}@example.org"})
    response = client.post(reverse("account_signup"), {"email": "bot@example.org"})
    assert response.status_code == 429


def test_password_reset_answers_429_after_too_many_requests(client: Client, world: World) -> None:
    for _ in range(3):
        client.post(reverse("account_reset_password"), {"email": world.charlie.email})
    response = client.post(reverse("account_reset_password"), {"email": world.charlie.email})
    assert response.status_code == 429
