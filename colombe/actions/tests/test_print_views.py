"""The print pages: who sees and edits the templates, printing for one's committee (the
preview, the PDF and its file name), images too small to print, the volunteer sheet."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from colombe.actions.models import Action, PrintTemplate, SignUp
from colombe.actions.tests.print_helpers import (
    HEADLINE,
    make_template,
    picture,
    planned_action,
    slot,
)
from colombe.core.models import AuditEntry
from colombe.journal.tests.pdf_text import pdf_text
from colombe.petitions.models import Petition
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db

Kind = PrintTemplate.Kind
Size = PrintTemplate.PageSize
PERSONAS = ["anonymous", "eve", "charlie", "bob", "alice"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def upload(width: int, height: int, name: str = "colombe.jpg") -> SimpleUploadedFile:
    image_format = "PNG" if name.endswith(".png") else "JPEG"
    return SimpleUploadedFile(name, picture(width, height, image_format), "image/jpeg")


def template_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Tract désarmement A5",
        "kind": Kind.LEAFLET,
        "page_size": Size.A5,
        "headline": "Pour un monde sans armes nucléaires",
        "body": "Le **traité** d'interdiction est en vigueur depuis 2021.",
        "image_alt": "",
        "is_active": "on",
    }
    return {**data, **overrides}


def material_query(template: PrintTemplate, committee: str = "lyon", target: str = "page") -> str:
    return f"?template={template.slug}&committee={committee}&target={target}"


def status_of(response: Any) -> int | str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return int(response.status_code)


# Who may do what ----------------------------------------------------------------------


EXPECTED = {
    # URL name: statuses for anonymous, eve, charlie, bob, alice
    "print_templates": ["login", 403, 200, 200, 200],
    "print_template_create": ["login", 403, 403, 403, 200],
    "print_template_edit": ["login", 403, 403, 403, 200],
    "print_template_delete": ["login", 403, 403, 403, 200],
    "print_template_image": ["login", 403, 200, 200, 200],
    "print_material": ["login", 403, 200, 200, 200],
    "print_pdf": ["login", 403, 200, 200, 200],
    "volunteer_sheet": ["login", 403, 403, 200, 200],
}


@pytest.mark.parametrize("name", EXPECTED)
def test_who_may_open_each_print_page(world, name):
    template = make_template(image_size=(1000, 1000))
    action = planned_action(world.lyon)
    args = {
        "print_template_edit": [template.slug],
        "print_template_delete": [template.slug],
        "print_template_image": [template.slug],
        "volunteer_sheet": [action.slug],
    }.get(name, [])
    url = reverse(f"actions:{name}", args=args)
    if name == "print_pdf":
        url += material_query(template)
    statuses = [status_of(client_for(world, persona).get(url)) for persona in PERSONAS]
    assert statuses == EXPECTED[name]


def test_volunteer_sheet_of_an_action_one_cannot_see_is_404(world):
    action = planned_action(world.lyon, visibility=Action.Visibility.MEMBERS)
    url = reverse("actions:volunteer_sheet", args=[action.slug])
    assert client_for(world, "eve").get(url).status_code == 404
    assert client_for(world, "charlie").get(url).status_code == 403
    assert client_for(world, "bob").get(url).status_code == 200


def test_committees_see_only_the_templates_offered_to_them(world):
    make_template(name="Tract offert", slug="tract-offert")
    make_template(Kind.POSTER, Size.A3, name="Affiche en préparation", is_active=False)
    url = reverse("actions:print_templates")
    charlie_page = client_for(world, "charlie").get(url).content.decode()
    alice_page = client_for(world, "alice").get(url).content.decode()
    assert "Tract offert" in charlie_page and "Affiche en préparation" not in charlie_page
    assert "Tract offert" in alice_page and "Affiche en préparation" in alice_page
    assert reverse("actions:print_template_create") in alice_page
    assert reverse("actions:print_template_create") not in charlie_page
    hidden = reverse("actions:print_template_image", args=["poster-a3"])
    assert client_for(world, "charlie").get(hidden).status_code == 404


# The national office edits the templates ----------------------------------------------


def test_national_office_creates_a_template_with_an_image(world):
    alice = client_for(world, "alice")
    data = template_data(image_alt="Une colombe", image_upload=upload(1200, 900))
    response = alice.post(reverse("actions:print_template_create"), data)
    assert response.status_code == 302
    template = PrintTemplate.objects.get()
    assert template.slug == "tract-desarmement-a5" and template.updated_by == world.alice
    assert (template.image.width, template.image.height) == (1200, 900)
    assert template.image.name.endswith(".jpg") and "colombe" not in template.image.name
    assert AuditEntry.objects.filter(action="actions.print_template.created").count() == 1


def test_an_image_too_small_to_print_is_refused_with_the_size_needed(world, english_pages):
    alice = client_for(world, "alice")
    data = template_data(image_alt="Une colombe", image_upload=upload(600, 400))
    response = alice.post(reverse("actions:print_template_create"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "too small to print well" in page
    assert "600 × 400 pixels" in page and "at least 909 × 464 pixels" in page
    assert not PrintTemplate.objects.exists()


def test_a_larger_page_needs_a_larger_image(world, english_pages):
    template = make_template(image_size=(1000, 800))
    alice = client_for(world, "alice")
    url = reverse("actions:print_template_edit", args=[template.slug])
    data = template_data(
        name=template.name, kind=Kind.POSTER, page_size=Size.A3, image_alt="Une colombe"
    )
    response = alice.post(url, data)
    assert response.status_code == 422
    assert "too small to print well" in response.content.decode()
    template.refresh_from_db()
    assert template.page_size == Size.A5


def test_page_size_must_suit_the_kind_and_the_image_needs_a_description(world, english_pages):
    alice = client_for(world, "alice")
    data = template_data(page_size=Size.A3, image_upload=upload(2000, 2000))
    response = alice.post(reverse("actions:print_template_create"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "A leaflet is printed in A5 or A4." in page
    assert "Describe the image" in page


def test_national_office_edits_removes_the_image_and_deletes(world):
    template = make_template(image_size=(1000, 800))
    old_image = template.image.path
    alice = client_for(world, "alice")
    edit = reverse("actions:print_template_edit", args=[template.slug])
    data = template_data(name="Tract renommé", headline="Nouveau titre", remove_image="on")
    with_commit = alice.post(edit, data)
    assert with_commit.status_code == 302
    template.refresh_from_db()
    assert template.headline == "Nouveau titre" and not template.image
    assert template.slug == "leaflet-a5"  # bookmarks keep working
    delete = reverse("actions:print_template_delete", args=[template.slug])
    confirmation = alice.get(delete)
    assert confirmation.status_code == 200 and b'method="post"' in confirmation.content
    assert PrintTemplate.objects.exists()
    assert alice.post(delete).status_code == 302
    assert not PrintTemplate.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"actions.print_template.updated", "actions.print_template.deleted"} <= actions
    assert old_image  # the file's removal waits for the commit (not run in this test)


def test_a_committee_member_cannot_post_a_template(world):
    response = client_for(world, "bob").post(
        reverse("actions:print_template_create"), template_data()
    )
    assert response.status_code == 403
    assert not PrintTemplate.objects.exists()


# Printing for a committee -------------------------------------------------------------


def test_the_print_page_offers_templates_committees_and_targets(world, english_pages):
    make_template(name="Tract offert")
    make_template(Kind.POSTER, Size.A3, name="Affiche cachée", is_active=False)
    page = client_for(world, "charlie").get(reverse("actions:print_material")).content.decode()
    assert "Tract offert" in page and "Affiche cachée" not in page
    assert "Comité de Lyon" in page and "Collectif pour la paix" not in page
    assert "The page of Comité de Lyon" in page
    assert "Preview" in page and 'id="preview-title"' not in page


def test_preview_shows_the_sheet_and_links_to_the_pdf(world, english_pages):
    template = make_template(image_size=(1000, 800))
    url = reverse("actions:print_material") + material_query(template)
    response = client_for(world, "charlie").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="preview-title"' in page and HEADLINE in page
    assert 'class="print-preview portrait page-A5"' in page
    assert 'class="qr" src="data:image/svg+xml' in page
    assert reverse("actions:print_template_image", args=[template.slug]) in page
    pdf_link = reverse("actions:print_pdf") + "?template=leaflet-a5&amp;committee=lyon"
    assert pdf_link in page and "download=1" in page
    assert "<script" not in page.split('id="preview-title"')[1]  # no JavaScript needed


def test_the_pdf_is_the_chosen_material_with_a_slug_file_name(world):
    template = make_template(Kind.POSTER, Size.A3, slug="affiche-paix")
    url = reverse("actions:print_pdf") + material_query(template)
    charlie = client_for(world, "charlie")
    response = charlie.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="affiche-paix-lyon.pdf"'
    text = " ".join(pdf_text(response.content).split())  # the headline wraps on a poster
    assert HEADLINE in text and "Comité de Lyon" in text
    download = charlie.get(url + "&download=1")
    assert download["Content-Disposition"] == 'attachment; filename="affiche-paix-lyon.pdf"'


def test_one_prints_only_for_ones_own_committees(world):
    template = make_template()
    url = reverse("actions:print_pdf") + material_query(template, committee="collectif-paix")
    response = client_for(world, "charlie").get(url)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    alice = client_for(world, "alice").get(url)
    assert alice.status_code == 200 and alice["Content-Type"] == "application/pdf"


def test_an_inactive_template_is_not_printed_by_committees(world):
    template = make_template(is_active=False)
    url = reverse("actions:print_pdf") + material_query(template)
    assert client_for(world, "charlie").get(url).status_code == 400


def test_a_target_of_another_committee_is_refused(world, english_pages):
    petition = Petition.objects.create(
        owner=world.collective,
        title="Pétition du collectif",
        slug="petition-collectif",
        body="x",
        addressee="x",
        status=Petition.Status.PUBLISHED,
        consent_text="x",
    )
    template = make_template()
    query = material_query(template, target=f"petition-{petition.pk}")
    response = client_for(world, "charlie").get(reverse("actions:print_material") + query)
    assert response.status_code == 422
    assert "This is not a page of the chosen committee" in response.content.decode()


def test_the_qr_code_can_lead_to_a_petition_of_the_committee(world):
    petition = Petition.objects.create(
        owner=world.lyon,
        title="Pour un traité",
        slug="pour-un-traite",
        body="x",
        addressee="x",
        status=Petition.Status.PUBLISHED,
        consent_text="x",
    )
    template = make_template()
    query = material_query(template, target=f"petition-{petition.pk}")
    response = client_for(world, "charlie").get(reverse("actions:print_pdf") + query)
    assert "127.0.0.1:8000/petitions/pour-un-traite/" in pdf_text(response.content)


def test_organisers_find_the_signature_and_volunteer_sheets(world, english_pages):
    Petition.objects.create(
        owner=world.lyon,
        title="Pour un traité",
        slug="pour-un-traite",
        body="x",
        addressee="x",
        status=Petition.Status.PUBLISHED,
        consent_text="x",
    )
    action = planned_action(world.lyon)
    url = reverse("actions:print_material")
    bob_page = client_for(world, "bob").get(url).content.decode()
    charlie_page = client_for(world, "charlie").get(url).content.decode()
    sheet = reverse("petitions:paper_sheet", args=["pour-un-traite"])
    volunteers = reverse("actions:volunteer_sheet", args=[action.slug])
    assert sheet in bob_page and volunteers in bob_page
    assert sheet not in charlie_page and volunteers not in charlie_page


# The volunteer sheet ------------------------------------------------------------------


def test_volunteer_sheet_pdf_for_the_organiser(world):
    action = planned_action(world.lyon)
    morning = slot(action, "Distribution du matin", capacity=3)
    SignUp.objects.create(
        slot=morning, user=world.charlie, phone="06 12 34 56 78", share_phone=True
    )
    hidden = factories.UserFactory.create(display_name="Discrète")
    SignUp.objects.create(slot=morning, user=hidden, phone="07 00 00 00 01")
    response = client_for(world, "bob").get(reverse("actions:volunteer_sheet", args=[action.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="benevoles-{action.slug}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Charlie" in text and "06 12 34 56 78" in text
    assert "Discrète" in text and "07 00 00 00 01" not in text


def test_too_many_pdfs_in_a_short_time_are_refused(world, monkeypatch, english_pages):
    from colombe.actions import print_views

    monkeypatch.setattr(print_views, "PDFS_PER_USER", 1)
    url = reverse("actions:print_pdf") + material_query(make_template())
    charlie = client_for(world, "charlie")
    assert charlie.get(url).status_code == 200
    refused = charlie.get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert "Too many PDFs in a short time. Please wait a few minutes." in page
    assert 'id="id_target"' in page  # the material page, to try again later
    assert client_for(world, "bob").get(url).status_code == 200  # counted per person


def test_upload_of_another_type_is_refused(world, english_pages):
    alice = client_for(world, "alice")
    fake = SimpleUploadedFile("colombe.gif", io.BytesIO(b"GIF89a").getvalue(), "image/gif")
    data = template_data(image_alt="x", image_upload=fake)
    response = alice.post(reverse("actions:print_template_create"), data)
    assert response.status_code == 422
    assert "Please upload a JPEG or PNG image." in response.content.decode()


@pytest.mark.parametrize("name", ["actions:print_material", "actions:print_pdf"])
def test_the_targets_are_looked_up_once_per_request(world, monkeypatch, name):
    from colombe.actions import printing

    looked_up = []
    real = printing.print_targets

    def counted(structure):
        looked_up.append(structure)
        return real(structure)

    monkeypatch.setattr(printing, "print_targets", counted)
    planned_action(world.lyon)
    url = reverse(name) + material_query(make_template())
    assert client_for(world, "charlie").get(url).status_code == 200
    assert looked_up == [world.lyon]
