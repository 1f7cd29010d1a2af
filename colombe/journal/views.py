"""Pages of the journal: the archive, an edition (public once published), its PDF, and
the editorial team's workspace. Drafts answer 404 to anyone outside the team."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from colombe.core import policy
from colombe.core.object_views import visible_object_view
from colombe.journal import forms, services
from colombe.journal.email_edition import JOURNAL_LIST_SLUG, may_send
from colombe.journal.models import Edition, EditionItem, JournalEditor, Section
from colombe.journal.policy import is_editor
from colombe.journal.services import Direction
from colombe.mailing.models import MailingList
from colombe.reports.feeds import public_reports


def edition_view(**options: Any) -> Any:
    return visible_object_view(Edition, lookup="number", **options)


def workspace_url(edition: Edition, anchor: str = "") -> str:
    url = reverse("journal:edit", args=[edition.number])
    return f"{url}#{anchor}" if anchor else url


# Reading -------------------------------------------------------------------------------


def archive(request: HttpRequest) -> HttpResponse:
    published = Edition.objects.filter(status=Edition.Status.PUBLISHED)
    in_progress = (
        Edition.objects.exclude(status=Edition.Status.PUBLISHED)
        if is_editor(request.user)
        else Edition.objects.none()
    )
    context = {
        "published": published.select_related("cover_photo"),
        "in_progress": in_progress,
        "can_open": policy.has_perm(request.user, "journal.create"),
        "can_appoint": policy.has_perm(request.user, "journal.appoint"),
    }
    return render(request, "journal/archive.html", context)


@edition_view()
def edition(request: HttpRequest, edition: Edition) -> HttpResponse:
    context = {
        "edition": edition,
        "sections": services.printed_sections(edition),
        "can_edit": policy.has_perm(request.user, "journal.edit", edition),
        "is_editor": is_editor(request.user),
    }
    return render(request, "journal/edition.html", context)


@edition_view()
def pdf_status(request: HttpRequest, edition: Edition) -> HttpResponse:
    """The PDF's state alone, polled by htmx while it is being generated."""
    return render(request, "journal/_pdf_status.html", {"edition": edition})


@edition_view()
def pdf_download(request: HttpRequest, edition: Edition) -> HttpResponseBase:
    if edition.pdf_state != Edition.PdfState.READY or not edition.pdf:
        raise Http404
    return FileResponse(
        edition.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"journal-{edition.number}.pdf",
    )


@edition_view(login=True, perm="journal.create")
@require_POST
def pdf_generate(request: HttpRequest, edition: Edition) -> HttpResponse:
    services.regenerate_pdf(actor=request.user, edition=edition)
    return redirect(edition)


# Opening an edition --------------------------------------------------------------------


