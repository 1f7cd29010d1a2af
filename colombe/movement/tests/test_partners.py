import pytest
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.core.models import AuditEntry
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

SLUG = "collectif-paix"
PARTNERS = reverse("movement:partners", args=[SLUG])
ADD = reverse("movement:partner_add", args=[SLUG])
CREATE = reverse("movement:partner_create", args=[SLUG])
COLLECTIVE = reverse("movement:structure", args=[SLUG])


def amis() -> PartnerOrganisation:
    return PartnerOrganisation.objects.get(slug="amis")


def remove_url(organisation: PartnerOrganisation, slug: str = SLUG) -> str:
    return reverse("movement:partner_remove", args=[slug, organisation.pk])


@pytest.fixture
def regional_collective(world: World, region: Territory) -> Structure:
    return factories.StructureFactory.create(
        kind=Structure.Kind.COLLECTIVE,
        name="Collectif AURA",
        slug="collectif-aura",
        territory=region,
    )


def test_collective_page_links_to_partner_management(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert PARTNERS in client.get(COLLECTIVE).content.decode()


@pytest.mark.parametrize("persona", ["frank", "eve", "charlie"])
def test_others_see_no_partner_management_link(client: Client, world: World, persona: str) -> None:
    client.force_login(getattr(world, persona))
    assert PARTNERS not in client.get(COLLECTIVE).content.decode()


def test_partner_page_lists_partners_and_representatives(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get(PARTNERS, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Association des Amis</th>' in body
    assert "<td>1</td>" in body  # Frank represents it
    assert remove_url(amis()) in body
    assert CREATE in body


def test_admin_creates_an_organisation_for_the_collective(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(CREATE).status_code == 200
    response = client.post(
        CREATE,
        {
            "name": "Mouvement de la Paix d'Ici",
            "website": "paix-ici.example.org",
            "description": "Une association locale.",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == PARTNERS
    assert "has been created and added to the collective" in response.content.decode()
    created = PartnerOrganisation.objects.get(name="Mouvement de la Paix d'Ici")
    assert created.slug == "mouvement-de-la-paix-dici"
    assert created.website == "https://paix-ici.example.org"
    assert world.collective.partners.filter(pk=created.pk).exists()
    created_entry = AuditEntry.objects.get(action="movement.partner_organisation.created")
    assert created_entry.object_id == str(created.pk)
    assert created_entry.data == {"collective": world.collective.pk}
    added = AuditEntry.objects.get(action="movement.partner.added")
    assert added.object_id == str(world.collective.pk)
    assert added.data == {"organisation": created.pk}
    # Visitors see it on the collective's page and in the list of collectives.
    client.logout()
    assert "Mouvement de la Paix d&#x27;Ici" in client.get(COLLECTIVE).content.decode()
    listing = client.get(reverse("movement:collectives")).content.decode()
    assert "Mouvement de la Paix d&#x27;Ici" in listing
    assert 'href="https://paix-ici.example.org"' in listing


def test_same_slug_gets_a_suffix(client: Client, world: World) -> None:
    factories.PartnerOrganisationFactory.create(name="Amis, de la paix", slug="amis-de-la-paix")
    client.force_login(world.alice)
    client.post(CREATE, {"name": "Amis de la paix", "website": "", "description": ""})
    assert PartnerOrganisation.objects.get(name="Amis de la paix").slug == "amis-de-la-paix-2"


def test_duplicate_name_is_refused_and_keeps_the_input(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.post(
        CREATE,
        {"name": "Association des Amis", "website": "", "description": "Texte gardé"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "already exists" in body
    assert "Texte gardé" in body
    assert PartnerOrganisation.objects.filter(name="Association des Amis").count() == 1


def test_invalid_website_is_refused(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.post(
        CREATE, {"name": "Nouvelle", "website": "javascript:alert(1)", "description": ""}
    )
    assert response.status_code == 422
    assert not PartnerOrganisation.objects.filter(name="Nouvelle").exists()


def test_admin_adds_an_existing_organisation(client: Client, world: World) -> None:
    other = factories.PartnerOrganisationFactory.create(name="Syndicat des Cheminots")
    client.force_login(world.alice)
    page = client.get(PARTNERS).content.decode()
    assert "Syndicat des Cheminots" in page  # offered in the list to choose from
    response = client.post(ADD, {"organisation": other.pk}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Syndicat des Cheminots is now a partner of the collective." in response.content.decode()
    assert world.collective.partners.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(action="movement.partner.added")
    assert entry.data == {"organisation": other.pk}


def test_current_partner_is_not_offered_again(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.post(ADD, {"organisation": amis().pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert not AuditEntry.objects.filter(action="movement.partner.added").exists()


def test_adding_without_choice_keeps_the_page(client: Client, world: World) -> None:
    factories.PartnerOrganisationFactory.create(name="Syndicat des Cheminots")
    client.force_login(world.alice)
    response = client.post(ADD, {"organisation": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert 'class="error-summary"' in response.content.decode()


def test_admin_removes_a_partner_and_its_representative_stays(client: Client, world: World) -> None:
    client.force_login(world.alice)
    confirmation = client.get(remove_url(amis()), HTTP_ACCEPT_LANGUAGE="en")
    body = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Remove Association des Amis from Collectif pour la paix?" in body
    assert "1 person represents it in this collective" in body
    assert world.collective.partners.filter(slug="amis").exists()
    response = client.post(remove_url(amis()), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "is no longer a partner of the collective" in response.content.decode()
    assert not world.collective.partners.exists()
    assert PartnerOrganisation.objects.filter(slug="amis").exists()
    frank = Membership.objects.get(user=world.frank, structure=world.collective)
    assert frank.organisation is None
    assert frank.role == Membership.Role.MEMBER
    entry = AuditEntry.objects.get(action="movement.partner.removed")
    assert entry.data == {"organisation": amis().pk, "representatives": 1}
    client.logout()
    assert "Association des Amis" not in client.get(COLLECTIVE).content.decode()


def test_a_leader_speaking_for_the_organisation_stays_leader(client: Client, world: World) -> None:
    leader = factories.MembershipFactory.create(
        structure=world.collective, role=Membership.Role.LEADER, organisation=amis()
    )
    client.force_login(world.alice)
    client.post(remove_url(amis()))
    leader.refresh_from_db()
    assert leader.role == Membership.Role.LEADER
    assert leader.organisation is None


def test_removing_an_organisation_that_is_not_a_partner_is_404(
    client: Client, world: World
) -> None:
    other = factories.PartnerOrganisationFactory.create()
    client.force_login(world.alice)
    assert client.get(remove_url(other)).status_code == 404
    assert client.post(remove_url(other)).status_code == 404


def test_coordinator_manages_partners_of_a_collective_in_their_region(
    client: Client, world: World, coordinator: User, regional_collective: Structure
) -> None:
    client.force_login(coordinator)
    url = reverse("movement:partner_create", args=["collectif-aura"])
    response = client.post(url, {"name": "Amis de Grenoble", "website": "", "description": ""})
    assert response.status_code == 302
    organisation = PartnerOrganisation.objects.get(name="Amis de Grenoble")
    assert regional_collective.partners.filter(pk=organisation.pk).exists()
    client.post(remove_url(organisation, "collectif-aura"))
    assert not regional_collective.partners.exists()


def test_coordinator_cannot_manage_a_national_collective(
    client: Client, world: World, coordinator: User
) -> None:
    client.force_login(coordinator)
    assert client.get(PARTNERS).status_code == 403
    assert client.post(CREATE, {"name": "X", "website": "", "description": ""}).status_code == 403
    assert client.post(remove_url(amis())).status_code == 403
    assert world.collective.partners.filter(slug="amis").exists()


@pytest.mark.parametrize("persona", ["bob", "charlie", "dana", "eve", "frank"])
def test_others_cannot_manage_partners(client: Client, world: World, persona: str) -> None:
    other = factories.PartnerOrganisationFactory.create(name="Syndicat des Cheminots")
    client.force_login(getattr(world, persona))
    assert client.get(PARTNERS).status_code == 403
    assert client.post(ADD, {"organisation": other.pk}).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert (
        client.post(CREATE, {"name": "Piratée", "website": "", "description": ""}).status_code
        == 403
    )
    assert client.get(remove_url(amis())).status_code == 403
    assert client.post(remove_url(amis())).status_code == 403
    assert list(world.collective.partners.values_list("slug", flat=True)) == ["amis"]
    assert not PartnerOrganisation.objects.filter(name="Piratée").exists()


def test_collective_leader_does_not_manage_partners(client: Client, world: World) -> None:
    factories.MembershipFactory.create(
        user=world.bob, structure=world.collective, role=Membership.Role.LEADER
    )
    client.force_login(world.bob)
    assert client.get(PARTNERS).status_code == 403


def test_anonymous_is_sent_to_log_in(client: Client, world: World) -> None:
    for response in [
        client.get(PARTNERS),
        client.post(ADD, {"organisation": amis().pk}),
        client.get(CREATE),
        client.post(CREATE, {"name": "Piratée"}),
        client.get(remove_url(amis())),
        client.post(remove_url(amis())),
    ]:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert world.collective.partners.filter(slug="amis").exists()


def test_structures_that_are_not_collectives_have_no_partner_pages(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("movement:partners", args=["lyon"])).status_code == 404
    assert client.get(reverse("movement:partner_create", args=["lyon"])).status_code == 404
    assert (
        client.post(
            reverse("movement:partner_add", args=["lyon"]), {"organisation": amis().pk}
        ).status_code
        == 404
    )
    assert client.get(remove_url(amis(), "lyon")).status_code == 404
    assert (
        reverse("movement:partners", args=["lyon"])
        not in client.get(reverse("movement:structure", args=["lyon"])).content.decode()
    )


def test_unknown_collective_is_404(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("movement:partners", args=["atlantide"])).status_code == 404
    assert client.get(remove_url(amis(), "atlantide")).status_code == 404


def test_add_is_post_only(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get(ADD).status_code == 405


def test_partner_pages_never_name_the_secret_group(client: Client, world: World) -> None:
    client.force_login(world.alice)
    for url in [PARTNERS, CREATE, remove_url(amis())]:
        assert SECRET_GROUP_NAME not in client.get(url).content.decode()
