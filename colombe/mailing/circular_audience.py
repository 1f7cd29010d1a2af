"""Who a circular reaches: its audience expanded into people and committees.

The expansion runs a fixed number of queries whatever the size of the audience (one for
the committees in scope, one for their relays, one for the other members): a send to
10,000 members must not cost 10,000 queries before the first relay's email is queued.

Relays come first. In a send to relays, and in a send to all members, every committee in
scope gets a row (even one without any relay, so that the coverage page and the
escalation see it) and its relays receive the circular as relays, with a "Bien reçu"
link. Everybody else is a plain member. A person appears once, however many committees
or groups they belong to."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from colombe.groups.models import GroupMembership
from colombe.mailing.models import Circular
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import subtree_filter

Audience = Circular.Audience
# Audiences whose committees are followed through their relays.
THROUGH_RELAYS = (Audience.ALL_RELAYS, Audience.REGION_RELAYS, Audience.ALL_MEMBERS)
RELAYS_ONLY = (Audience.ALL_RELAYS, Audience.REGION_RELAYS)


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str


@dataclass
class Reach:
    """The expanded audience: relays (with the committees they are relay of), other
    members, and every committee in scope with the number of its relays."""

    relays: dict[int, Person] = field(default_factory=dict)
    relay_of: dict[int, list[int]] = field(default_factory=dict)
    members: dict[int, Person] = field(default_factory=dict)
    committees: dict[int, int] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return len(self.relays) + len(self.members)

    @property
    def committees_reached(self) -> int:
        """Committees at least one relay of which receives the circular."""
        return sum(1 for relays in self.committees.values() if relays)

    @property
    def committees_without_relay(self) -> int:
        return sum(1 for relays in self.committees.values() if not relays)

    def add_relay(self, user_id: int, email: str, committee_id: int) -> None:
        self.relays.setdefault(user_id, Person(user_id, email))
        self.relay_of.setdefault(user_id, []).append(committee_id)
        self.committees[committee_id] += 1

    def add_member(self, user_id: int, email: str) -> None:
        if user_id not in self.relays:
            self.members.setdefault(user_id, Person(user_id, email))


def committees_in_scope(circular: Circular) -> QuerySet[Structure]:
    committees = Structure.objects.committees()
    if circular.audience == Audience.REGION_RELAYS:
        regions = circular.regions.values("pk")
        committees = committees.filter(subtree_filter(regions, prefix="territory__"))
    if circular.sender_territory_id is not None:
        region = [circular.sender_territory_id]
        committees = committees.filter(subtree_filter(region, prefix="territory__"))
    return committees


def active_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(status=Membership.Status.ACTIVE, user__is_active=True)


def add_relays(reach: Reach, circular: Circular) -> None:
    committee_ids = list(committees_in_scope(circular).values_list("pk", flat=True))
    reach.committees = dict.fromkeys(committee_ids, 0)
    relays = active_memberships().filter(structure_id__in=committee_ids, is_relay=True)
    rows = relays.order_by("structure_id", "pk").values_list(
        "user_id", "user__email", "structure_id"
    )
    for user_id, email, committee_id in rows:
        reach.add_relay(user_id, email, committee_id)


def required_id(value: int | None) -> int:
    """The group or structure an audience is drawn from: the form requires it."""
    if value is None:
        raise ValueError("This audience needs a group or a structure.")
    return value


def member_rows(circular: Circular) -> QuerySet:
    """(user id, email) of every member of the audience, relays included."""
    audience = circular.audience
    if audience == Audience.GROUP:
        people = GroupMembership.objects.filter(
            group_id=required_id(circular.group_id), user__is_active=True
        )
        return people.values_list("user_id", "user__email")
    memberships = active_memberships()
    if audience == Audience.ALL_MEMBERS:
        # Partner representatives speak for other organisations: they are reached through
        # their collective ("partners" audience), not as members of the movement.
        memberships = memberships.exclude(role=Membership.Role.REPRESENTATIVE)
        if circular.sender_territory_id is not None:
            region = [circular.sender_territory_id]
            memberships = memberships.filter(
                subtree_filter(region, prefix="structure__territory__")
            )
    elif audience == Audience.PARTNERS:
        memberships = memberships.filter(
            structure_id=required_id(circular.structure_id), role=Membership.Role.REPRESENTATIVE
        )
    else:
        memberships = memberships.filter(structure_id=required_id(circular.structure_id))
    return memberships.order_by("user_id").values_list("user_id", "user__email")


def expand(circular: Circular) -> Reach:
    reach = Reach()
    if circular.audience in THROUGH_RELAYS:
        add_relays(reach, circular)
    if circular.audience not in RELAYS_ONLY:
        for user_id, email in member_rows(circular):
            reach.add_member(user_id, email)
    return reach
