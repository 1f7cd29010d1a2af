"""Who may see and do what in the movement's structures.

Structures (committees, working groups, collectives) are public: their name and
description are the movement's shop window. Their member lists are for members."""

from typing import Any

from colombe.core import policy
from colombe.movement.models import Membership, Structure


def active_membership(user: Any, structure: Structure) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(
        user=user, structure=structure, status=Membership.Status.ACTIVE
    ).first()


def is_coordinator_for(user: Any, structure: Structure) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    territory_ids = {t.pk for t in structure.territory.ancestors_and_self()}
    return user.coordinated_territories.filter(pk__in=territory_ids).exists()


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
    """Approve join requests, name relays, edit the description."""
    if policy.is_national_admin(user) or is_coordinator_for(user, structure):
        return True
    membership = active_membership(user, structure)
    return membership is not None and membership.role == Membership.Role.LEADER


@policy.register("movement.request_join")
def can_request_join(user: Any, structure: Structure) -> bool:
    return getattr(user, "is_authenticated", False) and not Membership.objects.filter(
        user=user, structure=structure
    ).exists()


@policy.register("movement.contact")
def can_contact(user: Any, structure: Structure) -> bool:
    return True
