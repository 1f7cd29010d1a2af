"""Public addresses at the root of the site: short links from tracts and posters, and the
committees' mini-sites (the link in the bio of their accounts).

A mini-site shows what anyone may see, whoever looks at it: it is built with an
anonymous visitor's eyes, so a private group, a members' meeting or a draft never appears
there, not even to the committee's own members."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from colombe.actions.models import Action
from colombe.core import policy, ratelimit
from colombe.groups.models import Group, Visibility
from colombe.meetings.models import Meeting
from colombe.movement import services as movement_services
from colombe.movement.models import Structure
from colombe.outreach.minisite_forms import MinisiteContactForm
from colombe.outreach.models import ShortLink
from colombe.outreach.policy import public_accounts_of
from colombe.outreach.short_links import count_visit
from colombe.petitions import altcha
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport

# Committees and collectives face the public (they hold public actions and have their
# own accounts); working groups are teams inside the movement, shown on its pages, and the
# national office's site is the home page.
MINISITE_KINDS = [Structure.Kind.COMMITTEE, Structure.Kind.COLLECTIVE]
SHOWN = 5
CONTACTS_PER_IP_PER_HOUR = 5
CONTACTS_PER_COMMITTEE_PER_HOUR = 30


# Short links ------------------------------------------------------------------------------


@require_safe
@never_cache
def follow_short_link(request: HttpRequest, code: str) -> HttpResponse:
    """Send the visitor on and count the visit (a HEAD request, from a link checker or a
    preview robot, is not a visit). Nothing about the visitor is kept."""
    link = ShortLink.objects.filter(code=code.lower()).first()
    if link is None:
        raise Http404
    if request.method == "GET":
        count_visit(link)
    return HttpResponseRedirect(link.target)


# Mini-sites -------------------------------------------------------------------------------


def minisite_structure(slug: str) -> Structure:
    return policy.get_visible_or_404(Structure, AnonymousUser(), slug=slug, kind__in=MINISITE_KINDS)


def public_content(structure: Structure) -> dict[str, Any]:
    """What anyone may see of the structure: the scopes of an anonymous visitor."""
    anyone = AnonymousUser()
    actions = (
        policy.visible(Action, anyone)
        .filter(Q(structure=structure) | Q(co_organisers=structure))
        .filter(status=Action.Status.PLANNED, ends_at__gte=timezone.now())
        .distinct()
        .order_by("starts_at", "pk")
    )
    meetings = (
        policy.visible(Meeting, anyone)
        .filter(owner=structure, ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )
    reports = (
        policy.visible(ActionReport, anyone)
        .filter(structure=structure, status=ActionReport.Status.PUBLISHED)
        .order_by("-happened_on", "-pk")
    )
    petitions = (
        policy.visible(Petition, anyone)
        .filter(owner=structure, status=Petition.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
    )
    return {
        "actions": list(actions[:SHOWN]),
        "meetings": list(meetings[:SHOWN]),
        "reports": list(reports[:SHOWN]),
        "petitions": list(petitions[:SHOWN]),
        "groups": list(
            policy.visible(Group, anyone)
            .filter(owner=structure, visibility=Visibility.PUBLIC)
            .order_by("name")
        ),
        "accounts": list(public_accounts_of(structure).order_by("network", "label")),
    }


def render_minisite(
    request: HttpRequest, structure: Structure, form: MinisiteContactForm, status: int = 200
) -> HttpResponse:
    context = {
        "structure": structure,
        "minisite_path": reverse("presence:minisite", args=[structure.slug]),
        "form": form,
        "fallback": altcha.new_fallback_question(),
        **public_content(structure),
    }
    return render(request, "outreach/minisite/home.html", context, status=status)


@require_safe
def minisite(request: HttpRequest, slug: str) -> HttpResponse:
    return render_minisite(request, minisite_structure(slug), MinisiteContactForm())


def visitor_may_try(request: HttpRequest) -> bool:
    """Every attempt counts against the visitor's address, sent or not."""
    return ratelimit.hit(
        request, "outreach.minisite_contact", limit=CONTACTS_PER_IP_PER_HOUR, period_seconds=3600
    )


def committee_may_receive(structure: Structure) -> bool:
    """Counted only for a message about to be sent, so that nobody blocks a committee's
    form with attempts that would not even be sent (invalid, robots, refused visitors)."""
    return ratelimit.hit_key(
        f"outreach.minisite_contact:structure:{structure.pk}",
        limit=CONTACTS_PER_COMMITTEE_PER_HOUR,
        period_seconds=3600,
    )


def too_many_messages(request: HttpRequest, structure: Structure) -> HttpResponse:
    context = {"structure": structure}
    return render(request, "outreach/minisite/contact_limited.html", context, status=429)


@require_http_methods(["GET", "POST"])
def minisite_contact(request: HttpRequest, slug: str) -> HttpResponse:
    structure = minisite_structure(slug)
    if request.method != "POST":
        return redirect(reverse("presence:minisite", args=[slug]) + "#contact")
    if not visitor_may_try(request):
        return too_many_messages(request, structure)
    form = MinisiteContactForm(request.POST)
    sent = reverse("presence:minisite_contact_sent", args=[slug])
    if form.is_spam():
        # A robot gets the same answer as a person, and nothing is sent.
        return redirect(sent)
    if not form.is_valid():
        return render_minisite(request, structure, form, status=422)
    if not committee_may_receive(structure):
        return too_many_messages(request, structure)
    movement_services.send_contact_message(
        actor=request.user, structure=structure, **form.message_fields()
    )
    return redirect(sent)


@require_safe
def minisite_contact_sent(request: HttpRequest, slug: str) -> HttpResponse:
    structure = minisite_structure(slug)
    return render(request, "outreach/minisite/contact_sent.html", {"structure": structure})
