"""National administrators must set up TOTP before using the site (middleware)."""

import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"


@pytest.fixture
def new_admin(world: World) -> User:
    admin = factories.UserFactory.create(email="nadia@example.org", is_national_admin=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    return admin


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("path", ["/", "/compte/", "/groupes/", "/django-admin/"])
def test_admin_without_totp_is_sent_to_totp_setup(
    client: Client, new_admin: User, path: str
) -> None:
    client.force_login(new_admin)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_setup_pages_stay_reachable_without_a_loop(client: Client, new_admin: User) -> None:
    client.force_login(new_admin)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    # force_login does not record a recent authentication: allauth asks for the password.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("mfa_index")).status_code == 200


def test_admin_sets_up_totp_then_uses_the_site(client: Client, new_admin: User) -> None:
    login = client.post(reverse("account_login"), {"login": new_admin.email, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")

    # allauth asks for the password again before adding a second factor.
    activate = reverse("mfa_activate_totp")
    ask_password = client.get(activate)
    assert ask_password["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(ask_password["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == activate

    form_page = client.get(activate)
    page = form_page.content.decode()
    assert form_page.status_code == 200
    assert page.count("<h1") == 1
    assert '<label for="id_code">' in page
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert 'class="error-summary"' in wrong.content.decode()

    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=new_admin, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


def test_admin_with_totp_uses_the_site(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:me")).status_code == 200


@pytest.mark.parametrize("persona", ["bob", "charlie", "eve"])
def test_other_people_are_not_forced(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(reverse("accounts:me")).status_code == 200


def test_anonymous_visitors_are_not_forced(client: Client, db: Any) -> None:
    assert client.get("/").status_code == 200


def test_admin_without_totp_may_still_log_out(client: Client, new_admin: User) -> None:
    client.force_login(new_admin)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
