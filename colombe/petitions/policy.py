"""Who may see and run petitions.

Published and closed petitions are public: that is their point. Drafts are known only to
their organisers: leaders of the owning structure, moderators of the organising group and
national administrators. Everything an organiser does (edit, publish, statistics,
exports, paper imports) needs the same right, ``petitions.organise``."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership
from colombe.movement.models import Membership
from colombe.movement.policy import leads_or_administers
from colombe.petitions.models import Petition


def organised_by(user: Any) -> Q:
    led_structures = Membership.objects.filter(
        user=user, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    ).values("structure_id")
    moderated_groups = GroupMembership.objects.filter(
        user=user, role__in=[GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR]
    ).values("group_id")
    return Q(owner_id__in=led_structures) | Q(group_id__in=moderated_groups)


def group_shown_to(user: Any, petition: Petition) -> Group | None:
    """The organising group, named only to those who may know it exists: a secret group
    stays unnamed to everyone outside it (national administrators included), who see the
    owning structure alone."""
    group = petition.group
    if group is None or not policy.can_see(user, group):
        return None
    return group


def visible_petitions(user: Any) -> QuerySet[Petition]:
    public = Q(status__in=[Petition.Status.PUBLISHED, Petition.Status.CLOSED])
    if not getattr(user, "is_authenticated", False):
        return Petition.objects.filter(public)
    if policy.is_national_admin(user):
        return Petition.objects.all()
    return Petition.objects.filter(public | organised_by(user)).distinct()


def is_organiser(user: Any, petition: Petition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if policy.is_national_admin(user):
        return True
    return Petition.objects.filter(organised_by(user), pk=petition.pk).exists()


@policy.register_visibility(Petition, scope=visible_petitions)
def can_see_petition(user: Any, petition: Petition) -> bool:
    return petition.status != Petition.Status.DRAFT or is_organiser(user, petition)


@policy.register("petitions.organise")
def can_organise(user: Any, petition: Petition) -> bool:
    return is_organiser(user, petition)


@policy.register("petitions.create")
def can_create(user: Any, structure: Any) -> bool:
    """Leaders of a structure (and national administrators) launch its petitions."""
    return leads_or_administers(user, structure)


@policy.register("petitions.sign")
def can_sign(user: Any, petition: Petition) -> bool:
    """Anyone, with or without an account, while the petition is open."""
    return petition.status == Petition.Status.PUBLISHED
