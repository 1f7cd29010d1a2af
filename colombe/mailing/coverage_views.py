"""The coverage page: does every committee get the national information?"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.core import policy
from colombe.mailing import coverage as queries
from colombe.mailing.circular_forms import CoverageFilterForm
from colombe.mailing.coverage import RECENT_CIRCULARS, WELL_COVERED
from colombe.movement.models import Territory
from colombe.movement.policy import subtree_filter

PAGE_SIZE = 100


def regions_for(user: Any) -> QuerySet[Territory]:
    """The regions offered in the filter: all for national administrators, those the
    coordinator's territories are in or contain otherwise."""
    regions = Territory.objects.filter(level=Territory.Level.REGION).order_by("name")
    if policy.is_national_admin(user):
        return regions
    coordinated = user.coordinated_territories.values("pk")
    return regions.filter(subtree_filter(coordinated))


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mailing.view_coverage")
    filters = CoverageFilterForm(request.GET or None, regions=regions_for(request.user))
    region, problem = None, ""
    if filters.is_valid():
        region = filters.cleaned_data["region"]
        problem = filters.cleaned_data["problem"]
    found = queries.coverage_for(request.user, region=region, problem=problem)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "filtered": bool(region or problem),
        "coverage": found,
        "summary": found.summary,
        "page_obj": Paginator(found.committees, PAGE_SIZE).get_page(request.GET.get("page")),
        "query_string": query.urlencode(),
        "recent_count": RECENT_CIRCULARS,
        "well_covered": WELL_COVERED,
    }
    return render(request, "mailing/coverage/coverage.html", context)
