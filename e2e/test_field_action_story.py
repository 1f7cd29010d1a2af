"""A committee's field action and its members helping one another, end to end in a real
browser, in French (issue 9):

Bob plans a leaflet distribution at the market with two slots; Charlie (sharing his
phone number) and Dana sign up, one slot each. From the action's page Bob opens the
printing page, chooses the national office's A5 leaflet, has its QR code lead to the
action, looks at the preview and downloads the PDF: an A5 page with 3 mm of bleed, with
the headline, the committee's name and the action's address. He prints the volunteer
sheet, which lists Charlie (with his phone) and Dana, then turns the action into a
report (once it took place), prefilled with its title, its town and the two volunteers.

Dana says she can help with video meetings. Monique, an older member of the Lyon
committee, asks for help with them; Dana is told by email and offers; Monique reads what
accepting shares and accepts, and only then do they see each other's email address; once
they have met, both confirm that the help took place. Every page visited has zero
axe-core violations.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, Response
from pytest_django.live_server_helper import LiveServer

from colombe.actions.models import Action, PrintTemplate, Slot
from colombe.actions.tests.plan_helpers import move_to_the_past
from colombe.actions.tests.print_helpers import HEADLINE, make_template
from colombe.actions.tests.test_browser import add_slot, click_and_wait, plan_with_the_form
from colombe.actions.tests.test_printing import A5, BLEED, page_boxes, size_of
from colombe.journal.tests.pdf_text import pdf_text
from colombe.reports.models import ActionReport
from colombe.training.models import MentoringRequest, Topic
from colombe.training.tests.training_helpers import approve, make_topic, member_of
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CHARLIE_PHONE = "06 12 34 56 78"
LEAFLET_NAME = "Tract A5 — Désarmons la paix"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """The template's picture goes to the test's own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def logged_in_page(new_context: OpenContext, base: str, user: Any) -> Page:
    context: BrowserContext = new_context()
    force_login(context, base, user)
    return context.new_page()


def check_page(page: Page, response: Response | None) -> None:
    assert response is not None and response.status == 200, page.url
    assert page.locator("html").get_attribute("lang") == "fr", page.url
    assert_accessible(page)


def follow_link(page: Page, path: str) -> None:
    """Click the link to ``path`` (whatever its query) and check the page it opens."""
    with page.expect_navigation() as navigation:
        page.locator(f"main a[href='{path}'], main a[href^='{path}?']").first.click()
    check_page(page, navigation.value)


def sign_up(page: Page, base: str, action: Action, slot: Slot, phone: str = "") -> None:
    visit(page, base + action.get_absolute_url())
    if phone:
        page.locator(f"#slot-{slot.pk} summary").click()
        page.fill(f"#id_slot{slot.pk}_phone", phone)
        page.check(f"#id_slot{slot.pk}_share_phone")
    click_and_wait(page, f"#slot-{slot.pk} form button[type=submit]")
    assert page.locator(f"#slot-{slot.pk} .signed-up").count() == 1
    assert_accessible(page)


def print_the_leaflet(page: Page, base: str, action: Action, world: World) -> bytes:
    """From the action's page: the A5 leaflet for Lyon, its QR code leading to the
    action; the preview, then the PDF."""
    visit(page, base + action.get_absolute_url())
    follow_link(page, reverse("actions:print_material"))
    page.select_option("#id_template", label=LEAFLET_NAME)
    page.select_option("#id_committee", label=world.lyon.name)
    page.select_option("#id_target", f"action-{action.pk}")
    with page.expect_navigation() as navigation:
        page.locator("form.print-choice button[type=submit]").click()
    check_page(page, navigation.value)
    preview = page.locator(".print-preview").inner_text()
    assert HEADLINE in preview and world.lyon.name in preview
    with page.expect_download() as download:
        page.locator(".print-downloads a.button").click()
    assert download.value.suggested_filename.endswith("-lyon.pdf")
    return download.value.path().read_bytes()


def assert_a5_leaflet_with_bleed(pdf: bytes, action: Action, world: World) -> None:
    (boxes,) = page_boxes(pdf)
    assert size_of(boxes["TrimBox"]) == pytest.approx(A5, abs=0.02)
    with_bleed = (A5[0] + 2 * BLEED, A5[1] + 2 * BLEED)
    assert size_of(boxes["MediaBox"]) == pytest.approx(with_bleed, abs=0.02)
    text = pdf_text(pdf)
    assert HEADLINE in text and world.lyon.name in text
    # Where the QR code leads, as people type it (the PDF breaks the long address).
    assert action.get_absolute_url() in "".join(text.split())


def volunteer_sheet(page: Page, base: str, action: Action) -> str:
    """The sheet linked from the action's page, fetched with Bob's session."""
    visit(page, base + action.get_absolute_url())
    sheet_path = reverse("actions:volunteer_sheet", args=[action.slug])
    assert page.locator(f"main a[href='{sheet_path}']").count() == 1
    response = page.request.get(base + sheet_path)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.body())


