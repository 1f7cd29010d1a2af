"""The communication team: national administrators appoint the communication group, a
structure's leaders (and the group) appoint its communication lead."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.models import AuditEntry
from colombe.outreach import policy as outreach_policy
from colombe.outreach.models import CommunicationRole
from colombe.outreach.tests.registry_helpers import as_persona, is_login_redirect
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """Pages in English: the tests read their wording."""


def test_members_see_the_team(client: Client, world: World) -> None:
    CommunicationRole.objects.create(user=world.charlie, structure=world.lyon)
    url = reverse("outreach:team")
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    assert as_persona(client, world, "eve").get(url).status_code == 403
    for persona in ("charlie", "bob", "alice"):
        page = as_persona(client, world, persona).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Comité de Lyon" in text and "Charlie" in text
        assert "Alice" in text  # a national administrator, in the group by right
        assert "charlie@example.org" not in text


def test_a_member_has_no_appointment_form(client: Client, world: World) -> None:
    page = as_persona(client, world, "charlie").get(reverse("outreach:team"))
    assert page.context["form"] is None
    assert (
        as_persona(client, world, "charlie").post(reverse("outreach:team_add")).status_code == 403
    )


def test_an_administrator_appoints_a_member_of_the_communication_group(
    client: Client, world: World
) -> None:
    as_persona(client, world, "alice")
    response = client.post(
        reverse("outreach:team_add"), {"structure": "", "email": "Charlie@example.org"}
    )
    assert response["Location"] == reverse("outreach:team")
    assert outreach_policy.in_communication_group(world.charlie)
    role = CommunicationRole.objects.get(user=world.charlie)
    assert role.structure is None and role.appointed_by == world.alice
    assert AuditEntry.objects.filter(action="outreach.team.appointed", actor=world.alice).exists()


def test_the_group_needs_a_member_of_the_movement(client: Client, world: World) -> None:
    as_persona(client, world, "alice")
    for email in ("eve@example.org", "nobody@example.org"):
        response = client.post(reverse("outreach:team_add"), {"structure": "", "email": email})
        assert response.status_code == 422
        assert "No active member of the movement uses this address." in response.content.decode()
    assert not CommunicationRole.objects.exists()


def test_a_leader_appoints_the_lead_of_their_committee(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    form = client.get(reverse("outreach:team")).context["form"]
    assert list(form.fields["structure"].queryset) == [world.lyon]
    data = {"structure": world.lyon.pk, "email": "charlie@example.org"}
    assert client.post(reverse("outreach:team_add"), data).status_code == 302
    assert outreach_policy.is_communication_lead(world.charlie, world.lyon)


def test_a_leader_appoints_nobody_elsewhere(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    for structure in ("", str(world.national.pk)):
        response = client.post(
            reverse("outreach:team_add"), {"structure": structure, "email": "charlie@example.org"}
        )
        assert response.status_code == 422
    assert not CommunicationRole.objects.exists()


def test_the_lead_must_be_an_active_member_of_the_committee(client: Client, world: World) -> None:
    as_persona(client, world, "bob")
    for email in ("dana@example.org", "eve@example.org"):  # Dana's request is still pending
        response = client.post(
            reverse("outreach:team_add"), {"structure": world.lyon.pk, "email": email}
        )
        assert response.status_code == 422
        assert "No active member of Comité de Lyon uses this address." in response.content.decode()


def test_appointing_twice_is_refused(client: Client, world: World) -> None:
    CommunicationRole.objects.create(user=world.charlie, structure=world.lyon)
    as_persona(client, world, "bob")
    data = {"structure": world.lyon.pk, "email": "charlie@example.org"}
    response = client.post(reverse("outreach:team_add"), data)
    assert response.status_code == 422
    assert "already has this role" in response.content.decode()


def test_taking_back_a_role_asks_first(client: Client, world: World) -> None:
    role = CommunicationRole.objects.create(user=world.charlie, structure=world.lyon)
    url = reverse("outreach:team_remove", args=[role.pk])
    assert is_login_redirect(as_persona(client, world, "anonymous").get(url))
    assert as_persona(client, world, "eve").post(url).status_code == 403
    assert as_persona(client, world, "charlie").post(url).status_code == 403
    page = as_persona(client, world, "bob").get(url)
    assert "will no longer be the communication lead of Comité de Lyon" in page.content.decode()
    assert CommunicationRole.objects.filter(pk=role.pk).exists()
    assert client.post(url)["Location"] == reverse("outreach:team")
    assert not CommunicationRole.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.filter(action="outreach.team.dismissed", actor=world.bob).exists()


def test_only_administrators_take_back_a_seat_in_the_group(client: Client, world: World) -> None:
    seat = CommunicationRole.objects.create(user=world.charlie, structure=None)
    url = reverse("outreach:team_remove", args=[seat.pk])
    assert as_persona(client, world, "bob").post(url).status_code == 403
    team_page = client.get(reverse("outreach:team")).content.decode()
    assert url not in team_page
    assert url in as_persona(client, world, "alice").get(reverse("outreach:team")).content.decode()
    assert client.post(url).status_code == 302
    assert not outreach_policy.in_communication_group(world.charlie)
