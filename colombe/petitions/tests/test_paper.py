"""Paper signatures: the printable sheet, imports of filled sheets (CSV, XLSX) with
duplicates and errors reported by row, typed entry, and upload checks."""

import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from colombe.core.models import AuditEntry
from colombe.petitions import paper
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests.personas import World

pytestmark = pytest.mark.django_db

FRENCH_CSV = (
    "Prénom,Nom,E-mail,Code postal,Ville,Remarque\n"
    "Jeanne,Durand,jeanne@example.org,69001,Lyon,\n"
    "Claire,Dupont,CLAIRE@example.org,69003,Lyon,déjà signé en ligne\n"
    ",,,,,\n"
    "Marc,,marc@example.org,69007,Lyon,\n"
    "Ahmed,Benali,,01000,Bourg-en-Bresse,\n"
)


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def petition(world: World) -> Petition:
    petition = lyon_petition(world)
    add_signature(petition, "claire@example.org", postcode="69003", town="Lyon")
    return petition


def organiser(world: World) -> Client:
    client = Client()
    client.force_login(world.bob)
    return client


def upload(client: Client, petition: Petition, name: str, content: bytes) -> Any:
    return client.post(
        reverse("petitions:paper_import", args=[petition.slug]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# The printable sheet -------------------------------------------------------------------


def test_sheet_is_an_a4_pdf_with_the_petition(world: World, petition: Petition) -> None:
    response = organiser(world).get(reverse("petitions:paper_sheet", args=[petition.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="feuille-{petition.slug}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5_000


def test_sheet_content(world: World, petition: Petition) -> None:
    from weasyprint import HTML

    url = "http://127.0.0.1:8000" + petition.get_absolute_url()
    html = paper.sheet_html(petition, url)
    assert petition.title in html and "Madame la maire" in html
    assert "<strong>la paix</strong>" in html
    assert 'src="data:image/svg+xml' in html
    assert html.count("<tr>") == paper.SHEET_ROWS + 1
    assert "Postcode" in html and "Signature" in html and "Country" not in html

    document = HTML(string=html).render()
    assert document.metadata.title == petition.title
    assert len(document.pages) == 1
    page = document.pages[0]
    assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (210, 297)


def test_qr_code_points_to_the_online_page_with_a_source() -> None:
    uri = paper.qr_code_data_uri("http://127.0.0.1:8000/petitions/paix/?source=qr")
    assert uri.startswith("data:image/svg+xml")


# Importing filled sheets ---------------------------------------------------------------


def test_french_csv_import_reports_the_duplicate_and_the_errors(
    world: World, petition: Petition
) -> None:
    response = upload(organiser(world), petition, "feuilles.csv", FRENCH_CSV.encode())

    assert response.redirect_chain[-1][0] == reverse("petitions:paper_report", args=[petition.slug])
    body = response.content.decode()
    assert "2 signatures added" in body
    assert "1 duplicate not added" in body
    assert "1 row with an error" in body
    # Spreadsheet rows: 1 is the header, Claire is row 3, Marc (no last name) row 5.
    assert "Rows of the file: 3" in body
    assert '<th scope="row">5</th><td>First name and last name are required.</td>' in body
    assert "Remarque" in body  # ignored column named

    paper_rows = Signature.objects.filter(petition=petition, is_paper=True)
    assert sorted(paper_rows.values_list("last_name", flat=True)) == ["Benali", "Durand"]
    assert all(row.status == Signature.Status.CONFIRMED for row in paper_rows)
    assert paper_rows.get(last_name="Benali").department == "01"
    entry = AuditEntry.objects.get(action="petitions.paper.imported")
    assert entry.data == {"created": 2, "duplicates": 1, "errors": 1}


def test_xlsx_import_in_english_with_a_duplicate_on_paper(world: World, petition: Petition) -> None:
    content = xlsx_bytes(
        [
            ["First name", "Last name", "Email", "Postcode", "Town"],
            ["Louise", "Michel", None, 1000, "Bourg-en-Bresse"],
            ["Victor", "Hugo", "victor@example.org", 75006, "Paris"],
            ["LOUISE", "michel", None, "01000", "Bourg"],
        ]
    )
    response = upload(organiser(world), petition, "sheets.xlsx", content)

    body = response.content.decode()
    assert "2 signatures added" in body
    assert "Rows of the file: 4" in body
    louise = Signature.objects.get(petition=petition, last_name="Michel")
    assert (louise.postcode, louise.is_paper) == ("01000", True)


def test_importing_the_same_file_twice_adds_nothing(world: World, petition: Petition) -> None:
    client = organiser(world)
    upload(client, petition, "feuilles.csv", FRENCH_CSV.encode())
    body = upload(client, petition, "feuilles.csv", FRENCH_CSV.encode()).content.decode()

    assert "0 signatures added" in body
    assert "Rows of the file: 2, 3, 6" in body
    assert Signature.objects.filter(petition=petition, is_paper=True).count() == 2


def test_semicolon_csv_from_french_excel(world: World, petition: Petition) -> None:
    content = "PRÉNOM;NOM;Ville\r\nÉlodie;Lefèvre;Saint-Étienne\r\n".encode("cp1252")
    body = upload(organiser(world), petition, "excel.csv", content).content.decode()
    assert "1 signature added" in body
    signature = Signature.objects.get(petition=petition, is_paper=True)
    assert (signature.first_name, signature.town) == ("Élodie", "Saint-Étienne")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"Prenom,Nom\nA,B\n", "Please send a CSV or XLSX file"),
        ("faux.xlsx", b"Prenom,Nom\nA,B\n", "does not match its extension"),
        ("binaire.csv", b"MZ\x90\x00\x03", "does not match its extension"),
        ("vide.csv", b"", "The submitted file is empty."),
        ("colonnes.csv", b"Nom complet,Ville\nAnne B,Lyon\n", "Missing: First name, Last name"),
        ("entetes.csv", b"Prenom,Nom\n", "no signature under its headers"),
        ("gros.csv", b"Prenom,Nom\n" + b"A,B\n" * 600_000, "The limit is 2.0"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    world: World, petition: Petition, name: str, content: bytes, message: str
) -> None:
    response = organiser(world).post(
        reverse("petitions:paper_import", args=[petition.slug]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Signature.objects.filter(is_paper=True).exists()


def test_too_many_rows_are_refused(world: World, petition: Petition, monkeypatch: Any) -> None:
    monkeypatch.setattr(paper, "MAX_ROWS", 3)
    content = b"Prenom,Nom\n" + b"".join(f"A{n},B\n".encode() for n in range(4))
    response = organiser(world).post(
        reverse("petitions:paper_import", args=[petition.slug]),
        {"file": SimpleUploadedFile("long.csv", content)},
    )
    assert response.status_code == 422
    assert "more than 3 rows" in response.content.decode()


def test_a_workbook_that_unpacks_into_too_much_is_refused(
    world: World, petition: Petition, monkeypatch: Any
) -> None:
    content = xlsx_bytes([["Prénom", "Nom"], ["A", "B"]])
    monkeypatch.setattr(paper, "MAX_XLSX_UNPACKED_BYTES", 1000)
    response = organiser(world).post(
        reverse("petitions:paper_import", args=[petition.slug]),
        {"file": SimpleUploadedFile("bombe.xlsx", content)},
    )
    assert response.status_code == 422
    assert "does not match its extension" in response.content.decode()


def test_report_page_without_an_import_goes_back_to_the_form(
    world: World, petition: Petition
) -> None:
    response = organiser(world).get(reverse("petitions:paper_report", args=[petition.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:paper_import", args=[petition.slug])


def test_header_recognition() -> None:
    assert paper.header_key(" Code_Postal ") == "codepostal"
    assert paper.HEADER_FIELDS[paper.header_key("PRÉNOM")] == "first_name"
    assert paper.HEADER_FIELDS[paper.header_key("e-mail")] == "email"
    assert paper.HEADER_FIELDS[paper.header_key("Last name")] == "last_name"
    assert paper.HEADER_FIELDS[paper.header_key("Ville")] == "town"


# Typed entry ---------------------------------------------------------------------------


def test_typed_entry_adds_one_paper_signature_then_spots_the_duplicate(
    world: World, petition: Petition
) -> None:
    client = organiser(world)
    url = reverse("petitions:paper_entry", args=[petition.slug])
    data = {"first_name": "Rosa", "last_name": "Parks", "postcode": "69002", "town": "Lyon"}

    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Signature added. You can type in the next one."]
    rosa = Signature.objects.get(petition=petition, last_name="Parks")
    assert (rosa.is_paper, rosa.status, rosa.department) == (True, "confirmed", "69")

    response = client.post(url, {**data, "first_name": "ROSA"})
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[-1] == "This person has already signed, online or on paper: not added again."
    assert Signature.objects.filter(petition=petition, last_name="Parks").count() == 1


def test_typed_entry_of_an_online_signer_is_a_duplicate(world: World, petition: Petition) -> None:
    response = organiser(world).post(
        reverse("petitions:paper_entry", args=[petition.slug]),
        {"first_name": "C", "last_name": "D", "email": "Claire@Example.org"},
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "already signed" in messages[0]
    assert not Signature.objects.filter(is_paper=True).exists()


def test_typed_entry_with_bad_input_keeps_what_was_typed(world: World, petition: Petition) -> None:
    response = organiser(world).post(
        reverse("petitions:paper_entry", args=[petition.slug]),
        {"first_name": "Rosa", "last_name": "", "email": "pas-une-adresse"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Rosa"' in body and "error-summary" in body
    assert not Signature.objects.filter(is_paper=True).exists()


def test_typed_entry_form_follows_the_collected_fields(world: World) -> None:
    petition = lyon_petition(world, collect_postcode=False)
    body = organiser(world).get(reverse("petitions:paper_entry", args=[petition.slug]))
    assert 'name="postcode"' not in body.content.decode()
    assert 'name="last_name"' in body.content.decode()