def plan_print_and_report(new_context: OpenContext, base: str, world: World) -> None:
    bob = logged_in_page(new_context, base, world.bob)
    action = plan_with_the_form(bob, base)
    add_slot(bob, base, action, "Distribuer de 10 h à 12 h", ("10:00", "12:00"))
    add_slot(bob, base, action, "Distribuer de 12 h à 14 h", ("12:00", "14:00"))
    morning, noon = action.slots.order_by("position")
    sign_up(logged_in_page(new_context, base, world.charlie), base, action, morning, CHARLIE_PHONE)
    sign_up(logged_in_page(new_context, base, world.dana), base, action, noon)

    leaflet = print_the_leaflet(bob, base, action, world)
    assert_a5_leaflet_with_bleed(leaflet, action, world)
    sheet = volunteer_sheet(bob, base, action)
    assert action.title in sheet
    assert morning.label in sheet and noon.label in sheet
    assert world.charlie.display_name in sheet and CHARLIE_PHONE in sheet
    assert world.dana.display_name in sheet

    # The day after: the action took place, it can become a report.
    action = move_to_the_past(action)
    visit(bob, base + action.get_absolute_url())
    click_and_wait(bob, "form[action$='/compte-rendu/'] button")
    assert_accessible(bob)  # the draft report's form
    report = ActionReport.objects.get()
    assert bob.url == base + reverse("reports:edit", args=[report.slug])
    assert (report.title, report.town, report.people_reached) == (action.title, "Lyon", 2)
    assert bob.locator("#id_title").input_value() == action.title


def paths_in_last_email(to: str) -> list[str]:
    """The paths of the addresses in the last email sent to ``to``."""
    message = [message for message in mail.outbox if to in message.to][-1]
    return [urlsplit(word).path for word in message.body.split() if word.startswith("http")]


def monique_asks_for_help(page: Page, base: str, topic: Topic) -> MentoringRequest:
    visit(page, base + reverse("training:home"))
    follow_link(page, reverse("training:mentoring"))
    follow_link(page, reverse("training:mentoring_ask"))
    page.select_option("#id_topic", str(topic.pk))
    page.fill("#id_availability", "Le mardi après-midi")
    page.fill("#id_details", "On ne m'entend pas pendant les visios du comité.")
    page.check("#id_in_person")
    submit(page)
    asked = MentoringRequest.objects.get()
    assert page.url == base + asked.get_absolute_url()
    assert_accessible(page)
    return asked


def dana_helps_monique(new_context: OpenContext, base: str, world: World) -> None:
    approve(world.dana, world.lyon)
    topic = make_topic()
    dana = logged_in_page(new_context, base, world.dana)
    visit(dana, base + reverse("training:skills"))
    dana.check(f"#id_teach_{topic.pk}")
    submit(dana)
    assert dana.locator(f"#id_teach_{topic.pk}").is_checked()

    monique = logged_in_page(new_context, base, member_of(world.lyon, "Monique"))
    asked = monique_asks_for_help(monique, base, topic)
    request_path = asked.get_absolute_url()
    monique_writes_to = f"a[href='mailto:{asked.requester.email}']"
    dana_writes_to = f"a[href='mailto:{world.dana.email}']"

    # Dana is told by email, offers; Monique's address stays hidden until she accepts.
    assert request_path in paths_in_last_email(world.dana.email)
    visit(dana, base + request_path)
    submit(dana)  # "I can help"
    asked.refresh_from_db()
    assert (asked.status, asked.mentor) == (MentoringRequest.Status.PAIRED, world.dana)
    assert_accessible(dana)
    assert dana.locator(monique_writes_to).count() == 0

    assert request_path in paths_in_last_email(asked.requester.email)
    visit(monique, base + request_path)
    assert monique.locator(dana_writes_to).count() == 0
    follow_link(monique, reverse("training:mentoring_accept", args=[asked.pk]))
    submit(monique)  # "Accept and share my email address"
    assert monique.locator(dana_writes_to).count() == 1
    assert_accessible(monique)

    # Once they have met, both say the help took place.
    assert request_path in paths_in_last_email(world.dana.email)
    visit(dana, base + request_path)
    assert dana.locator(monique_writes_to).count() == 1
    submit(dana)  # "The help took place"
    submit(monique)
    asked.refresh_from_db()
    assert asked.status == MentoringRequest.Status.DONE
    visit(dana, base + reverse("training:mentoring"))
    assert dana.locator(f"main a[href='{request_path}']").count() == 1


def test_a_leaflet_distribution_is_planned_printed_and_reported_and_members_help(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    base = live_server.url
    make_template(
        PrintTemplate.Kind.LEAFLET,
        PrintTemplate.PageSize.A5,
        name=LEAFLET_NAME,
        image_size=(1200, 900),
    )
    plan_print_and_report(new_context, base, world)
    dana_helps_monique(new_context, base, world)
