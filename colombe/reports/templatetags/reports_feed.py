"""``{% recent_reports structure %}``: a committee's latest published reports that the
viewer may read, for the committee's page in the movement app."""

from typing import Any

from django import template

from colombe.core import policy
from colombe.movement.models import Structure
from colombe.reports.models import ActionReport

register = template.Library()
SHOWN = 5


@register.inclusion_tag("reports/_recent_reports.html", takes_context=True)
def recent_reports(context: dict[str, Any], structure: Structure) -> dict[str, Any]:
    user = context["request"].user
    reports = (
        policy.visible(ActionReport, user)
        .filter(structure=structure, status=ActionReport.Status.PUBLISHED)
        .order_by("-happened_on", "-pk")[:SHOWN]
    )
    return {
        "structure": structure,
        "reports": list(reports),
        "may_report": policy.has_perm(user, "reports.create", structure),
    }
