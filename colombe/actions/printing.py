"""Printable material: leaflets, posters and stand signs made from the national office's
templates with a committee's contact and a QR code, and an action's volunteer sheet.

HTML rendered by WeasyPrint into PDF ready for a print shop: the fonts it uses are
embedded, the template's image goes in at its full resolution, the QR code is vector (an
SVG, sharp at any size), and leaflets and posters have 3 mm of bleed with crop marks, their
picture running into the bleed. The stand sign and the volunteer sheet are printed on an
office printer: white margins, no bleed. WeasyPrint never fetches a URL: the QR code is a
data: URI and the image comes from the template's own file.

Measured on the development machine (2 shared cores): an A3 poster with a 2480 by 3508
pixel photo, a stand sign or a leaflet renders in about 0.2 s (the first PDF of a process
takes about 1.5 s more while WeasyPrint loads its fonts): under the 2 s beyond which
rendering would belong in the task queue, so the PDF is made in the request."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from colombe.actions.models import Action, PrintTemplate, SignUp
from colombe.core import policy
from colombe.core.mail import absolute_url
from colombe.core.markdown import render_markdown
from colombe.movement.models import Structure
from colombe.petitions.models import Petition
from colombe.petitions.paper import inline_only_fetcher, qr_code_data_uri

Kind = PrintTemplate.Kind
PageSize = PrintTemplate.PageSize

# Width and height in millimetres, portrait (ISO 216).
PAGE_MM = {PageSize.A5: (148, 210), PageSize.A4: (210, 297), PageSize.A3: (297, 420)}
BLEED_MM = 3
MARGIN_MM = 12
# Below this a photo looks blurred on paper; 300 dpi is ideal, 150 is what a print shop
# still accepts for a leaflet seen at arm's length.
MIN_PRINT_DPI = 150
MM_PER_INCH = 25.4
PAGE_SIZES_BY_KIND = {
    Kind.LEAFLET: (PageSize.A5, PageSize.A4),
    Kind.POSTER: (PageSize.A4, PageSize.A3),
    Kind.STAND_SIGN: (PageSize.A4, PageSize.A3),
}
IMAGE_SCHEME = "colombe-print-image"
# Committees and collectives have a public mini-site at /<slug>/ (the outreach app's
# "presence:minisite"); other structures have their page in the directory.
MINISITE_KINDS = (Structure.Kind.COMMITTEE, Structure.Kind.COLLECTIVE)
# On the volunteer sheet, empty lines for volunteers who come without signing up online.
BLANK_LINES_WHEN_NO_LIMIT = 5
MIN_BLANK_LINES = 2


@dataclass(frozen=True)
class Layout:
    """How a kind of material is laid out. Sizes are shares of the page's width, so that
    an A3 poster is an A4 one enlarged; the browser preview (actions/print-preview.css)
    uses the same shares as container units (``cqw``)."""

    landscape: bool
    bleed: bool
    # Leaflets and posters: a picture band across the top, running into the bleed, this
    # share of the page's height. Stand sign: a column on the left inside the margins,
    # this share of the page's width.
    picture_share: float
    text_share: float
    headline_share: float
    qr_share: float

    def page_mm(self, page_size: str) -> tuple[float, float]:
        width, height = PAGE_MM[PageSize(page_size)]
        return (height, width) if self.landscape else (width, height)

    def picture_mm(self, page_size: str) -> tuple[float, float]:
        width, height = self.page_mm(page_size)
        if self.bleed:
            return width + 2 * BLEED_MM, round(height * self.picture_share + BLEED_MM, 2)
        return round((width - 2 * MARGIN_MM) * self.picture_share, 2), height - 2 * MARGIN_MM

    def styles(self, page_size: str) -> dict[str, Any]:
        width, height = self.page_mm(page_size)
        picture_width, picture_height = self.picture_mm(page_size)
        return {
            "page_size": f"{page_size} landscape" if self.landscape else page_size,
            "bleed_mm": BLEED_MM if self.bleed else 0,
            "margin_mm": MARGIN_MM,
            "width_mm": width,
            "height_mm": height,
            "picture_width_mm": picture_width,
            "picture_height_mm": picture_height,
            "text_mm": round(width * self.text_share, 2),
            "headline_mm": round(width * self.headline_share, 2),
            "qr_mm": round(width * self.qr_share, 2),
        }


LAYOUTS = {
    Kind.LEAFLET: Layout(
        landscape=False,
        bleed=True,
        picture_share=0.36,
        text_share=0.024,
        headline_share=0.06,
        qr_share=0.2,
    ),
    Kind.POSTER: Layout(
        landscape=False,
        bleed=True,
        picture_share=0.45,
        text_share=0.03,
        headline_share=0.09,
        qr_share=0.16,
    ),
    Kind.STAND_SIGN: Layout(
        landscape=True,
        bleed=False,
        picture_share=0.4,
        text_share=0.02,
        headline_share=0.045,
        qr_share=0.14,
    ),
}


# Print resolution --------------------------------------------------------------------


def print_dpi(kind: str, page_size: str, image_size: tuple[int, int]) -> float:
    """The resolution an image of ``image_size`` pixels prints at. The picture fills its
    box and is cropped to it (CSS ``object-fit: cover``): the side that fills the box
    exactly decides."""
    box_width, box_height = LAYOUTS[Kind(kind)].picture_mm(page_size)
    width, height = image_size
    return min(width * MM_PER_INCH / box_width, height * MM_PER_INCH / box_height)


def pixels_needed(kind: str, page_size: str) -> tuple[int, int]:
    """The smallest picture, in pixels, that prints at MIN_PRINT_DPI."""
    box_width, box_height = LAYOUTS[Kind(kind)].picture_mm(page_size)
    per_mm = MIN_PRINT_DPI / MM_PER_INCH
    return round(box_width * per_mm), round(box_height * per_mm)


# What the material says about the committee, and where its QR code leads -------------


@dataclass(frozen=True)
class Contact:
    name: str
    tagline: str
    site_url: str


@dataclass(frozen=True)
class PrintTarget:
    """A public page the QR code can lead to. ``key`` identifies it in the form."""

    key: str
    label: str
    url: str
    invitation: str


def display_url(url: str) -> str:
    """The address as people type it: without ``https://``."""
    return url.split("://", 1)[-1]


