"""Printable material: the national office's templates, printing them for a committee
(preview in the browser, PDF), and an action's volunteer sheet for its organisers."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe
from PIL import Image

from colombe.actions import print_services, printing
from colombe.actions.models import Action, PrintTemplate
from colombe.actions.policy import actions_edited_by, may_print, templates_for
from colombe.actions.print_forms import MaterialForm, PrintTemplateForm
from colombe.core import policy, ratelimit
from colombe.core.object_views import visible_object_view
from colombe.groups.uploads import encode_without_metadata
from colombe.movement.models import Structure
from colombe.petitions.models import Petition
from colombe.petitions.policy import organised_by

TEMPLATES_PER_PAGE = 24
# Wide enough for the preview on a large screen, light enough for a phone.
PREVIEW_IMAGE_SIDE = 1200
# A PDF takes a fraction of a second of CPU: plenty for a committee, not for a robot.
PDFS_PER_USER = 60
PDF_PERIOD_SECONDS = 600


def require_printer(user: Any) -> None:
    if not may_print(user):
        raise PermissionDenied


def require_manager(user: Any) -> None:
    policy.require(user, "actions.manage_print_templates")


# The templates ----------------------------------------------------------------------


@login_required
@require_safe
def templates_list(request: HttpRequest) -> HttpResponse:
    require_printer(request.user)
    templates = templates_for(request.user).order_by("kind", "name")
    page_obj = Paginator(templates, TEMPLATES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "can_manage": policy.has_perm(request.user, "actions.manage_print_templates"),
    }
    return render(request, "actions/print/templates.html", context)


def template_form_page(request: HttpRequest, template: PrintTemplate | None) -> HttpResponse:
    form = PrintTemplateForm(request.POST or None, request.FILES or None, instance=template)
    context = {"form": form, "print_template": template}
    if request.method != "POST":
        return render(request, "actions/print/template_form.html", context)
    if not form.is_valid():
        return render(request, "actions/print/template_form.html", context, status=422)
    image = form.cleaned_data["image_upload"]
    if template is None:
        print_services.create_print_template(request.user, image=image, **form.template_fields())
    else:
        print_services.update_print_template(
            request.user,
            template,
            image=image,
            remove_image=form.cleaned_data.get("remove_image", False),
            **form.template_fields(),
        )
    messages.success(request, _("The template is saved."))
    return redirect("actions:print_templates")


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    return template_form_page(request, None)


@login_required
def template_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_manager(request.user)
    return template_form_page(request, get_object_or_404(PrintTemplate, slug=slug))


@login_required
def template_delete(request: HttpRequest, slug: str) -> HttpResponse:
    require_manager(request.user)
    template = get_object_or_404(PrintTemplate, slug=slug)
    if request.method == "POST":
        print_services.delete_print_template(request.user, template)
        messages.success(request, _("The template is deleted."))
        return redirect("actions:print_templates")
    return render(request, "actions/print/template_delete.html", {"print_template": template})


@login_required
@require_safe
def template_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The template's image at screen size, for the list and the preview (the printed
    one is used at its full size inside the PDF only)."""
    require_printer(request.user)
    template = get_object_or_404(templates_for(request.user), slug=slug)
    if not template.image:
        raise Http404
    with template.image.open("rb") as stored, Image.open(stored) as image:
        image.draft("RGB", (PREVIEW_IMAGE_SIDE, PREVIEW_IMAGE_SIDE))
        image.thumbnail((PREVIEW_IMAGE_SIDE, PREVIEW_IMAGE_SIDE))
        data = encode_without_metadata(image.convert("RGB"), "JPEG")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Printing for a committee -----------------------------------------------------------


def material_form(request: HttpRequest) -> MaterialForm:
    """Bound once the form was sent (it has a target); before that, the template chosen
    on the list page and the committee are only pre-selected."""
    if "target" in request.GET:
        return MaterialForm(request.user, request.GET)
    return MaterialForm(request.user, initial=request.GET.dict())


def material_query(form: MaterialForm) -> str:
    return urlencode(
        {
            "template": form.cleaned_data["template"].slug,
            "committee": form.cleaned_data["committee"].slug,
            "target": form.cleaned_data["target"].key,
        }
    )


def paper_sheets(user: Any, committee: Structure | None) -> list[Petition]:
    """The committee's open petitions whose signature sheet ``user`` may print (the
    petitions app makes it: only its organisers, ``petitions.organise``)."""
    if committee is None:
        return []
    petitions = Petition.objects.filter(owner=committee, status=Petition.Status.PUBLISHED)
    if not policy.is_national_admin(user):
        petitions = petitions.filter(organised_by(user))
    return list(petitions)


def volunteer_sheets(user: Any, committee: Structure | None) -> list[Action]:
    """The committee's coming actions whose volunteer sheet ``user`` may print."""
    if committee is None:
        return []
    actions = policy.visible(Action, user).filter(
        pk__in=actions_edited_by(user, committee).values("pk"),
        status=Action.Status.PLANNED,
        ends_at__gte=timezone.now(),
    )
    return list(actions.order_by("starts_at"))


def material_page(request: HttpRequest, form: MaterialForm, status: int = 200) -> HttpResponse:
    committee = form.chosen_committee
    context: dict[str, Any] = {
        "form": form,
        "paper_sheets": paper_sheets(request.user, committee),
        "volunteer_sheets": volunteer_sheets(request.user, committee),
        "committee": committee,
    }
    if form.is_bound and form.is_valid():
        template = form.cleaned_data["template"]
        context["chosen"] = template
        context["layout"] = printing.LAYOUTS[PrintTemplate.Kind(template.kind)]
        context["preview"] = printing.preview_html(
            template,
            form.cleaned_data["committee"],
            form.cleaned_data["target"],
            reverse("actions:print_template_image", args=[template.slug]),
        )
        context["pdf_query"] = material_query(form)
    return render(request, "actions/print/material_page.html", context, status=status)


@login_required
@require_GET
def print_material(request: HttpRequest) -> HttpResponse:
    require_printer(request.user)
    form = material_form(request)
    return material_page(request, form, status=422 if form.errors else 200)


@login_required
@require_GET
def print_pdf(request: HttpRequest) -> HttpResponse:
    require_printer(request.user)
    form = MaterialForm(request.user, request.GET)
    if not form.is_valid():
        return material_page(request, form, status=400)
    if not ratelimit.hit_key(
        f"actions.print_pdf:{request.user.pk}",
        limit=PDFS_PER_USER,
        period_seconds=PDF_PERIOD_SECONDS,
    ):
        messages.error(request, _("Too many PDFs in a short time. Please wait a few minutes."))
        return material_page(request, form, status=429)
    template, committee = form.cleaned_data["template"], form.cleaned_data["committee"]
    pdf = printing.material_pdf(template, committee, form.cleaned_data["target"])
    return pdf_response(pdf, f"{template.slug}-{committee.slug}.pdf", "download" in request.GET)


def pdf_response(pdf: bytes, file_name: str, download: bool) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
    return response


# The volunteer sheet ----------------------------------------------------------------


@require_GET
@visible_object_view(Action, login=True, perm="actions.edit")
def volunteer_sheet(request: HttpRequest, action: Action) -> HttpResponse:
    response = pdf_response(
        printing.volunteer_sheet_pdf(action), f"benevoles-{action.slug}.pdf", download=False
    )
    # Phone numbers: kept by no cache on the way.
    response["Cache-Control"] = "private, no-store"
    return response
