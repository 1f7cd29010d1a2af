"""Every page of a private group, in a real browser, in French, on a phone and on a
desktop screen: axe-core must find no violation."""

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from colombe.groups import services
from colombe.groups.models import Group, GroupMembership, Post
from colombe.groups.uploads import check_upload
from tests import factories
from tests.browser import OpenContext, assert_accessible, log_in_with_form
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    """Replaces the package's English fixture: these pages are checked in French."""
    settings.LANGUAGE_CODE = "fr"


def fill_the_group(world: World) -> dict[str, int]:
    """Content that shows every kind of row: a hidden message, a message from a deleted
    account, a document, a waiting request and an invitation."""
    group = world.private_group
    thread = group.threads.get()
    factories.PostFactory(thread=thread, author=world.charlie, hidden_by=world.bob)
    Post.objects.filter(hidden_by=world.bob).update(hidden_at=timezone.now())
    factories.PostFactory(thread=thread, author=None)
    upload = check_upload(SimpleUploadedFile("compte-rendu.pdf", PDF))
    version = services.upload_document(
        actor=world.charlie, group=group, title="Compte rendu", upload=upload
    )
    services.request_to_join(actor=world.dana, group=group, message="Je suis étudiante.")
    services.invite_member(actor=world.bob, group=group, email="nouvelle@example.org")
    return {"thread": thread.pk, "document": version.document_id}


def bob_pages(group: Group, ids: dict[str, int]) -> list[str]:
    slug = group.slug
    return [
        reverse("groups:list"),
        reverse("groups:detail", args=[slug]),
        reverse("groups:members", args=[slug]),
        reverse("groups:manage", args=[slug]),
        reverse("groups:threads", args=[slug]),
        reverse("groups:thread", args=[slug, ids["thread"]]),
        reverse("groups:new_thread", args=[slug]),
        reverse("groups:documents", args=[slug]),
        reverse("groups:document", args=[slug, ids["document"]]),
        reverse("groups:upload", args=[slug]),
        reverse("groups:invite", args=[slug]),
        reverse("groups:edit", args=[slug]),
        reverse("groups:leave", args=[slug]),
    ]


def assert_page_accessible(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1, url
    # Reflow (WCAG 1.4.10): wide tables scroll inside their box, never the whole page.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_private_group_pages_are_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World, viewport: ViewportSize
) -> None:
    ids = fill_the_group(world)
    bob = log_in_with_form(new_context(), live_server.url, world.bob)
    bob.set_viewport_size(viewport)
    for url in bob_pages(world.private_group, ids):
        assert_page_accessible(bob, live_server.url + url)
    bob.goto(
        live_server.url + reverse("groups:thread", args=[world.private_group.slug, ids["thread"]])
    )
    assert bob.get_by_text("Ancien membre").count() == 1
    assert bob.get_by_role("button", name="Afficher à nouveau ce message").count() == 1

    eve = log_in_with_form(new_context(), live_server.url, world.eve)
    eve.set_viewport_size(viewport)
    slug = world.private_group.slug
    assert_page_accessible(eve, live_server.url + reverse("groups:threads", args=[slug]), 403)
    assert eve.get_by_role("heading", name="Réservé aux membres").count() == 1
    assert_page_accessible(eve, live_server.url + reverse("groups:join", args=[slug]))


def test_visibility_and_withdrawn_invitation_pages_are_accessible(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    """A moderator's edit page (visibility as text), an owner's edit page of a secret
    group (confirmation box, then its error) and a withdrawn invitation's link."""
    GroupMembership.objects.filter(group=world.private_group, user=world.charlie).update(
        role=GroupMembership.Role.MODERATOR
    )
    charlie = log_in_with_form(new_context(), live_server.url, world.charlie)
    charlie.set_viewport_size(PHONE)
    assert_page_accessible(charlie, live_server.url + reverse("groups:edit", args=["lyon-prive"]))
    assert charlie.get_by_text("Qui peut voir le groupe : Privé").count() == 1

    bob = log_in_with_form(new_context(), live_server.url, world.bob)
    bob.set_viewport_size(PHONE)
    edit_secret = live_server.url + reverse("groups:edit", args=[world.secret_group.slug])
    assert_page_accessible(bob, edit_secret)
    bob.get_by_role("radio", name="Public").check()
    with bob.expect_response(edit_secret) as answer:
        bob.get_by_role("button", name="Enregistrer").click()
    assert answer.value.status == 422
    assert bob.get_by_text("Cochez la case pour confirmer").count() >= 1
    assert_accessible(bob)

    factories.InvitationFactory(
        group=world.secret_group,
        token_hash=hashlib.sha256(b"withdrawn").hexdigest(),
        revoked_at=timezone.now(),
    )
    url = live_server.url + reverse("groups:accept_invitation", args=["withdrawn"])
    assert_page_accessible(bob, url, 410)
