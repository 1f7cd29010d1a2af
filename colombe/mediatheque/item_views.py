"""The archive's pages: the timeline, an item's page, filing and editing, the press room,
and archiving a meeting's recording.

Every view of one item resolves it through the policy FIRST (``visible_object_view``):
an item of a secret group answers 404 on every URL, before any login redirect."""

from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.mediatheque import embeds, services
from colombe.mediatheque.forms import (
    TOO_MANY_UPLOADS,
    AppearanceForm,
    ItemForm,
    SubtitleForm,
    TimelineFilterForm,
    outlets_known_to,
)
from colombe.mediatheque.models import Appearance, MediaItem, Subtitle
from colombe.meetings.models import Meeting, Recording

PAGE_SIZE = 30
PRESS_ITEMS = 24


# The timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    items: list[MediaItem]

    @property
    def first_day(self) -> date:
        return self.items[0].published_on.replace(day=1)


@dataclass(frozen=True)
class Year:
    year: int
    months: list[Month]


def by_year_and_month(items: list[MediaItem]) -> list[Year]:
    """Items newest first, under a heading per year and per month."""
    years = []
    for year, of_year in groupby(items, key=lambda item: item.published_on.year):
        months = [
            Month(year, month, list(of_month))
            for month, of_month in groupby(of_year, key=lambda item: item.published_on.month)
        ]
        years.append(Year(year, months))
    return years


def with_card_data(items: QuerySet[MediaItem]) -> QuerySet[MediaItem]:
    """Everything a card shows, in a constant number of queries."""
    return items.select_related("outlet").prefetch_related("themes")


def year_counts(items: QuerySet[MediaItem]) -> list[dict[str, int]]:
    return list(
        items.annotate(year=ExtractYear("published_on"))
        .values("year")
        .annotate(total=Count("pk", distinct=True))
        .order_by("-year")
    )


def timeline(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    visible = policy.visible(MediaItem, user)
    filters = TimelineFilterForm(request.GET or None, outlets=outlets_known_to(visible))
    items, chosen = filters.apply(visible)
    every_year, _chosen = filters.apply(visible, with_year=False)
    ordered = with_card_data(items.order_by("-published_on", "-pk"))
    page_obj = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    others = {name: value for name, value in chosen.items() if name != "year"}
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "years": by_year_and_month(list(page_obj.object_list)),
        "year_counts": year_counts(every_year),
        "chosen_year": chosen.get("year", ""),
        "query_string": urlencode(chosen),
        "year_query_string": urlencode(others),
        "filtered": bool(chosen),
        "may_add": policy.has_perm(user, "mediatheque.add"),
    }
    return render(request, "mediatheque/timeline.html", context)


# One item ----------------------------------------------------------------------------------


def player_context(item: MediaItem, can_edit: bool) -> dict[str, Any]:
    processing = item.processing in (MediaItem.Processing.PENDING, MediaItem.Processing.RUNNING)
    return {
        "processing": processing,
        "failed": item.processing == MediaItem.Processing.FAILED,
        "is_image": item.original_content_type.startswith("image/"),
        "embed": embeds.embed_for(item.external_url) if item.external_url else None,
        "link_host": embeds.link_host(item.external_url) if item.external_url else "",
        "subtitles": list(item.subtitles.all()) if item.is_playable else [],
        "progress_for_editor": processing and can_edit,
    }


@visible_object_view(MediaItem)
def detail(request: HttpRequest, item: MediaItem) -> HttpResponse:
    user: Any = request.user
    can_edit = policy.has_perm(user, "mediatheque.edit", item)
    group = item.group if item.group and policy.can_see(user, item.group) else None
    context = {
        "item": item,
        "can_edit": can_edit,
        "may_fetch_original": policy.has_perm(user, "mediatheque.original", item),
        "group": group,
        "structures": item.structures.order_by("name"),
        "themes": item.themes.all(),
        "hashtags": item.hashtags.order_by("name"),
        "appearances": item.appearances.all(),
        **player_context(item, can_edit),
    }
    return render(request, "mediatheque/detail.html", context)


# Filing and editing --------------------------------------------------------------------------


