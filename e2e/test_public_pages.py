"""Public pages load in a real browser, in French by default, with no axe violations, on a
phone-sized and a desktop-sized screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import ViewportSize
from pytest_django.live_server_helper import LiveServer

from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags
from tests.browser import OpenContext, assert_accessible, force_login
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_public_pages_are_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World, viewport: ViewportSize
) -> None:
    page = new_context().new_page()
    page.set_viewport_size(viewport)
    for url in [
        reverse("core:home"),
        reverse("movement:directory"),
        reverse("groups:list"),
        reverse("core:search") + "?q=Lyon",
        world.lyon.get_absolute_url(),
        world.public_group.get_absolute_url(),
        reverse("account_login"),
        reverse("account_signup"),
    ]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "fr"
        assert_accessible(page)


def test_core_pages_for_members_are_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    world.public_group.hashtags.set(get_or_create_hashtags(["désarmement"]))
    world.charlie.interests.set(get_or_create_hashtags(["désarmement"]))
    log_action(world.bob, "groups.member.invited", world.public_group, {"invitation": 1})
    context = new_context()
    force_login(context, live_server.url, world.alice)
    page = context.new_page()
    for url in [
        reverse("core:audit_log"),
        reverse("core:hashtag", args=["désarmement"]),
        reverse("core:privacy"),
        reverse("core:search") + "?q=zzzz",
    ]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert_accessible(page)
