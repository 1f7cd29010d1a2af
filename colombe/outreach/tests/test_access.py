"""One gate in front of the social-network tools (colombe.outreach.access.members_only):
anonymous visitors log in, people who belong to nothing get the page that says why."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")

MEMBERS_PAGES = [
    "outreach:home",
    "outreach:accounts",
    "outreach:posts",
    "outreach:calendar",
    "outreach:campaigns",
    "outreach:short_links",
    "outreach:short_link_create",
]


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", MEMBERS_PAGES)
def test_outsiders_get_the_members_only_page(world: World, name: str) -> None:
    url = reverse(name)

    response = logged_in(world.eve).get(url)

    assert response.status_code == 403
    assert "For members of the movement" in response.content.decode()
    assert reverse("movement:directory") in response.content.decode()


@pytest.mark.parametrize("name", MEMBERS_PAGES)
def test_anonymous_visitors_log_in_first(name: str) -> None:
    url = reverse(name)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", MEMBERS_PAGES)
def test_members_come_in(world: World, name: str) -> None:
    assert logged_in(world.charlie).get(reverse(name)).status_code == 200
