"""Running the programme (national administrators): the shows, the weekly schedule and
the playlist played between shows."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.radio import forms, services
from colombe.radio.models import PlaylistEntry, ScheduleSlot, Show


def week_grid(slots: list[ScheduleSlot]) -> list[tuple[str, list[ScheduleSlot]]]:
    """Each day of the week with its slots, Monday first."""
    return [
        (str(label), [slot for slot in slots if slot.weekday == day])
        for day, label in ScheduleSlot.Weekday.choices
    ]


def manage_context(**forms_in_error: Any) -> dict[str, Any]:
    slots = list(ScheduleSlot.objects.select_related("show").order_by("weekday", "starts_at"))
    entries = PlaylistEntry.objects.select_related("item", "episode__show")
    return {
        "shows": Show.objects.prefetch_related("presenters").order_by("-is_active", "title"),
        "week": week_grid(slots),
        "playlist": entries.order_by("position", "pk"),
        "slot_form": forms_in_error.get("slot_form") or forms.SlotForm(),
        "playlist_form": forms_in_error.get("playlist_form") or forms.PlaylistAddForm(),
    }


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "radio.manage")
    return render(request, "radio/manage.html", manage_context())


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
    context = manage_context(slot_form=form)
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
        context = manage_context(playlist_form=form)
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
