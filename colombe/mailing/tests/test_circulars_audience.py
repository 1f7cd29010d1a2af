"""Who a circular reaches, for every audience: the right people, each once, relays
first and with the "Bien reçu" link, a secret group's circular for its members only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from pytest_django import DjangoAssertNumQueries

from colombe.core.models import AuditEntry
from colombe.mailing import circulars
from colombe.mailing.models import Circular, CircularCommittee, OutboxMessage
from colombe.mailing.tests.circular_support import (
    Country,
    build_country,
    national_draft,
    recipients_of,
    send,
)
from tests import factories
from tests.personas import World

Audience = Circular.Audience


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


def committees_of(circular: Circular) -> dict[str, int]:
    rows = CircularCommittee.objects.filter(circular=circular)
    return dict(rows.values_list("committee__slug", "relays_sent"))


def test_all_relays_reach_every_committee_through_its_relays(country: Country) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world))
    assert recipients_of(circular) == {
        "bob@example.org": "relay",
        "mia@example.org": "relay",
        "noe@example.org": "relay",  # unconfirmed relays still receive it
    }
    # Grenoble has no relay: it still has a row, so coverage and escalation see it.
    assert committees_of(circular) == {"lyon": 1, "grenoble": 0, "montpellier": 2}
    assert circular.status == Circular.Status.SENT and circular.sent_at is not None


def test_each_relay_gets_one_personal_email_with_a_bien_recu_link(country: Country) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world))
    rows = OutboxMessage.objects.filter(key__startswith=f"circular:{circular.pk}:")
    assert rows.count() == 3
    bob = rows.get(to_email="bob@example.org")
    assert bob.key == f"circular:{circular.pk}:user:{world.bob.pk}"
    assert bob.priority == OutboxMessage.PRIORITY_RELAYS
    assert bob.category == OutboxMessage.Category.CIRCULAR
    token = circulars.ack_token(circular.pk, world.bob.pk)
    assert f"/diffusion/bien-recu/{token}/" in bob.body_text
    assert "<strong>samedi à 11 h</strong>" in bob.body_html
    assert "Comité de Lyon" in bob.body_text  # the footer says whose relay they are
    assert "/structures/lyon/membres/" in bob.body_text
    mia = rows.get(to_email="mia@example.org")
    assert circulars.ack_token(circular.pk, country.mia.pk) in mia.body_text
    assert token not in mia.body_text


def test_urgent_circulars_go_to_relays_at_the_highest_priority(country: Country) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world, urgency=Circular.Urgency.URGENT))
    priorities = set(
        OutboxMessage.objects.filter(key__startswith=f"circular:{circular.pk}:").values_list(
            "priority", flat=True
        )
    )
    assert priorities == {OutboxMessage.PRIORITY_URGENT}
    assert OutboxMessage.objects.filter(subject__startswith="[Urgent]").count() == 3


def test_relays_of_chosen_regions_only(country: Country) -> None:
    world = country.world
    draft = national_draft(world, audience=Audience.REGION_RELAYS, regions=[country.occitanie])
    circular = send(world.alice, draft)
    assert set(recipients_of(circular)) == {"mia@example.org", "noe@example.org"}
    assert committees_of(circular) == {"montpellier": 2}


def test_all_members_once_each_relays_first(country: Country) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world, audience=Audience.ALL_MEMBERS))
    reasons = recipients_of(circular)
    assert reasons == {
        "alice@example.org": "member",
        "bob@example.org": "relay",
        "charlie@example.org": "member",  # in two committees and a working group: once
        "gaspard@example.org": "member",
        "mia@example.org": "relay",
        "noe@example.org": "relay",
        "leo@example.org": "member",
        "wendy@example.org": "member",
    }  # not Dana (pending), not Frank (partner representative), not Eve
    rows = list(OutboxMessage.objects.filter(key__startswith=f"circular:{circular.pk}:"))
    assert len(rows) == len(reasons)
    first_three = {row.to_email for row in rows[:3]}  # the worker's order
    assert first_three == {"bob@example.org", "mia@example.org", "noe@example.org"}
    charlie = next(row for row in rows if row.to_email == "charlie@example.org")
    assert charlie.priority == OutboxMessage.PRIORITY_BULK
    assert "bien-recu" not in charlie.body_text


def test_members_of_a_working_group(country: Country) -> None:
    world = country.world
    draft = national_draft(world, audience=Audience.STRUCTURE, structure=country.working_group)
    circular = send(world.alice, draft)
    assert recipients_of(circular) == {
        "charlie@example.org": "member",
        "wendy@example.org": "member",
    }
    assert not CircularCommittee.objects.filter(circular=circular).exists()


def test_partner_representatives_of_a_collective(country: Country) -> None:
    world = country.world
    draft = national_draft(world, audience=Audience.PARTNERS, structure=world.collective)
    assert recipients_of(send(world.alice, draft)) == {"frank@example.org": "member"}


def test_a_public_group_s_members(country: Country) -> None:
    world = country.world
    draft = national_draft(world, audience=Audience.GROUP, group=world.public_group)
    assert set(recipients_of(send(world.alice, draft))) == {
        "bob@example.org",
        "charlie@example.org",
    }


def test_secret_group_circular_reaches_its_members_only(country: Country) -> None:
    world = country.world
    # Only a member may address a secret group: Bob (its owner) writes as coordinator.
    country.ara.coordinators.add(world.bob)
    draft = national_draft(
        world,
        audience=Audience.GROUP,
        group=world.secret_group,
        sender_structure=None,
        sender_territory=country.ara,
    )
    circular = send(world.bob, draft)
    assert set(recipients_of(circular)) == {"bob@example.org", "charlie@example.org"}
    # Outsiders and national administrators (not members) do not know it exists.
    for outsider in (world.eve, world.alice, country.mia):
        assert not circulars.policy.visible(Circular, outsider).filter(pk=circular.pk).exists()
    # Its audit entries live in the group's scope, which the audit log hides from them.
    entries = AuditEntry.objects.filter(object_type="mailing.circular", object_id=circular.pk)
    assert set(entries.values_list("action", "scope")) == {
        ("mailing.circular.created", f"groups.group:{world.secret_group.pk}"),
        ("mailing.circular.sent", f"groups.group:{world.secret_group.pk}"),
    }


def test_a_national_admin_cannot_address_a_secret_group_they_do_not_see(
    country: Country,
) -> None:
    world = country.world
    draft = national_draft(world, audience=Audience.GROUP, group=world.secret_group)
    with pytest.raises(Http404):
        circulars.create_circular(actor=world.alice, draft=draft)


def test_a_regional_circular_stays_in_its_region(country: Country) -> None:
    draft = national_draft(country.world, sender_structure=None, sender_territory=country.ara)
    circular = send(country.claire, draft)
    assert set(recipients_of(circular)) == {"bob@example.org"}
    assert committees_of(circular) == {"lyon": 1, "grenoble": 0}


def test_a_regional_coordinator_cannot_address_another_region(country: Country) -> None:
    draft = national_draft(
        country.world,
        audience=Audience.REGION_RELAYS,
        regions=[country.occitanie],
        sender_structure=None,
        sender_territory=country.ara,
    )
    with pytest.raises(PermissionDenied):
        circulars.create_circular(actor=country.claire, draft=draft)


def test_a_coordinator_cannot_speak_for_the_national_office(country: Country) -> None:
    with pytest.raises(PermissionDenied):
        circulars.create_circular(actor=country.claire, draft=national_draft(country.world))


def test_expansion_costs_the_same_queries_for_more_people(
    country: Country, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    world = country.world
    circular = circulars.create_circular(
        actor=world.alice, draft=national_draft(world, audience=Audience.ALL_MEMBERS)
    )
    for number in range(40):
        factories.MembershipFactory.create(structure=world.lyon, is_relay=number < 2)
    with django_assert_max_num_queries(4):
        reach = circulars.reach_of(circular)
    assert reach.people == 48
