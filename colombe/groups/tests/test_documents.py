import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from PIL import Image

from colombe.core.models import AuditEntry
from colombe.groups import services
from colombe.groups.models import Document, DocumentVersion
from colombe.groups.tests.conftest import assert_hides_secret
from colombe.groups.uploads import check_upload
from tests.personas import World

pytestmark = pytest.mark.django_db
OOXML_TYPES = {"[Content_Types].xml": b"<x/>"}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def upload_url(world: World, visibility: str = "private") -> str:
    return reverse("groups:upload", args=[world.group(visibility).slug])


def pdf(name: str = "compte-rendu.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0)}  # GPS info
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def office_file(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return output.getvalue()


def file_bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def upload(client: Client, world: World, file: SimpleUploadedFile, title: str = "") -> Any:
    client.force_login(world.charlie)
    return client.post(upload_url(world), {"title": title, "file": file})


def test_member_uploads_a_pdf_and_downloads_it(client: Client, world: World) -> None:
    response = upload(client, world, pdf(), title="Compte rendu")
    document = Document.objects.get(title="Compte rendu")
    assert response.status_code == 302
    version = document.versions.get()
    assert (version.number, version.original_name, version.size) == (
        1,
        "compte-rendu.pdf",
        len(PDF),
    )
    assert "compte-rendu" not in version.file.name  # random names on disk
    entry = AuditEntry.objects.get(action="groups.document.uploaded")
    assert entry.data == {"group": world.private_group.pk, "version": 1}
    url = reverse("groups:download", args=[world.private_group.slug, document.pk, 1])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'
    assert file_bytes(download) == PDF


def test_title_defaults_to_file_name(client: Client, world: World) -> None:
    upload(client, world, pdf("notes.pdf"))
    assert Document.objects.filter(title="notes.pdf").exists()


def test_new_version_increments_the_number(client: Client, world: World) -> None:
    upload(client, world, pdf(), title="Tract")
    document = Document.objects.get()
    url = reverse("groups:new_version", args=[world.private_group.slug, document.pk])
    assert client.post(url, {"file": pdf("tract-v2.pdf", PDF + b"%v2")}).status_code == 302
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    page = client.get(reverse("groups:document", args=[world.private_group.slug, document.pk]))
    body = page.content.decode()
    assert "tract-v2.pdf" in body and "compte-rendu.pdf" in body
    url = reverse("groups:download", args=[world.private_group.slug, document.pk, 2])
    assert file_bytes(client.get(url)).endswith(b"%v2")


def test_oversized_upload_is_refused_and_nothing_saved(
    client: Client, world: World, settings: Any
) -> None:
    settings.COLOMBE_MAX_UPLOAD_BYTES = 20
    response = upload(client, world, pdf(), title="Mon gros fichier")
    assert response.status_code == 422
    body = response.content.decode()
    assert "This file is too large" in body
    assert 'value="Mon gros fichier"' in body
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("no-extension", PDF),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("fake.png", PDF),
        ("fake.docx", office_file({"hello.txt": b"hi"})),
        ("fake.odt", b"PK\x03\x04 broken zip"),
        ("binary.txt", b"abc\x00def"),
    ],
)
def test_wrong_file_type_is_refused(
    client: Client, world: World, name: str, content: bytes
) -> None:
    response = upload(client, world, SimpleUploadedFile(name, content), title="Essai")
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "Réunion à 18 h".encode()),
        ("liste.csv", b"nom;ville\nBob;Lyon\n"),
        (
            "lettre.docx",
            office_file({**OOXML_TYPES, "word/document.xml": b"<w/>"}),
        ),
        ("budget.xlsx", office_file({**OOXML_TYPES, "xl/workbook.xml": b"<w/>"})),
        ("texte.odt", office_file({"mimetype": b"application/vnd.oasis.opendocument.text"})),
    ],
)
def test_allowed_types_are_accepted(
    client: Client, world: World, name: str, content: bytes
) -> None:
    assert upload(client, world, SimpleUploadedFile(name, content)).status_code == 302
    assert DocumentVersion.objects.get().original_name == name


def test_image_metadata_is_stripped(client: Client, world: World) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really has EXIF
    upload(client, world, SimpleUploadedFile("action.jpg", original))
    version = DocumentVersion.objects.get()
    with version.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 30)
        assert not image.getexif()
    assert version.content_type == "image/jpeg"


