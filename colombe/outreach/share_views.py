"""Sharing tools: the Mastodon instance chooser for any public page, share images, and
the management of short links (list, create, edit, delete, visits and QR codes)."""

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.outreach import share_images, sharing
from colombe.outreach.access import members_only
from colombe.outreach.models import ShortLink
from colombe.outreach.short_links import (
    ShortLinkForm,
    ShortLinkSearchForm,
    create_short_link,
    delete_short_link,
    matching_links,
    public_address,
    update_short_link,
    visits_per_day,
)

PAGE_SIZE = 25
PERIODS = (30, 90)
QR_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
QR_SCALE = 12
CHART_HEIGHT = 120


# Sharing ----------------------------------------------------------------------------------


@require_GET
def share_mastodon(request: HttpRequest) -> HttpResponse:
    """The Mastodon chooser for a page of this site, given by its path (``?path=``)."""
    path = sharing.local_path(request.GET.get("path", ""))
    if path is None:
        raise Http404
    text = sharing.shared_text(request.GET.get("text", ""))
    return sharing.render_mastodon_chooser(
        request,
        path=path,
        text=text,
        action=reverse("outreach:share_mastodon"),
        hidden={"path": path, "text": text},
    )


@require_GET
@cache_control(max_age=share_images.CACHE_SECONDS // 24, public=True)
def share_image(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The share image of a public page; 404 for anything a visitor may not see."""
    share_kind = sharing.KINDS.get(kind)
    if share_kind is None:
        raise Http404
    obj = policy.get_visible_or_404(share_kind.model, request.user, pk=pk)
    if not share_kind.is_public(obj):
        raise Http404
    return HttpResponse(share_images.share_image_png(obj), content_type="image/png")


# Short links ------------------------------------------------------------------------------


@members_only
def short_links(request: HttpRequest) -> HttpResponse:
    form = ShortLinkSearchForm(request.GET or None)
    links = policy.visible(ShortLink, request.user).select_related("structure", "campaign")
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        links = matching_links(links, query)
    links = links.annotate(total_visits=Sum("daily_visits__visits")).order_by("-created_at")
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",
    }
    return render(request, "outreach/short_links/list.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def short_link_create(request: HttpRequest) -> HttpResponse:
    form = ShortLinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            link = create_short_link(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("The short link is ready."))
            return redirect(link)
    status = 422 if form.errors else 200
    return render(request, "outreach/short_links/form.html", {"form": form}, status=status)


def link_view(perm: str | None = None) -> Any:
    """Login first (anonymous visitors are asked to log in), then the link among those
    the user may see (404 otherwise), then ``perm`` (403)."""

    def decorator(view: Any) -> Any:
        return login_required(visible_object_view(ShortLink, lookup="code", perm=perm)(view))

    return decorator


@link_view()
def short_link(request: HttpRequest, link: ShortLink) -> HttpResponse:
    days = PERIODS[-1] if request.GET.get("days") == str(PERIODS[-1]) else PERIODS[0]
    rows = visits_per_day(link, days)
    highest = max((visits for _day, visits in rows), default=0)
    context = {
        "link": link,
        "address": public_address(link),
        "days": days,
        "periods": PERIODS,
        "rows": rows,
        "bars": chart_bars(rows, highest),
        "chart_height": CHART_HEIGHT,
        "chart_width": len(rows) * 8,
        "period_total": sum(visits for _day, visits in rows),
        "total": link.daily_visits.aggregate(total=Sum("visits"))["total"] or 0,
        "can_edit": policy.has_perm(request.user, "outreach.edit_short_link", link),
    }
    return render(request, "outreach/short_links/detail.html", context)


def chart_bars(rows: list[Any], highest: int) -> list[dict[str, Any]]:
    """One bar per day, as high as its share of the busiest day (SVG coordinates)."""
    bars = []
    for number, (day, visits) in enumerate(rows):
        height = round(visits * CHART_HEIGHT / highest) if highest else 0
        bars.append(
            {
                "x": number * 8,
                "y": CHART_HEIGHT - height,
                "height": height,
                "day": day,
                "visits": visits,
            }
        )
    return bars


@link_view(perm="outreach.edit_short_link")
@require_http_methods(["GET", "POST"])
def short_link_edit(request: HttpRequest, link: ShortLink) -> HttpResponse:
    form = ShortLinkForm(request.POST or None, instance=link, user=request.user)
    if request.method == "POST" and form.is_valid():
        update_short_link(actor=request.user, link=link, **form.cleaned_data)
        messages.success(request, _("The short link has been saved."))
        return redirect(link)
    context = {"form": form, "link": link}
    return render(
        request, "outreach/short_links/form.html", context, status=422 if form.errors else 200
    )


@link_view(perm="outreach.edit_short_link")
@require_http_methods(["GET", "POST"])
def short_link_delete(request: HttpRequest, link: ShortLink) -> HttpResponse:
    if request.method != "POST":
        return render(request, "outreach/short_links/delete.html", {"link": link})
    delete_short_link(actor=request.user, link=link)
    messages.success(request, _("The short link has been deleted."))
    return redirect("outreach:short_links")


@link_view()
@require_GET
def short_link_qr(request: HttpRequest, link: ShortLink, fmt: str) -> HttpResponseBase:
    """The QR code of the link's public address, as SVG (for print) or PNG."""
    if fmt not in QR_FORMATS:
        raise Http404
    qr = segno.make(public_address(link), error="m")
    output = io.BytesIO()
    qr.save(output, kind=fmt, scale=QR_SCALE, border=4)
    response = HttpResponse(output.getvalue(), content_type=QR_FORMATS[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qr-{link.code}.{fmt}"'
    return response
