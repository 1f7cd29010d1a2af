"""Writing and reading one action report.

Every view that takes a slug resolves the report through the policy FIRST
(``report_view``): a secret group's report, or someone else's draft, answers 404 on
every URL — before any login redirect, which would put the slug in a Location header."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.core.ratelimit import hit_key
from colombe.groups.models import Group
from colombe.movement.models import Membership, Structure
from colombe.reports import forms, photos, services
from colombe.reports.models import ActionReport, Comment, Reaction, ReportPhoto

AUTOSAVES_PER_MINUTE = 20


def my_committees(user: Any) -> QuerySet[Structure]:
    """Structures the user is an active member of, where they may report and reuse."""
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


def fixes_visibility(report_or_group: ActionReport | Group | None) -> bool:
    group = report_or_group.group if isinstance(report_or_group, ActionReport) else report_or_group
    return services.group_forces_committee(group)


# Creating ------------------------------------------------------------------------------


def resolve_owner(request: HttpRequest) -> tuple[Structure | None, Group | None]:
    """The committee or group a new report is for, from ``?structure=`` or ``?group=``,
    or the user's only committee. 404 for an invisible group, 403 when refused."""
    user = request.user
    if request.GET.get("group"):
        group = policy.get_visible_or_404(Group, user, slug=request.GET["group"])
        policy.require(user, "reports.create", group)
        return group.owner, group
    if request.GET.get("structure"):
        structure = get_object_or_404(Structure, slug=request.GET["structure"])
        policy.require(user, "reports.create", structure)
        return structure, None
    committees = list(my_committees(user)[:2])
    if len(committees) == 1:
        return committees[0], None
    return None, None


@login_required
def create(request: HttpRequest) -> HttpResponse:
    structure, group = resolve_owner(request)
    if structure is None:
        user: Any = request.user
        groups = Group.objects.filter(memberships__user=user).select_related("owner")
        choices: dict[str, Any] = {
            "structures": my_committees(user),
            "groups": groups.order_by("name"),
            "choose_owner": True,
        }
        return render(request, "reports/form.html", choices)
    publishing = request.POST.get("action") == "publish"
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        draft=not publishing,
        fixed_visibility=fixes_visibility(group),
    )
    context: dict[str, Any] = {"form": form, "structure": structure, "group": group}
    if request.method != "POST":
        return render(request, "reports/form.html", context)
    if not form.is_valid():
        return render(request, "reports/form.html", context, status=422)
    report = services.create_report(request.user, structure, group, **form.report_fields())
    return finish_saving(request, report, form, publishing)


def attach_photo(request: HttpRequest, report: ActionReport, form: forms.ReportForm) -> None:
    photo = form.cleaned_data.get("photo")
    if photo is not None:
        try:
            services.add_photo(report, photo, form.cleaned_data["photo_alt"], actor=request.user)
        except services.ReportActionError as error:
            messages.warning(request, error.message)


def finish_saving(
    request: HttpRequest, report: ActionReport, form: forms.ReportForm, publishing: bool
) -> HttpResponse:
    attach_photo(request, report, form)
    if publishing:
        try:
            services.publish_report(request.user, report)
        except services.ReportActionError as error:
            messages.warning(request, error.message)
            return redirect("reports:edit", slug=report.slug)
        messages.success(request, _("Your report is published. Thank you!"))
        return redirect(report)
    messages.success(request, _("Draft saved."))
    return redirect("reports:edit", slug=report.slug)


@login_required
@require_POST
def autosave_new(request: HttpRequest) -> HttpResponse:
    """The first automatic save of a new report creates its draft."""
    structure, group = resolve_owner(request)
    if structure is None:
        raise Http404
    form = forms.ReportForm(
        request.POST, user=request.user, draft=True, fixed_visibility=fixes_visibility(group)
    )
    if not hit_key(
        f"reports.autosave:{request.user.pk}", limit=AUTOSAVES_PER_MINUTE, period_seconds=60
    ):
        return JsonResponse({"error": "too_many"}, status=429)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=422)
    fields = form.report_fields()
    report = services.create_report(request.user, structure, group, **fields)
    return saved_json(report)


def saved_json(report: ActionReport) -> JsonResponse:
    saved_at = timezone.localtime(report.updated_at)
    return JsonResponse(
        {
            "saved_at": saved_at.isoformat(),
            "message": _("Draft saved at %(time)s") % {"time": time_format(saved_at, "H:i")},
            "edit_url": reverse("reports:edit", args=[report.slug]),
            "autosave_url": reverse("reports:autosave", args=[report.slug]),
        }
    )


# Editing -------------------------------------------------------------------------------


