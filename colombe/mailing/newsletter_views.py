"""Pages of the newsletters: lists and subscribing, the managers' issues, and leaving
(one-click unsubscribe and the preference page). Thin: parse, call ``newsletters``,
render."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.markdown import render_markdown
from colombe.core.ratelimit import client_ip, hit_key
from colombe.mailing import newsletters
from colombe.mailing.models import MailingList, Newsletter
from colombe.mailing.newsletter_forms import (
    MailingListForm,
    NewsletterForm,
    PreferencesForm,
    SendForm,
    SubscribeForm,
)

LISTS_PER_PAGE = 20
ISSUES_PER_PAGE = 10
HOUR = 60 * 60
DAY = 24 * HOUR


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _page(request: HttpRequest, items: Any, per_page: int) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


# --- Lists and subscribing ---


def lists(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mailing/newsletters/lists.html",
        {
            "page_obj": _page(request, newsletters.lists_for(request.user), LISTS_PER_PAGE),
            "may_create": newsletters.owners_for(request.user).exists(),
        },
    )


@login_required
def list_create(request: HttpRequest) -> HttpResponse:
    owners = newsletters.owners_for(request.user)
    if not owners.exists():
        raise PermissionDenied
    form = MailingListForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        mailing_list = newsletters.create_list(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The list is created."))
        return redirect(mailing_list)
    status = 422 if form.is_bound else 200
    return render(request, "mailing/newsletters/list_form.html", {"form": form}, status=status)


def _list_page(
    request: HttpRequest, mailing_list: MailingList, form: SubscribeForm | None, status: int = 200
) -> HttpResponse:
    user = request.user
    manages = policy.has_perm(user, "mailing.manage_list", mailing_list)
    context: dict[str, Any] = {
        "mailing_list": mailing_list,
        "form": form,
        "manages": manages,
        "subscription": newsletters.member_subscription(user, mailing_list),
        "has_verified_address": user.is_authenticated
        and newsletters.verified_address(user) is not None,
    }
    if manages:
        issues = mailing_list.newsletters.order_by("-created_at")
        context["page_obj"] = _page(request, issues, ISSUES_PER_PAGE)
        context["counts"] = newsletters.subscriber_counts(mailing_list)
    return render(request, "mailing/newsletters/list.html", context, status=status)


def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    mailing_list = policy.get_visible_or_404(MailingList, request.user, slug=slug)
    form = SubscribeForm(mailing_list=mailing_list) if mailing_list.is_public else None
    return _list_page(request, mailing_list, form)


def _too_many(request: HttpRequest, mailing_list: MailingList | None) -> HttpResponse:
    return render(
        request, "mailing/subscriptions/too_many.html", {"mailing_list": mailing_list}, status=429
    )


@require_POST
def list_subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    mailing_list = policy.get_visible_or_404(MailingList, request.user, slug=slug)
    if not mailing_list.is_public:
        raise Http404
    ip_limit = _limit("MAILING_SUBSCRIBE_LIMIT_PER_IP", 10)
    if not hit_key(f"mailing.subscribe:{client_ip(request)}", limit=ip_limit, period_seconds=HOUR):
        return _too_many(request, mailing_list)
    form = SubscribeForm(request.POST, mailing_list=mailing_list)
    if form.is_spam():
        # Robots are told what people are told, and nothing is recorded or sent.
        return render(
            request, "mailing/subscriptions/check_email.html", {"mailing_list": mailing_list}
        )
    if not form.is_valid():
        return _list_page(request, mailing_list, form, status=422)
    email = newsletters.normalise(form.cleaned_data["email"])
    address_limit = _limit("MAILING_SUBSCRIBE_LIMIT_PER_ADDRESS", 3)
    if not hit_key(
        f"mailing.subscribe.address:{_digest(email)}", limit=address_limit, period_seconds=DAY
    ):
        return _too_many(request, mailing_list)
    newsletters.request_subscription(
        mailing_list=mailing_list, email=email, postcode=form.cleaned_data["postcode"]
    )
    return render(request, "mailing/subscriptions/check_email.html", {"mailing_list": mailing_list})


@login_required
@require_POST
def list_join(request: HttpRequest, slug: str) -> HttpResponse:
    mailing_list = policy.get_visible_or_404(MailingList, request.user, slug=slug)
    if newsletters.verified_address(request.user) is None:
        messages.error(request, _("Confirm your email address first (see My account)."))
        return redirect(mailing_list)
    newsletters.subscribe_member(actor=request.user, mailing_list=mailing_list)
    messages.success(request, _("You are subscribed."))
    return redirect(mailing_list)


@login_required
@require_POST
def list_leave(request: HttpRequest, slug: str) -> HttpResponse:
    mailing_list = policy.get_visible_or_404(MailingList, request.user, slug=slug)
    newsletters.leave_list(actor=request.user, mailing_list=mailing_list)
    messages.success(
        request, _("You are unsubscribed. You will receive nothing more from this list.")
    )
    return redirect(mailing_list)


def confirm_subscription(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, only the POST confirms: the mail scanners that open every
    link in an email must not subscribe anyone."""
    if request.method == "POST":
        if not hit_key(
            f"mailing.confirm:{client_ip(request)}",
            limit=_limit("MAILING_CONFIRM_LIMIT_PER_IP", 30),
            period_seconds=HOUR,
        ):
            return _too_many(request, None)
        subscription = newsletters.confirm_subscription(token)
        if subscription is None:
            return _token_problem(request)
        return render(
            request,
            "mailing/subscriptions/confirmed.html",
            {"mailing_list": subscription.mailing_list},
        )
    pending = newsletters.pending_subscription(token)
    if pending is None:
        return _token_problem(request)
    return render(
        request,
        "mailing/subscriptions/confirm.html",
        {"mailing_list": pending.mailing_list, "token": token},
    )


