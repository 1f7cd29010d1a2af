"""Alice builds an edition in the browser, in French, without JavaScript being needed:
opens it, picks a proposed report, comments, sends it to proofreading, confirms the
publication and downloads the PDF. Every page has no axe-core violation."""

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from colombe.journal.models import Edition
from colombe.journal.tests.journal_helpers import add_photo, report_in_period
from colombe.journal.tests.pdf_text import pdf_text
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_alice_builds_and_publishes_an_edition(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    report = report_in_period(world, "Tractage au marché de la Croix-Rousse")
    add_photo(report, "Deux militantes tendent des tracts")
    report_in_period(world, "Réunion du groupe secret", group=world.secret_group)
    context = new_context()
    force_login(context, live_server.url, world.alice)
    page = context.new_page()
    visit(page, live_server.url + reverse("journal:archive"))
    page.click("text=Ouvrir un nouveau numéro")
    page.fill("#id_title", "Automne des comités")
    page.fill("#id_period_start", "2026-09-01")
    page.fill("#id_period_end", "2026-11-30")
    submit(page)
    edition = Edition.objects.get()
    visit(page, page.url)  # the empty workspace, with the proposals
    assert "Réunion du groupe secret" not in page.content()
    page.locator("#proposals button", has_text="Tractage au marché").click()
    page.wait_for_url("**#items")
    page.fill("#id_body", "Belle photo pour la couverture.")
    page.locator("#comments button[type=submit]").click()
    page.wait_for_url("**#comments")
    page.select_option("#id_cover_photo", index=1)
    page.locator("#details button[type=submit]").click()
    page.wait_for_url("**#details")
    workspace = live_server.url + reverse("journal:edit", args=[edition.number])
    visit(page, workspace)  # with an item, a comment and a cover
    page.locator(".workflow button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(".workflow a.button").click()
    visit(page, page.url)  # the confirmation
    submit(page)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED
    anonymous = new_context().new_page()
    visit(anonymous, live_server.url + edition.get_absolute_url())
    assert anonymous.locator("h3", has_text="Tractage au marché").count() == 1
    with anonymous.expect_download() as download:
        anonymous.locator("#pdf-status a").click()
    content = download.value.path().read_bytes()
    assert "Tractage au marché de la Croix-Rousse" in pdf_text(content)