@visible_object_view(ActionReport, login=True, perm="reports.edit")
def edit(request: HttpRequest, report: ActionReport) -> HttpResponse:
    publishing = request.POST.get("action") == "publish"
    is_draft = report.status == ActionReport.Status.DRAFT
    form = forms.ReportForm(
        request.POST or None,
        request.FILES or None,
        instance=report,
        user=request.user,
        draft=is_draft and not publishing,
        fixed_visibility=fixes_visibility(report),
    )
    context = {
        "form": form,
        "report": report,
        "structure": report.structure,
        "group": report.group,
        "photos": report.photos.all(),
    }
    if request.method != "POST":
        return render(request, "reports/form.html", context)
    if not form.is_valid():
        return render(request, "reports/form.html", context, status=422)
    services.update_report(request.user, report, **form.report_fields())
    if not is_draft:
        attach_photo(request, report, form)
        messages.success(request, _("Your report is saved."))
        return redirect(report)
    return finish_saving(request, report, form, publishing)


@visible_object_view(ActionReport, login=True)
@require_POST
def autosave(request: HttpRequest, report: ActionReport) -> HttpResponse:
    policy.require(request.user, "reports.edit", report)
    if report.status != ActionReport.Status.DRAFT:
        # A published report changes only when its author presses "Save".
        return JsonResponse({"error": "published"}, status=409)
    if not hit_key(
        f"reports.autosave:{request.user.pk}", limit=AUTOSAVES_PER_MINUTE, period_seconds=60
    ):
        return JsonResponse({"error": "too_many"}, status=429)
    form = forms.ReportForm(
        request.POST,
        instance=report,
        user=request.user,
        draft=True,
        fixed_visibility=fixes_visibility(report),
    )
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=422)
    services.update_report(request.user, report, **form.report_fields())
    return saved_json(report)


@visible_object_view(ActionReport, login=True)
@require_POST
def publish(request: HttpRequest, report: ActionReport) -> HttpResponse:
    policy.require(request.user, "reports.edit", report)
    try:
        services.publish_report(request.user, report)
    except services.ReportActionError as error:
        messages.warning(request, error.message)
        return redirect("reports:edit", slug=report.slug)
    messages.success(request, _("Your report is published. Thank you!"))
    return redirect(report)


@visible_object_view(ActionReport, login=True, perm="reports.edit")
def delete(request: HttpRequest, report: ActionReport) -> HttpResponse:
    if request.method == "POST":
        services.delete_report(request.user, report)
        messages.success(request, _("The report has been deleted."))
        return redirect("reports:drafts")
    context = {
        "report": report,
        "page_title": _("Delete “%(title)s”?") % {"title": report.title},
        "question": _("The report, its photos, reactions and comments will be deleted for good."),
        "submit_label": _("Delete the report"),
        "cancel_url": report.get_absolute_url(),
    }
    return render(request, "reports/confirm_delete.html", context)


@visible_object_view(ActionReport, login=True, perm="reports.edit")
def remove_photo(request: HttpRequest, report: ActionReport, pk: int) -> HttpResponse:
    photo = get_object_or_404(ReportPhoto, report=report, pk=pk)
    if request.method == "POST":
        services.remove_photo(request.user, photo)
        messages.success(request, _("The photo has been removed."))
        return redirect("reports:edit", slug=report.slug)
    context = {
        "report": report,
        "photo": photo,
        "page_title": _("Remove this photo?"),
        "question": photo.alt_text,
        "submit_label": _("Remove the photo"),
        "cancel_url": reverse("reports:edit", args=[report.slug]),
    }
    return render(request, "reports/confirm_delete.html", context)


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    mine = policy.visible(ActionReport, user).filter(status=ActionReport.Status.DRAFT, author=user)
    led = (
        policy.visible(ActionReport, user)
        .filter(
            status=ActionReport.Status.DRAFT,
            structure__memberships__user=user,
            structure__memberships__role=Membership.Role.LEADER,
            structure__memberships__status=Membership.Status.ACTIVE,
        )
        .exclude(author=user)
    )
    context = {
        "drafts": mine.select_related("structure").order_by("-updated_at"),
        "committee_drafts": led.select_related("structure", "author").order_by("-updated_at"),
    }
    return render(request, "reports/drafts.html", context)


# Reading -------------------------------------------------------------------------------


