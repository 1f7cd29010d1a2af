"""Public pages of petitions: what a visitor without an account sees and does.

Read a petition, sign it with one short form, confirm or withdraw from the emailed link
(a page with a button: confirming is a POST, so mail scanners that follow links change
nothing), share it, and embed its counter on a partner's site."""

from collections.abc import Callable
from typing import cast

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods

from colombe.core import policy, ratelimit
from colombe.core.cache import GuardChanged
from colombe.outreach import sharing
from colombe.petitions import altcha, og_image, public_cache, services
from colombe.petitions.forms import SignatureForm, clean_source
from colombe.petitions.models import CounterShard, Petition, next_goal
from colombe.petitions.policy import group_shown_to

PAGE_SIZE = 25
# How long the shared parts of a petition page may be reused (a change of the petition or
# of its counter renders them again sooner).
PAGE_PARTS_SECONDS = 60
WIDGET_FRAME_ANCESTORS = getattr(settings, "PETITION_WIDGET_FRAME_ANCESTORS", ["*"])

SlugView = Callable[[HttpRequest, str], HttpResponse]
# django-csp types its decorators for views without URL arguments.
allow_framing_by_any_site = cast(
    Callable[[SlugView], SlugView], csp_replace({"frame-ancestors": WIDGET_FRAME_ANCESTORS})
)


# Reading ------------------------------------------------------------------------------


def petition_list(request: HttpRequest) -> HttpResponse:
    """Published and closed petitions, and the drafts the visitor organises."""
    petitions = policy.visible(Petition, request.user).select_related("owner")
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _counts([petition.pk for petition in page])
    rows = [(petition, counts.get(petition.pk, 0)) for petition in page]
    return render(request, "petitions/list.html", {"page_obj": page, "rows": rows})


def _counts(petition_ids: list[int]) -> dict[int, int]:
    """Every listed petition's counter in one grouped query (not one per petition)."""
    totals = (
        CounterShard.objects.filter(petition_id__in=petition_ids)
        .values("petition_id")
        .annotate(total=Sum("confirmed"))
    )
    return {row["petition_id"]: int(row["total"] or 0) for row in totals}


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    petition = public_cache.visible_petition(request, slug)
    source = clean_source(request.GET.get("source", ""))
    if public_cache.serves_anonymous_page(request):
        return anonymous_detail(request, petition, source)
    form = SignatureForm(initial={"source": source}, petition=petition)
    return _render_detail(request, petition, form)


def anonymous_detail(request: HttpRequest, petition: Petition, source: str) -> HttpResponse:
    """The page every visitor without an account gets, from the cache (public_cache)."""
    count = services.signature_count(petition)
    fallback = altcha.new_fallback_question()

    def render_marked(markers: public_cache.Markers) -> str:
        form = SignatureForm(initial={"source": markers[public_cache.SOURCE]}, petition=petition)
        marked_fallback = altcha.FallbackQuestion(
            question=markers[public_cache.FALLBACK_QUESTION],
            token=markers[public_cache.FALLBACK_TOKEN],
        )
        context = {
            **detail_context(request, petition, form, count=count, fallback=marked_fallback),
            **public_cache.marked_context(request, markers),
        }
        return render_to_string("petitions/detail.html", context, request)

    html = public_cache.anonymous_page(
        request,
        f"detail:{petition.slug}",
        (petition.updated_at, count, is_open(petition)),
        render_marked,
        {
            public_cache.SOURCE: source,
            public_cache.FALLBACK_TOKEN: fallback.token,
            public_cache.FALLBACK_QUESTION: fallback.question,
        },
    )
    return HttpResponse(html)


def _render_detail(
    request: HttpRequest,
    petition: Petition,
    form: SignatureForm,
    *,
    closed_message: str = "",
    status: int = 200,
) -> HttpResponse:
    context = detail_context(
        request,
        petition,
        form,
        count=services.signature_count(petition),
        fallback=altcha.new_fallback_question(),
        closed_message=closed_message,
    )
    return render(request, "petitions/detail.html", context, status=status)


def detail_context(
    request: HttpRequest,
    petition: Petition,
    form: SignatureForm,
    *,
    count: int,
    fallback: altcha.FallbackQuestion,
    closed_message: str = "",
) -> dict[str, object]:
    return {
        "petition": petition,
        "page": page_parts(request, petition, count),
        "form": form,
        "fallback": fallback,
        "accepting": not closed_message and is_open(petition),
        "closed_message": closed_message,
        "group": group_shown_to(request.user, petition),
        **counter_context(petition, count),
    }


def page_parts(request: HttpRequest, petition: Petition, count: int) -> dict[str, str]:
    """The parts of the petition page that are the same for every visitor, cached:
    rendering them (the form's widgets, the share links, the latest signers) was most of
    the page's cost. The latest signers change only when the counter does (a
    confirmation or a withdrawal), so parts rendered with another count are rendered
    again."""
    language = translation.get_language() or "fr"
    # The absolute URLs in the parts depend on the address the page was asked under.
    origin = f"{request.scheme}://{request.get_host()}"
    key = f"petitions:page:{petition.pk}:{petition.updated_at.timestamp()}:{language}:{origin}"
    parts = cache.get(key)
    if parts is None or parts["count"] != count:
        parts = {**render_page_parts(request, petition), "count": count}
        cache.set(key, parts, PAGE_PARTS_SECONDS)
    return parts


