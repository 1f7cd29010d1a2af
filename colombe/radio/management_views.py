"""Running the programme (national administrators): the shows, the weekly schedule and
the playlist played between shows."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.mediatheque.models import MediaItem
from colombe.radio import forms, services
from colombe.radio.models import PlaylistEntry, ScheduleSlot, Show


@dataclass(frozen=True)
class PlaylistLine:
    """A playlist entry as its reader may know it: an archive item they may not see (filed
    since in a group they are not in) is neither named nor linked."""

    entry: PlaylistEntry
    label: str
    url: str  # empty when not to be linked


def week_grid(slots: list[ScheduleSlot]) -> list[tuple[str, list[ScheduleSlot]]]:
    """Each day of the week with its slots, Monday first."""
    return [
        (str(label), [slot for slot in slots if slot.weekday == day])
        for day, label in ScheduleSlot.Weekday.choices
    ]


def playlist_lines(user: Any) -> list[PlaylistLine]:
    entries = list(
        PlaylistEntry.objects.select_related("item", "episode__show").order_by("position", "pk")
    )
    items = {entry.item_id for entry in entries if entry.item_id is not None}
    seen = set(policy.visible(MediaItem, user).filter(pk__in=items).values_list("pk", flat=True))
    return [playlist_line(entry, seen) for entry in entries]


def playlist_line(entry: PlaylistEntry, seen_items: set[int]) -> PlaylistLine:
    item, episode = entry.item, entry.episode
    if episode is not None:
        # Whoever runs the radio sees every episode (radio.policy).
        label = f"{episode.show.title} — {episode.title}"
        return PlaylistLine(entry, label, episode.get_absolute_url())
    if item is not None and item.pk in seen_items:
        return PlaylistLine(entry, item.title, item.get_absolute_url())
    return PlaylistLine(entry, str(forms.UNSEEN_ITEM), "")


def manage_context(user: Any, **forms_in_error: Any) -> dict[str, Any]:
    slots = list(ScheduleSlot.objects.select_related("show").order_by("weekday", "starts_at"))
    return {
        "shows": Show.objects.prefetch_related("presenters").order_by("-is_active", "title"),
        "week": week_grid(slots),
        "playlist": playlist_lines(user),
        "slot_form": forms_in_error.get("slot_form") or forms.SlotForm(),
        "playlist_form": forms_in_error.get("playlist_form") or forms.PlaylistAddForm(),
    }


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    return render(request, "radio/manage.html", manage_context(request.user))


def show_form_page(request: HttpRequest, show: Show | None) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    form = forms.ShowForm(request.POST or None, request.FILES or None, instance=show, search=search)
    context = {"form": form, "show": show, "search": search}
    if request.method != "POST":
        return render(request, "radio/show_form.html", context)
    if not form.is_valid():
        return render(request, "radio/show_form.html", context, status=422)
    changes = {
        "presenters": list(form.cleaned_data["presenters"]),
        "artwork": form.cleaned_data["artwork_upload"],
        **form.show_fields(),
    }
    if show is None:
        show = services.create_show(request.user, **changes)
    else:
        services.update_show(request.user, show, **changes)
    messages.success(request, _("The show is saved."))
    return redirect(show)


@login_required
def show_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    return show_form_page(request, None)


@login_required
def show_edit(request: HttpRequest, slug: str) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    return show_form_page(request, get_object_or_404(Show, slug=slug))


@login_required
@require_POST
def slot_add(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    form = forms.SlotForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_slot(
                request.user,
                data["show"],
                weekday=data["weekday"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
            )
        except services.RadioActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The slot is in the schedule."))
            return redirect(reverse("radio:manage") + "#schedule")
    context = manage_context(request.user, slot_form=form)
    return render(request, "radio/manage.html", context, status=422)


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    services.remove_slot(request.user, get_object_or_404(ScheduleSlot, pk=pk))
    messages.success(request, _("The slot is removed from the schedule."))
    return redirect(reverse("radio:manage") + "#schedule")


@login_required
@require_POST
def playlist_add(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    form = forms.PlaylistAddForm(request.POST)
    if not form.is_valid():
        context = manage_context(request.user, playlist_form=form)
        return render(request, "radio/manage.html", context, status=422)
    services.add_to_playlist(
        request.user, item=form.cleaned_data["item"], episode=form.cleaned_data["episode"]
    )
    messages.success(request, _("Added to the playlist."))
    return redirect(reverse_playlist())


@login_required
@require_POST
def playlist_move(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    entry = get_object_or_404(PlaylistEntry, pk=pk)
    services.move_in_playlist(request.user, entry, up=request.POST.get("direction") == "up")
    return redirect(reverse_playlist())


@login_required
@require_POST
def playlist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    services.remove_from_playlist(request.user, get_object_or_404(PlaylistEntry, pk=pk))
    messages.success(request, _("Removed from the playlist."))
    return redirect(reverse_playlist())


def reverse_playlist() -> str:
    return reverse("radio:manage") + "#playlist"
