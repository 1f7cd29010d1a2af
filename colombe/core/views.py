from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from colombe.core import interest_policy, interests, policy
from colombe.core.audit import object_label
from colombe.core.models import AuditEntry
from colombe.core.search import is_searchable, search_everything
from colombe.groups.models import Group, Visibility
from colombe.movement.models import Structure
from colombe.reports.feeds import public_reports

TERMS_VERSION = "2026-11"


def home(request: HttpRequest) -> HttpResponse:
    committees = Structure.objects.committees().select_related("territory")[:12]
    groups = Group.objects.visible_to(request.user).select_related("owner")[:12]
    return render(request, "core/home.html", {"committees": committees, "groups": groups})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("type", "")
    results = None
    if is_searchable(query):
        results = search_everything(request.user, query, kind=kind, page=_page_number(request))
    return render(request, "core/search.html", {"query": query, "results": results})


def _page_number(request: HttpRequest) -> int:
    page = request.GET.get("page", "1")
    return int(page) if page.isdigit() and len(page) < 7 else 1


def hashtag(request: HttpRequest, name: str) -> HttpResponse:
    """A hashtag in any spelling; another spelling redirects to the one shown."""
    page = interests.hashtag_page_or_404(request.user, name)
    if name != page.tag.name:
        return redirect(page.tag, permanent=True)
    context = {
        "tag": page.tag,
        **page.content,
        "people": page.people,
        "profile_ids": interests.visible_profile_ids(request.user, page.people),
        "is_member": interest_policy.is_member(request.user),
        "following": page.following,
        "shares_interests": interest_policy.shares_interests(request.user),
        "public_reports": bool(page.content["reports"])
        and public_reports().filter(hashtags=page.tag).exists(),
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