def public_page_url(structure: Structure) -> str:
    if structure.kind in MINISITE_KINDS:
        return absolute_url(reverse("presence:minisite", args=[structure.slug]))
    return absolute_url(structure.get_absolute_url())


def committee_contact(structure: Structure) -> Contact:
    """The committee's name, the first line of its public description and its site (no
    email: structures have none, the mini-site has a contact form)."""
    lines = [line.strip() for line in structure.description.splitlines() if line.strip()]
    tagline = lines[0].lstrip("#>*- ").strip() if lines else ""
    return Contact(structure.name, tagline, public_page_url(structure))


def print_targets(structure: Structure) -> list[PrintTarget]:
    """The committee's page, its open petitions and its coming public actions: only what
    anyone who scans the code in the street may open."""
    anyone = AnonymousUser()
    targets = [
        PrintTarget(
            "page",
            _("The page of %(name)s") % {"name": structure.name},
            public_page_url(structure),
            _("Find us online:"),
        )
    ]
    petitions = policy.visible(Petition, anyone).filter(
        owner=structure, status=Petition.Status.PUBLISHED
    )
    targets += [
        PrintTarget(
            f"petition-{petition.pk}",
            _("Petition: %(title)s") % {"title": petition.title},
            absolute_url(petition.get_absolute_url()),
            _("Sign the petition online:"),
        )
        for petition in petitions.order_by("-published_at", "-pk")
    ]
    actions = policy.visible(Action, anyone).filter(
        structure=structure, status=Action.Status.PLANNED, ends_at__gte=timezone.now()
    )
    targets += [
        PrintTarget(
            f"action-{action.pk}",
            _("Action: %(title)s") % {"title": action.title},
            absolute_url(action.get_absolute_url()),
            _("Join us:"),
        )
        for action in actions.order_by("starts_at")
    ]
    return targets


def qr_url(target_url: str) -> str:
    """The code adds ``source=qr`` so that petition statistics count who came from
    paper."""
    separator = "&" if "?" in target_url else "?"
    return f"{target_url}{separator}source=qr"


# Leaflets, posters, stand signs ------------------------------------------------------


