"""Who may see a person's profile: the person chooses (my committees / the movement /
nobody). National administrators see profiles of the movement for its administration."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.accounts.models import ProfileVisibility, User
from colombe.core import policy
from colombe.movement.models import Membership


def shares_a_structure(viewer: Any, person: User) -> bool:
    viewer_structures = Membership.objects.filter(
        user=viewer, status=Membership.Status.ACTIVE
    ).values("structure_id")
    return Membership.objects.filter(
        user=person, status=Membership.Status.ACTIVE, structure_id__in=viewer_structures
    ).exists()


def visible_people(viewer: Any) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if not getattr(viewer, "is_authenticated", False):
        return people.none()
    if policy.is_national_admin(viewer):
        return people
    my_structures = Membership.objects.filter(user=viewer, status=Membership.Status.ACTIVE).values(
        "structure_id"
    )
    same_structure = Q(
        memberships__structure_id__in=my_structures,
        memberships__status=Membership.Status.ACTIVE,
    )
    return people.filter(
        Q(pk=viewer.pk)
        | Q(profile_visibility=ProfileVisibility.MOVEMENT)
        | (Q(profile_visibility=ProfileVisibility.COMMITTEE) & same_structure)
    ).distinct()


@policy.register_visibility(User, scope=visible_people)
def can_see_profile(viewer: Any, person: User) -> bool:
    if not getattr(viewer, "is_authenticated", False) or not person.is_active:
        return False
    if viewer.pk == person.pk or policy.is_national_admin(viewer):
        return True
    if person.profile_visibility == ProfileVisibility.MOVEMENT:
        return True
    if person.profile_visibility == ProfileVisibility.COMMITTEE:
        return shares_a_structure(viewer, person)
    return False
