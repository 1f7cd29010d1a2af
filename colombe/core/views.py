from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import object_label
from colombe.core.hashtags import normalise_hashtag
from colombe.core.models import AuditEntry, Hashtag
from colombe.core.search import search_everything
from colombe.groups.models import Group, Visibility
from colombe.movement.models import Structure
from colombe.reports.feeds import public_reports
from colombe.reports.models import ActionReport

TERMS_VERSION = "2026-11"
# The hashtag page shows the latest reports; the feed filtered by the tag shows them all.
HASHTAG_REPORTS = 20


def home(request: HttpRequest) -> HttpResponse:
    committees = Structure.objects.committees().select_related("territory")[:12]
    groups = Group.objects.visible_to(request.user).select_related("owner")[:12]
    return render(request, "core/home.html", {"committees": committees, "groups": groups})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = search_everything(request.user, query) if len(query) >= 2 else None
    return render(request, "core/search.html", {"query": query, "results": results})


def hashtag(request: HttpRequest, name: str) -> HttpResponse:
    tag = Hashtag.objects.filter(name=normalise_hashtag(name)).first()
    if tag is None:
        raise Http404
    groups = list(
        Group.objects.visible_to(request.user).filter(hashtags=tag).select_related("owner")
    )
    people = list(
        policy.visible(User, request.user).filter(interests=tag).order_by("display_name")[:50]
    )
    reports = list(
        policy.visible(ActionReport, request.user)
        .filter(status=ActionReport.Status.PUBLISHED, hashtags=tag)
        .select_related("structure")
        .order_by("-happened_on", "-pk")[:HASHTAG_REPORTS]
    )
    if not groups and not people and not reports:
        # A tag used only by secret groups or hidden profiles must not be confirmed.
        raise Http404
    context = {
        "tag": tag,
        "groups": groups,
        "people": people,
        "reports": reports,
        "public_reports": public_reports().filter(hashtags=tag).exists(),
    }
    return render(request, "core/hashtag.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", {"terms_version": TERMS_VERSION})


def hidden_group_scopes(user: Any) -> list[str]:
    """Secret groups are known only to their members, administrators included: entries
    about what happens inside them stay out of the log for everyone else."""
    hidden = Group.objects.filter(visibility=Visibility.SECRET).exclude(
        pk__in=Group.objects.visible_to(user).values("pk")
    )
    return [object_label(group) for group in hidden.only("pk")]


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policy.is_national_admin(request.user):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor").exclude(
        scope__in=hidden_group_scopes(request.user)
    )
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"page_obj": page, "action": action, "query_string": f"action={action}" if action else ""},
    )
