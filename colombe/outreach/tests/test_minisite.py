"""Committee mini-sites: /<committee-slug>/ shows what anyone may see of a committee, with
a contact form that mails its leaders."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from colombe.actions.models import Action
from colombe.actions.tests.plan_helpers import plan
from colombe.core.models import AuditEntry
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure
from colombe.outreach import public_views
from colombe.outreach.models import SocialAccount
from colombe.outreach.root_slugs import reserved_root_slugs
from colombe.outreach.tests.presence_helpers import (
    make_meeting,
    make_petition,
    make_report,
    og,
)
from colombe.outreach.tests.registry_helpers import make_account
from colombe.petitions import altcha
from colombe.petitions.models import Petition
from colombe.petitions.tests.public_helpers import solved_altcha
from colombe.reports.models import ActionReport
from tests import factories
from tests.personas import World

MESSAGE = {
    "name": "Sami",
    "email": "sami@example.org",
    "message": "Bonjour, je voudrais aider au prochain stand.",
    "website": "",
}


def fill_lyon(world: World) -> None:
    world.lyon.description = "Le comité de Lyon agit pour la paix."
    world.lyon.save()
    make_meeting(world, None, title="Réunion publique", audience=Meeting.Audience.PUBLIC)
    make_meeting(world, None, title="Bureau du comité", audience=Meeting.Audience.OWNER)
    make_meeting(world, world.secret_group, title="Visio secrète", audience=Meeting.Audience.PUBLIC)
    make_report(world.lyon, title="Stand place Bellecour")
    make_report(
        world.lyon, title="Compte rendu interne", visibility=ActionReport.Visibility.COMMITTEE
    )
    make_report(world.lyon, title="Plan du prochain tract", status=ActionReport.Status.DRAFT)
    make_report(world.lyon, title="Action du groupe secret", group=world.secret_group)
    make_petition(world, title="Désarmer maintenant")
    make_petition(world, title="Pétition en préparation", status=Petition.Status.DRAFT)
    make_account(world.lyon, label="Colombe Lyon sur Mastodon")
    make_account(
        world.lyon,
        network="bluesky",
        handle="@ancien.bsky.social",
        label="Ancien compte",
        status=SocialAccount.Status.DORMANT,
    )


SHOWN = [
    "Le comité de Lyon agit pour la paix.",
    "Réunion publique",
    "Stand place Bellecour",
    "Désarmer maintenant",
    "Groupe public de Lyon",
    "@colombe_lyon",
]
HIDDEN = [
    "Bureau du comité",
    "Visio secrète",
    "Compte rendu interne",
    "Plan du prochain tract",
    "Action du groupe secret",
    "Pétition en préparation",
    "Groupe privé de Lyon",
    "@ancien.bsky.social",
]


@pytest.mark.parametrize("person", [None, "eve", "charlie", "bob", "alice"])
def test_minisite_shows_public_things_only_to_everyone(
    client: Client, world: World, person: str | None
) -> None:
    fill_lyon(world)
    secret_name = world.secret_group.name
    if person:
        client.force_login(getattr(world, person))

    response = client.get("/lyon/")
    page = response.content.decode()

    assert response.status_code == 200
    for text in SHOWN:
        assert text in page, text
    for text in [*HIDDEN, secret_name]:
        assert text not in page, text


def test_minisite_has_its_share_card(client: Client, world: World) -> None:
    card = og(client, "/lyon/")
    assert card["og:url"] == "http://testserver/lyon/"
    assert card["og:title"] == "Comité de Lyon"
    assert card["og:image"] == "http://testserver" + reverse(
        "outreach:share_image", args=["comite", world.lyon.pk]
    )
    page = client.get("/lyon/").content.decode()
    assert "http%3A%2F%2Ftestserver%2Flyon%2F%3Fsource%3Dbluesky" in page


def test_empty_minisite_says_so(client: Client, world: World, english_pages: None) -> None:
    page = client.get("/lyon/").content.decode()
    assert "No public meeting planned for now." in page
    assert "No action reported yet." in page
    assert "No petition open for now." in page


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (Structure.Kind.COMMITTEE, 200),
        (Structure.Kind.COLLECTIVE, 200),
        (Structure.Kind.WORKING_GROUP, 404),
        (Structure.Kind.NATIONAL, 404),
    ],
)
def test_minisites_are_for_committees_and_collectives(
    client: Client, world: World, kind: str, status: int
) -> None:
    factories.StructureFactory.create(slug="essai", kind=kind, territory=world.lyon.territory)
    assert client.get("/essai/").status_code == status


def test_unknown_slug_is_404(client: Client, world: World) -> None:
    assert client.get("/personne/").status_code == 404


def test_structure_page_links_to_its_minisite(client: Client, world: World) -> None:
    page = client.get(world.lyon.get_absolute_url()).content.decode()
    assert 'href="/lyon/"' in page


# Contact ----------------------------------------------------------------------------------


def contact(
    client: Client, slug: str = "lyon", remote_addr: str = "127.0.0.1", **fields: str
) -> Any:
    """Post the contact form as the browser does once the ALTCHA widget solved its
    challenge (a fresh proof each time: each is accepted once)."""
    data = {**MESSAGE, "altcha": solved_altcha(), **fields}
    return client.post(
        reverse("presence:minisite_contact", args=[slug]), data, REMOTE_ADDR=remote_addr
    )


def test_contact_form_mails_the_leaders_with_reply_to_the_sender(
    client: Client, world: World
) -> None:
    response = contact(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("presence:minisite_contact_sent", args=["lyon"])
    assert [message.to for message in mail.outbox] == [[world.bob.email]]
    assert mail.outbox[0].reply_to == ["sami@example.org"]
    assert MESSAGE["message"] in str(mail.outbox[0].body)
    sent = client.get(response["Location"])
    assert sent.status_code == 200 and "Comité de Lyon" in sent.content.decode()


def test_the_message_is_not_stored(client: Client, world: World) -> None:
    contact(client)
    entry = AuditEntry.objects.get(action="movement.contact.sent")
    assert MESSAGE["message"] not in str(entry.data)
    assert "sami@example.org" not in str(entry.data)


def test_robots_filling_the_hidden_field_get_the_same_answer_and_send_nothing(
    client: Client, world: World
) -> None:
    response = contact(client, website="http://spam.example")
    assert response.status_code == 302
    assert mail.outbox == []


def test_invalid_message_shows_the_errors(client: Client, world: World) -> None:
    response = contact(client, email="pas-une-adresse", message="court")
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in page and 'href="#id_email"' in page
    assert mail.outbox == []


def test_contact_is_limited_per_visitor(client: Client, world: World) -> None:
    for _ in range(public_views.CONTACTS_PER_IP_PER_HOUR):
        assert contact(client).status_code == 302
    assert contact(client).status_code == 429
    assert len(mail.outbox) == public_views.CONTACTS_PER_IP_PER_HOUR


def test_contact_is_limited_per_committee(client: Client, world: World) -> None:
    limit = public_views.CONTACTS_PER_COMMITTEE_PER_HOUR
    for number in range(limit):
        assert contact(client, remote_addr=f"198.51.100.{number + 1}").status_code == 302
    assert contact(client, remote_addr="203.0.113.9").status_code == 429
    assert len(mail.outbox) == limit


def test_every_attempt_counts_against_the_visitor(client: Client, world: World) -> None:
    for _ in range(public_views.CONTACTS_PER_IP_PER_HOUR):
        assert contact(client, message="court").status_code == 422
    assert contact(client).status_code == 429
    assert mail.outbox == []


def test_messages_not_sent_do_not_count_against_the_committee(client: Client, world: World) -> None:
    """Invalid messages, robots and visitors over their own limit cannot use up the
    committee's messages for the hour."""
    limit = public_views.CONTACTS_PER_COMMITTEE_PER_HOUR
    for number in range(limit):
        address = f"198.51.100.{number + 1}"
        assert contact(client, remote_addr=address, email="pas-une-adresse").status_code == 422
        assert (
            contact(client, remote_addr=address, website="http://spam.example").status_code == 302
        )
        assert contact(client, remote_addr=address, altcha="").status_code == 422
    for _ in range(limit):
        contact(client, remote_addr="203.0.113.50")
    per_visitor = public_views.CONTACTS_PER_IP_PER_HOUR
    assert len(mail.outbox) == per_visitor

    for number in range(limit - per_visitor):
        assert contact(client, remote_addr=f"192.0.2.{number + 1}").status_code == 302
    assert len(mail.outbox) == limit


