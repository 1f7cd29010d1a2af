"""The printed material: page size and bleed, text, embedded fonts, images at print
resolution, and the volunteer sheet (phone numbers only of those who agreed).

Neither pypdf nor poppler is installed here: the PDF is read back with the journal's small
reader of what WeasyPrint writes (colombe/journal/tests/pdf_text.py)."""

import re
from typing import Any

import pytest

from colombe.actions import printing
from colombe.actions.models import Action, PrintTemplate, SignUp
from colombe.actions.tests.print_helpers import HEADLINE, make_template, planned_action, slot
from colombe.journal.tests.pdf_text import image_sizes, objects, pdf_text
from colombe.petitions.models import Petition
from tests import factories

pytestmark = pytest.mark.django_db

Kind = PrintTemplate.Kind
Size = PrintTemplate.PageSize
# ISO 216 in PDF points (1/72 inch), and the 3 mm bleed.
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
BLEED = 8.5


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def page_boxes(pdf: bytes) -> list[dict[str, tuple[float, ...]]]:
    """The /MediaBox, /TrimBox and /BleedBox of each page, in points."""
    pages = [o.header for o in objects(pdf).values() if re.search(rb"/Type\s*/Page\b", o.header)]
    boxes = []
    for page in pages:
        found = re.findall(rb"/(MediaBox|TrimBox|BleedBox)\s*\[([^\]]*)\]", page)
        boxes.append(
            {
                name.decode(): tuple(round(float(n), 2) for n in numbers.split())
                for name, numbers in found
            }
        )
    return boxes


def size_of(box: tuple[float, ...]) -> tuple[float, float]:
    return round(box[2] - box[0], 2), round(box[3] - box[1], 2)


def lyon_page(world: Any) -> printing.PrintTarget:
    (page,) = [target for target in printing.print_targets(world.lyon) if target.key == "page"]
    return page


def test_a5_leaflet_is_a5_with_bleed_and_the_committees_text(world):
    world.lyon.description = (
        "Le comité lyonnais pour la paix et le désarmement.\nRéunions le mardi."
    )
    world.lyon.save()
    template = make_template(Kind.LEAFLET, Size.A5, image_size=(1200, 900))
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    (boxes,) = page_boxes(pdf)
    assert size_of(boxes["TrimBox"]) == pytest.approx(A5, abs=0.02)
    assert size_of(boxes["MediaBox"]) == pytest.approx(
        (A5[0] + 2 * BLEED, A5[1] + 2 * BLEED), abs=0.02
    )
    assert boxes["BleedBox"] == boxes["MediaBox"]
    text = pdf_text(pdf)
    assert "Comité de Lyon" in text and HEADLINE in text
    assert "Le comité lyonnais pour la paix et le désarmement." in text
    assert "Réunions le mardi" not in text  # the first line of the description only
    assert "127.0.0.1:8000/lyon/" in text  # the mini-site, as people type it
    assert "comité" in text and "près de chez vous" in text  # the Markdown body


@pytest.mark.parametrize(
    ("kind", "size", "trim"),
    [
        (Kind.LEAFLET, Size.A4, A4),
        (Kind.POSTER, Size.A4, A4),
        (Kind.POSTER, Size.A3, A3),
    ],
)
def test_leaflets_and_posters_have_their_size_and_bleed(world, kind, size, trim):
    template = make_template(kind, size)
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    (boxes,) = page_boxes(pdf)
    assert size_of(boxes["TrimBox"]) == pytest.approx(trim, abs=0.02)
    assert size_of(boxes["MediaBox"]) == pytest.approx(
        (trim[0] + 2 * BLEED, trim[1] + 2 * BLEED), abs=0.02
    )


@pytest.mark.parametrize(("size", "portrait"), [(Size.A4, A4), (Size.A3, A3)])
def test_stand_sign_is_landscape_without_bleed(world, size, portrait):
    template = make_template(Kind.STAND_SIGN, size, image_size=(1600, 2200))
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    (boxes,) = page_boxes(pdf)
    assert size_of(boxes["MediaBox"]) == pytest.approx((portrait[1], portrait[0]), abs=0.02)
    assert boxes.get("TrimBox", boxes["MediaBox"]) == boxes["MediaBox"]
    text = pdf_text(pdf)
    assert "Comité de Lyon" in text and HEADLINE in text


def test_every_font_used_is_embedded(world):
    template = make_template(Kind.POSTER, Size.A3)
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    descriptors = [o.header for o in objects(pdf).values() if b"/Type /FontDescriptor" in o.header]
    assert descriptors, "the poster uses fonts"
    for descriptor in descriptors:
        assert re.search(rb"/FontFile[23]?\s+\d+ 0 R", descriptor), descriptor
    assert any(b"DejaVu" in descriptor for descriptor in descriptors)


def test_the_template_image_is_embedded_at_full_resolution(world):
    template = make_template(Kind.POSTER, Size.A3, image_size=(2480, 3508))
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    assert image_sizes(pdf) == [(2480, 3508)]


def test_the_qr_code_is_vector_not_an_image(world):
    template = make_template(Kind.LEAFLET, Size.A5)
    pdf = printing.material_pdf(template, world.lyon, lyon_page(world))
    assert image_sizes(pdf) == []  # no template image, and the QR code is drawn as paths
    assert len(pdf) < 60_000


