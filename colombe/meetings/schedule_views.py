"""Scheduling pages: the agenda, a meeting's page, scheduling and editing, registration,
invitations and the calendar files.

Every view that takes a slug resolves the meeting through the policy FIRST
(``meeting_view``), so a secret group's meeting answers 404 on every URL — before any
login redirect, which would otherwise put the slug in a Location header."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.groups.models import Group, GroupMembership
from colombe.meetings import engines, forms, ical, services
from colombe.meetings.models import Meeting, Recording, Registration
from colombe.movement.models import Membership, Structure

PAGE_SIZE = 20


def report_outcome(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service action; show its refusal, or ``success``. True when it succeeded."""
    try:
        action()
    except services.MeetingActionError as error:
        messages.warning(request, error.message)
        return False
    messages.success(request, success)
    return True


def confirm_page(
    request: HttpRequest, meeting: Meeting | None, *, title: str, question: str, submit: str
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "page_title": title,
        "question": question,
        "submit_label": submit,
        "cancel_url": meeting.get_absolute_url() if meeting else reverse("meetings:feed_settings"),
    }
    return render(request, "meetings/schedule_confirm.html", context)


def visible_group_ids(user: Any, meetings: list[Meeting]) -> set[int]:
    """Groups of these meetings the user may know about: a meeting reached through an
    invitation does not reveal its secret group."""
    ids = {m.group_id for m in meetings if m.group_id is not None}
    visible = Group.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    return set(visible)


# Agenda ------------------------------------------------------------------------------


def agenda(request: HttpRequest) -> HttpResponse:
    upcoming = policy.visible(Meeting, request.user).filter(ends_at__gte=timezone.now())
    owners = Structure.objects.filter(pk__in=upcoming.values("owner_id")).order_by("name")
    filters = forms.AgendaFilterForm(request.GET or None, owners=owners)
    meetings = upcoming
    chosen: dict[str, str] = {}
    if filters.is_valid():
        meetings, chosen = filtered(request.user, upcoming, filters.cleaned_data)
    meetings = meetings.select_related("owner", "group").order_by("starts_at", "pk")
    page_obj = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "query_string": urlencode(chosen),
        "visible_groups": visible_group_ids(request.user, list(page_obj)),
        "can_schedule": bool(schedulable_owners(request.user)),
    }
    return render(request, "meetings/agenda.html", context)


def filtered(user: Any, meetings: Any, data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    chosen = {}
    if data["owner"] is not None:
        meetings = meetings.filter(owner=data["owner"])
        chosen["owner"] = data["owner"].slug
    if data["format"]:
        meetings = meetings.filter(format=data["format"])
        chosen["format"] = data["format"]
    if data["mine"] and user.is_authenticated:
        meetings = meetings.filter(pk__in=services.my_meetings(user).values("pk"))
        chosen["mine"] = "on"
    return meetings, chosen


def schedulable_owners(user: Any) -> list[Structure | Group]:
    """Structures the user leads and groups they moderate: where they may schedule."""
    if not user.is_authenticated:
        return []
    led = Structure.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.LEADER,
        memberships__status=Membership.Status.ACTIVE,
    )
    moderated = Group.objects.filter(
        memberships__user=user,
        memberships__role__in=[GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR],
    ).select_related("owner")
    return [*led.order_by("name"), *moderated.order_by("name")]


# Meeting page ------------------------------------------------------------------------


