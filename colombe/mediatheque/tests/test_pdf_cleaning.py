"""Press articles uploaded as PDF are stored without the metadata that names people,
machines and places (colombe/mediatheque/pdf_cleaning.py)."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from colombe.mediatheque.media_files import check_media_upload
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.pdf_cleaning import jpeg_without_metadata, pdf_without_metadata
from colombe.mediatheque.tests.media_helpers import jpeg_with_exif, pdf_upload, scanned_article_pdf
from colombe.mediatheque.tests.page_helpers import item_form_data
from tests.personas import World


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


SECRETS = {"author": "Jeanne Martin", "xmp": "Poste-de-Jeanne", "camera": "Pixel-de-Jeanne"}


def scan_with_secrets() -> SimpleUploadedFile:
    return pdf_upload(
        author=SECRETS["author"],
        xmp=SECRETS["xmp"],
        photo=jpeg_with_exif(SECRETS["camera"]),
    )


def test_the_scan_used_below_does_hold_every_secret() -> None:
    data = scan_with_secrets().read()
    for secret in SECRETS.values():
        assert secret.encode() in data, secret


def test_metadata_is_removed_and_the_page_still_draws_its_photo() -> None:
    cleaned = pdf_without_metadata(scan_with_secrets())

    for secret in SECRETS.values():
        assert secret.encode() not in cleaned, secret
    reader = PdfReader(io.BytesIO(cleaned))
    assert reader.metadata is None
    assert "/Metadata" not in reader.root_object
    (photo,) = reader.pages[0].images
    assert photo.image is not None and photo.image.size == (32, 32)


def test_a_jpeg_filter_written_as_an_array_is_cleaned_too() -> None:
    scan = pdf_upload(photo=jpeg_with_exif("Pixel-de-Jeanne"), jpeg_filter=b"[/DCTDecode]")

    cleaned = pdf_without_metadata(scan)

    assert b"Pixel-de-Jeanne" not in cleaned
    (photo,) = PdfReader(io.BytesIO(cleaned)).pages[0].images
    assert photo.image is not None and photo.image.size == (32, 32)


def test_a_pdf_whose_photo_is_cut_short_is_stored_without_error() -> None:
    """Damaged content inside a readable PDF: the upload check answers, it never fails."""
    scan = pdf_upload(photo=b"\xff\xd8\xff\xe1\x00\x02\xff")

    cleaned = pdf_without_metadata(scan)

    assert PdfReader(io.BytesIO(cleaned)).pages


def test_jpeg_loses_exif_but_keeps_every_pixel() -> None:
    original = jpeg_with_exif("Pixel-de-Jeanne")

    cleaned = jpeg_without_metadata(original)

    assert b"Pixel-de-Jeanne" not in cleaned
    assert len(cleaned) < len(original)
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(cleaned)) as after:
        assert before.tobytes() == after.tobytes()
        assert not after.getexif()


@pytest.mark.parametrize(
    "not_a_jpeg",
    [b"", b"GIF89a...", b"\xff\xd8\xff\xe1\x00", b"\xff\xd8\xff", b"\xff\xd8\xff\xe1\x00\x02\xff"],
)
def test_bytes_not_laid_out_like_a_jpeg_are_left_alone(not_a_jpeg: bytes) -> None:
    assert jpeg_without_metadata(not_a_jpeg) == not_a_jpeg


def test_the_upload_check_stores_the_cleaned_pdf() -> None:
    checked = check_media_upload(scan_with_secrets())

    stored = checked.file.read()
    assert checked.size == len(stored)
    assert SECRETS["author"].encode() not in stored
    assert PdfReader(io.BytesIO(stored)).pages


def test_a_password_protected_pdf_is_refused_with_a_reason() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(scanned_article_pdf())))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)

    with pytest.raises(ValidationError) as refusal:
        pdf_without_metadata(SimpleUploadedFile("locked.pdf", locked.getvalue()))

    assert refusal.value.code == "encrypted_pdf"


@pytest.mark.parametrize(
    "damaged",
    [b"%PDF-1.4\n%%EOF\n", b"%PDF-1.7\n" + b"\x00garbage" * 100, scanned_article_pdf()[:200]],
)
def test_a_damaged_pdf_is_refused_with_a_reason(damaged: bytes) -> None:
    with pytest.raises(ValidationError) as refusal:
        pdf_without_metadata(SimpleUploadedFile("damaged.pdf", damaged))

    assert refusal.value.code == "bad_content"


def test_the_archive_keeps_no_metadata_of_an_uploaded_article(client: Client, world: World) -> None:
    client.force_login(world.charlie)

    response = client.post(reverse("mediatheque:add"), item_form_data(file=scan_with_secrets()))

    assert response.status_code == 302
    item = MediaItem.objects.get()
    with item.original.open("rb") as stored:
        data = stored.read()
    for secret in SECRETS.values():
        assert secret.encode() not in data, secret
    assert item.original_size == len(data)