def test_material_is_printed_in_the_sites_language(world, english_pages, settings):
    settings.LANGUAGE_CODE = "fr"
    template = make_template(Kind.LEAFLET, Size.A5)
    with_english_ui = printing.material_html(template, world.lyon, lyon_page(world))
    assert '<html lang="fr">' in with_english_ui


def test_weasyprint_reads_only_the_templates_image(world):
    template = make_template(Kind.LEAFLET, Size.A5, image_size=(1000, 800))
    fetcher = printing.template_image_fetcher(template)
    own = fetcher.fetch(f"{printing.IMAGE_SCHEME}:{template.pk}")
    assert own.headers["Content-Type"] == "image/jpeg"
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.png",
        f"{printing.IMAGE_SCHEME}:{template.pk + 1}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_targets_are_public_pages_of_the_committee(world):
    published = Petition.objects.create(
        owner=world.lyon,
        title="Pour un traité",
        slug="pour-un-traite",
        body="x",
        addressee="Le gouvernement",
        status=Petition.Status.PUBLISHED,
        consent_text="x",
    )
    Petition.objects.create(
        owner=world.lyon,
        title="Brouillon",
        slug="brouillon",
        body="x",
        addressee="x",
        consent_text="x",
    )
    public = planned_action(world.lyon)
    planned_action(
        world.lyon, slug="reunion-interne-2030-05-05", visibility=Action.Visibility.MEMBERS
    )
    targets = printing.print_targets(world.lyon)
    assert [t.key for t in targets] == ["page", f"petition-{published.pk}", f"action-{public.pk}"]
    assert targets[1].url == "http://127.0.0.1:8000/petitions/pour-un-traite/"


def test_print_resolution_of_an_image(world):
    # An A5 leaflet's picture runs 154 mm wide (with the bleed): 150 dpi needs 909 pixels.
    assert printing.pixels_needed(Kind.LEAFLET, Size.A5)[0] == 909
    assert printing.print_dpi(Kind.LEAFLET, Size.A5, (909, 909)) == pytest.approx(150, abs=1)
    assert printing.print_dpi(Kind.LEAFLET, Size.A5, (600, 600)) < 150


def test_volunteer_sheet_lists_volunteers_and_only_shared_phones(world):
    action = planned_action(world.lyon, material="Tracts, table pliante")
    morning = slot(action, "Distribution de 10 h à 12 h", capacity=4)
    stand = slot(action, "Tenir le stand")
    SignUp.objects.create(
        slot=morning, user=world.charlie, phone="06 11 22 33 44", share_phone=True
    )
    SignUp.objects.create(slot=morning, user=world.dana, phone="06 99 88 77 66", share_phone=False)
    SignUp.objects.create(slot=stand, user=world.bob, comment="J'apporte la table")
    pdf = printing.volunteer_sheet_pdf(action)
    (boxes,) = page_boxes(pdf)
    assert size_of(boxes["MediaBox"]) == pytest.approx(A4, abs=0.02)
    text = pdf_text(pdf)
    assert action.title in text and "Marché de la Croix-Rousse" in text
    assert "Distribution de 10 h à 12 h" in text and "Tenir le stand" in text
    assert "Charlie" in text and "Dana" in text and "Bob" in text
    assert "06 11 22 33 44" in text
    assert "06 99 88 77 66" not in text
    assert "J'apporte la table" in text and "Tracts, table pliante" in text


def test_volunteer_sheet_has_blank_lines_to_fill_in(world):
    action = planned_action(world.lyon)
    slot(action, "Limité", capacity=6)
    slot(action, "Sans limite")
    sheets = printing.slot_sheets(action)
    assert [len(sheet.blank_lines) for sheet in sheets] == [6, printing.BLANK_LINES_WHEN_NO_LIMIT]
    full = slot(action, "Complet", capacity=1)
    SignUp.objects.create(slot=full, user=factories.UserFactory.create())
    assert len(printing.slot_sheets(action)[-1].blank_lines) == printing.MIN_BLANK_LINES


def test_demo_templates_are_seeded_once_with_print_resolution_images(world):
    from colombe.actions.print_demo import seed_print_templates
    from colombe.core.demo import Cast, SeedReport

    cast = Cast(
        alice=world.alice,
        bob=world.bob,
        charlie=world.charlie,
        dana=world.dana,
        eve=world.eve,
        frank=world.frank,
        by_name={},
    )
    first, second = SeedReport(), SeedReport()
    seed_print_templates(cast, first)
    seed_print_templates(cast, second)
    assert first.created["actions.PrintTemplate"] == 4 and not second.created
    templates = PrintTemplate.objects.all()
    assert {(t.kind, t.page_size) for t in templates} == {
        (Kind.LEAFLET, Size.A5),
        (Kind.LEAFLET, Size.A4),
        (Kind.POSTER, Size.A3),
        (Kind.STAND_SIGN, Size.A3),
    }
    for template in templates:
        size = (template.image.width, template.image.height)
        assert printing.print_dpi(template.kind, template.page_size, size) >= 199
    poster = templates.get(kind=Kind.POSTER)
    text = pdf_text(printing.material_pdf(poster, world.lyon, lyon_page(world)))
    assert "Tous ensemble" in text