def test_broken_image_is_refused(client: Client, world: World) -> None:
    response = upload(client, world, SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nbroken"))
    assert response.status_code == 422
    assert "could not be read" in response.content.decode()


def test_outsider_cannot_upload(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert client.post(upload_url(world, "public"), {"file": pdf()}).status_code == 403
    assert_hides_secret(client.post(upload_url(world, "secret"), {"file": pdf()}))
    assert not Document.objects.exists()


def test_private_download_is_members_only(client: Client, world: World) -> None:
    upload(client, world, pdf())
    document = Document.objects.get()
    url = reverse("groups:download", args=[world.private_group.slug, document.pk, 1])
    client.force_login(world.eve)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 403


def test_public_group_documents_readable_by_anonymous(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    client.post(upload_url(world, "public"), {"title": "Tract", "file": pdf()})
    document = Document.objects.get()
    client.logout()
    body = client.get(reverse("groups:documents", args=[world.public_group.slug])).content.decode()
    assert "Tract" in body
    url = reverse("groups:download", args=[world.public_group.slug, document.pk, 1])
    assert client.get(url).status_code == 200


def test_secret_download_is_404_for_outsiders(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    client.post(upload_url(world, "secret"), {"title": "Plan", "file": pdf()})
    document = Document.objects.get()
    url = reverse("groups:download", args=[world.secret_group.slug, document.pk, 1])
    assert client.get(url).status_code == 200
    client.force_login(world.eve)
    assert_hides_secret(client.get(url))
    client.logout()
    assert_hides_secret(client.get(url))


def test_document_of_another_group_is_404(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    client.post(upload_url(world, "secret"), {"title": "Plan", "file": pdf()})
    document = Document.objects.get()
    url = reverse("groups:download", args=[world.public_group.slug, document.pk, 1])
    assert client.get(url).status_code == 404


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


def test_file_is_removed_when_the_database_save_fails(
    world: World, private_media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_save(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk full")

    upload_file = check_upload(pdf())
    monkeypatch.setattr(DocumentVersion, "save", failing_save)
    with pytest.raises(DatabaseError):
        services.upload_document(
            actor=world.charlie, group=world.private_group, title="Tract", upload=upload_file
        )
    assert not Document.objects.exists()
    assert stored_files(private_media) == []


def test_file_is_removed_when_the_transaction_fails_after_the_save(
    world: World, private_media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = Document.objects.create(group=world.private_group, title="Tract")

    def failing_audit(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("audit table locked")

    monkeypatch.setattr(services, "log_action", failing_audit)
    with pytest.raises(DatabaseError):
        services.add_document_version(
            actor=world.charlie, document=document, upload=check_upload(pdf())
        )
    assert not DocumentVersion.objects.exists()
    assert stored_files(private_media) == []


def test_successful_upload_keeps_its_file(
    client: Client, world: World, private_media: Path
) -> None:
    upload(client, world, pdf())
    [stored] = stored_files(private_media)
    assert stored.read_bytes() == PDF
    assert DocumentVersion.objects.get().file.path == str(stored)


def test_upload_form_states_the_limit_and_the_types(
    client: Client, world: World, settings: Any
) -> None:
    settings.COLOMBE_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    client.force_login(world.charlie)
    body = client.get(upload_url(world)).content.decode()
    assert "Maximum size: 5.0\xa0MB." in body
    assert "Accepted types: csv, docx, gif, jpg, ods, odt, pdf, png, txt, webp, xlsx." in body
    assert 'aria-describedby="id_file_helptext"' in body


def transparent_palette_image(image_format: str, **options: Any) -> bytes:
    """A 4 by 4 blue image whose top-left pixel is transparent (palette index 0)."""
    image = Image.new("P", (4, 4), 1)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.putpixel((0, 0), 0)
    output = io.BytesIO()
    image.save(output, format=image_format, transparency=0, **options)
    return output.getvalue()


def stored_rgba_pixels(image_format: str) -> tuple[Any, Any]:
    version = DocumentVersion.objects.get()
    with version.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == image_format
        rgba = image.convert("RGBA")
        return rgba.getpixel((0, 0)), rgba.getpixel((2, 2))


def test_transparent_gif_keeps_its_transparency_and_loses_its_comment(
    client: Client, world: World
) -> None:
    original = transparent_palette_image("GIF", comment=b"Pris rue Garibaldi")
    assert b"Garibaldi" in original
    assert upload(client, world, SimpleUploadedFile("logo.gif", original)).status_code == 302
    transparent, blue = stored_rgba_pixels("GIF")
    assert transparent[3] == 0
    assert blue == (0, 0, 255, 255)
    with DocumentVersion.objects.get().file.open("rb") as stored:
        assert b"Garibaldi" not in stored.read()


def test_transparent_palette_png_keeps_its_transparency(client: Client, world: World) -> None:
    original = transparent_palette_image("PNG")
    assert upload(client, world, SimpleUploadedFile("logo.png", original)).status_code == 302
    transparent, blue = stored_rgba_pixels("PNG")
    assert transparent[3] == 0
    assert blue == (0, 0, 255, 255)


def test_transparent_webp_keeps_its_alpha(client: Client, world: World) -> None:
    image = Image.new("RGBA", (4, 4), (0, 0, 255, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="WEBP", lossless=True)
    upload(client, world, SimpleUploadedFile("logo.webp", output.getvalue()))
    transparent, blue = stored_rgba_pixels("WEBP")
    assert transparent[3] == 0
    assert blue[3] == 255
