"""Shared by the circular and coverage tests: the personas' world grown into a small
country — two regions, three committees with different coverage, a regional
coordinator — and helpers to write and send circulars through the services."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress

from colombe.accounts.models import User
from colombe.mailing import circulars
from colombe.mailing.circulars import CircularDraft
from colombe.mailing.models import Circular
from colombe.movement.models import Membership, Structure, Territory
from tests import factories
from tests.personas import World


@dataclass
class Country:
    world: World
    ara: Territory  # Auvergne-Rhône-Alpes: Lyon (Bob, relay) and Grenoble (no relay)
    occitanie: Territory  # Montpellier: two relays, one of them unconfirmed
    grenoble: Structure
    montpellier: Structure
    working_group: Structure
    claire: User  # coordinates Auvergne-Rhône-Alpes
    gaspard: User  # leads Grenoble, not a relay
    mia: User  # relay of Montpellier, address confirmed
    noe: User  # relay of Montpellier, address not confirmed
    leo: User  # leads Montpellier, not a relay
    wendy: User  # member of the working group only


def confirm_address(user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def member(user: User, structure: Structure, **fields: Any) -> Membership:
    return factories.MembershipFactory.create(user=user, structure=structure, **fields)


def person(name: str) -> User:
    return factories.UserFactory.create(email=f"{name.lower()}@example.org", display_name=name)


def build_country(world: World) -> Country:
    ara = Territory.objects.get(slug="auvergne-rhone-alpes")
    france = Territory.objects.get(slug="france")
    occitanie = factories.TerritoryFactory.create(
        name="Occitanie", slug="occitanie", level=Territory.Level.REGION, parent=france
    )
    herault = factories.TerritoryFactory.create(
        name="Hérault", slug="herault", level=Territory.Level.DEPARTMENT, parent=occitanie
    )
    isere = factories.TerritoryFactory.create(
        name="Isère", slug="isere", level=Territory.Level.DEPARTMENT, parent=ara
    )
    grenoble = factories.StructureFactory.create(
        name="Comité de Grenoble", slug="grenoble", territory=isere
    )
    montpellier = factories.StructureFactory.create(
        name="Comité de Montpellier", slug="montpellier", territory=herault
    )
    working_group = factories.StructureFactory.create(
        kind=Structure.Kind.WORKING_GROUP,
        name="Groupe de travail désarmement",
        slug="gt-desarmement",
        territory=france,
    )
    claire, gaspard, mia, noe, leo, wendy = (
        person(name) for name in ("Claire", "Gaspard", "Mia", "Noe", "Leo", "Wendy")
    )
    ara.coordinators.add(claire)
    member(gaspard, grenoble, role=Membership.Role.LEADER)
    member(mia, montpellier, is_relay=True)
    member(noe, montpellier, is_relay=True)
    member(leo, montpellier, role=Membership.Role.LEADER)
    # Charlie belongs to two committees and the working group: one email all the same.
    member(world.charlie, montpellier)
    member(world.charlie, working_group)
    member(wendy, working_group)
    for confirmed in (world.bob, mia):
        confirm_address(confirmed)
    return Country(
        world=world,
        ara=ara,
        occitanie=occitanie,
        grenoble=grenoble,
        montpellier=montpellier,
        working_group=working_group,
        claire=claire,
        gaspard=gaspard,
        mia=mia,
        noe=noe,
        leo=leo,
        wendy=wendy,
    )


def national_draft(world: World, **fields: Any) -> CircularDraft:
    values: dict[str, Any] = {
        "subject": "Rassemblements samedi",
        "body": "Rendez-vous **samedi à 11 h** devant les préfectures.",
        "urgency": Circular.Urgency.NORMAL,
        "audience": Circular.Audience.ALL_RELAYS,
        "sender_structure": world.national,
        **fields,
    }
    return CircularDraft(**values)


def send(actor: User, draft: CircularDraft) -> Circular:
    circular = circulars.create_circular(actor=actor, draft=draft)
    circulars.send_circular(actor=actor, circular=circular)
    circular.refresh_from_db()
    return circular


def recipients_of(circular: Circular) -> dict[str, str]:
    """Email address → reason, for every recipient row."""
    return dict(circular.recipients.values_list("user__email", "reason"))
