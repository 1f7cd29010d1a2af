"""Planning pages: the agenda and its calendar feed, an action's page, planning and
editing it, its slots, signing up, the organisers' volunteer list, the report it becomes,
and the days of action.

Every view that takes a slug resolves the action through the policy first
(``visible_object_view``), so a secret group's action answers 404 on every URL — before
any login redirect, which would otherwise put the slug in a Location header."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from colombe.actions import agenda, forms, services
from colombe.actions.models import Action, DayOfAction, SignUp, Slot
from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.core.spreadsheets import csv_lines
from colombe.groups.models import Group, GroupMembership
from colombe.movement.models import Structure, Territory
from colombe.movement.policy import active_structures, structures_managed_by, territories_managed_by

PAGE_SIZE = 30
DAYS_PAGE_SIZE = 20


def report_outcome(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service action; show its refusal, or ``success``. True when it succeeded."""
    try:
        action()
    except services.ActionError as error:
        messages.warning(request, error.message)
        return False
    messages.success(request, success)
    return True


def confirm_page(
    request: HttpRequest, action: Action, *, title: str, question: str, submit: str
) -> HttpResponse:
    context = {"action": action, "page_title": title, "question": question, "submit_label": submit}
    return render(request, "actions/confirm.html", context)


# Agenda and calendar -------------------------------------------------------------------------


def agenda_query(filters: forms.AgendaFilterForm) -> agenda.AgendaQuery:
    if not filters.is_valid():
        return agenda.AgendaQuery()
    data = filters.cleaned_data
    return agenda.AgendaQuery(
        territory=data["territory"],
        kind=data["kind"],
        committee=data["comite"],
        day=data["journee"],
    )


