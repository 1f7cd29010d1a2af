"""Who may write, read and follow circulars, and who manages newsletters.

Circulars come from the national office (its leaders and the national administrators) or
from a region (its coordinators). Once sent, a circular to relays or to all members is in
the archive for every active member of the movement; one to a group, a working group or a
collective's partners is for that audience only — a secret group's circular exists only for
its members (national administrators included, decision 0002). Drafts are for their
author and those who could have written them. Acknowledgements and the coverage page are
for national administrators and coordinators (within their territory)."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.core import policy
from colombe.groups.models import GroupMembership, Visibility
from colombe.mailing.models import Circular, CircularRecipient, MailingList, Newsletter
from colombe.movement.models import Membership, Structure, Territory
from colombe.movement.policy import (
    coordinates_within,
    is_active_member,
    is_authenticated,
    leads_or_administers,
    subtree_filter,
)

Audience = Circular.Audience
MOVEMENT_WIDE = [Audience.ALL_RELAYS, Audience.REGION_RELAYS, Audience.ALL_MEMBERS]


def national_offices_led_by(user: Any) -> QuerySet[Structure]:
    national = Structure.objects.filter(kind=Structure.Kind.NATIONAL)
    if policy.is_national_admin(user):
        return national
    if not is_authenticated(user):
        return national.none()
    led = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role=Membership.Role.LEADER
    ).values("structure_id")
    return national.filter(pk__in=led)


def regions_coordinated_by(user: Any) -> QuerySet[Territory]:
    if not is_authenticated(user):
        return Territory.objects.none()
    return user.coordinated_territories.filter(level=Territory.Level.REGION)


def _secret_group_hidden() -> Q:
    """A circular to a secret group is for the group's members only."""
    return Q(group__visibility=Visibility.SECRET)


def visible_circulars(user: Any) -> QuerySet[Circular]:
    if not is_authenticated(user):
        return Circular.objects.none()
    sent = Q(status__in=[Circular.Status.SENT, Circular.Status.SENDING])
    member_groups = GroupMembership.objects.filter(user=user).values("group_id")
    active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    audience = Q(group_id__in=member_groups) | Q(
        audience=Audience.STRUCTURE, structure_id__in=active.values("structure_id")
    )
    audience |= Q(
        audience=Audience.PARTNERS,
        structure_id__in=active.filter(role=Membership.Role.REPRESENTATIVE).values("structure_id"),
    )
    # Members read the movement-wide circulars, and so do coordinators (who follow their
    # acknowledgements) even when they belong to no committee.
    if active.exists() or user.coordinated_territories.exists():
        audience |= Q(audience__in=MOVEMENT_WIDE)
    received = Q(pk__in=CircularRecipient.objects.filter(user=user).values("circular_id"))
    readable = (sent & audience) | received | Q(author=user)
    if policy.is_national_admin(user):
        readable |= ~_secret_group_hidden()
    coordinated = user.coordinated_territories.values("pk")
    readable |= Q(sender_territory_id__in=coordinated) & ~_secret_group_hidden()
    return Circular.objects.filter(readable).distinct()


@policy.register_visibility(Circular, scope=visible_circulars)
def can_see_circular(user: Any, circular: Circular) -> bool:
    return visible_circulars(user).filter(pk=circular.pk).exists()


@policy.register("mailing.write_circular")
def can_write_circular(user: Any, _target: object = None) -> bool:
    """Leaders of the national office, national administrators, regional coordinators."""
    return national_offices_led_by(user).exists() or regions_coordinated_by(user).exists()


def may_speak_for(user: Any, circular: Circular) -> bool:
    """Could this person have written the circular (and so may edit or follow it)?"""
    if circular.sender_territory is not None:
        return coordinates_within(user, circular.sender_territory) or policy.is_national_admin(user)
    if circular.sender_structure is not None:
        return leads_or_administers(user, circular.sender_structure)
    return False


@policy.register("mailing.edit_circular")
def can_edit_circular(user: Any, circular: Circular) -> bool:
    editable = circular.status in (Circular.Status.DRAFT, Circular.Status.SCHEDULED)
    return editable and (
        circular.author_id == getattr(user, "pk", None) or may_speak_for(user, circular)
    )


@policy.register("mailing.view_acknowledgements")
def can_view_acknowledgements(user: Any, circular: Circular) -> bool:
    if policy.is_national_admin(user) or may_speak_for(user, circular):
        return True
    return is_authenticated(user) and user.coordinated_territories.exists()


@policy.register("mailing.forward")
def can_forward(user: Any, circular: Circular) -> bool:
    """A relay who received a circular passes it on to their committee's members."""
    if circular.status != Circular.Status.SENT or circular.audience not in (
        Audience.ALL_RELAYS,
        Audience.REGION_RELAYS,
    ):
        return False
    return relay_committees(user).exists() and (
        CircularRecipient.objects.filter(circular=circular, user=user).exists()
    )


def relay_committees(user: Any) -> QuerySet[Structure]:
    if not is_authenticated(user):
        return Structure.objects.none()
    relay_of = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, is_relay=True
    ).values("structure_id")
    return Structure.objects.committees().filter(pk__in=relay_of)


def committees_covered_by(user: Any) -> QuerySet[Structure]:
    """The committees whose coverage this person follows: all for national
    administrators, those in their territories for coordinators."""
    committees = Structure.objects.committees()
    if policy.is_national_admin(user):
        return committees
    if not is_authenticated(user):
        return committees.none()
    coordinated = user.coordinated_territories.values("pk")
    return committees.filter(subtree_filter(coordinated, prefix="territory__"))


@policy.register("mailing.view_coverage")
def can_view_coverage(user: Any, _target: object = None) -> bool:
    return policy.is_national_admin(user) or (
        is_authenticated(user) and user.coordinated_territories.exists()
    )


def visible_lists(user: Any) -> QuerySet[MailingList]:
    if is_active_member(user) or policy.is_national_admin(user):
        return MailingList.objects.all()
    return MailingList.objects.filter(is_public=True)


@policy.register_visibility(MailingList, scope=visible_lists)
def can_see_list(user: Any, mailing_list: MailingList) -> bool:
    return mailing_list.is_public or is_active_member(user) or policy.is_national_admin(user)


@policy.register("mailing.create_list")
def can_create_list(user: Any, owner: Structure) -> bool:
    return leads_or_administers(user, owner)


@policy.register("mailing.manage_list")
def can_manage_list(user: Any, mailing_list: MailingList) -> bool:
    return leads_or_administers(user, mailing_list.owner)


def visible_newsletters(user: Any) -> QuerySet[Newsletter]:
    """Newsletters are read in the inbox; their pages are for the list's managers."""
    if policy.is_national_admin(user):
        return Newsletter.objects.all()
    if not is_authenticated(user):
        return Newsletter.objects.none()
    led = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role=Membership.Role.LEADER
    ).values("structure_id")
    return Newsletter.objects.filter(mailing_list__owner_id__in=led)


@policy.register_visibility(Newsletter, scope=visible_newsletters)
def can_see_newsletter(user: Any, newsletter: Newsletter) -> bool:
    return can_manage_list(user, newsletter.mailing_list)
