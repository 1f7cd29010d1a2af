"""Circular pages: the archive, composing (preview, test, schedule, send), the circular
itself with its per-committee acknowledgements, forwarding, and the "Bien reçu" page.

Every view of one circular resolves it through the policy first: a circular the person
may not know about answers 404 (a secret group's circular included)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.markdown import render_markdown
from colombe.core.object_views import visible_object_view
from colombe.core.ratelimit import hit, hit_key
from colombe.mailing import circular_forms as forms
from colombe.mailing import circulars as services
from colombe.mailing.models import Circular, CircularAttachment, CircularCommittee
from colombe.mailing.policy import committees_covered_by, may_speak_for

PAGE_SIZE = 20
TESTS_PER_HOUR = 10
ACKNOWLEDGEMENTS_PER_HOUR = 60
Status = Circular.Status
CircularView = Callable[..., HttpResponseBase]


# Visibility first: to an anonymous visitor every circular answers 404, like a missing one.
circular_view = visible_object_view(Circular, login=True, lookup="pk")


def page_of(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# The archive ---------------------------------------------------------------------------


def filtered_archive(request: HttpRequest, filters: forms.ArchiveFilterForm) -> Any:
    sent = policy.visible(Circular, request.user).filter(status__in=[Status.SENT, Status.SENDING])
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            sent = sent.filter(subject__icontains=filters.cleaned_data["q"])
        if filters.cleaned_data["urgency"]:
            sent = sent.filter(urgency=filters.cleaned_data["urgency"])
    return sent.select_related("sender_structure", "sender_territory").order_by("-sent_at", "-pk")


@login_required
def circulars(request: HttpRequest) -> HttpResponse:
    filters = forms.ArchiveFilterForm(request.GET or None)
    may_write = policy.has_perm(request.user, "mailing.write_circular")
    drafts = None
    if may_write:
        drafts = (
            policy.visible(Circular, request.user)
            .filter(status__in=[Status.DRAFT, Status.SCHEDULED])
            .order_by("-updated_at")[:PAGE_SIZE]
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "filtered": bool(request.GET.get("q") or request.GET.get("urgency")),
        "page_obj": page_of(request, filtered_archive(request, filters)),
        "query_string": query.urlencode(),
        "may_write": may_write,
        "drafts": drafts,
    }
    return render(request, "mailing/circulars/list.html", context)


# Writing -------------------------------------------------------------------------------


@login_required
def circular_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mailing.write_circular")
    form = forms.CircularForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "mailing/circulars/form.html", context)
    if not form.is_valid():
        return render(request, "mailing/circulars/form.html", context, status=422)
    circular = services.create_circular(
        actor=request.user, draft=form.draft(), uploads=form.uploads
    )
    messages.success(
        request,
        _("Draft saved. Check the preview, send yourself a test, then send or schedule it."),
    )
    return redirect(circular)


@circular_view
def circular_edit(request: HttpRequest, circular: Circular) -> HttpResponse:
    policy.require(request.user, "mailing.edit_circular", circular)
    form = forms.CircularForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        circular=circular,
        initial=forms.initial_for(circular),
    )
    context = {"form": form, "circular": circular}
    if request.method != "POST":
        return render(request, "mailing/circulars/form.html", context)
    if not form.is_valid():
        return render(request, "mailing/circulars/form.html", context, status=422)
    try:
        services.update_circular(
            actor=request.user,
            circular=circular,
            draft=form.draft(),
            uploads=form.uploads,
            remove_attachments=form.removed_attachments,
        )
    except services.CircularError as error:
        messages.error(request, error.message)
        return redirect(circular)
    messages.success(request, _("The circular has been saved."))
    return redirect(circular)


@circular_view
@require_POST
def circular_test(request: HttpRequest, circular: Circular) -> HttpResponse:
    policy.require(request.user, "mailing.edit_circular", circular)
    if not hit_key(
        f"mailing.circular-test:{request.user.pk}", limit=TESTS_PER_HOUR, period_seconds=3600
    ):
        messages.error(request, _("Too many test sends in an hour. Please try again later."))
        return redirect(circular)
    services.send_test(actor=request.user, circular=circular)
    user: Any = request.user
    messages.success(
        request,
        _("A test has been sent to %(email)s. Nobody else received it.") % {"email": user.email},
    )
    return redirect(circular)


def confirmation_context(circular: Circular) -> dict[str, Any]:
    return {"circular": circular, "reach": services.reach_of(circular)}


@circular_view
def circular_send(request: HttpRequest, circular: Circular) -> HttpResponse:
    """GET: how many people and committees it will reach, and a button. POST: send."""
    policy.require(request.user, "mailing.edit_circular", circular)
    if request.method != "POST":
        return render(
            request, "mailing/circulars/confirm_send.html", confirmation_context(circular)
        )
    try:
        reach = services.send_circular(actor=request.user, circular=circular)
    except services.CircularError as error:
        messages.error(request, error.message)
        return redirect(circular)
    messages.success(
        request,
        _("The circular is on its way to %(people)s people.") % {"people": reach.people},
    )
    return redirect(circular)


@circular_view
def circular_schedule(request: HttpRequest, circular: Circular) -> HttpResponse:
    policy.require(request.user, "mailing.edit_circular", circular)
    form = forms.ScheduleForm(request.POST or None)
    context = {**confirmation_context(circular), "form": form}
    if request.method != "POST":
        return render(request, "mailing/circulars/schedule.html", context)
    if not form.is_valid():
        return render(request, "mailing/circulars/schedule.html", context, status=422)
    try:
        services.schedule_circular(
            actor=request.user, circular=circular, when=form.cleaned_data["send_at"]
        )
    except services.CircularError as error:
        form.add_error("send_at", error.message)
        return render(request, "mailing/circulars/schedule.html", context, status=422)
    messages.success(request, _("The circular is scheduled."))
    return redirect(circular)


@circular_view
@require_POST
def circular_unschedule(request: HttpRequest, circular: Circular) -> HttpResponse:
    try:
        services.unschedule_circular(actor=request.user, circular=circular)
    except services.CircularError as error:
        messages.error(request, error.message)
        return redirect(circular)
    messages.success(request, _("The circular is a draft again: it will not be sent."))
    return redirect(circular)


# Reading -------------------------------------------------------------------------------


def acknowledgement_rows(request: HttpRequest, circular: Circular) -> list[CircularCommittee]:
    """Per committee: relays sent to, first acknowledgement, escalation. A coordinator
    following someone else's circular sees their own territories' committees."""
    rows = circular.committees.select_related("committee__territory", "acknowledged_by")
    user = request.user
    if not (policy.is_national_admin(user) or may_speak_for(user, circular)):
        rows = rows.filter(committee__in=committees_covered_by(user))
    return list(rows.order_by("acknowledged_at", "committee__name"))


def reader_context(request: HttpRequest, circular: Circular) -> dict[str, Any]:
    user: Any = request.user
    mine = circular.recipients.filter(user=user).first()
    return {
        "circular": circular,
        "body_html": render_markdown(circular.body),
        "attachments": list(circular.attachments.all()),
        "my_receipt": mine,
        "my_ack_token": services.ack_token(circular.pk, user.pk) if mine else "",
        "can_edit": policy.has_perm(user, "mailing.edit_circular", circular),
        "can_forward": policy.has_perm(user, "mailing.forward", circular)
        and bool(services.forwarding_committees(user, circular)),
    }


@circular_view
def circular(request: HttpRequest, circular: Circular) -> HttpResponse:
    context = reader_context(request, circular)
    sent = circular.status in (Status.SENT, Status.SENDING)
    if sent and policy.has_perm(request.user, "mailing.view_acknowledgements", circular):
        rows = acknowledgement_rows(request, circular)
        context["acknowledgements"] = rows
        context["acknowledged_count"] = sum(1 for row in rows if row.acknowledged_at)
    return render(request, "mailing/circulars/detail.html", context)


@circular_view
def circular_attachment(
    request: HttpRequest, circular: Circular, attachment_pk: int
) -> FileResponse:
    attachment = get_object_or_404(CircularAttachment, circular=circular, pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Circulars are for members: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@circular_view
def circular_forward(request: HttpRequest, circular: Circular) -> HttpResponse:
    policy.require(request.user, "mailing.forward", circular)
    committees = services.forwarding_committees(request.user, circular)
    if not committees:
        messages.info(request, _("This circular has already been forwarded to your committee."))
        return redirect(circular)
    form = forms.ForwardForm(
        request.POST or None, committees=committees, initial={"committee": committees[0].pk}
    )
    context = {"circular": circular, "form": form, "committees": committees}
    if request.method != "POST":
        return render(request, "mailing/circulars/forward.html", context)
    if not form.is_valid():
        return render(request, "mailing/circulars/forward.html", context, status=422)
    try:
        forward = services.forward_circular(
            actor=request.user,
            circular=circular,
            committee=form.cleaned_data["committee"],
            note=form.cleaned_data["note"],
        )
    except services.CircularError as error:
        messages.error(request, error.message)
        return redirect(circular)
    messages.success(request, _("The circular has been forwarded to your committee's members."))
    return redirect(forward)


# "Bien reçu" ---------------------------------------------------------------------------


def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. GET shows a button and changes nothing (mail scanners and
    link previews open links); the POST records the acknowledgement.

    The link works without logging in: the signed token names the recipient. The form
    keeps Django's CSRF protection — the page itself sets the cookie and puts the token
    in the form, so it costs the relay nothing, and no other site can make a browser
    acknowledge on someone's behalf."""
    recipient = services.recipient_for_token(token)
    context = {"recipient": recipient, "circular": recipient.circular, "token": token}
    if request.method != "POST":
        return render(request, "mailing/circulars/acknowledge.html", context)
    if not hit(
        request, "mailing.acknowledge", limit=ACKNOWLEDGEMENTS_PER_HOUR, period_seconds=3600
    ):
        context["too_many"] = True
        return render(request, "mailing/circulars/acknowledge.html", context, status=429)
    context["just_acknowledged"] = services.acknowledge(recipient)
    return render(request, "mailing/circulars/acknowledge.html", context)