@login_required
def add(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    policy.require(user, "mediatheque.add")
    visible = policy.visible(MediaItem, user)
    form = ItemForm(request.POST or None, request.FILES or None, user=user, visible_items=visible)
    if request.method != "POST":
        return render(request, "mediatheque/form.html", {"form": form})
    if not form.is_valid():
        form.keep_checked_upload()
        too_many = form.has_error("file", code=TOO_MANY_UPLOADS)
        return render(
            request, "mediatheque/form.html", {"form": form}, status=429 if too_many else 422
        )
    try:
        item = services.create_item(user, form.changes(), upload=form.checked_upload)
    except services.ArchiveError as error:
        form.add_error(None, error.message)
        form.keep_checked_upload()
        return render(request, "mediatheque/form.html", {"form": form}, status=422)
    form.forget_kept_upload()
    if services.needs_processing(item):
        messages.success(
            request, _("The item is filed. Its video or sound is being prepared for playing.")
        )
    else:
        messages.success(request, _("The item is filed in the archive."))
    return redirect(item)


def render_edit(
    request: HttpRequest,
    item: MediaItem,
    *,
    form: ItemForm | None = None,
    subtitle_form: SubtitleForm | None = None,
    appearance_form: AppearanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The edit page: the item's description, and its subtitles and people appearing,
    each with its own small form."""
    user: Any = request.user
    if form is None:
        visible = policy.visible(MediaItem, user)
        form = ItemForm(instance=item, user=user, visible_items=visible)
    context = {
        "item": item,
        "form": form,
        "subtitle_form": subtitle_form or SubtitleForm(),
        "appearance_form": appearance_form or AppearanceForm(),
        "subtitles": item.subtitles.all(),
        "appearances": item.appearances.all(),
        "takes_subtitles": item.kind in (MediaItem.Kind.VIDEO, MediaItem.Kind.AUDIO),
    }
    return render(request, "mediatheque/edit.html", context, status=status)


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
def edit(request: HttpRequest, item: MediaItem) -> HttpResponse:
    user: Any = request.user
    if request.method != "POST":
        return render_edit(request, item)
    visible = policy.visible(MediaItem, user)
    form = ItemForm(request.POST, instance=item, user=user, visible_items=visible)
    if not form.is_valid():
        return render_edit(request, item, form=form, status=422)
    try:
        services.update_item(user, item, form.changes())
    except services.ArchiveError as error:
        form.add_error(None, error.message)
        return render_edit(request, item, form=form, status=422)
    messages.success(request, _("The item is saved."))
    return redirect(item)


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
@require_POST
def add_subtitle(request: HttpRequest, item: MediaItem) -> HttpResponse:
    form = SubtitleForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_edit(request, item, subtitle_form=form, status=422)
    services.add_subtitle(
        request.user,
        item,
        language=form.cleaned_data["language"],
        label=form.cleaned_data["label"],
        content=form.cleaned_data["file"],
    )
    messages.success(request, _("The subtitles are added."))
    return redirect(reverse("mediatheque:edit", args=[item.slug]) + "#subtitles")


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
@require_POST
def remove_subtitle(request: HttpRequest, item: MediaItem, pk: int) -> HttpResponse:
    subtitle = get_object_or_404(Subtitle, item=item, pk=pk)
    services.remove_subtitle(request.user, subtitle)
    messages.success(request, _("The subtitles are removed."))
    return redirect(reverse("mediatheque:edit", args=[item.slug]) + "#subtitles")


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
@require_POST
def add_appearance(request: HttpRequest, item: MediaItem) -> HttpResponse:
    form = AppearanceForm(request.POST)
    if not form.is_valid():
        return render_edit(request, item, appearance_form=form, status=422)
    services.add_appearance(
        request.user,
        item,
        name=form.cleaned_data["name"],
        consent_given_on=form.cleaned_data["consent_given_on"],
    )
    messages.success(request, _("The person is added."))
    return redirect(reverse("mediatheque:edit", args=[item.slug]) + "#people")


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
@require_POST
def remove_appearance(request: HttpRequest, item: MediaItem, pk: int) -> HttpResponse:
    appearance = get_object_or_404(Appearance, item=item, pk=pk)
    services.remove_appearance(request.user, appearance)
    messages.success(request, _("The person is removed."))
    return redirect(reverse("mediatheque:edit", args=[item.slug]) + "#people")


@visible_object_view(MediaItem, login=True, perm="mediatheque.edit")
def delete(request: HttpRequest, item: MediaItem) -> HttpResponse:
    if request.method == "POST":
        services.delete_item(request.user, item)
        messages.success(request, _("The item and its files are deleted."))
        return redirect("mediatheque:index")
    return render(request, "mediatheque/confirm_delete.html", {"item": item})


# The press room ---------------------------------------------------------------------------


def press_contact() -> str:
    """The address journalists write to: the press contact, or the site's sender."""
    configured = settings.MEDIATHEQUE_PRESS_CONTACT or settings.DEFAULT_FROM_EMAIL
    return parseaddr(configured)[1]


def press(request: HttpRequest) -> HttpResponse:
    """For journalists, no account needed: the latest public items, with their posters
    and originals to download. Public items only, whoever is logged in."""
    public = policy.visible(MediaItem, AnonymousUser())
    # The press card shows no themes: the outlet is all it needs.
    latest = public.select_related("outlet").order_by("-published_on", "-pk")[:PRESS_ITEMS]
    context = {"items": latest, "contact": press_contact()}
    return render(request, "mediatheque/press.html", context)


# A meeting's recording ------------------------------------------------------------------------


@require_POST
def archive_recording(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from the meeting's page; a second click goes to the item made by the
    first. A recording of a meeting the user may not see answers 404."""
    user: Any = request.user
    recording = get_object_or_404(
        Recording.objects.select_related("meeting__owner__territory", "meeting__group"),
        pk=pk,
        meeting__in=policy.visible(Meeting, user),
    )
    if not user.is_authenticated:
        return redirect_to_login(reverse("meetings:minutes", args=[recording.meeting.slug]))
    item, created = services.archive_recording(user, recording)
    if created:
        messages.success(request, _("The recording is filed in the archive and being prepared."))
    else:
        messages.info(request, _("This recording is already in the archive."))
    return redirect(item)
