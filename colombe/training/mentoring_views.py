"""Mentoring pages: my requests and offers, asking for help, one request, offering,
accepting or declining an offer, confirming and cancelling."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy, ratelimit
from colombe.core.object_views import visible_object_view
from colombe.training import forms, mentoring_services
from colombe.training.mentoring_services import Status
from colombe.training.models import MentoringRequest
from colombe.training.pages import render_page
from colombe.training.policy import helps_with, is_member, shares_contact, was_taken_from
from colombe.training.services import TrainingError

# A member rarely needs more; it keeps a mistaken script from mailing every helper.
REQUESTS_PER_DAY = 5
DAY = 24 * 3600
# The list of open requests shows the most recent; the others wait their turn.
OPEN_REQUESTS_SHOWN = 30
# Enough for a generous helper; it stops anyone from collecting requests by the dozen.
OFFERS_PER_DAY = 10


@login_required
def mentoring(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not is_member(user):
        raise PermissionDenied
    mine = MentoringRequest.objects.filter(requester=user).select_related("topic", "mentor")
    given = MentoringRequest.objects.filter(mentor=user).select_related("topic", "requester")
    could_help = (
        MentoringRequest.objects.filter(
            status=Status.OPEN, topic_id__in=helps_with(user).values("topic_id")
        )
        .exclude(requester=user)
        .select_related("topic", "requester", "territory")[:OPEN_REQUESTS_SHOWN]
    )
    context = {
        "mine": mine,
        "given": given,
        "could_help": could_help,
        "helps": helps_with(user).exists(),
    }
    return render_page(request, "training/mentoring.html", context)


@login_required
def mentoring_ask(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "training.ask_for_help")
    form = forms.MentoringRequestForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return render_page(request, "training/mentoring_ask.html", {"form": form})
    if not form.is_valid():
        return render_page(request, "training/mentoring_ask.html", {"form": form}, status=422)
    key = f"training.mentoring_ask:{request.user.pk}"
    if not ratelimit.hit_key(key, limit=REQUESTS_PER_DAY, period_seconds=DAY):
        form.add_error(None, _("You have asked for help many times today. Try again tomorrow."))
        return render_page(request, "training/mentoring_ask.html", {"form": form}, status=429)
    asked = mentoring_services.ask_for_help(request.user, **form.cleaned_data)
    messages.success(
        request, _("Your request is recorded. We are telling the members who can help.")
    )
    return redirect(asked)


def helpers_told(asked: MentoringRequest) -> int:
    """How many helpers received the request by email (at most MAX_SUGGESTIONS)."""
    suggested = len(mentoring_services.suggest_mentors(asked))
    return min(suggested, mentoring_services.MAX_SUGGESTIONS)


@login_required
@visible_object_view(MentoringRequest, lookup="pk")
def mentoring_request(request: HttpRequest, asked: MentoringRequest) -> HttpResponse:
    user = request.user
    is_requester = user.pk == asked.requester_id
    context = {
        "asked": asked,
        "is_requester": is_requester,
        "is_mentor": user.pk == asked.mentor_id,
        "may_offer": policy.has_perm(user, "training.offer_help", asked),
        "may_answer": policy.has_perm(user, "training.answer_offer", asked),
        "shares_contact": shares_contact(user, asked),
        "may_confirm": policy.has_perm(user, "training.confirm_mentoring", asked),
        "may_cancel": policy.has_perm(user, "training.cancel_mentoring", asked),
        "i_confirmed": (asked.confirmed_by_requester_at if is_requester else None)
        or (asked.confirmed_by_mentor_at if user.pk == asked.mentor_id else None),
        "helpers_told": helpers_told(asked) if is_requester else 0,
    }
    return render_page(request, "training/mentoring_request.html", context)


def taken_meanwhile(user: Any, pk: int) -> bool:
    """A request another helper took since the user opened it: they saw it while it was
    open, so they may be told someone else was quicker (no 404). Anyone else learns
    nothing of it (``policy.was_taken_from``)."""
    asked = MentoringRequest.objects.filter(pk=pk).first()
    return asked is not None and was_taken_from(user, asked)


def offer_refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("training:mentoring")


@login_required
@require_POST
def mentoring_offer(request: HttpRequest, pk: int) -> HttpResponse:
    if taken_meanwhile(request.user, pk):
        return offer_refused(request, str(mentoring_services.ALREADY_TAKEN))
    asked = policy.get_visible_or_404(MentoringRequest, request.user, pk=pk)
    if asked.mentor_id == request.user.pk:  # a second click on the button
        return redirect(asked)
    policy.require(request.user, "training.offer_help", asked)
    key = f"training.mentoring_offer:{request.user.pk}"
    if not ratelimit.hit_key(key, limit=OFFERS_PER_DAY, period_seconds=DAY):
        return offer_refused(
            request, _("You have offered help many times today. Thank you! Try again tomorrow.")
        )
    try:
        mentoring_services.offer_help(request.user, asked)
    except TrainingError as error:
        return offer_refused(request, error.message)
    messages.success(
        request,
        _("Thank you! We are asking them to accept your offer; you will then see their email."),
    )
    return redirect(asked)


@login_required
@visible_object_view(MentoringRequest, lookup="pk", perm="training.answer_offer")
def mentoring_accept(request: HttpRequest, asked: MentoringRequest) -> HttpResponse:
    """A confirmation page says what will be shared; the POST shares it."""
    if request.method != "POST":
        return render_page(request, "training/mentoring_accept.html", {"asked": asked})
    try:
        mentoring_services.accept_offer(request.user, asked)
    except TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the offer: you can now write to each other."))
    return redirect(asked)


@login_required
@visible_object_view(MentoringRequest, lookup="pk", perm="training.answer_offer")
def mentoring_decline(request: HttpRequest, asked: MentoringRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            mentoring_services.decline_offer(request.user, asked)
        except TrainingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Offer declined: your request is open again."))
        return redirect(asked)
    context = {
        "title": _("Decline this offer of help?"),
        "explanation": _(
            "Your email address is not shared. Your request opens again so that someone else"
            " can offer."
        ),
        "action": _("Decline the offer"),
        "back": asked.get_absolute_url(),
    }
    return render_page(request, "training/confirm.html", context)


@login_required
@require_POST
@visible_object_view(MentoringRequest, lookup="pk")
def mentoring_confirm(request: HttpRequest, asked: MentoringRequest) -> HttpResponse:
    try:
        confirmed = mentoring_services.confirm_mentoring(request.user, asked)
    except TrainingError as error:
        messages.error(request, error.message)
        return redirect(asked)
    if confirmed.status == Status.DONE:
        messages.success(request, _("Both of you confirmed: this help is done. Thank you!"))
    else:
        messages.success(request, _("Thank you. We are waiting for the other person to confirm."))
    return redirect(asked)


def cancelled_message(is_requester: bool) -> str:
    if is_requester:
        return _("Your request for help is withdrawn.")
    return _("You stepped back: the request is open again for someone else to help.")


@login_required
@visible_object_view(MentoringRequest, lookup="pk")
def mentoring_cancel(request: HttpRequest, asked: MentoringRequest) -> HttpResponse:
    if not policy.has_perm(request.user, "training.cancel_mentoring", asked):
        raise PermissionDenied
    is_requester = request.user.pk == asked.requester_id
    if request.method == "POST":
        try:
            mentoring_services.cancel_mentoring(request.user, asked)
        except TrainingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, cancelled_message(is_requester))
        return redirect("training:mentoring")
    if is_requester:
        title, action = _("Withdraw your request for help?"), _("Withdraw my request")
        explanation = _("Nobody will be asked to help you with it any more.")
    else:
        title, action = _("Step back from this help?"), _("Step back")
        explanation = _("The request opens again so that someone else can help.")
    context = {
        "title": title,
        "explanation": explanation,
        "action": action,
        "back": asked.get_absolute_url(),
    }
    return render_page(request, "training/confirm.html", context)
