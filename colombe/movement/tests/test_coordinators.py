import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.core.models import AuditEntry
from colombe.movement.models import Structure, Territory
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

PAGE = reverse("movement:territory_coordinators", args=["auvergne-rhone-alpes"])
ADD = reverse("movement:territory_coordinator_add", args=["auvergne-rhone-alpes"])


def remove_url(person: User, territory: str = "auvergne-rhone-alpes") -> str:
    return reverse("movement:territory_coordinator_remove", args=[territory, person.pk])


def test_territory_list_links_to_coordinators_for_admins(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert PAGE in client.get(reverse("movement:territories")).content.decode()


def test_coordinator_sees_no_coordinators_link(
    client: Client, world: World, coordinator: User
) -> None:
    client.force_login(coordinator)
    listing = client.get(reverse("movement:territories")).content.decode()
    assert "/coordination/" not in listing


def test_national_admin_names_a_coordinator_by_email(
    client: Client, world: World, region: Territory
) -> None:
    client.force_login(world.alice)
    assert "no coordinator yet" in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(
        ADD, {"email": "  Charlie@Example.org "}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert response.redirect_chain[-1][0] == PAGE
    body = response.content.decode()
    assert "Charlie now coordinates Auvergne-Rhône-Alpes." in body
    assert '<th scope="row">Charlie</th>' in body
    assert list(region.coordinators.all()) == [world.charlie]
    entry = AuditEntry.objects.get(action="movement.coordinator.assigned")
    assert entry.actor == world.alice
    assert entry.object_id == str(region.pk)
    assert entry.data == {"user": world.charlie.pk}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.charlie.email]
    assert "Auvergne-Rhône-Alpes" in mail.outbox[0].subject
    assert reverse("movement:territories") in mail.outbox[0].body


def test_new_coordinator_may_then_create_structures_there(
    client: Client, world: World, region: Territory
) -> None:
    client.force_login(world.alice)
    client.post(ADD, {"email": world.charlie.email})
    client.force_login(world.charlie)
    response = client.post(
        reverse("movement:structure_create"),
        {
            "name": "Comité de Villeurbanne",
            "slug": "villeurbanne",
            "kind": Structure.Kind.COMMITTEE,
            "territory": Territory.objects.get(slug="rhone").pk,
            "description": "",
        },
    )
    assert response.status_code == 302
    assert Structure.objects.filter(slug="villeurbanne").exists()


def test_unknown_email_gives_a_clear_error_and_keeps_the_input(
    client: Client, world: World, region: Territory
) -> None:
    client.force_login(world.alice)
    response = client.post(ADD, {"email": "nobody@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 422
    assert "There is no account with this email address." in body
    assert 'value="nobody@example.org"' in body
    assert not region.coordinators.exists()
    assert not AuditEntry.objects.filter(action="movement.coordinator.assigned").exists()
    assert len(mail.outbox) == 0


def test_a_part_of_an_address_matches_nobody(
    client: Client, world: World, region: Territory
) -> None:
    client.force_login(world.alice)
    response = client.post(ADD, {"email": "charlie@example.or"}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 422
    assert "There is no account with this email address." in body
    # No suggestion of an account that looks alike.
    assert "charlie@example.org" not in body
    assert not region.coordinators.exists()


def test_deactivated_account_is_answered_like_an_unknown_one(
    client: Client, world: World, region: Territory
) -> None:
    factories.UserFactory.create(email="gone@example.org", is_active=False)
    client.force_login(world.alice)
    response = client.post(ADD, {"email": "gone@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "There is no account with this email address." in response.content.decode()
    assert not region.coordinators.exists()


def test_invalid_email_is_refused(client: Client, world: World, region: Territory) -> None:
    client.force_login(world.alice)
    response = client.post(ADD, {"email": "pas une adresse"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert 'class="error-summary"' in response.content.decode()
    assert not region.coordinators.exists()


def test_naming_twice_says_so(client: Client, world: World, coordinator: User) -> None:
    client.force_login(world.alice)
    response = client.post(ADD, {"email": coordinator.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "already coordinates this territory" in response.content.decode()
    assert len(mail.outbox) == 0


def test_national_admin_removes_a_coordinator(
    client: Client, world: World, coordinator: User, region: Territory
) -> None:
    client.force_login(world.alice)
    page = client.get(PAGE).content.decode()
    assert remove_url(coordinator) in page
    confirmation = client.get(remove_url(coordinator), HTTP_ACCEPT_LANGUAGE="en")
    assert confirmation.status_code == 200
    assert "Remove Gaspard as coordinator of Auvergne-Rhône-Alpes?" in confirmation.content.decode()
    assert region.coordinators.filter(pk=coordinator.pk).exists()
    response = client.post(remove_url(coordinator), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Gaspard no longer coordinates Auvergne-Rhône-Alpes." in response.content.decode()
    assert not region.coordinators.exists()
    entry = AuditEntry.objects.get(action="movement.coordinator.removed")
    assert entry.data == {"user": coordinator.pk}
    assert mail.outbox[-1].to == [coordinator.email]
    # The former coordinator has lost their powers.
    client.force_login(coordinator)
    assert client.get(reverse("movement:structure_edit", args=["lyon"])).status_code == 403


def test_removing_someone_who_is_not_coordinator_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(remove_url(world.charlie)).status_code == 404
    assert client.post(remove_url(world.charlie)).status_code == 404
    assert not AuditEntry.objects.filter(action="movement.coordinator.removed").exists()


def test_unknown_territory_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert (
        client.get(reverse("movement:territory_coordinators", args=["atlantide"])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("movement:territory_coordinator_add", args=["atlantide"]),
            {"email": world.charlie.email},
        ).status_code
        == 404
    )
    assert client.get(remove_url(world.charlie, "atlantide")).status_code == 404


def test_add_is_post_only(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(ADD).status_code == 405


@pytest.mark.parametrize("persona", ["bob", "charlie", "dana", "eve", "frank"])
def test_others_cannot_manage_coordinators(
    client: Client, world: World, persona: str, coordinator: User, region: Territory
) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(PAGE).status_code == 403
    response = client.post(ADD, {"email": getattr(world, persona).email})
    assert response.status_code == 403
    assert client.get(remove_url(coordinator)).status_code == 403
    assert client.post(remove_url(coordinator)).status_code == 403
    assert list(region.coordinators.all()) == [coordinator]
    assert len(mail.outbox) == 0


def test_coordinators_cannot_name_coordinators(
    client: Client, world: World, coordinator: User, region: Territory
) -> None:
    client.force_login(coordinator)
    rhone = reverse("movement:territory_coordinator_add", args=["rhone"])
    assert client.get(PAGE).status_code == 403
    assert client.post(rhone, {"email": world.charlie.email}).status_code == 403
    assert not Territory.objects.get(slug="rhone").coordinators.exists()


def test_anonymous_is_sent_to_log_in(client: Client, world: World, coordinator: User) -> None:
    for response in [
        client.get(PAGE),
        client.post(ADD, {"email": world.charlie.email}),
        client.get(remove_url(coordinator)),
        client.post(remove_url(coordinator)),
    ]:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert Territory.objects.get(slug="auvergne-rhone-alpes").coordinators.count() == 1


def test_coordinator_pages_never_name_the_secret_group(
    client: Client, world: World, coordinator: User
) -> None:
    client.force_login(world.alice)
    assert SECRET_GROUP_NAME not in client.get(PAGE).content.decode()
    assert SECRET_GROUP_NAME not in client.get(remove_url(coordinator)).content.decode()
