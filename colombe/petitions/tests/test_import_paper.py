"""Paper signatures: imported confirmed, deduplicated against online and earlier paper
signatures, counted, audited without signer data."""

import pytest
from django.core.exceptions import PermissionDenied

from colombe.core.models import AuditEntry
from colombe.petitions import crypto, services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.services_helpers import make_petition, sign
from tests.personas import World

pytestmark = pytest.mark.django_db


def petition_of_lyon(world: World) -> Petition:
    return make_petition(owner=world.lyon)


def row(first: str, last: str, postcode: str = "69001", email: str = "") -> dict[str, str]:
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "postcode": postcode,
        "town": "Lyon",
    }


def test_rows_are_imported_confirmed_and_counted(world: World) -> None:
    petition = petition_of_lyon(world)
    report = services.import_paper(
        actor=world.bob,
        petition=petition,
        rows=[row("Ana", "Martin"), row("Ben", "Petit", email="ben@example.org")],
    )

    assert report.created == 2
    assert report.duplicates == [] and report.errors == []
    signatures = Signature.objects.filter(petition=petition, is_paper=True)
    assert signatures.count() == 2
    assert set(signatures.values_list("status", flat=True)) == {Signature.Status.CONFIRMED}
    assert set(signatures.values_list("department", flat=True)) == {"69"}
    ben = signatures.get(first_name="Ben")
    assert crypto.decrypt_email(ben.email_encrypted) == "ben@example.org"
    assert ben.token_hash is None
    assert services.signature_count(petition) == 2
    assert services.reconcile_counter(petition) == (2, 2)


def test_duplicates_of_online_signatures_are_reported(world: World) -> None:
    petition = petition_of_lyon(world)
    services.confirm(sign(petition, email="claire@example.org").token)
    sign(petition, email="other@example.org", first_name="Zoé", last_name="Roux", postcode="69002")

    report = services.import_paper(
        actor=world.bob,
        petition=petition,
        rows=[
            row("Ana", "Martin"),
            row("C", "D", email="Claire+papier@Example.org"),  # same mailbox as online
            row("zoe", "ROUX", postcode="69 002"),  # same person, pending online, no email
        ],
    )

    assert report.created == 1
    assert report.duplicates == [2, 3]
    assert services.signature_count(petition) == 2


def test_duplicates_within_and_across_imports(world: World) -> None:
    petition = petition_of_lyon(world)
    first = services.import_paper(
        actor=world.bob,
        petition=petition,
        rows=[
            row("Élise", "Martin"),
            row("elise", "MARTIN"),  # same name and postcode in the same file
            row("Élise", "Martin", postcode="75011"),  # another Élise Martin
            row("Jo", "Blanc", email="jo@example.org"),
            row("Jo", "Blanc", email="JO@example.org"),
        ],
    )
    assert first.created == 3
    assert first.duplicates == [2, 5]

    again = services.import_paper(
        actor=world.bob, petition=petition, rows=[row("Elise", "Martin"), row("Léa", "Noir")]
    )
    assert again.created == 1
    assert again.duplicates == [1]
    assert services.signature_count(petition) == 4
    assert Signature.objects.filter(petition=petition).count() == 4


def test_invalid_rows_are_reported_and_skipped(world: World) -> None:
    petition = petition_of_lyon(world)
    report = services.import_paper(
        actor=world.bob,
        petition=petition,
        rows=[
            row("", "Martin"),
            row("Ana", "Martin", email="pas-une-adresse"),
            row("Ana", "Martin", postcode="1" * 20),
            row("Ben", "Petit"),
        ],
    )
    assert report.created == 1
    assert [number for number, _message in report.errors] == [1, 2, 3]
    assert all(message for _number, message in report.errors)
    assert Signature.objects.get().first_name == "Ben"


def test_import_is_audited_with_counts_only(world: World) -> None:
    petition = petition_of_lyon(world)
    services.import_paper(
        actor=world.bob, petition=petition, rows=[row("Ana", "Martin"), row("Ana", "Martin")]
    )
    entry = AuditEntry.objects.get(action="petitions.paper.imported")
    assert entry.data == {"created": 1, "duplicates": 1, "errors": 0}
    assert "Martin" not in str(entry.data)


def test_only_organisers_import(world: World) -> None:
    petition = petition_of_lyon(world)
    for person in (world.eve, world.charlie):
        with pytest.raises(PermissionDenied):
            services.import_paper(actor=person, petition=petition, rows=[row("Ana", "Martin")])
    assert not Signature.objects.exists()
