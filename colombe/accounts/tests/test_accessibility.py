"""Account pages (ours and allauth's, through our template overrides) in a real browser:
French by default, no axe-core violation."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser import PASSWORD, OpenContext, assert_accessible, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(new_context: OpenContext) -> Page:
    return new_context().new_page()


def test_entrance_pages_with_and_without_errors(
    live_server: LiveServer, page: Page, world: World
) -> None:
    for name in ["account_login", "account_signup", "account_reset_password"]:
        visit(page, live_server.url + reverse(name))
    visit(page, live_server.url + reverse("account_signup"))
    page.get_by_role("button", name="Créer un compte").last.click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    visit(page, live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill("charlie@example.org")
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)


def test_account_pages(live_server: LiveServer, page: Page, world: World) -> None:
    charlie = world.charlie
    EmailAddress.objects.create(user=charlie, email=charlie.email, verified=True, primary=True)
    page.goto(live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill(charlie.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(live_server.url + "/")
    for url in [
        reverse("accounts:me"),
        reverse("accounts:profile", args=[charlie.pk]),
        reverse("accounts:edit_profile"),
        reverse("accounts:consents"),
        reverse("accounts:my_data"),
        reverse("accounts:delete_account"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("usersessions_list"),
    ]:
        visit(page, live_server.url + url)
    visit(page, live_server.url + reverse("mfa_activate_totp"))  # asks for the password
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(live_server.url + reverse("mfa_activate_totp"))
    assert page.locator("main img").count() == 1  # the QR code
    assert_accessible(page)
    page.get_by_role("button", name="Activer").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    visit(page, live_server.url + reverse("accounts:edit_profile"))
    page.get_by_label("Nom affiché").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)


def test_last_owner_refusal_page(live_server: LiveServer, page: Page, world: World) -> None:
    bob = world.bob
    EmailAddress.objects.create(user=bob, email=bob.email, verified=True, primary=True)
    page.goto(live_server.url + reverse("account_login"))
    page.locator("input[name=login]").fill(bob.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(live_server.url + "/")
    visit(page, live_server.url + reverse("accounts:delete_account"))
