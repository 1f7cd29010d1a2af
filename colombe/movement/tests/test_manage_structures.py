import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.movement.models import Structure, Territory
from tests.personas import SECRET_GROUP_NAME, World

CREATE = reverse("movement:structure_create")
EDIT_LYON = reverse("movement:structure_edit", args=["lyon"])
TERRITORIES = reverse("movement:territories")
NEW_TERRITORY = reverse("movement:territory_create")


def structure_data(territory: Territory, **extra: str) -> dict[str, str | int]:
    data: dict[str, str | int] = {
        "name": "Comité de Villeurbanne",
        "slug": "villeurbanne",
        "kind": Structure.Kind.COMMITTEE,
        "territory": territory.pk,
        "description": "Réunion le mardi.",
    }
    data.update(extra)
    return data


def test_national_admin_creates_a_structure(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(CREATE).status_code == 200
    rhone = Territory.objects.get(slug="rhone")
    response = client.post(CREATE, structure_data(rhone))
    created = Structure.objects.get(slug="villeurbanne")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.territory == rhone
    entry = AuditEntry.objects.get(action="movement.structure.created")
    assert entry.actor == world.alice
    assert entry.object_id == str(created.pk)


def test_created_committee_appears_in_the_directory(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.post(CREATE, structure_data(Territory.objects.get(slug="rhone")))
    assert "Comité de Villeurbanne" in client.get(reverse("movement:directory")).content.decode()


def test_invalid_structure_keeps_what_was_typed(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.post(CREATE, structure_data(Territory.objects.get(slug="rhone"), slug="lyon"))
    assert response.status_code == 422
    assert "Comité de Villeurbanne" in response.content.decode()
    assert "Réunion le mardi." in response.content.decode()
    assert not Structure.objects.filter(name="Comité de Villeurbanne").exists()


def test_coordinator_creates_in_their_region(
    client: Client, world: World, coordinator, region: Territory
) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, structure_data(Territory.objects.get(slug="rhone")))
    assert response.status_code == 302
    assert Structure.objects.filter(slug="villeurbanne").exists()


def test_coordinator_cannot_create_outside_their_region(
    client: Client, world: World, coordinator, other_region: Territory
) -> None:
    client.force_login(coordinator)
    form = client.get(CREATE).content.decode()
    assert "Bretagne" not in form
    response = client.post(CREATE, structure_data(other_region))
    assert response.status_code == 422
    assert not Structure.objects.filter(slug="villeurbanne").exists()


@pytest.mark.parametrize("persona", ["bob", "charlie", "eve", "frank"])
def test_others_cannot_create_structures(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, structure_data(Territory.objects.get(slug="rhone")))
    assert response.status_code == 403
    assert not Structure.objects.filter(slug="villeurbanne").exists()


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    assert client.get(CREATE).status_code == 302
    assert client.get(EDIT_LYON).status_code == 302
    assert client.get(TERRITORIES).status_code == 302


def test_national_admin_edits_a_structure(client: Client, world: World) -> None:
    client.force_login(world.alice)
    form = client.get(EDIT_LYON)
    assert form.status_code == 200
    assert "A local committee." in form.content.decode()
    response = client.post(
        EDIT_LYON,
        structure_data(
            world.lyon.territory, name="Comité de Lyon", slug="lyon", description="Nouveau texte"
        ),
    )
    assert response.status_code == 302
    world.lyon.refresh_from_db()
    assert world.lyon.description == "Nouveau texte"
    entry = AuditEntry.objects.get(action="movement.structure.updated")
    assert entry.data == {"fields": ["description"]}


def test_coordinator_edits_but_cannot_move_out_of_region(
    client: Client, world: World, coordinator, other_region: Territory
) -> None:
    client.force_login(coordinator)
    response = client.post(
        EDIT_LYON, structure_data(other_region, name="Comité de Lyon", slug="lyon")
    )
    assert response.status_code == 422
    world.lyon.refresh_from_db()
    assert world.lyon.territory.slug == "rhone"


@pytest.mark.parametrize("persona", ["bob", "charlie", "eve"])
def test_others_cannot_edit_structures(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(EDIT_LYON).status_code == 403
    response = client.post(
        EDIT_LYON, structure_data(world.lyon.territory, name="Piraté", slug="lyon")
    )
    assert response.status_code == 403
    world.lyon.refresh_from_db()
    assert world.lyon.name == "Comité de Lyon"


def test_edit_unknown_structure_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("movement:structure_edit", args=["atlantide"])).status_code == 404


def test_edit_page_never_names_the_secret_group(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert SECRET_GROUP_NAME not in client.get(EDIT_LYON).content.decode()


def test_national_admin_manages_territories(
    client: Client, world: World, region: Territory
) -> None:
    client.force_login(world.alice)
    listing = client.get(TERRITORIES).content.decode()
    assert "Auvergne-Rhône-Alpes" in listing
    response = client.post(
        NEW_TERRITORY,
        {
            "name": "Isère",
            "slug": "isere",
            "level": Territory.Level.DEPARTMENT,
            "code": "38",
            "parent": region.pk,
        },
    )
    assert response.status_code == 302
    isere = Territory.objects.get(slug="isere")
    assert isere.parent == region
    assert AuditEntry.objects.filter(
        action="movement.territory.created", actor=world.alice
    ).exists()
    client.post(
        reverse("movement:territory_edit", args=["isere"]),
        {
            "name": "Isère (38)",
            "slug": "isere",
            "level": Territory.Level.DEPARTMENT,
            "code": "38",
            "parent": region.pk,
        },
    )
    isere.refresh_from_db()
    assert isere.name == "Isère (38)"
    assert AuditEntry.objects.filter(action="movement.territory.updated").exists()


def test_territory_must_sit_below_its_parent(client: Client, world: World) -> None:
    client.force_login(world.alice)
    rhone = Territory.objects.get(slug="rhone")
    response = client.post(
        NEW_TERRITORY,
        {
            "name": "Bretagne",
            "slug": "bretagne",
            "level": Territory.Level.REGION,
            "parent": rhone.pk,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "must be at a higher level" in response.content.decode()
    assert not Territory.objects.filter(slug="bretagne").exists()


def test_coordinator_adds_towns_in_their_region_only(
    client: Client, world: World, coordinator, region: Territory, other_region: Territory
) -> None:
    client.force_login(coordinator)
    listing = client.get(TERRITORIES).content.decode()
    assert "Rhône" in listing
    assert "Bretagne" not in listing
    # The coordinator edits the departments below the region, not the region itself.
    assert reverse("movement:territory_edit", args=["rhone"]) in listing
    assert reverse("movement:territory_edit", args=[region.slug]) not in listing
    rhone = Territory.objects.get(slug="rhone")
    ok = client.post(
        NEW_TERRITORY,
        {
            "name": "Vénissieux",
            "slug": "venissieux",
            "level": Territory.Level.LOCAL,
            "parent": rhone.pk,
        },
    )
    assert ok.status_code == 302
    refused = client.post(
        NEW_TERRITORY,
        {
            "name": "Rennes",
            "slug": "rennes",
            "level": Territory.Level.LOCAL,
            "parent": other_region.pk,
        },
    )
    assert refused.status_code == 422
    assert not Territory.objects.filter(slug="rennes").exists()
    assert client.get(reverse("movement:territory_edit", args=[region.slug])).status_code == 403


@pytest.mark.parametrize("persona", ["bob", "eve"])
def test_others_cannot_manage_territories(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(TERRITORIES).status_code == 403
    assert client.get(NEW_TERRITORY).status_code == 403
    assert client.get(reverse("movement:territory_edit", args=["rhone"])).status_code == 403


def test_edit_unknown_territory_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("movement:territory_edit", args=["atlantide"])).status_code == 404


def test_directory_offers_management_links_to_admins_only(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert CREATE not in client.get(reverse("movement:directory")).content.decode()
    client.force_login(world.alice)
    assert CREATE in client.get(reverse("movement:directory")).content.decode()
