"""An organiser's journey in a real browser, in French: create a petition through the
form, publish it, read its statistics (charts drawn by stats.js), import a paper CSV with
one duplicate and see it reported. axe-core must find no violation on any page."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import FilePayload, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from colombe.petitions import services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
PAPER_CSV = (
    "Prénom;Nom;E-mail;Code postal;Ville\n"
    "Jeanne;Durand;jeanne@example.org;69001;Lyon\n"
    "Claire;Dupont;claire@example.org;69003;Lyon\n"
    "Marc;;;69007;Lyon\n"
)


@pytest.fixture(autouse=True)
def french(settings: Any) -> None:
    settings.LANGUAGE_CODE = "fr"


def create_through_the_form(page: Page, base: str) -> Petition:
    visit(page, base + reverse("petitions:create"))
    page.fill("#id_title", "Désarmons la ville")
    page.fill("#id_body", "Nous demandons **la paix**.\n\n- moins d'armes\n- plus d'écoles")
    page.fill("#id_addressee", "Madame la maire")
    page.fill("#id_goal", "500")
    page.fill("#id_ends_at", "2031-06-30T18:00")
    page.check("#id_collect_comment")
    submit(page)
    petition = Petition.objects.get()
    assert page.url == base + reverse("petitions:manage", args=[petition.slug])
    assert petition.status == Petition.Status.DRAFT
    return petition


def test_organiser_creates_publishes_reads_stats_and_imports_paper(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    base = live_server.url
    context = new_context()
    force_login(context, base, world.bob)
    page = context.new_page()

    petition = create_through_the_form(page, base)
    slug = petition.slug
    assert_accessible(page)  # the dashboard with its "draft saved" message

    # The invalid form keeps what was typed and is still accessible.
    visit(page, base + reverse("petitions:edit", args=[slug]))
    page.fill("#id_addressee", "")
    with page.expect_response(base + reverse("petitions:edit", args=[slug])) as answer:
        page.locator("main form button[type=submit]").click()
    assert answer.value.status == 422
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)

    visit(page, base + reverse("petitions:publish", args=[slug]))
    submit(page)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    assert_accessible(page)

    add_signature(petition, "claire@example.org", postcode="69003", town="Lyon", department="69")
    add_signature(petition, "rosa@example.org", department="75", source="mastodon")
    visit(page, base + reverse("petitions:stats", args=[slug]))
    assert page.locator("[data-chart] canvas").count() == 4  # drawn by stats.js
    assert page.locator("table").count() == 4

    visit(page, base + reverse("petitions:paper_import", args=[slug]))
    sheet: FilePayload = {
        "name": "feuilles.csv",
        "mimeType": "text/csv",
        "buffer": PAPER_CSV.encode(),
    }
    page.set_input_files("#id_file", files=[sheet])
    submit(page)
    assert page.url == base + reverse("petitions:paper_report", args=[slug])
    assert page.locator("#duplicate-rows").inner_text().strip().endswith("3")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert Signature.objects.filter(petition=petition, is_paper=True).count() == 1

    for name in ("paper_entry", "history", "manage", "close"):
        visit(page, base + reverse(f"petitions:{name}", args=[slug]))
    visit(page, base + reverse("petitions:mine"))


def test_organiser_pages_on_a_phone(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    petition = lyon_petition(world)
    services.update_petition(actor=world.alice, petition=petition, body="Un texte modifié.")
    context = new_context()
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    for name in ("manage", "edit", "history", "stats", "paper_import", "paper_entry"):
        url = live_server.url + reverse(f"petitions:{name}", args=[petition.slug])
        visit(page, url)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