def render_page_parts(request: HttpRequest, petition: Petition) -> dict[str, str]:
    context = {
        "petition": petition,
        "card": sharing.share_card(request, petition),
        "widget_url": request.build_absolute_uri(reverse("petitions:widget", args=[petition.slug])),
        "form": SignatureForm(petition=petition),
        "signers": services.latest_public_signers(petition),
        **petition_sharing(request, petition),
    }
    return {
        "head": render_to_string("petitions/_page_head.html", context),
        "owner_link": format_html(
            '<a href="{}">{}</a>', petition.owner.get_absolute_url(), petition.owner.name
        ),
        "form_fields": render_to_string("petitions/_page_form_fields.html", context),
        "end": render_to_string("petitions/_page_end.html", context),
    }


def is_open(petition: Petition) -> bool:
    now = timezone.now()
    return (
        petition.status == Petition.Status.PUBLISHED
        and (petition.starts_at is None or petition.starts_at <= now)
        and (petition.ends_at is None or now < petition.ends_at)
    )


def counter_context(petition: Petition, count: int | None = None) -> dict[str, object]:
    if count is None:
        count = services.signature_count(petition)
    goal = next_goal(petition.goal, count)
    return {"count": count, "goal": goal, "percent": min(100, count * 100 // goal)}


@require_GET
@cache_control(max_age=1)
def counter(request: HttpRequest, slug: str) -> HttpResponse:
    """The live counter fragment that htmx fetches every few seconds."""
    petition = public_cache.visible_petition(request, slug)
    return render(
        request,
        "petitions/_counter.html",
        {"petition": petition, "live": True, **counter_context(petition)},
    )


# Sharing ------------------------------------------------------------------------------


def petition_sharing(request: HttpRequest, petition: Petition) -> dict[str, object]:
    """The share block of a petition (colombe.outreach.sharing), with the petition's own
    Mastodon chooser: it answers 404 for a draft, as the petition does."""
    url = request.build_absolute_uri(petition.get_absolute_url())
    invitation = _("I signed this petition, will you sign it too?")
    chooser = reverse("petitions:share_mastodon", args=[petition.slug])
    return {
        "share_public": sharing.is_public(petition),
        "share_links": sharing.share_links(
            url, petition.title, invitation, mastodon_chooser=chooser
        ),
        "copy_text": sharing.copy_text(url, petition.title, invitation),
    }


@require_GET
def share_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    petition = public_cache.visible_petition(request, slug)
    return sharing.render_mastodon_chooser(
        request,
        path=petition.get_absolute_url() + "?source=mastodon",
        text=petition.title,
        action=reverse("petitions:share_mastodon", args=[petition.slug]),
    )


@require_GET
@cache_control(max_age=og_image.CACHE_SECONDS)
def og_image_view(request: HttpRequest, slug: str) -> HttpResponse:
    petition = public_cache.visible_petition(request, slug)
    count = services.signature_count(petition)
    png = og_image.petition_image(petition, count, translation.get_language() or "fr")
    return HttpResponse(png, content_type="image/png")


@require_GET
@xframe_options_exempt
@allow_framing_by_any_site
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    """The counter for partner sites: the only page allowed inside a frame."""
    petition = public_cache.visible_petition(request, slug)
    context = {
        "petition": petition,
        "sign_url": request.build_absolute_uri(petition.get_absolute_url()) + "?source=widget",
        **counter_context(petition),
    }
    return render(request, "petitions/widget.html", context)


# Signing ------------------------------------------------------------------------------


@require_GET
@never_cache
def altcha_challenge(request: HttpRequest) -> JsonResponse:
    """A fresh proof-of-work challenge for the ALTCHA widget (never cached: each is
    accepted once)."""
    return JsonResponse(altcha.create_challenge())


def _rate_limit_exempt(request: HttpRequest) -> bool:
    exempt: list[str] = getattr(settings, "PETITION_RATE_LIMIT_EXEMPT_IPS", [])
    return ratelimit.client_ip(request) in exempt


def _over_ip_limit(request: HttpRequest) -> bool:
    limit = getattr(settings, "PETITION_SIGNS_PER_IP_PER_HOUR", 30)
    return not ratelimit.hit(request, "petition-sign", limit=limit, period_seconds=3600)


def _over_domain_limit(form: SignatureForm) -> bool:
    """Many signatures a minute from one mail domain are a robot inventing addresses
    (large providers stay far below this, spread over the minute). The form counted the
    signature when it spent its proof (unless the visitor is exempt)."""
    limit = getattr(settings, "PETITION_SIGNS_PER_DOMAIN_PER_MINUTE", 120)
    return form.domain_hit is not None and not ratelimit.within(form.domain_hit, limit=limit)


def _too_many(request: HttpRequest, petition: Petition) -> HttpResponse:
    return render(request, "petitions/too_many.html", {"petition": petition}, status=429)


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        # The language switch (or a reload) on a page answering a signature asks for
        # this address again: the petition's page is what the visitor wants.
        return redirect(public_cache.visible_petition(request, slug).get_absolute_url())
    exempt = _rate_limit_exempt(request)
    if not exempt and _over_ip_limit(request):
        return _too_many(request, public_cache.visible_petition(request, slug))
    kept = public_cache.kept_petition(request, slug)
    if kept is not None:
        form = SignatureForm(
            request.POST, petition=kept.petition, spend_while=kept.current, count_domain=not exempt
        )
        if _checked_while_current(form, kept):
            return _answer_signature(request, kept.petition, form)
    # Not kept by this process, or changed since: checked against the current petition.
    petition = public_cache.visible_petition(request, slug)
    form = SignatureForm(request.POST, petition=petition, count_domain=not exempt)
    return _answer_signature(request, petition, form)


def _checked_while_current(form: SignatureForm, kept: public_cache.UncheckedPetition) -> bool:
    """Whether ``form`` was checked against the petition as it still is. A valid form
    spends its anti-robot proof only while the petition is unchanged, which tells;
    any other answer asks (one round trip to the cache, as reading the petition does)."""
    try:
        if form.is_valid() and not form.is_spam():
            return True
    except GuardChanged:  # nothing spent: the caller checks the post again, with a new form
        return False
    return kept.is_current()


def _answer_signature(
    request: HttpRequest, petition: Petition, form: SignatureForm
) -> HttpResponse:
    """Sign ``petition`` with ``form`` (whose proof is spent once valid) and answer."""
    if not form.is_valid():
        return _render_detail(request, petition, form, status=422)
    if form.is_spam():
        # Looks the same to the robot, stores nothing.
        return _signed(request, petition)
    if _over_domain_limit(form):
        return _too_many(request, petition)
    fields = form.signer_fields()
    try:
        services.sign(petition=petition, language=translation.get_language() or "fr", **fields)
    except services.AlreadySigned as already:
        context = {"petition": petition, "already_signed": True, "resent": already.resent}
        return render(request, "petitions/sign_done.html", context)
    except services.PetitionClosed as closed:
        return _render_detail(request, petition, form, closed_message=closed.message, status=422)
    except services.PetitionError as refused:
        form.add_error(None, refused.message)
        return _render_detail(request, petition, form, status=422)
    return _signed(request, petition)


def _signed(request: HttpRequest, petition: Petition) -> HttpResponse:
    """The "check your mailbox" page: the same for everyone without an account, so from
    the pages kept rendered for them (rendering it was a fifth of a signature's cost)."""
    if not public_cache.serves_anonymous_page(request):
        return render(request, "petitions/sign_done.html", {"petition": petition})

    def render_marked(markers: public_cache.Markers) -> str:
        context = {"petition": petition, **public_cache.marked_context(request, markers)}
        return render_to_string("petitions/sign_done.html", context, request)

    # The token the visitor just posted is valid for their cookie: showing it again
    # spares masking a new one (32 random draws from the system, for each page).
    html = public_cache.anonymous_page(
        request,
        f"signed:{petition.slug}",
        petition.updated_at,
        render_marked,
        {},
        csrf_token=request.POST.get("csrfmiddlewaretoken", ""),
    )
    return HttpResponse(html)


# Confirming and withdrawing -----------------------------------------------------------


def _token_problem(request: HttpRequest, error: services.InvalidToken) -> HttpResponse:
    """Unknown, tampered, expired or withdrawn: the same page, and nothing changed. (A
    withdrawn signature's token is erased with it, so it reads as unknown: 404.)"""
    return render(request, "petitions/token_problem.html", {"message": error.message}, status=404)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows the button: link checkers and mail scanners open links, and must
    never sign anyone's name."""
    try:
        if request.method == "GET":
            signature = services.find_by_token(token)
            context = {"token": token, "petition": signature.petition}
            return render(request, "petitions/confirm.html", context)
        signature = services.confirm(token)
    except services.InvalidToken as error:
        return _token_problem(request, error)
    except services.PetitionClosed as closed:
        return render(
            request, "petitions/token_problem.html", {"message": closed.message}, status=410
        )
    petition = signature.petition
    context = {
        "petition": petition,
        **petition_sharing(request, petition),
        **counter_context(petition),
    }
    return render(request, "petitions/confirmed.html", context)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "GET":
            signature = services.find_by_token(token)
            context = {"token": token, "petition": signature.petition}
            return render(request, "petitions/withdraw.html", context)
        signature = services.withdraw(token)
    except services.InvalidToken as error:
        return _token_problem(request, error)
    return render(request, "petitions/withdrawn.html", {"petition": signature.petition})
