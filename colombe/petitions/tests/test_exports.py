"""Exports: streaming CSV of confirmed signatures (decrypted emails, defused formulas),
the delivery file without emails, and an audit entry without signer data."""

import csv
import io
import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core import spreadsheets
from colombe.core.models import AuditEntry
from colombe.petitions import exports
from colombe.petitions.models import Petition
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def petition(world: World) -> Petition:
    petition = lyon_petition(world)
    add_signature(
        petition,
        "Claire.Martin+paix@Example.org",
        first_name="Claire",
        last_name="Martin",
        postcode="69003",
        town="Lyon",
        comment="Bravo",
        source="mastodon",
        keep_informed=True,
        keep_informed_version=1,
    )
    add_signature(
        petition,
        "attaque@example.org",
        first_name='=HYPERLINK("http://evil.example")',
        last_name="+33",
        town="@SUM(A1)",
        comment="-2+3",
    )
    add_signature(
        petition, "papier@example.org", first_name="Paul", last_name="Papier", is_paper=True
    )
    add_signature(petition, "pending@example.org", first_name="Pending", status="pending")
    add_signature(petition, "gone@example.org", first_name="Withdrawn", status="withdrawn")
    return petition


def download(client: Client, url: str) -> tuple[StreamingHttpResponse, list[list[str]]]:
    response = client.get(url)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def organiser(world: World) -> Client:
    client = Client()
    client.force_login(world.bob)
    return client


def test_full_export_streams_confirmed_signatures_with_decrypted_emails(
    world: World, petition: Petition
) -> None:
    response, rows = download(
        organiser(world), reverse("petitions:export_csv", args=[petition.slug])
    )

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="signatures-{petition.slug}-{today}.csv"'
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == [
        "Date",
        "First name",
        "Last name",
        "Email",
        "Postcode",
        "Town",
        "Country",
        "Comment",
        "Source",
        "Paper",
        "Keep informed",
        "Consent version",
    ]
    assert len(rows) == 4  # header + three confirmed; pending and withdrawn are left out
    claire = rows[1]
    assert claire[1:10] == [
        "Claire",
        "Martin",
        "Claire.Martin+paix@Example.org",
        "69003",
        "Lyon",
        "",
        "Bravo",
        "mastodon",
        "no",
    ]
    assert claire[10:] == ["yes", "1"]
    assert len(claire[0]) == len("2026-01-01 12:00")
    assert rows[3][1:4] == ["Paul", "Papier", "papier@example.org"]
    assert rows[3][9:] == ["yes", "no", ""]
    assert "Pending" not in str(rows) and "Withdrawn" not in str(rows)


def test_formulas_are_defused_with_an_apostrophe(world: World, petition: Petition) -> None:
    _, rows = download(organiser(world), reverse("petitions:export_csv", args=[petition.slug]))
    attack = rows[2]
    assert attack[1] == '\'=HYPERLINK("http://evil.example")'
    assert attack[2] == "'+33"
    assert attack[5] == "'@SUM(A1)"
    assert attack[7] == "'-2+3"
    assert spreadsheets.safe_cell("\tcmd") == "'\tcmd"
    assert spreadsheets.safe_cell("Lyon") == "Lyon" and spreadsheets.safe_cell(None) == ""


def test_delivery_export_has_names_and_towns_only(world: World, petition: Petition) -> None:
    response, rows = download(
        organiser(world), reverse("petitions:delivery_csv", args=[petition.slug])
    )

    assert response["Content-Disposition"].startswith(
        f'attachment; filename="remise-{petition.slug}-'
    )
    assert rows[0] == ["First name", "Last name", "Town"]
    assert rows[1] == ["Claire", "Martin", "Lyon"]
    assert rows[2] == ['\'=HYPERLINK("http://evil.example")', "'+33", "'@SUM(A1)"]
    assert len(rows) == 4
    text = str(rows).lower()
    assert "example.org" not in text and "69003" not in text and "bravo" not in text


@pytest.mark.parametrize(
    ("page", "kind"), [("export_csv", "signatures"), ("delivery_csv", "delivery")]
)
def test_each_download_is_audited_without_signer_data(
    world: World, petition: Petition, page: str, kind: str
) -> None:
    client = Client()
    client.force_login(world.alice)
    download(client, reverse(f"petitions:{page}", args=[petition.slug]))

    entry = AuditEntry.objects.get(action="petitions.export.downloaded")
    assert entry.actor == world.alice
    assert entry.object_id == str(petition.pk)
    assert entry.data == {"kind": kind, "count": 3}
    dumped = json.dumps(entry.data).lower()
    assert "claire" not in dumped and "example.org" not in dumped


@pytest.mark.parametrize("persona", ["charlie", "eve"])
def test_refused_downloads_leave_no_audit_entry_and_no_data(
    world: World, petition: Petition, persona: str
) -> None:
    client = Client()
    client.force_login(getattr(world, persona))
    for page in ("export_csv", "delivery_csv"):
        response = client.get(reverse(f"petitions:{page}", args=[petition.slug]))
        assert response.status_code == 403
        assert b"Claire" not in response.content
    assert not AuditEntry.objects.filter(action="petitions.export.downloaded").exists()


def test_export_reads_the_database_in_chunks(
    world: World, petition: Petition, django_assert_max_num_queries: Any
) -> None:
    """Rows come from an iterator: one query (or one per chunk), never one per signature."""
    for n in range(25):
        add_signature(petition, f"n{n}@example.org", first_name=f"N{n}")
    with django_assert_max_num_queries(2):
        rows = list(exports.signature_rows(petition))
    assert len(rows) == 28
    assert exports.CHUNK_SIZE == 2000
