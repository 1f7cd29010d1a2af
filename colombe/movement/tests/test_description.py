import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from tests.personas import SECRET_GROUP_NAME, World

DESCRIPTION = reverse("movement:description_edit", args=["lyon"])
LYON = reverse("movement:structure", args=["lyon"])


def test_leader_edits_the_description(client: Client, world: World) -> None:
    client.force_login(world.bob)
    form = client.get(DESCRIPTION)
    assert form.status_code == 200
    assert "A local committee." in form.content.decode()
    response = client.post(DESCRIPTION, {"description": "Réunion le jeudi à 19 h."})
    assert response.status_code == 302
    assert response["Location"] == LYON
    world.lyon.refresh_from_db()
    assert world.lyon.description == "Réunion le jeudi à 19 h."
    assert "Réunion le jeudi à 19 h." in client.get(LYON).content.decode()
    entry = AuditEntry.objects.get(action="movement.structure.description_updated")
    assert entry.actor == world.bob
    assert entry.object_id == str(world.lyon.pk)


def test_leader_changes_nothing_but_the_description(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(
        DESCRIPTION,
        {"description": "Nouveau", "name": "Piraté", "slug": "pirate", "kind": "collective"},
    )
    world.lyon.refresh_from_db()
    assert world.lyon.description == "Nouveau"
    assert world.lyon.name == "Comité de Lyon"
    assert world.lyon.slug == "lyon"
    assert world.lyon.kind == "committee"


def test_leader_still_cannot_open_the_full_edit_form(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get(reverse("movement:structure_edit", args=["lyon"])).status_code == 403
    body = client.get(LYON).content.decode()
    assert DESCRIPTION in body


def test_unchanged_description_is_not_audited(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(DESCRIPTION, {"description": "A local committee."})
    assert not AuditEntry.objects.filter(action="movement.structure.description_updated").exists()


def test_description_can_be_emptied(client: Client, world: World) -> None:
    client.force_login(world.bob)
    client.post(DESCRIPTION, {"description": ""})
    world.lyon.refresh_from_db()
    assert world.lyon.description == ""


def test_national_admin_and_coordinator_may_edit_it_too(
    client: Client, world: World, coordinator
) -> None:
    for person, text in [(world.alice, "Par Alice"), (coordinator, "Par Gaspard")]:
        client.force_login(person)
        assert client.post(DESCRIPTION, {"description": text}).status_code == 302
        world.lyon.refresh_from_db()
        assert world.lyon.description == text


@pytest.mark.parametrize("persona", ["charlie", "dana", "eve", "frank"])
def test_others_cannot_edit_the_description(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(DESCRIPTION).status_code == 403
    assert client.post(DESCRIPTION, {"description": "Piraté"}).status_code == 403
    world.lyon.refresh_from_db()
    assert world.lyon.description == "A local committee."
    assert DESCRIPTION not in client.get(LYON).content.decode()


def test_leader_of_another_structure_cannot_edit(client: Client, world: World) -> None:
    # Bob leads Lyon, not the collective.
    client.force_login(world.bob)
    url = reverse("movement:description_edit", args=[world.collective.slug])
    assert client.post(url, {"description": "Piraté"}).status_code == 403


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    for response in [client.get(DESCRIPTION), client.post(DESCRIPTION, {"description": "x"})]:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    world.lyon.refresh_from_db()
    assert world.lyon.description == "A local committee."


def test_unknown_structure_is_404(client: Client, world: World) -> None:
    client.force_login(world.bob)
    url = reverse("movement:description_edit", args=["atlantide"])
    assert client.get(url).status_code == 404


def test_description_page_never_names_the_secret_group(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert SECRET_GROUP_NAME not in client.get(DESCRIPTION).content.decode()