@login_required
def open_edition(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "journal.create")
    form = forms.OpenEditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.open_edition(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The edition is open: pick the period's reports."))
        return redirect(workspace_url(created))
    status = 422 if form.errors else 200
    return render(request, "journal/open.html", {"form": form}, status=status)


# The workspace -------------------------------------------------------------------------


def item_form(edition: Edition, item: EditionItem, forms_given: dict[str, Any]) -> Any:
    """The form of one item: the one just submitted with its errors, or a fresh one."""
    submitted = forms_given.get("item_form")
    if submitted is not None and submitted.instance.pk == item.pk:
        return submitted
    return forms.ItemForm(instance=item, edition=edition, prefix=f"item-{item.pk}")


def workspace_context(edition: Edition, **forms_given: Any) -> dict[str, Any]:
    items = list(
        edition.items.select_related("report__structure", "section").order_by(
            "section__order", "section_id", "order", "pk"
        )
    )
    return {
        "edition": edition,
        "details_form": forms_given.get("details_form")
        or forms.EditionDetailsForm(
            instance=edition, cover_choices=services.cover_choices(edition)
        ),
        "items": [(item, item_form(edition, item, forms_given)) for item in items],
        "sections": edition.sections.all(),
        "section_form": forms.SectionForm(),
        "comment_form": forms_given.get("comment_form") or forms.CommentForm(),
        "comments": edition.comments.select_related("author"),
        "proposals": services.proposals(edition),
    }


@edition_view(login=True, perm="journal.edit")
def edit(request: HttpRequest, edition: Edition) -> HttpResponse:
    return render(request, "journal/edit.html", workspace_context(edition))


@edition_view(login=True, perm="journal.edit")
@require_POST
def update_details(request: HttpRequest, edition: Edition) -> HttpResponse:
    form = forms.EditionDetailsForm(
        request.POST, instance=edition, cover_choices=services.cover_choices(edition)
    )
    if not form.is_valid():
        edition.refresh_from_db()
        context = workspace_context(edition, details_form=form)
        return render(request, "journal/edit.html", context, status=422)
    services.update_edition(actor=request.user, edition=edition, fields=form.cleaned_data)
    messages.success(request, _("The edition is saved."))
    return redirect(workspace_url(edition, "details"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def add_report(request: HttpRequest, edition: Edition) -> HttpResponse:
    report = public_reports().filter(pk=request.POST.get("report", "")).first()
    if report is None:
        raise Http404
    services.add_report(actor=request.user, edition=edition, report=report)
    return redirect(workspace_url(edition, "items"))


def direction_of(value: str) -> Direction:
    return "up" if value == "up" else "down"


def edition_item(edition: Edition, pk: int) -> EditionItem:
    return get_object_or_404(EditionItem.objects.select_related("edition"), edition=edition, pk=pk)


@edition_view(login=True, perm="journal.edit")
@require_POST
def update_item(request: HttpRequest, edition: Edition, pk: int) -> HttpResponse:
    item = edition_item(edition, pk)
    form = forms.ItemForm(request.POST, instance=item, edition=edition, prefix=f"item-{item.pk}")
    if not form.is_valid():
        context = workspace_context(edition, item_form=form)
        return render(request, "journal/edit.html", context, status=422)
    services.update_item(actor=request.user, item=item, **form.cleaned_data)
    return redirect(workspace_url(edition, f"item-{item.pk}"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def move_item(request: HttpRequest, edition: Edition, pk: int, direction: str) -> HttpResponse:
    item = edition_item(edition, pk)
    services.move_item(actor=request.user, item=item, direction=direction_of(direction))
    return redirect(workspace_url(edition, f"item-{item.pk}"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def remove_item(request: HttpRequest, edition: Edition, pk: int) -> HttpResponse:
    services.remove_item(actor=request.user, item=edition_item(edition, pk))
    return redirect(workspace_url(edition, "items"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def add_section(request: HttpRequest, edition: Edition) -> HttpResponse:
    form = forms.SectionForm(request.POST)
    if form.is_valid():
        services.add_section(actor=request.user, edition=edition, title=form.cleaned_data["title"])
    return redirect(workspace_url(edition, "sections"))


def edition_section(edition: Edition, pk: int) -> Section:
    return get_object_or_404(Section.objects.select_related("edition"), edition=edition, pk=pk)


@edition_view(login=True, perm="journal.edit")
@require_POST
def move_section(request: HttpRequest, edition: Edition, pk: int, direction: str) -> HttpResponse:
    section = edition_section(edition, pk)
    services.move_section(actor=request.user, section=section, direction=direction_of(direction))
    return redirect(workspace_url(edition, "sections"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def remove_section(request: HttpRequest, edition: Edition, pk: int) -> HttpResponse:
    services.remove_section(actor=request.user, section=edition_section(edition, pk))
    return redirect(workspace_url(edition, "sections"))


@edition_view(login=True, perm="journal.edit")
@require_POST
def comment(request: HttpRequest, edition: Edition) -> HttpResponse:
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        context = workspace_context(edition, comment_form=form)
        return render(request, "journal/edit.html", context, status=422)
    services.add_comment(actor=request.user, edition=edition, body=form.cleaned_data["body"])
    return redirect(workspace_url(edition, "comments"))


# Workflow ------------------------------------------------------------------------------


@edition_view(login=True, perm="journal.edit")
@require_POST
def to_proofreading(request: HttpRequest, edition: Edition) -> HttpResponse:
    services.send_to_proofreading(actor=request.user, edition=edition)
    messages.success(request, _("The edition is in proofreading."))
    return redirect(workspace_url(edition))


@edition_view(login=True, perm="journal.edit")
@require_POST
def to_draft(request: HttpRequest, edition: Edition) -> HttpResponse:
    services.back_to_draft(actor=request.user, edition=edition)
    messages.success(request, _("The edition is a draft again."))
    return redirect(workspace_url(edition))


@edition_view(login=True, perm="journal.publish")
def publish(request: HttpRequest, edition: Edition) -> HttpResponse:
    """A confirmation page first: publishing emails every featured committee."""
    if request.method == "POST":
        services.publish_edition(actor=request.user, edition=edition)
        messages.success(request, _("The edition is published."))
        return redirect(edition)
    context = {
        "edition": edition,
        "sections": services.printed_sections(edition),
        "leaders": services.featured_leaders(edition).values("user_id").distinct().count(),
        "mailing_list": MailingList.objects.filter(slug=JOURNAL_LIST_SLUG).first(),
        "may_send": may_send(request.user),
    }
    return render(request, "journal/confirm_publish.html", context)


# The editorial team --------------------------------------------------------------------


@login_required
def team(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "journal.appoint")
    form = forms.AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.appoint_editor(actor=request.user, user=form.cleaned_data["email"])
        messages.success(request, _("The member joined the editorial team."))
        return redirect("journal:team")
    editors = JournalEditor.objects.select_related("user").order_by("user__display_name")
    status = 422 if form.errors else 200
    return render(request, "journal/team.html", {"form": form, "editors": editors}, status=status)


@login_required
@require_POST
def remove_editor(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "journal.appoint")
    services.remove_editor(actor=request.user, editor=get_object_or_404(JournalEditor, pk=pk))
    messages.success(request, _("The member left the editorial team."))
    return redirect("journal:team")