@visible_object_view(Meeting)
def detail(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    user = request.user
    registration = (
        Registration.objects.filter(meeting=meeting, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
        if user.is_authenticated
        else None
    )
    now = timezone.now()
    context = {
        "meeting": meeting,
        "show_group": meeting.group is not None and policy.can_see(user, meeting.group),
        "zone_differs": meeting.time_zone != timezone.get_current_timezone_name(),
        "seats_left": services.seats_left(meeting),
        "registration": registration,
        "position": services.waitlist_position(meeting, registration) if registration else None,
        "may_register": policy.has_perm(user, "meetings.register", meeting),
        "is_open": not meeting.is_over and meeting.opens_at() <= now < meeting.ends_at,
        "may_join": policy.has_perm(user, "meetings.join", meeting),
        "is_organiser": policy.has_perm(user, "meetings.organise", meeting),
        "recordings": meeting.recordings.filter(status=Recording.Status.READY).exclude(file=""),
    }
    return render(request, "meetings/detail.html", context)


@visible_object_view(Meeting)
def meeting_ical(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    response = HttpResponse(
        ical.calendar_for([meeting], meeting.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response


# Schedule, edit, cancel --------------------------------------------------------------


def scheduling_owner(request: HttpRequest) -> tuple[Structure, Group | None] | None:
    """The structure (and group) named by ``?structure=`` or ``?group=``."""
    if group_slug := request.GET.get("group"):
        group = policy.get_visible_or_404(Group, request.user, slug=group_slug)
        return group.owner, group
    if structure_slug := request.GET.get("structure"):
        return get_object_or_404(Structure, slug=structure_slug), None
    return None


def create(request: HttpRequest) -> HttpResponse:
    chosen = scheduling_owner(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if chosen is None:
        choices = {"owners": schedulable_owners(request.user), "choose_owner": True}
        return render(request, "meetings/form.html", choices)
    structure, group = chosen
    policy.require(request.user, "meetings.schedule", group or structure)
    fixed_audience = services.audience_for(group, "") == Meeting.Audience.OWNER
    form = forms.NewMeetingForm(
        request.POST or None,
        fixed_audience=fixed_audience,
        engine_choices=engine_choices_for(request.user),
    )
    context = {
        "form": form,
        "structure": structure,
        "group": group,
        "creating": True,
        "fixed_audience": fixed_audience,
    }
    if request.method != "POST":
        return render(request, "meetings/form.html", context)
    if not form.is_valid():
        return render(request, "meetings/form.html", context, status=422)
    meetings = services.schedule_meeting(
        owner=structure,
        group=group,
        created_by=request.user,
        frequency=form.cleaned_data["frequency"] or None,
        occurrences=form.cleaned_data["occurrences"],
        **form.meeting_fields(),
    )
    messages.success(request, scheduled_message(len(meetings)))
    return redirect(meetings[0])


def engine_choices_for(user: Any) -> list[tuple[str, str]] | None:
    """National administrators pick among the engines configured on this server."""
    if not policy.is_national_admin(user):
        return None
    return [(engine.name, str(engine.label)) for engine in engines.configured_engines()]


def scheduled_message(count: int) -> str:
    return ngettext(
        "The meeting has been scheduled.", "%(count)s meetings have been scheduled.", count
    ) % {"count": count}


@visible_object_view(Meeting, login=True, perm="meetings.organise")
def edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if meeting.is_over:
        messages.warning(request, _("This meeting is over or cancelled: it can no longer change."))
        return redirect(meeting)
    fixed_audience = services.audience_for(meeting.group, "") == Meeting.Audience.OWNER
    form = forms.MeetingForm(
        request.POST or None,
        initial=forms.MeetingForm.initial_for(meeting),
        fixed_audience=fixed_audience,
        engine_choices=engine_choices_for(request.user),
    )
    context = {"form": form, "meeting": meeting, "fixed_audience": fixed_audience}
    if request.method != "POST":
        return render(request, "meetings/form.html", context)
    if not form.is_valid():
        return render(request, "meetings/form.html", context, status=422)
    services.update_meeting(actor=request.user, meeting=meeting, **form.meeting_fields())
    messages.success(request, _("The meeting has been updated."))
    return redirect(meeting)


@visible_object_view(Meeting, login=True, perm="meetings.organise")
def cancel(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if request.method != "POST":
        return render(request, "meetings/cancel.html", {"meeting": meeting})
    report_outcome(
        request,
        lambda: services.cancel_meeting(meeting, request.user),
        _("The meeting has been cancelled. Registered and invited people are told by email."),
    )
    return redirect(meeting)


# Registration ------------------------------------------------------------------------


@require_POST
@visible_object_view(Meeting, login=True)
def register(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    registration = services.register(meeting, request.user)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You are registered."))
    else:
        messages.info(request, _("The meeting is full: you are on the waiting list."))
    return redirect(meeting)


@require_POST
@visible_object_view(Meeting, login=True)
def unregister(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if services.unregister(meeting, request.user) is not None:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect(meeting)


# Invitations -------------------------------------------------------------------------


def invitations_page(
    request: HttpRequest, meeting: Meeting, form: forms.InviteForm | None = None, status: int = 200
) -> HttpResponse:
    organisations = services.partners_with_representatives().order_by("name")
    context = {
        "meeting": meeting,
        "invitations": meeting.invitations.select_related("organisation", "user"),
        "form": form or forms.InviteForm(),
        "partner_form": forms.PartnerInviteForm(organisations=organisations),
        "has_partners": organisations.exists(),
        "now": timezone.now(),
    }
    return render(request, "meetings/invitations.html", context, status=status)


@visible_object_view(Meeting, login=True, perm="meetings.organise")
def invitations(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if request.method != "POST":
        return invitations_page(request, meeting)
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return invitations_page(request, meeting, form, status=422)
    data = form.cleaned_data
    invited = report_outcome(
        request,
        lambda: services.invite(meeting, invited_by=request.user, **data),
        _("The invitation has been sent to %(email)s.") % {"email": data["email"]},
    )
    if not invited:
        return invitations_page(request, meeting, form, status=422)
    return redirect("meetings:invitations", meeting.slug)


@require_POST
@visible_object_view(Meeting, login=True, perm="meetings.organise")
def invite_members(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    try:
        sent = services.invite_members(meeting, invited_by=request.user)
    except services.MeetingActionError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, invitations_sent_message(sent))
    return redirect("meetings:invitations", meeting.slug)


def invitations_sent_message(count: int) -> str:
    if count == 0:
        return _("Everyone was already invited.")
    return ngettext(
        "%(count)s invitation has been sent.", "%(count)s invitations have been sent.", count
    ) % {"count": count}


@require_POST
@visible_object_view(Meeting, login=True, perm="meetings.organise")
def invite_partner(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    organisations = services.partners_with_representatives()
    form = forms.PartnerInviteForm(request.POST, organisations=organisations)
    if not form.is_valid():
        messages.warning(request, _("Choose a partner organisation."))
        return redirect("meetings:invitations", meeting.slug)
    organisation = form.cleaned_data["organisation"]
    try:
        sent = services.invite_partner(meeting, organisation=organisation, invited_by=request.user)
    except services.MeetingActionError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, invitations_sent_message(sent))
    return redirect("meetings:invitations", meeting.slug)


@visible_object_view(Meeting, login=True, perm="meetings.organise")
def invitation_revoke(request: HttpRequest, meeting: Meeting, pk: int) -> HttpResponse:
    invitation = get_object_or_404(meeting.invitations, pk=pk)
    if request.method != "POST":
        return confirm_page(
            request,
            meeting,
            title=_("Revoke an invitation"),
            question=_("Revoke the invitation of %(who)s? Their personal link will stop working.")
            % {"who": invitation},
            submit=_("Revoke the invitation"),
        )
    report_outcome(
        request,
        lambda: services.revoke_invitation(actor=request.user, meeting=meeting, invitation_id=pk),
        _("The invitation has been revoked."),
    )
    return redirect("meetings:invitations", meeting.slug)


@require_POST
@visible_object_view(Meeting, login=True, perm="meetings.organise")
def invitation_resend(request: HttpRequest, meeting: Meeting, pk: int) -> HttpResponse:
    report_outcome(
        request,
        lambda: services.resend_invitation(actor=request.user, meeting=meeting, invitation_id=pk),
        _("A new personal link has been sent; the previous one no longer works."),
    )
    return redirect("meetings:invitations", meeting.slug)


# Private calendar feed ---------------------------------------------------------------


def feed_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    feed_url = None
    if request.method == "POST":
        token = services.regenerate_feed(request.user)
        feed_url = request.build_absolute_uri(reverse("meetings:my_feed", args=[token]))
    context = {
        "feed_url": feed_url,
        "has_feed": hasattr(request.user, "meeting_feed") or feed_url is not None,
    }
    return render(request, "meetings/feed_settings.html", context)


def feed_revoke(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method != "POST":
        return confirm_page(
            request,
            None,
            title=_("Turn off my calendar feed"),
            question=_("Calendars subscribed to your feed will stop receiving your meetings."),
            submit=_("Turn off the feed"),
        )
    services.revoke_feed(request.user)
    messages.success(request, _("Your calendar feed has been turned off."))
    return redirect("meetings:feed_settings")


def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Calendar clients send no cookie: the token in the address is the credential."""
    user = services.feed_owner(token)
    if user is None:
        raise Http404
    body = ical.calendar_for(services.feed_meetings(user), _("My meetings"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
