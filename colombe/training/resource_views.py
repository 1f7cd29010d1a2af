"""The library of guides: public, filtered by level, topic and hashtag, searchable, each
with a page made for paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.hashtags import fold_hashtag
from colombe.core.object_views import visible_object_view
from colombe.mediatheque.models import MediaItem
from colombe.training import forms, printing, services
from colombe.training.models import Resource
from colombe.training.pages import render_page

GUIDES_PER_PAGE = 20


def filtered_guides(guides: QuerySet[Resource], filters: forms.ResourceFilterForm) -> QuerySet:
    if not filters.is_valid():
        return guides
    data = filters.cleaned_data
    if data["q"]:
        words = data["q"]
        guides = guides.filter(
            Q(title__icontains=words) | Q(summary__icontains=words) | Q(body__icontains=words)
        )
    if data["level"]:
        guides = guides.filter(level=data["level"])
    if data["topic"]:
        guides = guides.filter(topic=data["topic"])
    if data["tag"]:
        guides = guides.filter(hashtags__key=fold_hashtag(data["tag"].lstrip("#")))
    return guides


def resources(request: HttpRequest) -> HttpResponse:
    filters = forms.ResourceFilterForm(request.GET or None)
    guides = filtered_guides(policy.visible(Resource, request.user), filters)
    guides = guides.select_related("topic").prefetch_related("hashtags").distinct()
    page = Paginator(guides, GUIDES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "filters": filters,
        "query_string": query.urlencode(),
        "may_edit": policy.has_perm(request.user, "training.edit_resources"),
    }
    return render_page(request, "training/resources.html", context)


def visible_video(guide: Resource, user: object) -> MediaItem | None:
    """The archive video, only when the reader may see it (a guide is public, an archive
    item may not be)."""
    if guide.video_id is None:
        return None
    return policy.visible(MediaItem, user).filter(pk=guide.video_id).first()


@visible_object_view(Resource)
def resource(request: HttpRequest, guide: Resource) -> HttpResponse:
    context = {
        "guide": guide,
        "video": visible_video(guide, request.user),
        "may_edit": policy.has_perm(request.user, "training.edit_resources"),
    }
    return render_page(request, "training/resource.html", context)


@visible_object_view(Resource)
def resource_print(request: HttpRequest, guide: Resource) -> HttpResponse:
    context = {
        "guide": guide,
        "video": visible_video(guide, request.user),
        "guide_url": request.build_absolute_uri(guide.get_absolute_url()),
    }
    return render_page(request, "training/resource_print.html", context)


@visible_object_view(Resource)
def resource_pdf(request: HttpRequest, guide: Resource) -> HttpResponse:
    guide_url = request.build_absolute_uri(guide.get_absolute_url())
    document = printing.guide_pdf(guide, guide_url, visible_video(guide, request.user))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{guide.slug}.pdf"'
    return response


def resource_form_page(request: HttpRequest, guide: Resource | None) -> HttpResponse:
    form = forms.ResourceForm(request.POST or None, instance=guide, user=request.user)
    context = {"form": form, "guide": guide}
    if request.method != "POST":
        return render_page(request, "training/resource_form.html", context)
    if not form.is_valid():
        return render_page(request, "training/resource_form.html", context, status=422)
    fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
    saved = services.save_resource(
        request.user, guide, hashtags=form.cleaned_data["hashtags"], **fields
    )
    messages.success(request, _("The guide is saved."))
    return redirect(saved)


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "training.edit_resources")
    return resource_form_page(request, None)


@login_required
@visible_object_view(Resource, perm="training.edit_resources")
def resource_edit(request: HttpRequest, guide: Resource) -> HttpResponse:
    return resource_form_page(request, guide)
