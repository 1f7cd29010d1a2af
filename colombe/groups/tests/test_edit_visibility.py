"""Who changes a group's visibility, and what changing it does to the group's address."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from colombe.core import policy
from colombe.groups import services
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.groups.tests.conftest import assert_hides_secret
from tests.personas import SECRET_GROUP_NAME, SECRET_GROUP_SLUG, World

pytestmark = pytest.mark.django_db


def edit_url(group: Group) -> str:
    return reverse("groups:edit", args=[group.slug])


def edit_data(group: Group, **overrides: str) -> dict[str, str]:
    data = {
        "name": group.name,
        "description": group.description,
        "visibility": group.visibility,
        "hashtags": "",
    }
    data.update(overrides)
    return data


def make_moderator(world: World, group: Group) -> None:
    GroupMembership.objects.filter(group=group, user=world.charlie).update(
        role=GroupMembership.Role.MODERATOR
    )


def new_group(world: World, name: str, visibility: str = Visibility.PUBLIC) -> Group:
    return services.create_group(
        actor=world.bob, owner=world.lyon, name=name, description="", visibility=visibility
    )


# A group made secret gets a new address ------------------------------------------------


def test_group_made_secret_moves_to_an_unguessable_address(client: Client, world: World) -> None:
    group = new_group(world, "Atelier affiches")
    assert group.slug == "atelier-affiches"
    client.force_login(world.bob)
    response = client.post(edit_url(group), edit_data(group, visibility="secret"))
    group.refresh_from_db()
    assert group.visibility == Visibility.SECRET
    assert group.slug.startswith("atelier-affiches-") and len(group.slug) > len("atelier-affiches-")
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert client.get(group.get_absolute_url()).status_code == 200
    # Nobody, not even its owner, finds it at the old address any more...
    assert client.get(reverse("groups:detail", args=["atelier-affiches"])).status_code == 404
    client.force_login(world.eve)
    assert client.get(reverse("groups:detail", args=["atelier-affiches"])).status_code == 404
    # ...and a new group of the same name gets the plain address, without a "-2".
    assert new_group(world, "Atelier affiches").slug == "atelier-affiches"


def test_private_group_made_secret_moves_too(world: World) -> None:
    group = new_group(world, "Atelier banderoles", Visibility.PRIVATE)
    services.update_group(
        actor=world.bob,
        group=group,
        name=group.name,
        description="",
        hashtags="",
        visibility=Visibility.SECRET,
    )
    assert Group.objects.get(pk=group.pk).slug != "atelier-banderoles"


def test_secret_group_keeps_its_address_when_edited(client: Client, world: World) -> None:
    client.force_login(world.bob)
    group = world.secret_group
    client.post(edit_url(group), edit_data(group, description="Nouvelle description"))
    group.refresh_from_db()
    assert group.description == "Nouvelle description"
    assert group.slug == SECRET_GROUP_SLUG


# Only owners change the visibility ---------------------------------------------------


def test_only_owners_may_change_the_visibility(world: World) -> None:
    group = world.secret_group
    make_moderator(world, group)
    assert policy.has_perm(world.bob, "groups.change_visibility", group)
    assert not policy.has_perm(world.charlie, "groups.change_visibility", group)
    assert not policy.has_perm(world.eve, "groups.change_visibility", world.public_group)


def test_moderator_sees_the_visibility_without_changing_it(client: Client, world: World) -> None:
    group = world.private_group
    make_moderator(world, group)
    client.force_login(world.charlie)
    response = client.get(edit_url(group))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="visibility"' not in body
    assert "Who can see the group: Private" in body
    assert "Only an owner of the group can change who can see it." in body


def test_moderator_posting_a_visibility_changes_only_the_rest(client: Client, world: World) -> None:
    group = world.secret_group
    make_moderator(world, group)
    client.force_login(world.charlie)
    response = client.post(
        edit_url(group), edit_data(group, name="Cercle renommé", visibility="public")
    )
    group.refresh_from_db()
    assert response.status_code == 302
    assert group.name == "Cercle renommé"
    assert group.visibility == Visibility.SECRET
    assert group.slug == SECRET_GROUP_SLUG


def test_service_refuses_a_visibility_change_by_a_moderator(world: World) -> None:
    group = world.secret_group
    make_moderator(world, group)
    with pytest.raises(PermissionDenied):
        services.update_group(
            actor=world.charlie,
            group=group,
            name=group.name,
            description="",
            hashtags="",
            visibility=Visibility.PUBLIC,
            confirm_reveal=True,
        )
    assert Group.objects.get(pk=group.pk).visibility == Visibility.SECRET


def test_owner_form_offers_the_visibility(client: Client, world: World) -> None:
    client.force_login(world.bob)
    body = client.get(edit_url(world.private_group)).content.decode()
    assert 'name="visibility"' in body
    assert 'name="confirm_reveal"' not in body  # only a secret group asks to confirm


# Revealing a secret group needs a confirmation ----------------------------------------


def test_revealing_a_secret_group_needs_the_box_ticked(client: Client, world: World) -> None:
    group = world.secret_group
    client.force_login(world.bob)
    body = client.get(edit_url(group)).content.decode()
    assert 'name="confirm_reveal"' in body
    assert "I understand that people outside the group will learn it exists" in body
    response = client.post(
        edit_url(group), edit_data(group, visibility="public", description="Tapé ici")
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Tick the box to confirm that people outside the group will learn" in body
    assert "Tapé ici" in body
    group.refresh_from_db()
    assert group.visibility == Visibility.SECRET


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_owner_reveals_a_secret_group_once_confirmed(
    client: Client, world: World, visibility: str
) -> None:
    group = world.secret_group
    client.force_login(world.bob)
    data = edit_data(group, visibility=visibility, confirm_reveal="on")
    assert client.post(edit_url(group), data).status_code == 302
    group.refresh_from_db()
    assert group.visibility == visibility
    client.force_login(world.eve)
    assert SECRET_GROUP_NAME in client.get(group.get_absolute_url()).content.decode()


def test_service_refuses_an_unconfirmed_reveal(world: World) -> None:
    group = world.secret_group
    with pytest.raises(services.RevealNotConfirmed):
        services.update_group(
            actor=world.bob,
            group=group,
            name=group.name,
            description="",
            hashtags="",
            visibility=Visibility.PRIVATE,
        )
    assert Group.objects.get(pk=group.pk).visibility == Visibility.SECRET


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_of_a_secret_group_stays_404_for_outsiders(
    client: Client, world: World, method: str
) -> None:
    client.force_login(world.eve)
    data = edit_data(world.secret_group, visibility="public", confirm_reveal="on")
    assert_hides_secret(getattr(client, method)(edit_url(world.secret_group), data))
    assert Group.objects.get(pk=world.secret_group.pk).visibility == Visibility.SECRET


def test_confirmation_is_in_french(client: Client, world: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    client.force_login(world.bob)
    body = client.get(edit_url(world.secret_group)).content.decode()
    assert "Je comprends que des personnes extérieures au groupe apprendront" in body
