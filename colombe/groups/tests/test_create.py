from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.groups.tests.conftest import assert_hides_secret
from tests.personas import World

pytestmark = pytest.mark.django_db
CREATE_URL = reverse("groups:create")


def create_data(world: World, **overrides: object) -> dict:
    data = {
        "owner": world.lyon.pk,
        "name": "Atelier affiches",
        "description": "On prépare les affiches.",
        "visibility": Visibility.PRIVATE,
        "hashtags": "#Paix, désarmement",
    }
    data.update(overrides)
    return data


def test_leader_sees_only_own_structures_in_the_form(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Comité de Lyon" in body
    assert "Collectif pour la paix" not in body


def test_leader_creates_group_and_becomes_owner(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(CREATE_URL, create_data(world))
    group = Group.objects.get(name="Atelier affiches")
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert group.slug == "atelier-affiches"
    assert group.owner == world.lyon
    assert group.created_by == world.bob
    assert sorted(tag.name for tag in group.hashtags.all()) == ["désarmement", "paix"]
    membership = GroupMembership.objects.get(group=group)
    assert (membership.user, membership.role) == (world.bob, GroupMembership.Role.OWNER)
    entry = AuditEntry.objects.get(action="groups.group.created")
    assert entry.object_id == str(group.pk)
    assert "Atelier" not in str(entry.data)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Atelier affiches" in page and "#paix" in page


def test_slug_gets_a_suffix_when_taken(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(CREATE_URL, create_data(world, name="Groupe public de Lyon"))
    assert Group.objects.filter(slug="groupe-public-de-lyon").exists()
    client.post(CREATE_URL, create_data(world, name="Groupe public de Lyon"))
    assert Group.objects.filter(slug="groupe-public-de-lyon-2").exists()


def test_slug_never_uses_a_reserved_word(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(CREATE_URL, create_data(world, name="Nouveau"))
    assert Group.objects.get(name="Nouveau").slug == "nouveau-2"


def test_secret_group_slug_is_not_guessable_from_its_name(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(CREATE_URL, create_data(world, name="Cercle intime", visibility=Visibility.SECRET))
    slug = Group.objects.get(name="Cercle intime").slug
    assert slug.startswith("cercle-intime-") and slug != "cercle-intime"


def test_national_admin_creates_for_any_structure(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.post(CREATE_URL, create_data(world, owner=world.collective.pk))
    assert response.status_code == 302
    assert Group.objects.get(name="Atelier affiches").owner == world.collective


def test_leader_cannot_create_for_another_structure(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(CREATE_URL, create_data(world, owner=world.collective.pk))
    assert response.status_code == 422
    assert not Group.objects.filter(name="Atelier affiches").exists()


def test_missing_name_rerenders_with_what_was_typed(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(CREATE_URL, create_data(world, name=""))
    assert response.status_code == 422
    body = response.content.decode()
    assert "error-summary" in body
    assert "On prépare les affiches." in body
    assert not Group.objects.filter(description="On prépare les affiches.").exists()


def test_member_who_leads_nothing_cannot_create(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, create_data(world)).status_code == 403
    assert not Group.objects.filter(name="Atelier affiches").exists()


def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_owner_edits_group(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = reverse("groups:edit", args=[world.private_group.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Nouveau nom",
            "description": "Autre",
            "visibility": "public",
            "hashtags": "#vélo",
        },
    )
    assert response.status_code == 302
    world.private_group.refresh_from_db()
    assert world.private_group.name == "Nouveau nom"
    assert world.private_group.visibility == Visibility.PUBLIC
    assert world.private_group.slug == "lyon-prive"
    assert [tag.name for tag in world.private_group.hashtags.all()] == ["vélo"]
    assert AuditEntry.objects.filter(action="groups.group.updated").exists()


def test_invalid_edit_is_422(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = reverse("groups:edit", args=[world.public_group.slug])
    response = client.post(url, {"name": "", "description": "Texte tapé", "visibility": "public"})
    assert response.status_code == 422
    assert "Texte tapé" in response.content.decode()


def test_plain_member_cannot_edit(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("groups:edit", args=[world.public_group.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x", "visibility": "public"}).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_secret_group_is_404_for_outsiders(client: Client, world: World, method: str) -> None:
    url = reverse("groups:edit", args=[world.secret_group.slug])
    assert_hides_secret(getattr(client, method)(url))
    client.force_login(world.eve)
    assert_hides_secret(getattr(client, method)(url, {"name": "x", "visibility": "public"}))


def test_visibility_options_are_short_and_explained(client: Client, world: World) -> None:
    client.force_login(world.bob)
    body = client.get(CREATE_URL).content.decode()
    assert (
        '<input type="radio" name="visibility" value="secret" required '
        'id="id_visibility_2" aria-describedby="id_visibility_2_explanation">\nSecret</label>'
    ) in body
    assert (
        '<p class="help" id="id_visibility_2_explanation">Only members know that the group '
        "exists. People join by invitation only.</p>"
    ) in body
    assert "Public — anyone can read" not in body
    assert "<legend>Who can see the group" in body


def test_visibility_badges_are_short_in_french(client: Client, world: World, settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"
    assert world.private_group.get_visibility_display() == "Privé"
    client.force_login(world.bob)
    body = client.get(reverse("groups:edit", args=[world.private_group.slug])).content.decode()
    assert ">\nPrivé</label>" in body
    assert "Les discussions et les documents sont réservés aux membres." in body