def sheet_context(
    template: PrintTemplate, structure: Structure, target: PrintTarget, image_url: str
) -> dict[str, Any]:
    """What the sheet shows, for the PDF and the browser preview alike (``image_url``
    differs: a fetcher scheme for WeasyPrint, a page of the site for the browser)."""
    contact = committee_contact(structure)
    return {
        "template": template,
        "body_html": render_markdown(template.body),
        "contact": contact,
        "contact_site": display_url(contact.site_url),
        "target": target,
        "target_text": display_url(target.url),
        "qr_code": qr_code_data_uri(qr_url(target.url)),
        "image_url": image_url if template.image else "",
    }


def material_html(template: PrintTemplate, structure: Structure, target: PrintTarget) -> str:
    """The document WeasyPrint lays out, in the site's language: it is read in the
    street, whatever language the member who prints it reads the site in."""
    with translation.override(settings.LANGUAGE_CODE):
        context = sheet_context(template, structure, target, f"{IMAGE_SCHEME}:{template.pk}")
        context["styles"] = LAYOUTS[Kind(template.kind)].styles(template.page_size)
        context["heading"] = "h1"
        return render_to_string("actions/print/material.html", context)


def preview_html(
    template: PrintTemplate, structure: Structure, target: PrintTarget, image_url: str
) -> str:
    """The sheet as the browser shows it in the preview page (whose own title is the
    page's h1), in the language it is printed in."""
    with translation.override(settings.LANGUAGE_CODE):
        context = sheet_context(template, structure, target, image_url)
        context["heading"] = "h2"
        return render_to_string("actions/print/_sheet.html", context)


def template_image_fetcher(template: PrintTemplate) -> Any:
    """Only the template's own image and data: URIs (the QR code) are read; a URL in the
    text, or any other file, is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    own_image = f"{IMAGE_SCHEME}:{template.pk}"

    class TemplateImageFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != own_image:
                return super().fetch(url, headers)
            with template.image.open("rb") as image:
                body = image.read()
            return URLFetcherResponse(url, body, {"Content-Type": image_content_type(template)})

    return TemplateImageFetcher(allowed_protocols={"data"}, allow_redirects=False)


def image_content_type(template: PrintTemplate) -> str:
    return "image/png" if template.image.name.lower().endswith(".png") else "image/jpeg"


def write_pdf(html: str, url_fetcher: Any) -> bytes:
    # Imported here: WeasyPrint takes a while to load, and only the print pages need it.
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=url_fetcher).write_pdf() or b""


def material_pdf(template: PrintTemplate, structure: Structure, target: PrintTarget) -> bytes:
    """A leaflet (A5 or A4) or a poster (A4 or A3) with 3 mm of bleed and crop marks, or
    a landscape stand sign (A4 or A3) for an office printer, as the template's kind says."""
    html = material_html(template, structure, target)
    return write_pdf(html, template_image_fetcher(template))


# The volunteer sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerLine:
    name: str
    phone: str
    comment: str


@dataclass(frozen=True)
class SlotSheet:
    slot: Any
    volunteers: list[VolunteerLine]
    blank_lines: range


def volunteer_line(sign_up: SignUp) -> VolunteerLine:
    """The phone number only of a volunteer who agreed to be called."""
    phone = sign_up.phone if sign_up.share_phone else ""
    return VolunteerLine(sign_up.user.public_name, phone, sign_up.comment)


def blank_lines(capacity: int | None, taken: int) -> range:
    if capacity is None:
        return range(BLANK_LINES_WHEN_NO_LIMIT)
    return range(max(capacity - taken, MIN_BLANK_LINES))


def slot_sheets(action: Action) -> list[SlotSheet]:
    sign_ups = SignUp.objects.select_related("user").order_by("created_at", "pk")
    slots = action.slots.prefetch_related(Prefetch("sign_ups", queryset=sign_ups))
    sheets = []
    for slot in slots:
        volunteers = [volunteer_line(sign_up) for sign_up in slot.sign_ups.all()]
        sheets.append(SlotSheet(slot, volunteers, blank_lines(slot.capacity, len(volunteers))))
    return sheets


def volunteer_sheet_html(action: Action) -> str:
    context = {"action": action, "slots": slot_sheets(action), "printed_at": timezone.now()}
    return render_to_string("actions/print/volunteer_sheet.html", context)


def volunteer_sheet_pdf(action: Action) -> bytes:
    """The action, and for each slot the volunteers with empty lines to fill in by hand,
    on A4 for an office printer. For the organisers: it carries phone numbers."""
    return write_pdf(volunteer_sheet_html(action), inline_only_fetcher())
