"""The editorial charter: Markdown pages written by the communication group and read by
members, and the checklist every post is reviewed against."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.outreach import registry_services as services
from colombe.outreach.models import (
    CharterPage,
    ChecklistItem,
    CommunicationRole,
    Post,
    PostReview,
)
from colombe.outreach.tests.registry_helpers import as_persona, is_login_redirect
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """Pages in English: the tests read their wording."""


def make_page(
    world: World, title: str = "Notre ton", body: str = "Nous parlons **simplement**."
) -> CharterPage:
    return services.create_charter_page(world.alice, title=title, body=body, position=0)


def test_members_read_the_charter(client: Client, world: World) -> None:
    page = make_page(world)
    for url in (reverse("outreach:charter"), page.get_absolute_url()):
        anonymous = as_persona(client, world, "anonymous").get(url)
        eve = as_persona(client, world, "eve").get(url)
        if url == page.get_absolute_url():
            assert anonymous.status_code == 404 and eve.status_code == 404
        else:
            assert is_login_redirect(anonymous) and eve.status_code == 403
        for persona in ("charlie", "bob", "alice"):
            assert as_persona(client, world, persona).get(url).status_code == 200, persona


def test_a_page_is_rendered_from_markdown(client: Client, world: World) -> None:
    page = make_page(world, body="Nous parlons **simplement**.\n\n<script>alert(1)</script>")
    text = as_persona(client, world, "charlie").get(page.get_absolute_url()).content.decode()
    assert "<strong>simplement</strong>" in text
    assert "<script>alert(1)</script>" not in text
    assert reverse("outreach:charter_page_edit", args=[page.slug]) not in text


def test_the_index_lists_pages_in_order_and_the_checklist_in_use(
    client: Client, world: World
) -> None:
    services.create_charter_page(world.alice, title="Deuxième", body="b", position=2)
    services.create_charter_page(world.alice, title="Première", body="a", position=1)
    services.add_checklist_item(world.alice, "L'image est-elle décrite ?")
    retired = services.add_checklist_item(world.alice, "Question retirée")
    services.set_checklist_item_in_use(world.alice, retired, in_use=False)
    response = as_persona(client, world, "charlie").get(reverse("outreach:charter"))
    text = response.content.decode()
    assert text.index("Première") < text.index("Deuxième")
    assert "L&#x27;image est-elle décrite ?" in text
    assert "Question retirée" not in text


def test_an_empty_charter_says_so(client: Client, world: World) -> None:
    text = as_persona(client, world, "charlie").get(reverse("outreach:charter")).content.decode()
    assert "The charter has no page yet." in text and "The checklist is empty." in text


EDITOR_URLS = ["outreach:charter_page_create", "outreach:checklist"]


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_only_the_communication_group_edits_the_charter(
    client: Client, world: World, name: str
) -> None:
    url = reverse(name)
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    for persona in ("eve", "charlie", "bob"):
        assert as_persona(client, world, persona).get(url).status_code == 403, persona
        assert client.post(url, {"title": "x", "body": "y", "text": "z"}).status_code == 403
    assert not CharterPage.objects.exists() and not ChecklistItem.objects.exists()
    assert as_persona(client, world, "alice").get(url).status_code == 200
    CommunicationRole.objects.create(user=world.charlie, structure=None)
    assert as_persona(client, world, "charlie").get(url).status_code == 200


def test_writing_editing_and_deleting_a_page(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    data = {"title": "Notre ton", "body": "Un *ton* juste.", "position": 1}
    response = client.post(reverse("outreach:charter_page_create"), data)
    page = CharterPage.objects.get()
    assert response["Location"] == page.get_absolute_url() == "/reseaux/charte/page/notre-ton/"
    assert page.body_html == "<p>Un <em>ton</em> juste.</p>\n"
    assert page.updated_by == world.alice
    edit = reverse("outreach:charter_page_edit", args=[page.slug])
    client.post(edit, {**data, "title": "Notre ton, revu", "body": "Plus **clair**."})
    page.refresh_from_db()
    assert page.slug == "notre-ton" and page.title == "Notre ton, revu"
    assert "<strong>clair</strong>" in page.body_html
    delete = reverse("outreach:charter_page_delete", args=[page.slug])
    assert "Delete the page" in client.get(delete).content.decode()
    assert CharterPage.objects.exists()
    assert client.post(delete)["Location"] == reverse("outreach:charter")
    assert not CharterPage.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "outreach.charter_page.created",
        "outreach.charter_page.updated",
        "outreach.charter_page.deleted",
    } <= actions


def test_two_pages_with_the_same_title_get_their_own_address(world: World) -> None:
    assert make_page(world, title="Images").slug == "images"
    assert make_page(world, title="Images").slug == "images-2"


def test_a_members_edit_of_a_page_is_refused(client: Client, world: World) -> None:
    page = make_page(world)
    as_persona(client, world, "bob")
    for name in ("outreach:charter_page_edit", "outreach:charter_page_delete"):
        url = reverse(name, args=[page.slug])
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Pirate", "body": "x", "position": 0}).status_code == 403
    page.refresh_from_db()
    assert page.title == "Notre ton"


def test_an_empty_page_is_refused_with_an_error_summary(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    response = client.post(reverse("outreach:charter_page_create"), {"title": "", "body": ""})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.content.decode()


# The checklist ------------------------------------------------------------------------


def texts_in_order() -> list[str]:
    return list(ChecklistItem.objects.order_by("position", "pk").values_list("text", flat=True))


def test_adding_and_rewording_questions(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    client.post(reverse("outreach:checklist"), {"text": "L'image est décrite ?"})
    client.post(reverse("outreach:checklist"), {"text": "Le ton suit la charte ?"})
    assert texts_in_order() == ["L'image est décrite ?", "Le ton suit la charte ?"]
    item = ChecklistItem.objects.get(text="L'image est décrite ?")
    edit = reverse("outreach:checklist_item_edit", args=[item.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"text": "Chaque image a-t-elle une description ?"})
    assert texts_in_order()[0] == "Chaque image a-t-elle une description ?"
    assert AuditEntry.objects.filter(action="outreach.checklist.reworded").exists()


def test_reordering_questions(client: Client, world: World) -> None:
    for text in ("un", "deux", "trois"):
        services.add_checklist_item(world.alice, text)
    three = ChecklistItem.objects.get(text="trois")
    as_persona(client, world, "alice")
    client.post(reverse("outreach:checklist_item_move", args=[three.pk]), {"direction": "up"})
    assert texts_in_order() == ["un", "trois", "deux"]
    one = ChecklistItem.objects.get(text="un")
    client.post(reverse("outreach:checklist_item_move", args=[one.pk]), {"direction": "down"})
    assert texts_in_order() == ["trois", "un", "deux"]
    client.post(reverse("outreach:checklist_item_move", args=[three.pk]), {"direction": "up"})
    assert texts_in_order() == ["trois", "un", "deux"]


def test_a_retired_question_stays_on_past_reviews(client: Client, world: World) -> None:
    item = services.add_checklist_item(world.alice, "Le lien est-il court ?")
    post = Post.objects.create(structure=world.lyon, text="Rassemblement", author=world.bob)
    review = PostReview.objects.create(post=post, reviewer=world.alice, decision="approved")
    review.checked_items.add(item)
    as_persona(client, world, "alice")
    client.post(reverse("outreach:checklist_item_retire", args=[item.pk]))
    item.refresh_from_db()
    assert not item.is_active
    assert list(review.checked_items.all()) == [item]
    page = client.get(reverse("outreach:checklist")).content.decode()
    assert "<del>Le lien est-il court ?</del>" in page
    client.post(reverse("outreach:checklist_item_restore", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_active


@pytest.mark.parametrize(
    "name",
    [
        "outreach:checklist_item_edit",
        "outreach:checklist_item_move",
        "outreach:checklist_item_retire",
        "outreach:checklist_item_restore",
    ],
)
def test_members_cannot_change_the_checklist(client: Client, world: World, name: str) -> None:
    item = services.add_checklist_item(world.alice, "Question")
    url = reverse(name, args=[item.pk])
    assert is_login_redirect(as_persona(client, world, "anonymous").post(url))
    for persona in ("eve", "charlie", "bob"):
        response: Any = as_persona(client, world, persona).post(
            url, {"text": "Autre", "direction": "up"}
        )
        assert response.status_code == 403, persona
    item.refresh_from_db()
    assert item.text == "Question" and item.is_active