def _token_problem(request: HttpRequest) -> HttpResponse:
    return render(request, "mailing/subscriptions/token_problem.html", status=404)


# --- Leaving: one click (RFC 8058) and the preference page ---


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this URL from their own
# servers, with no session and no CSRF token. The signed token in the URL is the
# credential, and the only thing a forged request could do is what the link's owner
# asked for — so CSRF protection has nothing to protect here.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    link = newsletters.read_unsubscribe_token(token)
    mailing_list = MailingList.objects.filter(pk=link.list_id).first() if link else None
    if link is None or mailing_list is None:
        return _token_problem(request)
    context = {"mailing_list": mailing_list, "token": token, "email": link.email}
    if request.method != "POST":
        return render(request, "mailing/subscriptions/unsubscribe.html", context)
    # Keyed by the link, not the IP: one mailbox provider posts for millions of people.
    if not hit_key(f"mailing.unsubscribe:{_digest(token)}", limit=20, period_seconds=HOUR):
        return _too_many(request, mailing_list)
    newsletters.unsubscribe(link)
    # No redirect (RFC 8058): a short page that says it is done.
    context["preferences_url"] = newsletters.preferences_url(link.email)
    return render(request, "mailing/subscriptions/unsubscribed.html", context)


def preferences(request: HttpRequest, token: str) -> HttpResponse:
    email = newsletters.read_preferences_token(token)
    if email is None:
        return _token_problem(request)
    subscriptions = newsletters.subscriptions_of(email)
    form = PreferencesForm(request.POST or None, subscriptions=subscriptions)
    if request.method == "POST":
        if not hit_key(f"mailing.preferences:{_digest(token)}", limit=30, period_seconds=HOUR):
            return _too_many(request, None)
        if request.POST.get("action") == "everything":
            newsletters.unsubscribe_from_everything(email)
            return render(
                request,
                "mailing/subscriptions/preferences_saved.html",
                {"everything": True, "token": token},
            )
        if form.is_valid():
            newsletters.update_preferences(
                email=email, keep_list_ids=set(form.cleaned_data["lists"])
            )
            return render(
                request,
                "mailing/subscriptions/preferences_saved.html",
                {"everything": False, "token": token},
            )
    return render(
        request,
        "mailing/subscriptions/preferences.html",
        {
            "form": form,
            "email": email,
            "token": token,
            "has_subscriptions": subscriptions.exists(),
            "unsubscribed_from_everything": newsletters.is_unsubscribed_from_everything(email),
        },
        status=422 if form.is_bound else 200,
    )


