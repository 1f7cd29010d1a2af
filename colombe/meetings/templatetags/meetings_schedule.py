"""``{% upcoming_meetings structure_or_group %}``: the next meetings of a committee or a
group that the viewer may see, and a link to schedule one for those who may, for the
structure and group pages."""

from typing import Any

from django import template
from django.utils import timezone

from colombe.core import policy
from colombe.groups.models import Group
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure

register = template.Library()
SHOWN = 5


@register.inclusion_tag("meetings/_upcoming.html", takes_context=True)
def upcoming_meetings(context: dict[str, Any], owner: Structure | Group) -> dict[str, Any]:
    user = context["request"].user
    meetings = policy.visible(Meeting, user).filter(ends_at__gte=timezone.now())
    if isinstance(owner, Group):
        meetings = meetings.filter(group=owner)
        parameter = "group"
    else:
        # The structure's own meetings; its groups' meetings are on the groups' pages.
        meetings = meetings.filter(owner=owner, group__isnull=True)
        parameter = "structure"
    return {
        "meetings": meetings.exclude(status=Meeting.Status.CANCELLED).order_by("starts_at")[:SHOWN],
        "schedule_query": f"{parameter}={owner.slug}",
        "may_schedule": policy.has_perm(user, "meetings.schedule", owner),
    }
