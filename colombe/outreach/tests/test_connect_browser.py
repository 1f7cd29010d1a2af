"""Connecting an account in a real browser, against the fake Mastodon server: the form,
its error, the connected state and the disconnection, each without axe-core violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.outreach.models import Network, SocialAccount
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.fake_networks import FakeMastodon, make_account
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice_page(live_server: LiveServer, new_context: OpenContext, world: World) -> Page:
    context = new_context()
    force_login(context, live_server.url, world.alice)
    return context.new_page()


def test_connect_then_disconnect_a_mastodon_account(
    live_server: LiveServer, alice_page: Page, world: World, fake_mastodon: FakeMastodon
) -> None:
    account = make_account(world.lyon, Network.MASTODON)
    page = alice_page
    visit(page, live_server.url + reverse("outreach:account_connect", args=[account.pk]))

    page.locator("input[name=server]").fill(fake_mastodon.url)
    page.locator("input[name=access_token]").fill("a-wrong-token")
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)

    page.locator("input[name=access_token]").fill(fake_mastodon.token)
    submit(page)
    assert page.locator(".error-summary").count() == 0
    disconnect = page.locator(
        f"main a[href='{reverse('outreach:account_disconnect', args=[account.pk])}']"
    )
    assert disconnect.count() == 1
    assert fake_mastodon.token not in page.content()
    assert_accessible(page)
    assert SocialAccount.objects.get(pk=account.pk).is_connected

    with page.expect_navigation():
        disconnect.click()
    assert_accessible(page)
    submit(page)
    assert not SocialAccount.objects.get(pk=account.pk).is_connected
