"""Pages for a petition's organisers: create, edit (with history), publish, close,
statistics, exports and paper signatures.

Every view that takes a slug resolves the petition through the policy first
(``organiser_view``): a draft answers 404 to anyone who is not one of its organisers, a
published petition answers 403 to a logged-in person who is not, and sends an anonymous
visitor to the login page."""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from colombe.core import policy
from colombe.core.mail import absolute_url
from colombe.petitions import exports, paper, services, stats
from colombe.petitions.models import Petition, PetitionRevision, next_goal
from colombe.petitions.organiser_forms import (
    CreatePetitionForm,
    EditPetitionForm,
    PaperEntryForm,
    PaperUploadForm,
    structures_for_petitions,
)
from colombe.petitions.policy import group_shown_to, organised_by

PAGE_SIZE = 25
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# The fields shown in the history, in the form's order.
HISTORY_FIELDS = {
    "title": gettext_lazy("Title"),
    "body": gettext_lazy("Text of the petition"),
    "addressee": gettext_lazy("Addressed to"),
    "goal": gettext_lazy("Signature goal"),
    "starts_at": gettext_lazy("Opens on"),
    "ends_at": gettext_lazy("Closes on"),
    "collect_postcode": gettext_lazy("Ask for the postcode and town"),
    "collect_country": gettext_lazy("Ask for the country"),
    "collect_comment": gettext_lazy("Allow a comment"),
    "consent_text": gettext_lazy("Wording of the “keep me informed” box"),
    "consent_version": gettext_lazy("Version of the wording"),
    "retention_months": gettext_lazy("Months signers' details are kept after closing"),
}
LONG_TEXT_FIELDS = {"body", "consent_text"}
PetitionView = Callable[..., HttpResponseBase]


def organiser_view(view: PetitionView) -> PetitionView:
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponseBase:
        petition = policy.get_visible_or_404(Petition, request.user, slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        policy.require(request.user, "petitions.organise", petition)
        return view(request, petition, **kwargs)

    return wrapper


def manage_url(petition: Petition) -> str:
    return reverse("petitions:manage", args=[petition.slug])


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    petition: Petition | None = None,
    status: int = 200,
    intro: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "page_title": title,
        "submit_label": submit,
        "intro": intro,
        "petition": petition,
        "cancel_url": manage_url(petition) if petition else reverse("petitions:mine"),
    }
    return render(request, "petitions/organiser/form.html", context, status=status)


