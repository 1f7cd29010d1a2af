"""Who may read and write action reports.

A published report is read by its audience: anyone (public), members of the movement, or
the committee's members. A report written in a group's space is, on top of that, only for
those who may read the group's content — a secret group's report exists only for its
members (national administrators included, decision 0002). Drafts are for their author
and the committee's leaders."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import active_membership, is_authenticated, leads_or_administers
from colombe.reports.models import ActionReport

Audience = ActionReport.Visibility


def _group_readable(user: Any) -> Q:
    """No group, a public group, or a group the user belongs to."""
    condition = Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC)
    if is_authenticated(user):
        member_of = GroupMembership.objects.filter(user=user).values("group_id")
        condition |= Q(group_id__in=member_of)
    return condition


def visible_reports(user: Any) -> QuerySet[ActionReport]:
    published = Q(status=ActionReport.Status.PUBLISHED)
    audience = Q(visibility=Audience.PUBLIC)
    drafts = Q(pk__in=[])
    if is_authenticated(user):
        active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        if active.exists():
            audience |= Q(visibility=Audience.MOVEMENT)
        audience |= Q(visibility=Audience.COMMITTEE, structure_id__in=active.values("structure_id"))
        led = active.filter(role=Membership.Role.LEADER).values("structure_id")
        drafts = Q(author=user) | Q(structure_id__in=led)
        if policy.is_national_admin(user):
            audience = Q()
    readable = (published & audience) | (Q(status=ActionReport.Status.DRAFT) & drafts)
    return ActionReport.objects.filter(readable & _group_readable(user)).distinct()


@policy.register_visibility(ActionReport, scope=visible_reports)
def can_see_report(user: Any, report: ActionReport) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


@policy.register("reports.create")
def can_create(user: Any, owner: Structure | Group) -> bool:
    """Members of a committee report what it did; in a group's space, its members."""
    if isinstance(owner, Group):
        return GroupMembership.objects.filter(group=owner, user=user).exists()
    return active_membership(user, owner) is not None or policy.is_national_admin(user)


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
