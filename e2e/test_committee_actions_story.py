"""What the committees do, end to end in a real browser, in French (issue 5):

Bob reports a leaflet distribution with a photo and #désarmement from a 390-px-wide
screen; Dana finds it through the hashtag page (written without its accent) and through
search; Eve never finds the secret group's report, neither there nor in the feed; Alice
builds a journal edition from the period's reports, publishes it, and the PDF has Bob's
report on a page that draws its photo. Every page visited has zero axe-core violations.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.journal.models import Edition
from colombe.journal.tests.pdf_text import page_texts, pages_with_images
from colombe.reports.models import ActionReport
from colombe.reports.tests.report_helpers import jpeg_with_gps, make_report
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "Tractage Pic-Épeiche au marché"
SECRET_TITLE = "Tractage Chouette-Hulotte"


def report_from_a_phone(page: Page, base: str, photo: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, base + reverse("reports:create"))
    page.check("#id_kind_0")  # leaflet distribution
    page.fill("#id_title", TITLE)
    page.fill("#id_town", "Lyon")
    page.fill("#id_people_reached", "90")
    page.fill("#id_body", "Bon accueil au marché, beaucoup de questions. #désarmement")
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_photo_alt", "Deux militants tendent des tracts devant un étal")
    submit(page)  # the last button: "Publier"


def texts_of(page: Page, base: str, *paths: str) -> str:
    found = []
    for path in paths:
        visit(page, base + path)
        found.append(page.locator("main").inner_text())
    return "\n".join(found)


def build_and_publish_an_edition(page: Page, base: str) -> Edition:
    today = timezone.localdate()
    visit(page, base + reverse("journal:open"))
    page.fill("#id_title", "Les comités en actions")
    page.fill("#id_period_start", (today - timedelta(days=30)).isoformat())
    page.fill("#id_period_end", today.isoformat())
    submit(page)
    edition = Edition.objects.get()
    visit(page, page.url)  # the workspace, with the period's proposals
    assert SECRET_TITLE not in page.content()
    page.locator("#proposals button", has_text=TITLE).click()
    page.wait_for_url("**#items")
    visit(page, base + reverse("journal:edit", args=[edition.number]))
    page.locator(".workflow button[type=submit]").click()  # to proofreading
    page.wait_for_load_state()
    page.locator(".workflow a.button").click()
    visit(page, page.url)  # the confirmation
    submit(page)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED
    return edition


def test_a_field_action_reaches_the_hashtag_page_search_and_the_journal(
    live_server: LiveServer, new_context: OpenContext, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    make_report(world, title=SECRET_TITLE, group=world.secret_group, body="En secret. #désarmement")
    photo = tmp_path / "tractage.jpg"
    photo.write_bytes(jpeg_with_gps((800, 600)).read())

    bob = new_context()
    force_login(bob, base, world.bob)
    report_from_a_phone(bob.new_page(), base, photo)
    report = ActionReport.objects.get(title=TITLE)
    assert report.status == ActionReport.Status.PUBLISHED

    dana = new_context()
    force_login(dana, base, world.dana)
    seen_by_dana = texts_of(
        dana.new_page(),
        base,
        reverse("core:hashtag", args=["desarmement"]),
        reverse("core:search") + "?q=d%C3%A9sarmement",
    )
    assert seen_by_dana.count(TITLE) == 2

    eve = new_context()
    force_login(eve, base, world.eve)
    seen_by_eve = texts_of(
        eve.new_page(),
        base,
        reverse("core:hashtag", args=["désarmement"]),
        reverse("core:search") + "?q=Chouette-Hulotte",
        reverse("reports:feed") + "?hashtag=desarmement",
    )
    assert TITLE in seen_by_eve and SECRET_TITLE not in seen_by_eve

    alice = new_context()
    force_login(alice, base, world.alice)
    edition = build_and_publish_an_edition(alice.new_page(), base)
    reader = new_context().new_page()
    visit(reader, base + edition.get_absolute_url())
    with reader.expect_download() as download:
        reader.locator("#pdf-status a").click()
    pdf = download.value.path().read_bytes()
    pages = page_texts(pdf)
    report_pages = [number for number, text in enumerate(pages, start=1) if TITLE in text]
    assert report_pages, "the report is not in the PDF"
    assert set(report_pages) & set(pages_with_images(pdf)), "its photo is not on its page"
    assert SECRET_TITLE not in "\n".join(pages)