# --- Managers: writing and sending issues ---


def _managed_list(request: HttpRequest, slug: str) -> MailingList:
    mailing_list = policy.get_visible_or_404(MailingList, request.user, slug=slug)
    policy.require(request.user, "mailing.manage_list", mailing_list)
    return mailing_list


def _newsletter(request: HttpRequest, pk: int) -> Newsletter:
    return policy.get_visible_or_404(Newsletter, request.user, pk=pk)


def _newsletter_form_page(
    request: HttpRequest, mailing_list: MailingList, newsletter: Newsletter | None
) -> HttpResponse:
    form = NewsletterForm(
        request.POST or None,
        instance=newsletter,
        petitions=newsletters.petitions_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = newsletters.save_newsletter(
            actor=request.user,
            mailing_list=mailing_list,
            fields=form.service_fields(),
            territories=form.cleaned_data["territories"],
            newsletter=newsletter,
        )
        messages.success(request, _("The newsletter is saved. Check the preview below."))
        return redirect("mailing:newsletter", saved.pk)
    return render(
        request,
        "mailing/newsletters/newsletter_form.html",
        {"form": form, "mailing_list": mailing_list, "newsletter": newsletter},
        status=422 if form.is_bound else 200,
    )


@login_required
def newsletter_write(request: HttpRequest, slug: str) -> HttpResponse:
    return _newsletter_form_page(request, _managed_list(request, slug), None)


@login_required
def newsletter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk)
    if newsletter.status not in newsletters.EDITABLE:
        raise PermissionDenied
    return _newsletter_form_page(request, newsletter.mailing_list, newsletter)


@login_required
def newsletter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk)
    sent = newsletter.status in (Newsletter.Status.SENT, Newsletter.Status.SENDING)
    return render(
        request,
        "mailing/newsletters/newsletter.html",
        {
            "newsletter": newsletter,
            "mailing_list": newsletter.mailing_list,
            "preview_html": render_markdown(newsletter.body),
            "territories": list(newsletter.territories.all()),
            "editable": newsletter.status in newsletters.EDITABLE,
            "progress": newsletters.progress(newsletter) if sent else None,
            "recipients_estimate": None if sent else newsletters.count_recipients(newsletter),
        },
    )


@login_required
@require_POST
def newsletter_test(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk)
    if not hit_key(f"mailing.newsletter_test:{request.user.pk}", limit=10, period_seconds=HOUR):
        messages.error(request, _("Too many test sends in a short time. Try again later."))
        return redirect("mailing:newsletter", newsletter.pk)
    address = newsletters.send_test(actor=request.user, newsletter=newsletter)
    messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
    return redirect("mailing:newsletter", newsletter.pk)


@login_required
def newsletter_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Sending asks for confirmation: a page that says how many people will receive it."""
    newsletter = _newsletter(request, pk)
    policy.require(request.user, "mailing.manage_list", newsletter.mailing_list)
    if newsletter.status not in newsletters.EDITABLE:
        raise PermissionDenied
    form = SendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        when = form.scheduled_time()
        if when is None:
            newsletters.send_now(actor=request.user, newsletter=newsletter)
            messages.success(request, _("Sending has started. Follow its progress below."))
        else:
            newsletters.schedule(actor=request.user, newsletter=newsletter, when=when)
            messages.success(request, _("The newsletter will be sent at the chosen time."))
        return redirect("mailing:newsletter", newsletter.pk)
    return render(
        request,
        "mailing/newsletters/send.html",
        {
            "form": form,
            "newsletter": newsletter,
            "mailing_list": newsletter.mailing_list,
            "recipients_estimate": newsletters.count_recipients(newsletter),
        },
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def newsletter_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(request, pk)
    newsletters.unschedule(actor=request.user, newsletter=newsletter)
    messages.success(request, _("The sending is cancelled; the newsletter is a draft again."))
    return redirect("mailing:newsletter", newsletter.pk)