# Anti-robot proof ---------------------------------------------------------------------------


def test_the_form_has_the_altcha_widget_and_a_question_without_javascript(
    client: Client, world: World
) -> None:
    page = client.get("/lyon/").content.decode()
    assert f'challenge="{reverse("petitions:altcha_challenge")}"' in page
    assert "vendor/altcha/external/altcha.js" in page
    noscript = page.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert 'name="fallback_token"' in noscript and 'name="fallback_answer"' in noscript


def test_a_message_without_proof_is_not_sent(
    client: Client, world: World, english_pages: None
) -> None:
    response = contact(client, altcha="")
    assert response.status_code == 422
    assert "Please complete the anti-robot check before sending." in response.content.decode()
    assert mail.outbox == []


def test_a_proof_is_accepted_once(client: Client, world: World) -> None:
    proof = solved_altcha()
    assert contact(client, altcha=proof).status_code == 302
    assert contact(client, altcha=proof).status_code == 422
    assert contact(client, altcha="bm90IGEgcHJvb2Y=").status_code == 422
    assert len(mail.outbox) == 1


def test_visitors_without_javascript_answer_the_question(
    client: Client, world: World, settings: Any
) -> None:
    settings.PETITION_FALLBACK_MIN_SECONDS = 0
    question = altcha.new_fallback_question()
    asked = signing.loads(question.token, salt=altcha.FALLBACK_SALT)
    answer = asked["a"] + asked["b"]

    wrong = contact(
        client, altcha="", fallback_token=question.token, fallback_answer=str(answer + 1)
    )
    right = contact(client, altcha="", fallback_token=question.token, fallback_answer=str(answer))

    assert wrong.status_code == 422 and right.status_code == 302
    assert len(mail.outbox) == 1


