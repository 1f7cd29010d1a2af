"""The foundation's end-to-end story, in a real browser:

Bob creates a secret group and invites Charlie; Charlie receives the email, accepts and
posts a message; Eve, logged in, searches and browses and finds no trace of the group.
Every page visited has zero axe-core violations.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.browser import OpenContext, assert_accessible, log_in_with_form, submit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GROUP_NAME = "Atelier Mésange Clandestine"


def visit_status(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    assert_accessible(page)
    return response.status


def test_secret_group_story(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    # Bob creates the secret group.
    bob = log_in_with_form(new_context(), live_server.url, world.bob)
    visit_status(bob, live_server.url + reverse("groups:create"))
    bob.select_option("select[name=owner]", label=world.lyon.name)
    bob.fill("input[name=name]", GROUP_NAME)
    bob.fill("textarea[name=description]", "Préparer une action discrète.")
    bob.check("input[name=visibility][value=secret]")
    bob.fill("input[name=hashtags]", "#mésange")
    submit(bob)
    assert bob.locator("h1").inner_text() == GROUP_NAME
    assert_accessible(bob)
    group_url = bob.url

    # Bob invites Charlie by email.
    with bob.expect_navigation():
        bob.get_by_role("link", name=re.compile("Inviter")).first.click()
    assert_accessible(bob)
    bob.fill("input[name=email]", world.charlie.email)
    submit(bob)
    assert_accessible(bob)
    invitation = next(m for m in reversed(mail.outbox) if world.charlie.email in m.to)
    body = str(invitation.body)
    assert GROUP_NAME in body
    link = re.search(r"https?://\S+/groupes/invitations/\S+/", body)
    assert link, body
    invitation_path = "/" + link.group(0).split("/", 3)[3]

    # Charlie accepts from the email and posts a message.
    charlie = log_in_with_form(new_context(), live_server.url, world.charlie)
    visit_status(charlie, live_server.url + invitation_path)
    with charlie.expect_navigation():
        charlie.get_by_role("button", name="Rejoindre le groupe").click()
    assert charlie.url == group_url
    assert_accessible(charlie)
    visit_status(charlie, group_url + "discussions/nouvelle/")
    charlie.fill("input[name=title]", "Premier rendez-vous")
    charlie.fill("textarea[name=body]", "Rendez-vous **jeudi** devant la mairie.")
    submit(charlie)
    assert "Rendez-vous" in charlie.locator("main").inner_text()
    assert_accessible(charlie)

    # Eve searches and browses: no trace of the group anywhere.
    eve = log_in_with_form(new_context(), live_server.url, world.eve)
    slug = group_url.rstrip("/").rsplit("/", 1)[1]
    pages = [
        reverse("core:home"),
        reverse("groups:list"),
        reverse("groups:list") + "?q=Mésange",
        reverse("core:search") + "?q=Mésange",
        reverse("core:search") + "?q=Atelier",
        reverse("core:search") + "?q=%23mésange",
        reverse("movement:directory"),
        world.lyon.get_absolute_url(),
        reverse("accounts:me"),
    ]
    for path in pages:
        assert visit_status(eve, live_server.url + path) == 200, path
        html = eve.content()
        assert GROUP_NAME not in html, path
        assert slug not in html, path
        assert eve.locator("a[href*='/tags/m%C3%A9sange'], a[href*='/tags/mésange']").count() == 0
    for path in [group_url, group_url + "discussions/", reverse("core:hashtag", args=["mésange"])]:
        url = path if path.startswith("http") else live_server.url + path
        assert visit_status(eve, url) == 404, path
        assert GROUP_NAME not in eve.content()
