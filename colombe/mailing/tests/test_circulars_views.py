"""Writing a circular in the browser's forms: compose with attachments, preview, test
send, the confirmation that says whom it reaches, send; the archive and a circular's
page with its per-committee acknowledgements; who may see and do what."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from colombe.mailing import circulars
from colombe.mailing.models import Circular, CircularRecipient, OutboxMessage
from colombe.mailing.tests.circular_support import Country, build_country, national_draft, send
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")
CREATE = reverse("mailing:circular_create")
ARCHIVE = reverse("mailing:circulars")


@pytest.fixture
def country(world: World) -> Country:
    return build_country(world)


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    """Uploaded attachments go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "tract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a leaflet\n", content_type="application/pdf")


def compose_data(world: World, **fields: object) -> dict[str, object]:
    return {
        "sender": f"structure:{world.national.pk}",
        "subject": "Journée de la paix",
        "body": "Le matériel est **disponible**.",
        "urgency": "normal",
        "escalation_hours": "24",
        "audience": "relays",
        **fields,
    }


def test_compose_saves_a_draft_with_its_attachment_and_shows_the_preview(
    country: Country, client: Client
) -> None:
    world = country.world
    client.force_login(world.alice)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, compose_data(world, attachments=[pdf()]))
    circular = Circular.objects.get()
    assert response.status_code == 302 and response["Location"] == circular.get_absolute_url()
    assert circular.status == Circular.Status.DRAFT and circular.author == world.alice
    assert circular.sender_structure == world.national
    page = client.get(circular.get_absolute_url()).content.decode()
    assert "<strong>disponible</strong>" in page  # the preview
    assert "Send me a test" in page and "Send now" in page
    (attachment,) = circular.attachments.all()
    download = client.get(reverse("mailing:circular_attachment", args=[circular.pk, attachment.pk]))
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF")
    assert download["Cache-Control"] == "private, no-store"
    assert OutboxMessage.objects.count() == 0  # nothing sent yet


