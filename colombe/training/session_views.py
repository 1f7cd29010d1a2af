"""Training sessions: the calendar, one session, organising it, registering, attendance,
feedback and the .ics file."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.training import forms, ical, services
from colombe.training.models import TrainingSession
from colombe.training.pages import render_page
from colombe.training.policy import is_member

SESSIONS_PER_PAGE = 20


def upcoming_sessions() -> Any:
    return (
        TrainingSession.objects.filter(ends_at__gte=timezone.now(), is_cancelled=False)
        .select_related("topic", "structure", "trainer")
        .order_by("starts_at")
    )


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    if not is_member(request.user):
        return render_page(request, "training/members_only.html", {})
    found = upcoming_sessions()
    filters = forms.SessionFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["topic"]:
            found = found.filter(topic=data["topic"])
        if data["level"]:
            found = found.filter(level=data["level"])
        if data["format"]:
            found = found.filter(format=data["format"])
    page = Paginator(found, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "filters": filters,
        "query_string": query.urlencode(),
        "may_create": policy.has_perm(request.user, "training.create_session"),
    }
    return render_page(request, "training/sessions.html", context)


def join_is_open(session: TrainingSession) -> bool:
    meeting = session.meeting
    if meeting is None or meeting.is_over:
        return False
    return meeting.opens_at() <= timezone.now() <= session.ends_at


def sees_meeting(user: Any, session: TrainingSession) -> bool:
    """The lobby's address names the meeting: shown only to those who may see it (a
    session linked before meetings were checked may hold a hidden one)."""
    return session.meeting is not None and policy.can_see(user, session.meeting)


def session_context(
    request: HttpRequest, found: TrainingSession, form: forms.RegistrationForm
) -> dict[str, Any]:
    user: Any = request.user
    registration = found.registrations.filter(user=user).first()
    may_edit = policy.has_perm(user, "training.edit_session", found)
    places_taken = found.registrations.count()
    return {
        "session": found,
        "registration": registration,
        "may_edit": may_edit,
        "may_register": policy.has_perm(user, "training.register", found)
        and found.starts_at > timezone.now(),
        "places_taken": places_taken,
        "is_full": found.capacity is not None and places_taken >= found.capacity,
        "may_give_feedback": services.may_give_feedback(found, user),
        "meeting_visible": sees_meeting(user, found),
        "join_open": (registration is not None or may_edit) and join_is_open(found),
        "form": form,
        "is_over": found.ends_at <= timezone.now(),
        "feedback": services.feedback_summary(found) if may_edit else None,
    }


@login_required
@visible_object_view(TrainingSession)
def session(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    context = session_context(request, found, forms.RegistrationForm())
    return render_page(request, "training/session.html", context)


def save_session(
    user: Any, found: TrainingSession | None, fields: dict[str, Any]
) -> TrainingSession:
    if found is None:
        structure = fields.pop("structure")
        return services.create_session(user, structure=structure, **fields)
    return services.update_session(user, found, **fields)


def session_form_page(request: HttpRequest, found: TrainingSession | None) -> HttpResponse:
    form = forms.SessionForm(request.POST or None, instance=found, user=request.user)
    context = {"form": form, "session": found}
    if request.method != "POST":
        return render_page(request, "training/session_form.html", context)
    if not form.is_valid():
        return render_page(request, "training/session_form.html", context, status=422)
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    try:
        saved = save_session(request.user, found, fields)
    except services.TrainingError as error:
        form.add_error(None, error.message)
        return render_page(request, "training/session_form.html", context, status=422)
    messages.success(request, _("The session is saved."))
    return redirect(saved)


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "training.create_session")
    return session_form_page(request, None)


@login_required
@visible_object_view(TrainingSession, perm="training.edit_session")
def session_edit(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    return session_form_page(request, found)


@login_required
@visible_object_view(TrainingSession, perm="training.edit_session")
def session_cancel(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    if request.method == "POST":
        try:
            services.cancel_session(request.user, found)
        except services.TrainingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The session is cancelled; those registered are told."))
        return redirect(found)
    context = {
        "title": _("Cancel the session “%(title)s”?") % {"title": found.title},
        "explanation": _("Everyone registered will receive an email."),
        "action": _("Cancel the session"),
        "back": found.get_absolute_url(),
    }
    return render_page(request, "training/confirm.html", context)


@login_required
@require_POST
@visible_object_view(TrainingSession, perm="training.register")
def register(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    form = forms.RegistrationForm(request.POST)
    if not form.is_valid():
        return render_page(
            request, "training/session.html", session_context(request, found, form), status=422
        )
    try:
        services.register(found, request.user, needs=form.cleaned_data["needs"])
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are registered. See you there!"))
    return redirect(found)


@login_required
@require_POST
@visible_object_view(TrainingSession)
def unregister(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    if services.unregister(found, request.user):
        messages.success(request, _("Your place is given back."))
    return redirect(found)


@login_required
@visible_object_view(TrainingSession, perm="training.edit_session")
def attendance(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = forms.AttendanceForm(data, session=found)
    context = {"session": found, "form": form, "started": found.starts_at <= timezone.now()}
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_attendance(request.user, found, form.cleaned_data["present"])
        except services.TrainingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Attendance saved: %(count)d present.") % {"count": count})
            return redirect(found)
    status = 422 if request.method == "POST" else 200
    return render_page(request, "training/attendance.html", context, status=status)


@login_required
@visible_object_view(TrainingSession)
def feedback(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    if not services.may_give_feedback(found, request.user):
        raise PermissionDenied
    form = forms.FeedbackForm(request.POST or None)
    context = {"session": found, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(found, request.user, **form.cleaned_data)
        except services.TrainingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your opinion!"))
        return redirect(found)
    status = 422 if request.method == "POST" else 200
    return render_page(request, "training/feedback.html", context, status=status)


@login_required
@visible_object_view(TrainingSession)
def session_ical(request: HttpRequest, found: TrainingSession) -> HttpResponse:
    response = HttpResponse(ical.calendar_for(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}.ics"'
    return response
