"""Hashtag and interests pages in a real browser: keyboard-usable forms, and no axe-core
violation on any of them."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.accounts.models import User
from colombe.core.digest import unsubscribe_token
from colombe.core.hashtags import get_or_create_hashtags
from colombe.mailing.models import OutboxMessage
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sharing(person: User, tags: str) -> None:
    person.interests.set(get_or_create_hashtags(tags.split()))
    person.show_interests = True
    person.save()


@pytest.fixture
def bob_page(live_server: LiveServer, new_context: OpenContext, world: World) -> Page:
    context = new_context()
    force_login(context, live_server.url, world.bob)
    return context.new_page()


def test_follow_from_the_hashtag_page(
    live_server: LiveServer, bob_page: Page, world: World
) -> None:
    world.public_group.hashtags.set(get_or_create_hashtags(["désarmement"]))
    sharing(world.charlie, "désarmement")
    url = live_server.url + reverse("core:hashtag", args=["désarmement"])
    visit(bob_page, url)
    assert bob_page.get_by_text("Charlie").count() >= 1
    follow = reverse("core:hashtag_follow", args=["désarmement"])
    with bob_page.expect_navigation():
        bob_page.locator(f"form[action='{follow}'] button").click()
    unfollow = reverse("core:hashtag_unfollow", args=["désarmement"])
    assert bob_page.locator(f"form[action='{unfollow}'] button").count() == 1
    assert_accessible(bob_page)
    assert list(world.bob.interests.values_list("name", flat=True)) == ["désarmement"]


def test_people_and_contact_pages(live_server: LiveServer, bob_page: Page, world: World) -> None:
    sharing(world.bob, "désarmement paix")
    sharing(world.charlie, "désarmement")
    visit(bob_page, live_server.url + reverse("core:interests"))
    with bob_page.expect_navigation():
        contact = reverse("core:interests_contact", args=[world.charlie.pk])
        bob_page.locator(f"main a[href='{contact}']").click()
    assert_accessible(bob_page)
    submit(bob_page)  # empty: the error summary must be accessible too
    assert bob_page.locator(".field-error").count() == 1
    assert_accessible(bob_page)
    bob_page.locator("textarea[name=message]").fill("On tracte ensemble samedi ?")
    submit(bob_page)
    assert bob_page.url.endswith(reverse("core:interests"))
    assert OutboxMessage.objects.filter(to_email=world.charlie.email).count() == 1


def test_opt_in_needed_page(live_server: LiveServer, bob_page: Page, world: World) -> None:
    visit(bob_page, live_server.url + reverse("core:interests"))
    assert bob_page.locator(f"main a[href='{reverse('accounts:edit_profile')}']").count() == 1


def test_unsubscribe_pages(live_server: LiveServer, new_context: OpenContext, world: World) -> None:
    page = new_context().new_page()  # from the email: no session
    url = live_server.url + reverse(
        "core:digest_unsubscribe", args=[unsubscribe_token(world.charlie)]
    )
    visit(page, url)
    submit(page)
    assert page.url == url  # answered in place, no redirect
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    world.charlie.refresh_from_db()
    assert world.charlie.weekly_digest is False