# My petitions, create ------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    petitions = (
        Petition.objects.all()
        if policy.is_national_admin(request.user)
        else Petition.objects.filter(organised_by(request.user)).distinct()
    )
    petitions = (
        Petition.objects.filter(pk__in=petitions.values("pk"))
        .select_related("owner")
        .annotate(confirmed=Coalesce(Sum("counter_shards__confirmed"), 0))
        .order_by("-created_at")
    )
    context = {
        "page_obj": Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": structures_for_petitions(request.user).exists(),
    }
    return render(request, "petitions/organiser/mine.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not structures_for_petitions(request.user).exists():
        raise PermissionDenied
    form = CreatePetitionForm(request.POST or None, user=request.user)
    title, submit = _("Launch a petition"), _("Save the draft")
    if request.method != "POST":
        return form_page(request, form, title=title, submit=submit)
    if not form.is_valid():
        return form_page(request, form, title=title, submit=submit, status=422)
    try:
        petition = services.create_petition(
            actor=request.user,
            owner=form.cleaned_data["owner"],
            group=form.cleaned_data["group"],
            **form.petition_fields(),
        )
    except services.PetitionError as error:
        form.add_error(None, error.message)
        return form_page(request, form, title=title, submit=submit, status=422)
    messages.success(
        request, _("Draft saved. Only the organisers can see it until you publish it.")
    )
    return redirect(manage_url(petition))


# Dashboard, edit, history, publish, close ----------------------------------------------


@organiser_view
@require_GET
def manage(request: HttpRequest, petition: Petition) -> HttpResponse:
    count = services.signature_count(petition)
    context = {
        "petition": petition,
        "group": group_shown_to(request.user, petition),
        "count": count,
        "goal": next_goal(petition.goal, count),
        "summary": stats.summary(petition),
        "revision_count": petition.revisions.count(),
    }
    return render(request, "petitions/organiser/manage.html", context)


@organiser_view
def edit(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = EditPetitionForm.for_petition(petition, request.POST or None)
    title, submit = _("Edit the petition"), _("Save the changes")
    if request.method != "POST":
        return form_page(request, form, title=title, submit=submit, petition=petition)
    if not form.is_valid():
        return form_page(request, form, title=title, submit=submit, petition=petition, status=422)
    if not form.has_changed():
        messages.info(request, _("Nothing was changed."))
        return redirect(manage_url(petition))
    services.update_petition(actor=request.user, petition=petition, **form.petition_fields())
    messages.success(request, _("Changes saved. The previous version is kept in the history."))
    return redirect(manage_url(petition))


@organiser_view
@require_GET
def revisions(request: HttpRequest, petition: Petition) -> HttpResponse:
    page_obj = Paginator(
        petition.revisions.select_related("editor").order_by("-number"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "petition": petition,
        "page_obj": page_obj,
        "entries": history_entries(petition, list(page_obj)),
    }
    return render(request, "petitions/organiser/history.html", context)


@dataclass
class Change:
    label: str
    before: str
    after: str
    # For long texts: the lines, each marked " " (kept), "-" (removed) or "+" (added).
    lines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class HistoryEntry:
    revision: PetitionRevision
    changes: list[Change]


def history_entries(petition: Petition, page: list[PetitionRevision]) -> list[HistoryEntry]:
    """Each revision of the page with what changed since the one before it."""
    numbers = [revision.number - 1 for revision in page]
    previous = {
        revision.number: revision.snapshot
        for revision in petition.revisions.filter(number__in=numbers)
    }
    return [
        HistoryEntry(
            revision, changes_between(previous.get(revision.number - 1), revision.snapshot)
        )
        for revision in page
    ]


def changes_between(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    if before is None:
        return []
    changes = []
    for name, label in HISTORY_FIELDS.items():
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        change = Change(str(label), shown_value(old), shown_value(new))
        if name in LONG_TEXT_FIELDS:
            change.lines = line_diff(change.before, change.after)
        changes.append(change)
    return changes


def shown_value(value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value)
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return str(value)


def line_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Changed lines with a little context, like a unified diff without its headers."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
    return [
        (line[0], line[1:])
        for line in diff
        if line[:1] in {" ", "-", "+"} and not line.startswith(("---", "+++"))
    ]


def confirm_page(
    request: HttpRequest,
    petition: Petition,
    *,
    title: str,
    question: str,
    submit: str,
    danger: bool,
) -> HttpResponse:
    context = {
        "petition": petition,
        "page_title": title,
        "question": question,
        "submit_label": submit,
        "danger": danger,
    }
    return render(request, "petitions/organiser/confirm.html", context)


@organiser_view
def publish(request: HttpRequest, petition: Petition) -> HttpResponse:
    if request.method != "POST":
        return confirm_page(
            request,
            petition,
            title=_("Publish the petition"),
            question=_(
                "Once published, anyone can read and sign the petition, and its page can be "
                "shared. You can still correct its text afterwards."
            ),
            submit=_("Publish"),
            danger=False,
        )
    try:
        services.publish(actor=request.user, petition=petition)
    except services.PetitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The petition is published: share it!"))
    return redirect(manage_url(petition))


@organiser_view
def close(request: HttpRequest, petition: Petition) -> HttpResponse:
    if request.method != "POST":
        return confirm_page(
            request,
            petition,
            title=_("Close the petition"),
            question=_(
                "Once closed, the petition no longer accepts signatures and cannot be "
                "opened again. Its page and its count stay visible."
            ),
            submit=_("Close the petition"),
            danger=True,
        )
    try:
        services.close(actor=request.user, petition=petition)
    except services.PetitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The petition is closed."))
    return redirect(manage_url(petition))


# Statistics and exports ----------------------------------------------------------------


@organiser_view
@require_GET
def statistics(request: HttpRequest, petition: Petition) -> HttpResponse:
    figures = stats.petition_stats(petition)
    context = {"petition": petition, "stats": figures, "chart_data": figures.chart_data()}
    return render(request, "petitions/organiser/stats.html", context)


def csv_download(petition: Petition, kind: str, lines: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = exports.filename(petition, kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@organiser_view
@require_GET
def export_signatures(request: HttpRequest, petition: Petition) -> HttpResponseBase:
    exports.record_download(actor=request.user, petition=petition, kind=exports.FULL)
    return csv_download(petition, exports.FULL, exports.signatures_csv(petition))


@organiser_view
@require_GET
def export_delivery(request: HttpRequest, petition: Petition) -> HttpResponseBase:
    exports.record_download(actor=request.user, petition=petition, kind=exports.DELIVERY)
    return csv_download(petition, exports.DELIVERY, exports.delivery_csv(petition))


# Paper signatures ----------------------------------------------------------------------


def online_url(petition: Petition) -> str:
    return absolute_url(petition.get_absolute_url())


@organiser_view
@require_GET
def paper_sheet(request: HttpRequest, petition: Petition) -> HttpResponse:
    pdf = paper.sheet_pdf(petition, online_url(petition))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="feuille-{petition.slug}.pdf"'
    return response


def report_key(petition: Petition) -> str:
    return f"petitions:paper-report:{petition.pk}"


@organiser_view
def paper_import(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    context = {"petition": petition, "form": form, "sheet_fields": paper.FIELD_LABELS.values()}
    if request.method != "POST":
        return render(request, "petitions/organiser/paper_import.html", context)
    if not form.is_valid():
        return render(request, "petitions/organiser/paper_import.html", context, status=422)
    parsed: paper.ParsedSheet = form.cleaned_data["file"]
    report = services.import_paper(actor=request.user, petition=petition, rows=parsed.rows)
    # Only counts, line numbers and messages are kept for the report page: no signer data.
    request.session[report_key(petition)] = paper_report_data(parsed, report)
    return redirect("petitions:paper_report", petition.slug)


def paper_report_data(parsed: paper.ParsedSheet, report: services.ImportReport) -> dict[str, Any]:
    def line(number: int) -> int:
        return parsed.line_numbers[number - 1]

    return {
        "rows": len(parsed.rows),
        "created": report.created,
        "duplicates": [line(number) for number in report.duplicates],
        "errors": [[line(number), message] for number, message in report.errors],
        "recognised": [
            [header, str(paper.FIELD_LABELS[name])] for header, name in parsed.recognised.items()
        ],
        "ignored": parsed.ignored,
    }


@organiser_view
@require_GET
def paper_report(request: HttpRequest, petition: Petition) -> HttpResponse:
    report = request.session.get(report_key(petition))
    if report is None:
        return redirect("petitions:paper_import", petition.slug)
    return render(
        request, "petitions/organiser/paper_report.html", {"petition": petition, "report": report}
    )


@organiser_view
def paper_entry(request: HttpRequest, petition: Petition) -> HttpResponse:
    form = PaperEntryForm(request.POST or None, petition=petition)

    def page(status: int = 200) -> HttpResponse:
        return form_page(
            request,
            form,
            title=_("Type in a paper signature"),
            submit=_("Add the signature"),
            petition=petition,
            status=status,
            intro=_("One signature from a paper sheet. It is counted at once."),
        )

    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(status=422)
    report = services.import_paper(actor=request.user, petition=petition, rows=[form.paper_row()])
    if report.errors:
        form.add_error(None, ValidationError(report.errors[0][1]))
        return page(status=422)
    if report.duplicates:
        messages.warning(
            request, _("This person has already signed, online or on paper: not added again.")
        )
    else:
        messages.success(request, _("Signature added. You can type in the next one."))
    return redirect("petitions:paper_entry", petition.slug)