@visible_object_view(ActionReport)
def detail(request: HttpRequest, report: ActionReport) -> HttpResponse:
    user: Any = request.user
    can_react = policy.has_perm(user, "reports.react", report)
    counts = dict(report.reactions.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    mine = set()
    if can_react:
        mine = set(report.reactions.filter(user=user).values_list("kind", flat=True))
    reactions = [
        {"kind": kind, "label": label, "count": counts.get(kind, 0), "pressed": kind in mine}
        for kind, label in Reaction.Kind.choices
    ]
    petition = report.petition
    if petition is not None and not policy.can_see(user, petition):
        petition = None
    meeting = report.meeting
    if meeting is not None and not policy.can_see(user, meeting):
        meeting = None
    group = report.group if report.group and policy.can_see(user, report.group) else None
    structures = my_committees(user) if policy.has_perm(user, "reports.reuse", report) else None
    can_moderate = policy.has_perm(user, "reports.moderate", report)
    context = {
        "report": report,
        "photos": report.photos.all(),
        "hashtags": report.hashtags.all(),
        "petition": petition,
        "meeting": meeting,
        "group": group,
        "reactions": reactions,
        "can_react": can_react,
        "can_edit": policy.has_perm(user, "reports.edit", report),
        # Members' names and words are for members of the movement.
        "comments": visible_comments(report, can_moderate) if can_react else None,
        "comment_form": forms.CommentForm() if can_react else None,
        "can_moderate": can_moderate,
        "reuse_form": forms.ReuseForm(structures=structures) if structures else None,
        "is_draft": report.status == ActionReport.Status.DRAFT,
    }
    return render(request, "reports/detail.html", context)


def visible_comments(report: ActionReport, can_moderate: bool) -> QuerySet[Comment]:
    """Hidden comments are gone for readers; moderators still see them, to undo."""
    comments = report.comments.select_related("author")
    return comments if can_moderate else comments.filter(hidden_at__isnull=True)


def serve_image(report: ActionReport, pk: int, attribute: str) -> FileResponse:
    photo = get_object_or_404(ReportPhoto, report=report, pk=pk)
    field = getattr(photo, attribute)
    response = FileResponse(field.open("rb"), content_type=photos.content_type(field.name))
    response["Cache-Control"] = "private, max-age=300"
    return response


@visible_object_view(ActionReport)
def photo_file(request: HttpRequest, report: ActionReport, pk: int) -> HttpResponseBase:
    return serve_image(report, pk, "image")


@visible_object_view(ActionReport)
def thumbnail(request: HttpRequest, report: ActionReport, pk: int) -> HttpResponseBase:
    return serve_image(report, pk, "thumbnail")


# Members' reactions ----------------------------------------------------------------------


@visible_object_view(ActionReport, login=True)
@require_POST
def react(request: HttpRequest, report: ActionReport) -> HttpResponse:
    policy.require(request.user, "reports.react", report)
    kind = request.POST.get("kind", "")
    if kind not in Reaction.Kind.values:
        return HttpResponse(status=400)
    services.react(report, request.user, kind)
    return redirect(reverse("reports:detail", args=[report.slug]) + "#reactions")


@visible_object_view(ActionReport, login=True)
@require_POST
def comment(request: HttpRequest, report: ActionReport) -> HttpResponse:
    policy.require(request.user, "reports.react", report)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.warning(request, _("Please write your comment."))
        return redirect(reverse("reports:detail", args=[report.slug]) + "#comments")
    try:
        services.comment(report, request.user, form.cleaned_data["body"])
    except services.ReportActionError as error:
        messages.warning(request, error.message)
    return redirect(reverse("reports:detail", args=[report.slug]) + "#comments")


@visible_object_view(ActionReport, login=True)
@require_POST
def hide_comment(request: HttpRequest, report: ActionReport, pk: int) -> HttpResponse:
    """Hide a comment, or show it again (``action=show``): moderators see hidden comments
    greyed out, so hiding by mistake is undone in one click."""
    policy.require(request.user, "reports.moderate", report)
    found = get_object_or_404(Comment, pk=pk, report=report)
    hide = request.POST.get("action") != "show"
    services.set_comment_hidden(found, request.user, hidden=hide)
    messages.success(
        request, _("The comment is hidden.") if hide else _("The comment is shown again.")
    )
    return redirect(reverse("reports:detail", args=[report.slug]) + "#comments")


@visible_object_view(ActionReport, login=True)
@require_POST
def reuse(request: HttpRequest, report: ActionReport) -> HttpResponse:
    policy.require(request.user, "reports.reuse", report)
    form = forms.ReuseForm(request.POST, structures=my_committees(request.user))
    if not form.is_valid():
        raise PermissionDenied
    copy = services.reuse_report(report, request.user, form.cleaned_data["structure"])
    messages.success(request, _("A draft plan has been made for your committee. Adapt it!"))
    return redirect("reports:edit", slug=copy.slug)
