"""Who may see and do what with field actions.

An action is read by its audience: anyone (public), members of the movement, or the
members of one group — an action planned in a group's space is as open as the group:
anyone reads a public group's, and a secret group's exists only for its members (national
administrators included, decision 0002). Active members of a structure
plan its actions; the organising structure's leaders, its regional coordinators, national
administrators and whoever planned it edit it, see its volunteers (phone numbers only of
those who agreed) and turn it into a report. Anyone logged in who sees an action may
volunteer. Days of action are public; national administrators call national ones and
regional coordinators regional ones. The print templates are the national office's."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.actions.models import Action, DayOfAction, PrintTemplate
from colombe.core import policy
from colombe.groups.models import GroupMembership
from colombe.groups.models import Visibility as GroupVisibility
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import (
    active_structures,
    coordinates_within,
    is_active_member,
    is_authenticated,
    is_coordinator_for,
    leads_or_administers,
)

Audience = Action.Visibility


def visible_actions(user: Any) -> QuerySet[Action]:
    # A public group's space is open to all: so are the actions planned in it.
    audience = Q(visibility=Audience.PUBLIC) | Q(
        visibility=Audience.GROUP, group__visibility=GroupVisibility.PUBLIC
    )
    if is_authenticated(user):
        if is_active_member(user) or policy.is_national_admin(user):
            audience |= Q(visibility=Audience.MEMBERS)
        member_of = GroupMembership.objects.filter(user=user).values("group_id")
        audience |= Q(visibility=Audience.GROUP, group_id__in=member_of)
    return Action.objects.filter(audience)


@policy.register_visibility(Action, scope=visible_actions)
def can_see_action(user: Any, action: Action) -> bool:
    return visible_actions(user).filter(pk=action.pk).exists()


@policy.register("actions.plan")
def can_plan(user: Any, _nothing: Any = None) -> bool:
    """Active members plan the actions of their structures (``active_structures``)."""
    return active_structures(user).exists()


@policy.register("actions.edit")
def can_edit(user: Any, action: Action) -> bool:
    if not is_authenticated(user):
        return False
    if action.group_id is not None and not (
        GroupMembership.objects.filter(user=user, group_id=action.group_id).exists()
    ):
        return False
    return (
        action.created_by_id == user.pk
        or leads_or_administers(user, action.structure)
        or is_coordinator_for(user, action.structure)
    )


def actions_edited_by(user: Any, structure: Structure) -> QuerySet[Action]:
    """The structure's actions ``user`` may edit (``actions.edit``), in one query: the
    rule asks the same of each action, one at a time."""
    if not is_authenticated(user):
        return Action.objects.none()
    member_of = GroupMembership.objects.filter(user=user).values("group_id")
    actions = Action.objects.filter(structure=structure).filter(
        Q(group__isnull=True) | Q(group_id__in=member_of)
    )
    if leads_or_administers(user, structure) or is_coordinator_for(user, structure):
        return actions
    return actions.filter(created_by=user)


@policy.register("actions.volunteer")
def can_volunteer(user: Any, action: Action) -> bool:
    return is_authenticated(user) and action.status == Action.Status.PLANNED


@policy.register("actions.call_day")
def can_call_day(user: Any, day: DayOfAction | None = None) -> bool:
    if policy.is_national_admin(user):
        return True
    if day is None:
        return is_authenticated(user) and user.coordinated_territories.exists()
    return coordinates_within(user, day.territory)


@policy.register_visibility(DayOfAction, scope=lambda user: DayOfAction.objects.all())
def can_see_day(user: Any, day: DayOfAction) -> bool:
    return True


def in_national_office(user: Any) -> bool:
    if policy.is_national_admin(user):
        return True
    return (
        is_authenticated(user)
        and Membership.objects.filter(
            user=user,
            status=Membership.Status.ACTIVE,
            structure__kind=Structure.Kind.NATIONAL,
        ).exists()
    )


@policy.register("actions.manage_print_templates")
def can_manage_print_templates(user: Any, _nothing: Any = None) -> bool:
    return in_national_office(user)


@policy.register("actions.print_for")
def can_print_for(user: Any, structure: Structure | None = None) -> bool:
    """Leaflets and posters carry a committee's contact: its members print them. Without
    a structure: does the user print for at least one?"""
    printed_for = active_structures(user)
    if structure is not None:
        printed_for = printed_for.filter(pk=structure.pk)
    return printed_for.exists()


def may_print(user: Any) -> bool:
    """The print pages: for the national office, and whoever prints for a committee."""
    return policy.has_perm(user, "actions.manage_print_templates") or policy.has_perm(
        user, "actions.print_for"
    )


def templates_for(user: Any) -> QuerySet[PrintTemplate]:
    """The national office sees every template; committees the ones offered to them."""
    if policy.has_perm(user, "actions.manage_print_templates"):
        return PrintTemplate.objects.all()
    return PrintTemplate.objects.filter(is_active=True)
