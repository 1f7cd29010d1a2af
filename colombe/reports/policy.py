"""Who may read and write action reports.

A published report is read by its audience: anyone (public), members of the movement, or
the committee's members. A report written in a group's space is, on top of that, only for
those who may read the group's content — a secret group's report exists only for its
members (national administrators included, decision 0002). Drafts are for their author
and the committee's leaders."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import is_authenticated, leads_or_administers
from colombe.reports.models import ActionReport

Audience = ActionReport.Visibility


class SharedAudience(StrEnum):
    """Classes of viewers: everyone in a class reads the same published reports outside
    non-public groups (the feed caches their figures per class)."""

    ANYONE = "anyone"
    MEMBERS = "members"
    NATIONAL_ADMINS = "national-admins"


# Visibilities a class reads in every committee (national administrators: all).
CLASS_VISIBILITIES: dict[SharedAudience, list[str]] = {
    SharedAudience.ANYONE: [Audience.PUBLIC],
    SharedAudience.MEMBERS: [Audience.PUBLIC, Audience.MOVEMENT],
}
IN_PUBLIC_SPACE = Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC)

# ``structures`` / ``groups`` below: the user's active structures and groups, as a
# subquery or as ids; None for an anonymous visitor.
Ids = QuerySet[Any] | tuple[int, ...] | None


def _audience_condition(audience: SharedAudience, structures: Ids) -> Q:
    if audience == SharedAudience.NATIONAL_ADMINS:
        return Q()
    condition = Q(visibility__in=CLASS_VISIBILITIES[audience])
    if structures is not None:
        condition |= Q(visibility=Audience.COMMITTEE, structure_id__in=structures)
    return condition


def _group_readable(groups: Ids) -> Q:
    """No group, a public group, or a group the user belongs to."""
    if groups is None:
        return IN_PUBLIC_SPACE
    return IN_PUBLIC_SPACE | Q(group_id__in=groups)


def _published_readable(audience: SharedAudience, structures: Ids, groups: Ids) -> Q:
    return (
        Q(status=ActionReport.Status.PUBLISHED)
        & _audience_condition(audience, structures)
        & _group_readable(groups)
    )


def _active_memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)


def _signed_in_audience_condition(user: Any, active: QuerySet[Membership]) -> Q:
    """``_audience_condition`` for a signed-in user, in SQL only: whether they are a
    member of the movement is a subquery, not a query of its own, so that building the
    scope costs no round trip."""
    if policy.is_national_admin(user):
        return _audience_condition(SharedAudience.NATIONAL_ADMINS, None)
    return (
        Q(visibility__in=CLASS_VISIBILITIES[SharedAudience.ANYONE])
        | (Q(visibility=Audience.MOVEMENT) & Exists(active))
        | Q(visibility=Audience.COMMITTEE, structure_id__in=active.values("structure_id"))
    )


def _readable(user: Any) -> Q:
    if not is_authenticated(user):
        return _published_readable(SharedAudience.ANYONE, None, None)
    active = _active_memberships(user)
    groups = GroupMembership.objects.filter(user=user).values("group_id")
    published = (
        Q(status=ActionReport.Status.PUBLISHED)
        & _signed_in_audience_condition(user, active)
        & _group_readable(groups)
    )
    led = active.filter(role=Membership.Role.LEADER).values("structure_id")
    drafts = (
        Q(status=ActionReport.Status.DRAFT)
        & (Q(author=user) | Q(structure_id__in=led))
        & _group_readable(groups)
    )
    return published | drafts


def visible_reports(user: Any) -> QuerySet[ActionReport]:
    return ActionReport.objects.filter(_readable(user)).distinct()


# --- The feed: published reports, and their split in a shared and an own part ------------


@dataclass(frozen=True)
class Reader:
    """What decides which published reports a user reads, read once per request: their
    class, and the ids of their active structures and of their groups (None for an
    anonymous visitor)."""

    user: Any
    audience: SharedAudience
    structure_ids: tuple[int, ...] | None = None
    group_ids: tuple[int, ...] | None = None

    @property
    def is_member(self) -> bool:
        return bool(self.structure_ids)


def reader(user: Any) -> Reader:
    """Two small queries for a signed-in user, none for an anonymous visitor; the same
    tests as ``_readable``."""
    if not is_authenticated(user):
        return Reader(user, SharedAudience.ANYONE)
    # Unordered: the models' default order would join each structure and group for it.
    structure_ids = tuple(
        _active_memberships(user).order_by().values_list("structure_id", flat=True)
    )
    group_ids = tuple(
        GroupMembership.objects.filter(user=user).order_by().values_list("group_id", flat=True)
    )
    if policy.is_national_admin(user):
        audience = SharedAudience.NATIONAL_ADMINS
    else:
        audience = SharedAudience.MEMBERS if structure_ids else SharedAudience.ANYONE
    return Reader(user, audience, structure_ids, group_ids)


def published_reports(viewer: Reader) -> QuerySet[ActionReport]:
    """The published reports the viewer may read (``visible_reports``' published ones),
    without DISTINCT: every join is to one row (committee, group), so no report repeats,
    and the database can walk an index in the feed's order and stop after a page."""
    return ActionReport.objects.filter(
        _published_readable(viewer.audience, viewer.structure_ids, viewer.group_ids)
    )


def _shared_condition(audience: SharedAudience) -> Q:
    visibilities = CLASS_VISIBILITIES.get(audience)
    audience_condition = Q() if visibilities is None else Q(visibility__in=visibilities)
    return Q(status=ActionReport.Status.PUBLISHED) & audience_condition & IN_PUBLIC_SPACE


def shared_published_reports(audience: SharedAudience) -> QuerySet[ActionReport]:
    """Published reports every viewer of the class reads: part of what
    ``published_reports`` gives each of them (none is in a non-public group)."""
    return ActionReport.objects.filter(_shared_condition(audience))


def own_published_reports(viewer: Reader) -> QuerySet[ActionReport]:
    """The rest of the published reports the viewer may read: ``published_reports``
    minus the shared part. What is left can only be a committee-only report of one of
    their structures or a report of one of their groups; saying so lets the database
    find these few rows through two indexes instead of checking every report."""
    if not (viewer.structure_ids or viewer.group_ids):
        return ActionReport.objects.none()
    narrowed = Q(structure_id__in=viewer.structure_ids or ()) | Q(
        group_id__in=viewer.group_ids or ()
    )
    return published_reports(viewer).filter(narrowed).exclude(_shared_condition(viewer.audience))


@policy.register_visibility(ActionReport, scope=visible_reports)
def can_see_report(user: Any, report: ActionReport) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


@policy.register("reports.create")
def can_create(user: Any, owner: Structure | Group) -> bool:
    """Members of a committee report what it did; in a group's space, its members."""
    if isinstance(owner, Group):
        return GroupMembership.objects.filter(group=owner, user=user).exists()
    if not is_authenticated(user):
        return False
    return (
        policy.is_national_admin(user) or _active_memberships(user).filter(structure=owner).exists()
    )


@policy.register("reports.edit")
def can_edit(user: Any, report: ActionReport) -> bool:
    if not is_authenticated(user):
        return False
    return report.author_id == user.pk or leads_or_administers(user, report.structure)


@policy.register("reports.moderate")
def can_moderate(user: Any, report: ActionReport) -> bool:
    """The committee's leaders (and national administrators) hide comments that have no
    place on the movement's pages."""
    return is_authenticated(user) and leads_or_administers(user, report.structure)


@policy.register("reports.react")
def can_react(user: Any, report: ActionReport) -> bool:
    """Reactions and comments are for members of the movement, on published reports."""
    if report.status != ActionReport.Status.PUBLISHED or not is_authenticated(user):
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()


@policy.register("reports.reuse")
def can_reuse(user: Any, report: ActionReport) -> bool:
    """Anyone active in a committee may copy a published report into a draft plan."""
    return can_react(user, report)