def test_contact_page_without_a_post_goes_back_to_the_form(client: Client, world: World) -> None:
    response = client.get(reverse("presence:minisite_contact", args=["lyon"]))
    assert response.status_code == 302 and response["Location"] == "/lyon/#contact"


# Reserved slugs ---------------------------------------------------------------------------


def test_reserved_slugs_come_from_the_root_urls() -> None:
    reserved = reserved_root_slugs()
    for prefix in ["compte", "reseaux", "radio", "l", "petitions", "recherche", "static", "tags"]:
        assert prefix in reserved, prefix
    assert "lyon" not in reserved


@pytest.mark.parametrize("slug", ["reseaux", "compte", "l", "radio", "static"])
def test_a_structure_cannot_take_a_reserved_slug(client: Client, world: World, slug: str) -> None:
    client.force_login(world.alice)
    response = client.post(
        reverse("movement:structure_create"),
        {
            "name": "Comité fantôme",
            "slug": slug,
            "kind": Structure.Kind.COMMITTEE,
            "territory": world.lyon.territory.pk,
            "description": "",
        },
    )
    assert response.status_code == 422
    assert not Structure.objects.filter(slug=slug).exists()
    assert 'href="#id_slug"' in response.content.decode()


def test_a_free_slug_is_accepted(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.post(
        reverse("movement:structure_create"),
        {
            "name": "Comité de Villeurbanne",
            "slug": "villeurbanne",
            "kind": Structure.Kind.COMMITTEE,
            "territory": world.lyon.territory.pk,
            "description": "",
        },
    )
    assert Structure.objects.filter(slug="villeurbanne").exists()


# Coming public field actions (colombe.actions) ---------------------------------------------


def test_minisite_lists_the_coming_public_actions(
    client: Client, world: World, english_pages: None
) -> None:
    plan(world, title="Stand au marché de la Croix-Rousse", starts_in=timedelta(days=2))
    plan(world, title="Réunion de préparation", visibility=Action.Visibility.MEMBERS)
    plan(world, title="Chaîne humaine dans le groupe secret", group=world.secret_group)
    cancelled = plan(world, title="Vélorution annulée")
    cancelled.status = Action.Status.CANCELLED
    cancelled.save()
    plan(world, title="Stand de la semaine dernière", starts_in=-timedelta(days=7))
    elsewhere = factories.StructureFactory.create(name="Comité de Villeurbanne")
    shared = plan(world, title="Marche pour la paix avec Villeurbanne")
    shared.structure = elsewhere
    shared.save()
    shared.co_organisers.add(world.lyon)
    plan(world, title="Projection à Villeurbanne").co_organisers.add(elsewhere)

    page = client.get("/lyon/").content.decode()

    assert "Next public actions" in page
    assert "Stand au marché de la Croix-Rousse" in page
    assert "Marche pour la paix avec Villeurbanne" in page  # Lyon co-organises it
    assert page.count("Projection à Villeurbanne") == 1  # once, whoever co-organises it
    for hidden in [
        "Réunion de préparation",
        "Chaîne humaine dans le groupe secret",
        "Vélorution annulée",
        "Stand de la semaine dernière",
    ]:
        assert hidden not in page, hidden
    assert reverse("actions:agenda") + "?comite=lyon" in page
    # The agenda understands the link: it lists the committee's actions only.
    agenda = client.get(reverse("actions:agenda"), {"comite": "lyon"}).content.decode()
    assert "Stand au marché de la Croix-Rousse" in agenda


def test_minisite_shows_the_next_five_actions_soonest_first(client: Client, world: World) -> None:
    for day in range(7, 0, -1):
        plan(world, title=f"Action numéro {day}", starts_in=timedelta(days=day))

    page = client.get("/lyon/").content.decode()

    shown = [day for day in range(1, 8) if f"Action numéro {day}<" in page]
    assert shown == [1, 2, 3, 4, 5]
    assert page.index("Action numéro 1<") < page.index("Action numéro 5<")


def test_empty_minisite_has_no_action_planned(
    client: Client, world: World, english_pages: None
) -> None:
    assert "No public action planned for now." in client.get("/lyon/").content.decode()
