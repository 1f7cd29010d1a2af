"""Organiser pages: who may open them, creating, editing with history, publishing,
closing, and the list of one's petitions."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.petitions.models import Petition, PetitionRevision
from colombe.petitions.tests.organiser_helpers import PETITION_FIELDS, add_signature, lyon_petition
from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG, World

pytestmark = pytest.mark.django_db

ORGANISER_PAGES = [
    "manage",
    "edit",
    "history",
    "publish",
    "close",
    "stats",
    "export_csv",
    "delivery_csv",
    "paper_sheet",
    "paper_import",
    "paper_entry",
]
OUTSIDERS = ["charlie", "eve", "frank", "dana"]


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def client_for(world: World, persona: str | None) -> Client:
    client = Client()
    if persona:
        client.force_login(getattr(world, persona))
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        **PETITION_FIELDS,
        "starts_at": "",
        "ends_at": "",
        "collect_postcode": "on",
        "retention_months": 6,
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# Who may open the pages ----------------------------------------------------------------


@pytest.mark.parametrize("page", ORGANISER_PAGES)
@pytest.mark.parametrize("persona", ["bob", "alice"])
def test_organisers_open_every_page(world: World, page: str, persona: str) -> None:
    for petition in (lyon_petition(world), lyon_petition(world, publish=False)):
        response = client_for(world, persona).get(
            reverse(f"petitions:{page}", args=[petition.slug])
        )
        assert response.status_code == 200, (page, petition.status)


@pytest.mark.parametrize("page", ORGANISER_PAGES)
@pytest.mark.parametrize("persona", OUTSIDERS)
def test_others_get_403_on_a_published_petition_and_404_on_a_draft(
    world: World, page: str, persona: str
) -> None:
    published = lyon_petition(world)
    draft = lyon_petition(world, publish=False, title="Brouillon confidentiel")
    client = client_for(world, persona)

    assert client.get(reverse(f"petitions:{page}", args=[published.slug])).status_code == 403
    response = client.get(reverse(f"petitions:{page}", args=[draft.slug]))
    assert response.status_code == 404
    assert "Brouillon confidentiel" not in response.content.decode()


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_anonymous_visitors_are_sent_to_log_in_or_get_404_for_a_draft(
    world: World, page: str
) -> None:
    published = lyon_petition(world)
    draft = lyon_petition(world, publish=False)
    client = Client()

    response = client.get(reverse(f"petitions:{page}", args=[published.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse(f"petitions:{page}", args=[draft.slug])).status_code == 404


def test_unknown_petition_is_404(world: World) -> None:
    client = client_for(world, "alice")
    assert client.get(reverse("petitions:manage", args=["nope"])).status_code == 404


@pytest.mark.parametrize("persona", ["eve", "charlie"])
def test_outsiders_cannot_publish_or_close(world: World, persona: str) -> None:
    draft = lyon_petition(world, publish=False)
    published = lyon_petition(world)
    client = client_for(world, persona)

    assert client.post(reverse("petitions:publish", args=[draft.slug])).status_code == 404
    assert client.post(reverse("petitions:close", args=[published.slug])).status_code == 403
    assert (
        client.post(reverse("petitions:edit", args=[published.slug]), form_data()).status_code
        == 403
    )
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Petition.Status.DRAFT
    assert published.status == Petition.Status.PUBLISHED


def test_a_secret_groups_petition_never_names_the_group_to_outsiders(world: World) -> None:
    petition = lyon_petition(world, group=world.secret_group)
    for persona in ["eve", "charlie", None]:
        for page in ORGANISER_PAGES:
            response = client_for(world, persona).get(
                reverse(f"petitions:{page}", args=[petition.slug])
            )
            assert response.status_code in (302, 403)
            body = response.content.decode()
            assert SECRET_GROUP_NAME not in body
            assert SECRET_GROUP_SLUG not in body


def test_the_groups_moderator_sees_it_on_the_dashboard(world: World) -> None:
    petition = lyon_petition(world, group=world.secret_group)
    response = client_for(world, "bob").get(reverse("petitions:manage", args=[petition.slug]))
    assert SECRET_GROUP_NAME in response.content.decode()


def test_an_admin_outside_the_secret_group_manages_without_learning_its_name(
    world: World,
) -> None:
    petition = lyon_petition(world, group=world.secret_group)
    response = client_for(world, "alice").get(reverse("petitions:manage", args=[petition.slug]))

    assert response.status_code == 200
    body = response.content.decode()
    assert petition.title in body
    assert SECRET_GROUP_NAME not in body
    assert SECRET_GROUP_SLUG not in body


# Creating ------------------------------------------------------------------------------


def test_create_form_offers_the_structures_the_user_leads_and_their_groups(world: World) -> None:
    response = client_for(world, "bob").get(reverse("petitions:create"))

    form = response.context["form"]
    assert list(form.fields["owner"].queryset) == [world.lyon]
    assert set(form.fields["group"].queryset) == {
        world.public_group,
        world.private_group,
        world.secret_group,
    }
    body = response.content.decode()
    assert "I agree to be kept informed about this campaign." in body
    assert 'type="datetime-local"' in body


def test_national_admins_may_create_for_any_structure(world: World) -> None:
    response = client_for(world, "alice").get(reverse("petitions:create"))
    owners = set(response.context["form"].fields["owner"].queryset)
    assert owners == {world.national, world.lyon, world.collective}


@pytest.mark.parametrize("persona", ["charlie", "eve"])
def test_members_who_lead_nothing_cannot_create(world: World, persona: str) -> None:
    client = client_for(world, persona)
    assert client.get(reverse("petitions:create")).status_code == 403
    data = form_data(owner=world.lyon.pk)
    assert client.post(reverse("petitions:create"), data).status_code == 403
    assert not Petition.objects.exists()


def test_anonymous_is_asked_to_log_in_to_create(world: World) -> None:
    response = Client().get(reverse("petitions:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_bob_creates_a_draft_with_paris_dates(world: World) -> None:
    data = form_data(
        owner=world.lyon.pk,
        group=world.public_group.pk,
        starts_at="2030-05-01T09:30",
        ends_at="2030-06-01T18:00",
        collect_comment="on",
    )
    response = client_for(world, "bob").post(reverse("petitions:create"), data)

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:manage", args=[petition.slug])
    assert petition.status == Petition.Status.DRAFT
    assert (petition.owner, petition.group, petition.created_by) == (
        world.lyon,
        world.public_group,
        world.bob,
    )
    # 09:30 in Paris in May is 07:30 UTC.
    assert petition.starts_at is not None
    assert petition.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == ("2030-05-01 07:30")
    assert petition.collect_comment and petition.collect_postcode and not petition.collect_country
    assert petition.revisions.count() == 1
    assert AuditEntry.objects.filter(action="petitions.petition.created").count() == 1


def test_invalid_creation_keeps_what_was_typed(world: World) -> None:
    data = form_data(
        owner=world.lyon.pk,
        title="Mon titre à garder",
        addressee="",
        starts_at="2030-06-01T09:30",
        ends_at="2030-05-01T09:30",
    )
    response = client_for(world, "bob").post(reverse("petitions:create"), data)

    assert response.status_code == 422
    body = response.content.decode()
    assert "Mon titre à garder" in body
    assert "The closing date must come after the opening date." in body
    assert "error-summary" in body
    assert not Petition.objects.exists()


def test_bob_cannot_create_for_another_structure_or_with_a_foreign_group(world: World) -> None:
    client = client_for(world, "bob")
    response = client.post(reverse("petitions:create"), form_data(owner=world.national.pk))
    assert response.status_code == 422

    other_group = world.public_group
    other_group.owner = world.collective
    other_group.save()
    response = client_for(world, "alice").post(
        reverse("petitions:create"), form_data(owner=world.lyon.pk, group=other_group.pk)
    )
    assert response.status_code == 422
    assert not Petition.objects.exists()


# Editing and history -------------------------------------------------------------------


def test_edit_form_shows_local_times(world: World) -> None:
    petition = lyon_petition(world)
    petition.starts_at = datetime(2030, 5, 1, 7, 30, tzinfo=UTC)
    petition.save()
    response = client_for(world, "bob").get(reverse("petitions:edit", args=[petition.slug]))
    assert 'value="2030-05-01T09:30"' in response.content.decode()


def test_edit_adds_a_revision_shown_in_the_history(world: World) -> None:
    petition = lyon_petition(world)
    client = client_for(world, "alice")
    data = form_data(
        title="Désarmons la métropole",
        body="Nous demandons **la paix**.\n\nUn paragraphe nouveau.",
        consent_text="Tenez-moi au courant.",
    )

    response = client.post(reverse("petitions:edit", args=[petition.slug]), data)

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.title == "Désarmons la métropole"
    assert petition.consent_version == 2
    assert PetitionRevision.objects.filter(petition=petition).count() == 2

    page = client.get(reverse("petitions:history", args=[petition.slug])).content.decode()
    assert "Version 2" in page and "Version 1" in page
    assert "By Alice" in page and "By Bob" in page
    assert "<del>Désarmons la ville</del>" in page
    assert "<ins>Désarmons la métropole</ins>" in page
    assert "+ Un paragraphe nouveau.</ins>" in page
    assert "\u2212 Deuxième paragraphe.</del>" in page
    assert "Version of the wording" in page


def test_saving_without_change_says_so(world: World) -> None:
    petition = lyon_petition(world)
    client = client_for(world, "bob")
    response = client.post(reverse("petitions:edit", args=[petition.slug]), form_data())

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Nothing was changed."]
    assert petition.revisions.count() == 1


def test_invalid_edit_is_422_and_changes_nothing(world: World) -> None:
    petition = lyon_petition(world)
    response = client_for(world, "bob").post(
        reverse("petitions:edit", args=[petition.slug]), form_data(title="", goal=0)
    )
    assert response.status_code == 422
    petition.refresh_from_db()
    assert petition.title == PETITION_FIELDS["title"]


# Publishing and closing ----------------------------------------------------------------


def test_publish_then_close_with_confirmation_pages(world: World) -> None:
    petition = lyon_petition(world, publish=False)
    client = client_for(world, "bob")
    publish_url = reverse("petitions:publish", args=[petition.slug])
    close_url = reverse("petitions:close", args=[petition.slug])

    page = client.get(publish_url).content.decode()
    assert "Once published, anyone can read and sign the petition" in page
    petition.refresh_from_db()
    assert petition.status == Petition.Status.DRAFT  # GET only asks

    assert client.post(publish_url).status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    manage = client.get(reverse("petitions:manage", args=[petition.slug])).content.decode()
    assert "The petition is published" in manage
    assert close_url in manage

    assert "cannot be opened again" in client.get(close_url).content.decode()
    client.post(close_url)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED

    client.post(publish_url)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    messages = [str(m) for m in get_messages(client.get(publish_url).wsgi_request)]
    assert "A closed petition cannot be published again." in messages


def test_dashboard_links_and_counts(world: World) -> None:
    petition = lyon_petition(world)
    add_signature(petition, "a@example.org")
    add_signature(petition, "b@example.org", is_paper=True)
    add_signature(petition, "c@example.org", status="pending")

    page = client_for(world, "bob").get(reverse("petitions:manage", args=[petition.slug]))

    body = page.content.decode()
    assert "2 confirmed signatures, goal 100." in body
    assert "1 waiting for email confirmation" in body
    assert "1 collected on paper" in body
    for name in ORGANISER_PAGES[1:]:
        if name != "publish":
            assert reverse(f"petitions:{name}", args=[petition.slug]) in body, name


# My petitions --------------------------------------------------------------------------


def test_my_petitions_lists_what_the_user_organises(world: World) -> None:
    mine = lyon_petition(world, title="Pétition lyonnaise")
    draft = lyon_petition(world, publish=False, title="Brouillon lyonnais")
    add_signature(mine, "a@example.org")
    national = lyon_petition(world, owner=world.national, title="Pétition nationale")

    bob = client_for(world, "bob").get(reverse("petitions:mine")).content.decode()
    assert mine.title in bob and draft.title in bob and national.title not in bob
    assert reverse("petitions:create") in bob

    alice = client_for(world, "alice").get(reverse("petitions:mine")).content.decode()
    assert mine.title in alice and national.title in alice

    charlie = client_for(world, "charlie").get(reverse("petitions:mine")).content.decode()
    assert "You do not organise any petition yet." in charlie
    assert reverse("petitions:create") not in charlie

    assert Client().get(reverse("petitions:mine")).status_code == 302


def test_my_petitions_query_count_does_not_grow_with_petitions(world: World) -> None:
    client = client_for(world, "bob")

    def queries_for_the_list() -> int:
        # Every measurement starts from the same empty cache: a count or a rate-limit
        # counter cached by an earlier request would otherwise save a query at random.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("petitions:mine"))
        assert response.status_code == 200
        return len(queries)

    add_signature(lyon_petition(world, title="Première"), "p@example.org")
    queries_for_the_list()  # the first request of a session records it (usersessions)
    with_one = queries_for_the_list()
    for n in range(11):
        add_signature(lyon_petition(world, title=f"Pétition {n}"), f"p{n}@example.org")
    assert queries_for_the_list() == with_one
    assert with_one <= 12