@require_GET
def agenda_page(request: HttpRequest) -> HttpResponse:
    visible = policy.visible(Action, request.user)
    # Organisers and co-organisers: a committee's agenda shows both.
    committees = Structure.objects.filter(
        Q(pk__in=visible.values("structure_id")) | Q(pk__in=visible.values("co_organisers__id"))
    ).order_by("name")
    filters = forms.AgendaFilterForm(request.GET or None, committees=committees)
    query = agenda_query(filters)
    page_obj = Paginator(agenda.agenda_keys(request.user, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ical_params = {"comite": query.committee.slug} if query.committee else {}
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "entries": agenda.entries_for(page_obj.object_list),
        "query_string": urlencode(query.as_params()),
        "may_plan": policy.has_perm(request.user, "actions.plan"),
        "ical_url": reverse("actions:ical") + (f"?{urlencode(ical_params)}" if ical_params else ""),
        "open_days": services.open_days()[:3],
    }
    return render(request, "actions/agenda.html", context)


@require_GET
def ical(request: HttpRequest) -> HttpResponse:
    """Public actions, for anyone's calendar; ``?comite=<slug>`` for one committee's."""
    committee = None
    if slug := request.GET.get("comite"):
        committee = get_object_or_404(Structure, slug=slug)
    name = _("Actions of %(name)s") % {"name": committee.name} if committee else _("Actions")
    response = HttpResponse(
        agenda.calendar_for(agenda.public_feed_actions(committee), name),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="actions.ics"'
    return response


# An action's page ----------------------------------------------------------------------------


def slot_rows(request: HttpRequest, action: Action) -> list[dict[str, Any]]:
    """Each slot with its places taken, whether the viewer is on it, and a sign-up form
    whose field ids are the slot's own (several forms on one page)."""
    user = request.user
    mine = set()
    if user.is_authenticated:
        mine = set(
            SignUp.objects.filter(slot__action=action, user=user).values_list("slot_id", flat=True)
        )
    rows = []
    for slot, taken in services.slots_with_counts(action):
        left = None if slot.capacity is None else max(slot.capacity - taken, 0)
        rows.append(
            {
                "slot": slot,
                "taken": taken,
                "left": left,
                "mine": slot.pk in mine,
                "form": forms.SignUpForm(auto_id=f"id_slot{slot.pk}_%s"),
            }
        )
    return rows


def detail_context(request: HttpRequest, action: Action) -> dict[str, Any]:
    user = request.user
    return {
        "action": action,
        "slot_rows": slot_rows(request, action),
        "show_group": action.group is not None and policy.can_see(user, action.group),
        "is_organiser": policy.has_perm(user, "actions.edit", action),
        "may_volunteer": policy.has_perm(user, "actions.volunteer", action),
        "is_over": services.is_over(action),
        "place_map": agenda.place_map(action),
        "osm_url": agenda.openstreetmap_url(action),
        "co_organisers": action.co_organisers.order_by("name"),
        "partners": action.partners.order_by("name"),
        "hashtags": action.hashtags.all(),
    }


@require_GET
@visible_object_view(Action)
def detail(request: HttpRequest, action: Action) -> HttpResponse:
    return render(request, "actions/detail.html", detail_context(request, action))


# Plan, edit, cancel --------------------------------------------------------------------------


def planning_owner(request: HttpRequest) -> tuple[Structure, Group | None] | None:
    """The structure (or group) named by ``?comite=`` or ``?group=``, among the user's."""
    if group_slug := request.GET.get("group"):
        group = policy.get_visible_or_404(Group, request.user, slug=group_slug)
        return group.owner, group
    if slug := request.GET.get("comite"):
        return get_object_or_404(active_structures(request.user), slug=slug), None
    return None


def group_choices(user: Any) -> QuerySet[Group]:
    """Groups in whose space the user may plan: theirs, owned by one of their structures."""
    member_of = GroupMembership.objects.filter(user=user).values("group_id")
    return (
        Group.objects.filter(pk__in=member_of, owner__in=active_structures(user))
        .select_related("owner")
        .order_by("name")
    )


def action_form(
    request: HttpRequest, current_day_id: int | None = None, **kwargs: Any
) -> forms.ActionForm:
    days = services.days_to_join(current_day_id)
    return forms.ActionForm(request.POST or None, days=days, **kwargs)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not policy.has_perm(request.user, "actions.plan"):
        raise PermissionDenied
    chosen = planning_owner(request)
    if chosen is None:
        context = {
            "choose_owner": True,
            "structures": active_structures(request.user).order_by("name"),
            "groups": group_choices(request.user),
            "day_slug": request.GET.get("journee", ""),
        }
        return render(request, "actions/form.html", context)
    structure, group = chosen
    day = DayOfAction.objects.filter(slug=request.GET.get("journee", "")).first()
    initial = {
        "territory": structure.territory_id,
        "day_of_action": day.pk if day else None,
        "kind": request.GET.get("kind", ""),
    }
    form = action_form(request, in_group=group is not None, initial=initial)
    context = {"form": form, "structure": structure, "group": group, "creating": True}
    if request.method != "POST":
        return render(request, "actions/form.html", context)
    if not form.is_valid():
        return render(request, "actions/form.html", context, status=422)
    try:
        action = services.plan_action(request.user, structure, group=group, **form.action_fields())
    except services.ActionError as error:
        form.add_error(None, error.message)
        return render(request, "actions/form.html", context, status=422)
    messages.success(request, _("The action is planned. Now add the slots volunteers sign up for."))
    return redirect(action)


@visible_object_view(Action, login=True, perm="actions.edit")
def edit(request: HttpRequest, action: Action) -> HttpResponse:
    form = action_form(
        request,
        action.day_of_action_id,
        in_group=action.group_id is not None,
        initial=forms.ActionForm.initial_for(action),
    )
    context = {"form": form, "action": action}
    if request.method != "POST":
        return render(request, "actions/form.html", context)
    if not form.is_valid():
        return render(request, "actions/form.html", context, status=422)
    try:
        services.update_action(request.user, action, **form.action_fields())
    except services.ActionError as error:
        form.add_error(None, error.message)
        return render(request, "actions/form.html", context, status=422)
    messages.success(request, _("The action has been updated."))
    return redirect(action)


@visible_object_view(Action, login=True, perm="actions.edit")
def cancel(request: HttpRequest, action: Action) -> HttpResponse:
    if request.method != "POST":
        return confirm_page(
            request,
            action,
            title=_("Cancel the action"),
            question=_("Cancel “%(title)s”? The volunteers will receive an email.")
            % {"title": action.title},
            submit=_("Yes, cancel the action"),
        )
    services.cancel_action(request.user, action)
    messages.success(request, _("The action has been cancelled; its volunteers are told."))
    return redirect(action)


# Slots ---------------------------------------------------------------------------------------


def slot_page(
    request: HttpRequest, action: Action, form: forms.SlotForm, slot: Slot | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "actions/slot_form.html",
        {"action": action, "form": form, "slot": slot},
        status=status,
    )


@visible_object_view(Action, login=True, perm="actions.edit")
def slot_add(request: HttpRequest, action: Action) -> HttpResponse:
    form = forms.SlotForm(request.POST or None, action=action)
    if request.method != "POST":
        return slot_page(request, action, form, None)
    if not form.is_valid():
        return slot_page(request, action, form, None, status=422)
    try:
        services.add_slot(request.user, action, **form.slot_fields())
    except services.ActionError as error:
        form.add_error(None, error.message)
        return slot_page(request, action, form, None, status=422)
    messages.success(request, _("The slot has been added."))
    return redirect(action)


@visible_object_view(Action, login=True, perm="actions.edit")
def slot_edit(request: HttpRequest, action: Action, pk: int) -> HttpResponse:
    slot = get_object_or_404(action.slots, pk=pk)
    form = forms.SlotForm(
        request.POST or None, action=action, initial=forms.SlotForm.initial_for(slot)
    )
    if request.method != "POST":
        return slot_page(request, action, form, slot)
    if not form.is_valid():
        return slot_page(request, action, form, slot, status=422)
    try:
        services.update_slot(request.user, slot, **form.slot_fields())
    except services.ActionError as error:
        form.add_error(None, error.message)
        return slot_page(request, action, form, slot, status=422)
    messages.success(request, _("The slot has been updated."))
    return redirect(action)


@visible_object_view(Action, login=True, perm="actions.edit")
def slot_remove(request: HttpRequest, action: Action, pk: int) -> HttpResponse:
    slot = get_object_or_404(action.slots, pk=pk)
    if request.method != "POST":
        return confirm_page(
            request,
            action,
            title=_("Remove a slot"),
            question=_("Remove “%(label)s” and the %(count)s volunteers signed up for it?")
            % {"label": slot.label, "count": slot.sign_ups.count()},
            submit=_("Remove the slot"),
        )
    services.remove_slot(request.user, slot)
    messages.success(request, _("The slot has been removed."))
    return redirect(action)


# Signing up ----------------------------------------------------------------------------------


@require_POST
@visible_object_view(Action, login=True)
def sign_up(request: HttpRequest, action: Action, pk: int) -> HttpResponse:
    slot = get_object_or_404(action.slots, pk=pk)
    if not policy.has_perm(request.user, "actions.volunteer", action):
        raise PermissionDenied
    form = forms.SignUpForm(request.POST, auto_id=f"id_slot{slot.pk}_%s")
    if not form.is_valid():
        context = detail_context(request, action)
        for row in context["slot_rows"]:
            if row["slot"].pk == slot.pk:
                row["form"] = form
        context["error_slot"] = slot.pk
        return render(request, "actions/detail.html", context, status=422)
    report_outcome(
        request,
        lambda: services.sign_up(request.user, slot, **form.cleaned_data),
        _("Thank you! You are signed up for “%(label)s”.") % {"label": slot.label},
    )
    return redirect(action)


@require_POST
@visible_object_view(Action, login=True)
def withdraw(request: HttpRequest, action: Action, pk: int) -> HttpResponse:
    slot = get_object_or_404(action.slots, pk=pk)
    if services.withdraw(request.user, slot):
        messages.success(
            request, _("You are no longer signed up for “%(label)s”.") % {"label": slot.label}
        )
    return redirect(action)


# The organisers' list, the report ------------------------------------------------------------


def volunteers_csv(request: HttpRequest, action: Action) -> StreamingHttpResponse:
    services.record_volunteers_export(request.user, action)
    header = [_("Name"), _("Email"), _("Slot"), _("Phone number"), _("Comment")]
    rows = (
        [
            entry.user.public_name,
            entry.user.email,
            entry.slot.label,
            entry.phone if entry.share_phone else "",
            entry.comment,
        ]
        for entry in services.volunteers(action)
    )
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{action.slug}-benevoles.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@visible_object_view(Action, login=True, perm="actions.edit")
def volunteers(request: HttpRequest, action: Action) -> HttpResponseBase:
    if request.GET.get("format") == "csv":
        return volunteers_csv(request, action)
    context = {
        "action": action,
        "sign_ups": services.volunteers(action),
        "slots": services.slots_with_counts(action),
        "people": services.volunteer_count(action),
    }
    return render(request, "actions/volunteers.html", context)


@require_POST
@visible_object_view(Action, login=True, perm="actions.edit")
def to_report(request: HttpRequest, action: Action) -> HttpResponse:
    try:
        report = services.to_report(request.user, action)
    except services.ActionError as error:
        messages.warning(request, error.message)
        return redirect(action)
    messages.success(request, _("A draft report is ready: tell what happened, then publish it."))
    return redirect("reports:edit", report.slug)


# Days of action ------------------------------------------------------------------------------


@require_GET
def days(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page_obj = Paginator(
        DayOfAction.objects.select_related("territory", "called_by").order_by("-starts_on", "pk"),
        DAYS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "today": today,
        "may_call": policy.has_perm(request.user, "actions.call_day"),
    }
    return render(request, "actions/days.html", context)


@require_GET
@visible_object_view(DayOfAction)
def day(request: HttpRequest, day: DayOfAction) -> HttpResponse:
    context = {
        "day": day,
        "figures": agenda.day_figures(request.user, day),
        "may_edit": policy.has_perm(request.user, "actions.call_day", day),
        "may_plan": policy.has_perm(request.user, "actions.plan")
        and day.ends_on >= timezone.localdate(),
        "hashtags": day.hashtags.all(),
    }
    return render(request, "actions/day.html", context)


def day_form(request: HttpRequest, initial: dict[str, Any] | None = None) -> forms.DayForm:
    territories = territories_managed_by(request.user).filter(level__lte=Territory.Level.REGION)
    return forms.DayForm(
        request.POST or None,
        initial=initial,
        territories=territories.order_by("level", "name"),
        structures=structures_managed_by(request.user).order_by("name"),
    )


def save_day(
    request: HttpRequest,
    form: forms.DayForm,
    context: dict[str, Any],
    save: Callable[[], DayOfAction],
) -> HttpResponse:
    if request.method != "POST":
        return render(request, "actions/day_form.html", context)
    if not form.is_valid():
        return render(request, "actions/day_form.html", context, status=422)
    try:
        saved = save()
    except services.ActionError as error:
        form.add_error(None, error.message)
        return render(request, "actions/day_form.html", context, status=422)
    messages.success(request, _("The day of action is saved."))
    return redirect(saved)


def day_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.has_perm(request.user, "actions.call_day"):
        raise PermissionDenied
    form = day_form(request)
    return save_day(
        request, form, {"form": form}, lambda: services.call_day(request.user, **form.cleaned_data)
    )


@visible_object_view(DayOfAction, login=True, perm="actions.call_day")
def day_edit(request: HttpRequest, day: DayOfAction) -> HttpResponse:
    form = day_form(request, forms.DayForm.initial_for(day))
    return save_day(
        request,
        form,
        {"form": form, "day": day},
        lambda: services.update_day(request.user, day, **form.cleaned_data),
    )
