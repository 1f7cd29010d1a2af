import pytest
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

LYON = reverse("movement:structure", args=["lyon"])


def page_for(client: Client, person: User | None) -> str:
    if person is not None:
        client.force_login(person)
    response = client.get(LYON, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "charlie"])
def test_secret_group_appears_for_its_members(client: Client, world: World, persona: str) -> None:
    body = page_for(client, getattr(world, persona))
    assert SECRET_GROUP_NAME in body
    assert world.secret_group.get_absolute_url() in body


@pytest.mark.parametrize("persona", [None, "eve", "alice", "dana", "frank"])
def test_secret_group_never_appears_for_others(
    client: Client, world: World, persona: str | None
) -> None:
    body = page_for(client, getattr(world, persona) if persona else None)
    assert SECRET_GROUP_NAME not in body
    assert world.secret_group.slug not in body


@pytest.mark.parametrize("persona", [None, "eve", "alice", "bob", "charlie"])
def test_public_and_private_groups_appear_for_everyone(
    client: Client, world: World, persona: str | None
) -> None:
    body = page_for(client, getattr(world, persona) if persona else None)
    assert "Groupe public de Lyon" in body
    assert "Groupe privé de Lyon" in body


def test_page_shows_description_territory_and_active_member_count(
    client: Client, world: World
) -> None:
    body = page_for(client, None)
    assert "<h1>Comité de Lyon</h1>" in body
    assert "A local committee." in body
    assert "Rhône (69)" in body
    assert "2 members" in body  # Bob and Charlie; Dana is still waiting


def test_member_count_is_the_same_for_everyone(client: Client, world: World) -> None:
    # The count must not depend on who looks (it would otherwise leak nothing, but
    # a different figure per viewer would be confusing).
    assert "2 members" in page_for(client, world.eve)


def test_leaders_emails_are_not_in_the_page(client: Client, world: World) -> None:
    for person in [None, world.eve, world.charlie]:
        body = page_for(client, person)
        assert world.bob.email not in body


def test_unknown_structure_is_404(client: Client, world: World) -> None:
    response = client.get(reverse("movement:structure", args=["atlantide"]))
    assert response.status_code == 404


def test_outsider_is_offered_to_join(client: Client, world: World) -> None:
    body = page_for(client, world.eve)
    assert reverse("movement:join", args=["lyon"]) in body
    assert reverse("movement:members", args=["lyon"]) not in body


def test_pending_person_sees_their_request_is_waiting(client: Client, world: World) -> None:
    body = page_for(client, world.dana)
    assert "Your request is waiting for approval" in body
    assert reverse("movement:join", args=["lyon"]) not in body


def test_member_sees_member_list_link_and_can_leave(client: Client, world: World) -> None:
    body = page_for(client, world.charlie)
    assert reverse("movement:members", args=["lyon"]) in body
    assert reverse("movement:leave", args=["lyon"]) in body
    assert reverse("movement:structure_edit", args=["lyon"]) not in body


def test_national_admin_sees_edit_link(client: Client, world: World) -> None:
    assert reverse("movement:structure_edit", args=["lyon"]) in page_for(client, world.alice)


def test_collective_page_lists_organisations(client: Client, world: World) -> None:
    other = factories.PartnerOrganisationFactory.create(name="Syndicat des Cheminots")
    factories.MembershipFactory.create(
        structure=world.collective, role=Membership.Role.REPRESENTATIVE, organisation=other
    )
    response = client.get(world.collective.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Organisations in this collective" in body
    assert "Association des Amis" in body
    assert "Syndicat des Cheminots" in body


def test_structure_without_group_says_so(client: Client, world: World) -> None:
    response = client.get(world.national.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "This structure has no group yet." in response.content.decode()
