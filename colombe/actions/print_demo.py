"""Demo print templates for ``manage.py seed_demo``: an A5 leaflet, an A4 leaflet, an A3
poster and a stand sign, in French, each with a picture drawn at print resolution (a dove
on the movement's blue). Created by Alice (national office) through the service, looked
up by slug: seeding twice creates nothing."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.text import slugify
from PIL import Image, ImageDraw

from colombe.actions import printing
from colombe.actions.models import PrintTemplate
from colombe.actions.print_services import TemplateImage, create_print_template
from colombe.groups.uploads import encode_without_metadata
from colombe.mediatheque.demo import MOVEMENT_BLUE, MOVEMENT_YELLOW

if TYPE_CHECKING:  # core.demo imports the demo modules: no import at run time.
    from colombe.core.demo import Cast, SeedReport

Kind = PrintTemplate.Kind
Size = PrintTemplate.PageSize
# Pictures at 300 dpi, the print shops' ideal (the form accepts 150 at least); the A3
# ones at 200 dpi, which keeps the demo quick to seed and still prints sharp.
DEMO_DPI = {Size.A5: 300, Size.A4: 300, Size.A3: 200}


@dataclass(frozen=True)
class DemoTemplate:
    name: str
    kind: str
    page_size: str
    headline: str
    body: str
    image_alt: str


DEMO_TEMPLATES = [
    DemoTemplate(
        "Tract A5 — Désarmement nucléaire",
        Kind.LEAFLET,
        Size.A5,
        "Un monde sans armes nucléaires, c'est possible",
        "Le **traité sur l'interdiction des armes nucléaires** est entré en vigueur en "
        "2021. La France ne l'a pas encore signé.\n\n"
        "- Signez la pétition pour que la France le rejoigne\n"
        "- Parlez-en autour de vous\n"
        "- Rejoignez le comité près de chez vous",
        "Une colombe blanche sur fond bleu, un bandeau jaune en bas.",
    ),
    DemoTemplate(
        "Tract A4 — Rejoignez votre comité",
        Kind.LEAFLET,
        Size.A4,
        "La paix se construit près de chez vous",
        "Nos comités se réunissent chaque semaine, tiennent des stands sur les marchés, "
        "organisent des débats et des projections.\n\n"
        "Pas besoin d'être spécialiste : **venez comme vous êtes**, on vous accueille et "
        "on vous forme.",
        "Une colombe blanche sur fond bleu, un bandeau jaune en bas.",
    ),
    DemoTemplate(
        "Affiche A3 — Journée pour la paix",
        Kind.POSTER,
        Size.A3,
        "Tous ensemble pour la paix",
        "Rassemblements, stands et débats dans toute la France. **Venez nombreux !**",
        "Une colombe blanche sur fond bleu, un bandeau jaune en bas.",
    ),
    DemoTemplate(
        "Panneau de stand — Signez pour la paix",
        Kind.STAND_SIGN,
        Size.A3,
        "Signez ici pour la paix",
        "Une minute pour signer, une vie pour la paix.",
        "Une colombe blanche sur fond bleu, un bandeau jaune en bas.",
    ),
]


def dove_picture(width: int, height: int) -> bytes:
    """A dove on the movement's blue above a yellow band, drawn at ``width`` by ``height``
    pixels (shapes only: it stays sharp at any size)."""
    image = Image.new("RGB", (width, height), MOVEMENT_BLUE)
    draw = ImageDraw.Draw(image)
    unit = min(width, height) / 10
    x, y = width / 2 - 2.5 * unit, height / 2 - 3 * unit
    white, shade = (255, 255, 255), (225, 232, 240)
    draw.polygon(
        [(x, y + 1.5 * unit), (x + 5 * unit, y + 2.5 * unit), (x + 1.4 * unit, y + 4 * unit)],
        fill=white,
    )
    draw.polygon(
        [(x + 1.4 * unit, y + 4 * unit), (x + 2.6 * unit, y), (x + 3.7 * unit, y + 3 * unit)],
        fill=shade,
    )
    draw.polygon(
        [(x, y + 1.5 * unit), (x - unit, y + 0.8 * unit), (x - 0.8 * unit, y + 2.4 * unit)],
        fill=white,
    )
    draw.rectangle((0, height * 0.85, width, height), fill=MOVEMENT_YELLOW)
    return encode_without_metadata(image, "JPEG")


def demo_image(kind: str, page_size: str) -> TemplateImage:
    width, height = printing.pixels_needed(kind, page_size)
    scale = DEMO_DPI[Size(page_size)] / printing.MIN_PRINT_DPI
    size = (round(width * scale), round(height * scale))
    return TemplateImage(dove_picture(*size), "jpg", size)


def seed_print_templates(cast: "Cast", report: "SeedReport") -> None:
    for demo in DEMO_TEMPLATES:
        if PrintTemplate.objects.filter(slug=slugify(demo.name)).exists():
            continue
        create_print_template(
            cast.alice,
            image=demo_image(demo.kind, demo.page_size),
            name=demo.name,
            kind=demo.kind,
            page_size=demo.page_size,
            headline=demo.headline,
            body=demo.body,
            image_alt=demo.image_alt,
            is_active=True,
        )
        report.add(PrintTemplate)
