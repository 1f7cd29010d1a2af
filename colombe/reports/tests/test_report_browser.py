"""Reporting from a phone, in French: Bob reports a leaflet distribution with a photo and
#désarmement on a 390-px-wide screen and publishes it; the form and the report page have
no axe-core violation, and the draft is saved automatically."""

from pathlib import Path

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from colombe.reports.models import ActionReport
from colombe.reports.tests.report_helpers import jpeg_with_gps
from tests.browser import OpenContext, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_bob_reports_a_leaflet_distribution_from_a_phone(
    live_server: LiveServer, new_context: OpenContext, world: World, tmp_path: Path
) -> None:
    photo_path = tmp_path / "tractage.jpg"
    photo_path.write_bytes(jpeg_with_gps((800, 600)).read())
    context = new_context()
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, live_server.url + reverse("reports:create"))
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    page.check("#id_kind_0")  # leaflet distribution
    page.fill("#id_title", "Distribution de tracts au marché")
    page.fill("#id_town", "Lyon")
    page.fill("#id_people_reached", "150")
    page.fill("#id_body", "Beaucoup de jeunes intéressés. #désarmement")
    page.set_input_files("#id_photo", str(photo_path))
    page.fill("#id_photo_alt", "Deux militants tendent des tracts devant un étal")
    submit(page)  # the last button: "Publish"
    report = ActionReport.objects.get()
    assert report.status == ActionReport.Status.PUBLISHED
    assert page.url == live_server.url + report.get_absolute_url()
    visit(page, page.url)
    image = page.locator(".report-photos img")
    assert image.get_attribute("alt") == "Deux militants tendent des tracts devant un étal"
    assert page.evaluate("document.querySelector('.report-photos img').naturalWidth") == 480
    tag = page.locator(".hashtags a")
    assert tag.inner_text() == "#désarmement"
    assert page.evaluate(no_overflow)


def test_draft_is_saved_automatically(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    context = new_context()
    force_login(context, live_server.url, world.charlie)
    page = context.new_page()
    page.clock.install()
    page.goto(live_server.url + reverse("reports:create") + "?structure=lyon")
    page.fill("#id_title", "Stand à la fête du quartier")
    page.clock.run_for(11_000)
    status = page.locator(".autosave-status")
    status.filter(has_text=":").wait_for()
    report = ActionReport.objects.get()
    assert report.status == ActionReport.Status.DRAFT and report.author == world.charlie
    assert page.url.endswith(reverse("reports:edit", args=[report.slug]))
    page.fill("#id_town", "Vénissieux")
    page.clock.run_for(11_000)
    for _attempt in range(50):  # the save is asynchronous: wait up to 5 s for it
        report.refresh_from_db()
        if report.town:
            break
        page.wait_for_timeout(100)
    assert report.town == "Vénissieux" and ActionReport.objects.count() == 1