def test_an_attachment_of_a_refused_type_is_a_form_error(country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    exe = SimpleUploadedFile("tract.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    response = client.post(CREATE, compose_data(country.world, attachments=[exe]))
    assert response.status_code == 422
    assert "does not match its extension" in response.content.decode()
    assert not Circular.objects.exists()


def test_a_subject_is_one_line(country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    response = client.post(CREATE, compose_data(country.world, subject="Paix\r\nBcc: eve@x.org"))
    assert response.status_code == 422 and "Write it on one line." in response.content.decode()
    assert not Circular.objects.exists()


def test_an_audience_needs_its_target(country: Country, client: Client) -> None:
    client.force_login(country.world.alice)
    response = client.post(CREATE, compose_data(country.world, audience="region_relays"))
    assert (
        response.status_code == 422 and "Choose at least one region." in response.content.decode()
    )


def test_only_offices_and_coordinators_write(country: Country, client: Client) -> None:
    client.force_login(country.world.charlie)
    assert client.get(CREATE).status_code == 403
    client.logout()
    assert client.get(CREATE)["Location"].startswith(reverse("account_login"))


def test_regional_coordinator_cannot_address_another_region(
    country: Country, client: Client
) -> None:
    client.force_login(country.claire)
    page = client.get(CREATE).content.decode()
    assert "Auvergne-Rhône-Alpes" in page and "Occitanie" not in page
    own_region = f"territory:{country.ara.pk}"
    other = compose_data(
        country.world, sender=own_region, audience="region_relays", regions=[country.occitanie.pk]
    )
    assert client.post(CREATE, other).status_code == 403
    national = compose_data(country.world)  # speaking for the national office
    assert client.post(CREATE, national).status_code == 403
    other_region_as_sender = compose_data(country.world, sender=f"territory:{country.occitanie.pk}")
    assert client.post(CREATE, other_region_as_sender).status_code == 403
    assert not Circular.objects.exists()
    mine = compose_data(
        country.world, sender=own_region, audience="region_relays", regions=[country.ara.pk]
    )
    assert client.post(CREATE, mine).status_code == 302


def test_test_send_emails_only_the_writer_marked_test(country: Country, client: Client) -> None:
    world = country.world
    circular = circulars.create_circular(actor=world.alice, draft=national_draft(world))
    client.force_login(world.alice)
    url = reverse("mailing:circular_test", args=[circular.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    client.post(url)  # after an edit, a second test goes out too
    tests = OutboxMessage.objects.filter(to_email="alice@example.org")
    assert tests.count() == 2 and OutboxMessage.objects.count() == 2
    test = tests.first()
    assert test is not None and test.subject == "[TEST] Rassemblements samedi"
    assert "[TEST]" in test.body_text and "bien-recu" not in test.body_text
    assert not CircularRecipient.objects.exists()
    circular.refresh_from_db()
    assert circular.status == Circular.Status.DRAFT


def test_confirmation_says_how_many_people_and_committees_then_sends(
    country: Country, client: Client
) -> None:
    world = country.world
    circular = circulars.create_circular(actor=world.alice, draft=national_draft(world))
    client.force_login(world.alice)
    url = reverse("mailing:circular_send", args=[circular.pk])
    page = client.get(url).content.decode()
    assert "3 people will receive it by email." in page
    assert "2 committees are reached through their relays." in page
    assert "1 committee has no relay" in page
    assert OutboxMessage.objects.count() == 0
    response = client.post(url)
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 3
    circular.refresh_from_db()
    assert circular.status == Circular.Status.SENT
    assert client.post(url).status_code == 403  # sent: no second send
    edit = reverse("mailing:circular_edit", args=[circular.pk])
    assert client.get(edit).status_code == 403


def test_edit_a_draft(country: Country, client: Client) -> None:
    world = country.world
    circular = circulars.create_circular(actor=world.alice, draft=national_draft(world))
    client.force_login(world.alice)
    url = reverse("mailing:circular_edit", args=[circular.pk])
    assert 'value="Rassemblements samedi"' in client.get(url).content.decode()
    client.post(url, compose_data(world, subject="Rassemblements dimanche", urgency="urgent"))
    circular.refresh_from_db()
    assert circular.subject == "Rassemblements dimanche" and circular.urgency == "urgent"


def test_outsider_gets_404_and_members_read_the_archive(country: Country, client: Client) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world))
    client.force_login(world.eve)
    assert client.get(circular.get_absolute_url()).status_code == 404
    assert "Rassemblements samedi" not in client.get(ARCHIVE).content.decode()
    client.force_login(world.charlie)  # a member, not a relay: reads it in the archive
    page = client.get(circular.get_absolute_url()).content.decode()
    assert "samedi à 11 h" in page and "Acknowledgements by committee" not in page
    assert "Rassemblements samedi" in client.get(ARCHIVE).content.decode()
    client.logout()
    # To an anonymous visitor a circular answers like a missing one.
    assert client.get(circular.get_absolute_url()).status_code == 404


def test_secret_group_circular_is_404_for_outsiders(country: Country, client: Client) -> None:
    world = country.world
    country.ara.coordinators.add(world.bob)
    draft = national_draft(
        world,
        audience=Circular.Audience.GROUP,
        group=world.secret_group,
        sender_structure=None,
        sender_territory=country.ara,
        subject="Réunion du cercle",
    )
    circular = send(world.bob, draft)
    for outsider in (world.eve, world.alice, country.claire):
        client.force_login(outsider)
        assert client.get(circular.get_absolute_url()).status_code == 404
        assert "Réunion du cercle" not in client.get(ARCHIVE).content.decode()
    client.force_login(world.charlie)
    assert client.get(circular.get_absolute_url()).status_code == 200


def test_archive_search_filter_and_pages(
    country: Country, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    world = country.world
    for number in range(22):
        send(world.alice, national_draft(world, subject=f"Information {number}"))
    send(world.alice, national_draft(world, subject="Alerte", urgency="urgent"))
    client.force_login(world.charlie)
    with django_assert_max_num_queries(14):  # the same for 23 circulars as for 1
        first = client.get(ARCHIVE).content.decode()
    assert "Alerte" in first and "Page 1 of 2" in first and "Information 0<" not in first
    assert "Information 0<" in client.get(ARCHIVE, {"page": 2}).content.decode()
    found = client.get(ARCHIVE, {"q": "information 1"}).content.decode()
    assert "Information 12" in found and "Information 2<" not in found
    urgent = client.get(ARCHIVE, {"urgency": "urgent"}).content.decode()
    assert "Alerte" in urgent and "Information 1" not in urgent


def test_acknowledgement_table_for_writers_and_coordinators(
    country: Country, client: Client
) -> None:
    world = country.world
    circular = send(world.alice, national_draft(world))
    circulars.acknowledge(CircularRecipient.objects.get(circular=circular, user=world.bob))
    client.force_login(world.alice)
    page = client.get(circular.get_absolute_url()).content.decode()
    assert "1 of 3 committees acknowledged." in page
    assert "Comité de Lyon" in page and "Bob, " in page
    assert "Comité de Montpellier" in page and "None: no relay" in page
    # Claire coordinates Auvergne-Rhône-Alpes without being a member anywhere: she sees
    # her region's committees only.
    client.force_login(country.claire)
    page = client.get(circular.get_absolute_url()).content.decode()
    assert "Comité de Lyon" in page and "Comité de Grenoble" in page
    assert "Comité de Montpellier" not in page


def test_edit_adds_and_removes_attachments(country: Country, client: Client) -> None:
    world = country.world
    client.force_login(world.alice)
    client.post(CREATE, compose_data(world, attachments=[pdf("ancien.pdf")]))
    circular = Circular.objects.get()
    (old,) = circular.attachments.all()
    stored = old.file.path
    url = reverse("mailing:circular_edit", args=[circular.pk])
    assert "ancien.pdf" in client.get(url).content.decode()
    data = compose_data(world, attachments=[pdf("nouveau.pdf")], remove_attachments=[old.pk])
    assert client.post(url, data).status_code == 302
    assert list(circular.attachments.values_list("name", flat=True)) == ["nouveau.pdf"]
    assert not Path(stored).exists()


def test_an_admin_editing_a_regional_draft_keeps_its_sender(
    country: Country, client: Client
) -> None:
    world = country.world
    regional = national_draft(world, sender_structure=None, sender_territory=country.ara)
    circular = circulars.create_circular(actor=country.claire, draft=regional)
    client.force_login(world.alice)
    url = reverse("mailing:circular_edit", args=[circular.pk])
    sender = f"territory:{country.ara.pk}"
    assert f'<option value="{sender}" selected>' in client.get(url).content.decode()
    assert (
        client.post(url, compose_data(world, sender=sender, subject="Modifié")).status_code == 302
    )
    circular.refresh_from_db()
    assert circular.sender_territory == country.ara and circular.subject == "Modifié"
