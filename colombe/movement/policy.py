"""Who may see and do what in the movement's structures.

Structures (committees, working groups, collectives) are public: their name and
description are the movement's shop window. Their member lists are for members.

Regional coordinators (``Territory.coordinators``) act on everything in their territory's
subtree; national administrators act everywhere."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.core import policy
from colombe.movement.models import Membership, Structure, Territory

# national → region → department → local: a node has at most three ancestors.
TREE_DEPTH = 4


def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_active_member(user: Any) -> bool:
    """Active in at least one structure: a member of the movement."""
    return is_authenticated(user) and (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()
    )


def active_membership(user: Any, structure: Structure) -> Membership | None:
    if not is_authenticated(user):
        return None
    return Membership.objects.filter(
        user=user, structure=structure, status=Membership.Status.ACTIVE
    ).first()


def any_membership(user: Any, structure: Structure) -> Membership | None:
    """The person's membership whatever its status (a pending request counts)."""
    if not is_authenticated(user):
        return None
    return Membership.objects.filter(user=user, structure=structure).first()


def active_structures(user: Any) -> QuerySet[Structure]:
    """Structures where the user is an active member; all for national admins."""
    if policy.is_national_admin(user):
        return Structure.objects.all()
    if not is_authenticated(user):
        return Structure.objects.none()
    return Structure.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    )


def coordinates_within(user: Any, territory: Territory) -> bool:
    """True when the user coordinates ``territory`` or one of its ancestors."""
    if not is_authenticated(user):
        return False
    territory_ids = {t.pk for t in territory.ancestors_and_self()}
    return user.coordinated_territories.filter(pk__in=territory_ids).exists()


def leads_or_administers(user: Any, structure: Structure) -> bool:
    """Leaders of a structure and national administrators launch what it runs (groups,
    petitions…)."""
    if policy.is_national_admin(user):
        return True
    membership = active_membership(user, structure)
    return membership is not None and membership.role == Membership.Role.LEADER


def is_coordinator_for(user: Any, structure: Structure) -> bool:
    return coordinates_within(user, structure.territory)


def subtree_filter(root_ids: QuerySet | list[int], prefix: str = "") -> Q:
    """Q matching territories whose self or ancestor is in ``root_ids``.

    ``prefix`` points at a territory from another model (``"territory__"``)."""
    condition = Q()
    path = f"{prefix}pk" if prefix else "pk"
    for _depth in range(TREE_DEPTH):
        condition |= Q(**{f"{path}__in": root_ids})
        path = path.removesuffix("pk") + "parent__pk"
    return condition


def territories_managed_by(user: Any) -> QuerySet[Territory]:
    """Territories where the user may create structures: everything for a national
    administrator, a coordinator's own subtree otherwise."""
    if policy.is_national_admin(user):
        return Territory.objects.all()
    if not is_authenticated(user):
        return Territory.objects.none()
    coordinated = user.coordinated_territories.values("pk")
    return Territory.objects.filter(subtree_filter(coordinated))


def structures_managed_by(user: Any) -> QuerySet[Structure]:
    if policy.is_national_admin(user):
        return Structure.objects.all()
    if not is_authenticated(user):
        return Structure.objects.none()
    coordinated = user.coordinated_territories.values("pk")
    return Structure.objects.filter(subtree_filter(coordinated, prefix="territory__"))


@policy.register_visibility(Structure, scope=lambda user: Structure.objects.all())
def can_see_structure(user: Any, structure: Structure) -> bool:
    return True


@policy.register("movement.view_members")
def can_view_members(user: Any, structure: Structure) -> bool:
    return (
        policy.is_national_admin(user)
        or active_membership(user, structure) is not None
        or is_coordinator_for(user, structure)
    )


@policy.register("movement.manage")
def can_manage(user: Any, structure: Structure) -> bool:
    """Approve join requests, name relays, change roles."""
    if policy.is_national_admin(user) or is_coordinator_for(user, structure):
        return True
    membership = active_membership(user, structure)
    return membership is not None and membership.role == Membership.Role.LEADER


@policy.register("movement.edit_description")
def can_edit_description(user: Any, structure: Structure) -> bool:
    """Leaders keep their structure's public description up to date; its name, address,
    kind and territory stay with national administrators and coordinators."""
    return can_manage(user, structure)


@policy.register("movement.request_join")
def can_request_join(user: Any, structure: Structure) -> bool:
    return (
        is_authenticated(user)
        and not Membership.objects.filter(user=user, structure=structure).exists()
    )


@policy.register("movement.leave")
def can_leave(user: Any, structure: Structure) -> bool:
    """Members leave; people waiting for approval withdraw their request the same way."""
    return any_membership(user, structure) is not None


@policy.register("movement.contact")
def can_contact(user: Any, structure: Structure) -> bool:
    return True


@policy.register("movement.create_structure")
def can_create_structure(user: Any, territory: Territory | None) -> bool:
    """National administrators anywhere; coordinators inside their territory's subtree.
    Without a territory: may the user create structures somewhere at all?"""
    if policy.is_national_admin(user):
        return True
    if not is_authenticated(user):
        return False
    if territory is None:
        return user.coordinated_territories.exists()
    return coordinates_within(user, territory)


@policy.register("movement.edit_structure")
def can_edit_structure(user: Any, structure: Structure) -> bool:
    return policy.is_national_admin(user) or is_coordinator_for(user, structure)


@policy.register("movement.create_territory")
def can_create_territory(user: Any, parent: Territory | None) -> bool:
    """A coordinator adds departments and towns under the territory they coordinate."""
    return can_create_structure(user, parent)


@policy.register("movement.edit_territory")
def can_edit_territory(user: Any, territory: Territory) -> bool:
    """A coordinator edits what lies below their territory, not the territory itself
    (renaming a region is a national decision)."""
    if policy.is_national_admin(user):
        return True
    return territory.parent is not None and coordinates_within(user, territory.parent)


@policy.register("movement.manage_coordinators")
def can_manage_coordinators(user: Any, territory: Territory | None) -> bool:
    """Naming who coordinates a territory is a national decision."""
    return policy.is_national_admin(user)


@policy.register("movement.manage_partners")
def can_manage_partners(user: Any, structure: Structure) -> bool:
    """Create partner organisations and add them to (or remove them from) a collective."""
    if structure.kind != Structure.Kind.COLLECTIVE:
        return False
    return policy.is_national_admin(user) or is_coordinator_for(user, structure)
