"""The field-action story in a real browser, in French: Bob plans a leaflet distribution
with two slots, Charlie and Dana sign up, Bob reads his volunteer list and turns the
action into a report. Every page on the way has no axe-core violation, and the agenda
and the action's page fit a phone's width."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.actions.models import Action, SignUp
from colombe.actions.tests.plan_helpers import move_to_the_past
from colombe.reports.models import ActionReport
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE_WIDTH = 360


def click_and_wait(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def plan_with_the_form(page: Page, base: str) -> Action:
    form_url = base + reverse("actions:create") + "?comite=lyon"
    visit(page, form_url)
    page.fill("#id_title", "")
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)  # the form with its error summary
    day = (timezone.localtime() + timedelta(days=6)).date()
    page.select_option("#id_kind", "leaflets")
    page.fill("#id_title", "Distribution de tracts au marché Saint-Antoine")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "10:00")
    page.fill("#id_end_time", "14:00")
    page.fill("#id_place", "Quai Saint-Antoine")
    page.fill("#id_town", "Lyon")
    page.fill("#id_latitude", "45.76320")
    page.fill("#id_longitude", "4.83030")
    page.fill("#id_material", "300 tracts, une table")
    submit(page)
    return Action.objects.get()


def add_slot(page: Page, base: str, action: Action, label: str, hours: tuple[str, str]) -> None:
    visit(page, base + reverse("actions:slot_add", args=[action.slug]))
    page.fill("#id_label", label)
    page.fill("#id_start_time", hours[0])
    page.fill("#id_end_time", hours[1])
    page.fill("#id_capacity", "3")
    submit(page)


def test_bob_plans_volunteers_sign_up_and_it_becomes_a_report(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    base = live_server.url
    bob = new_context()
    force_login(bob, base, world.bob)
    page = bob.new_page()
    action = plan_with_the_form(page, base)
    assert page.url == base + action.get_absolute_url()
    add_slot(page, base, action, "Distribuer de 10 h à 12 h", ("10:00", "12:00"))
    add_slot(page, base, action, "Distribuer de 12 h à 14 h", ("12:00", "14:00"))
    first, second = action.slots.order_by("position")

    charlie_context = new_context()
    force_login(charlie_context, base, world.charlie)
    charlie = charlie_context.new_page()
    visit(charlie, base + action.get_absolute_url())
    charlie.locator(f"#slot-{first.pk} summary").click()
    charlie.fill(f"#id_slot{first.pk}_phone", "06 12 34 56 78")
    charlie.check(f"#id_slot{first.pk}_share_phone")
    click_and_wait(charlie, f"#slot-{first.pk} form button[type=submit]")
    assert charlie.locator(f"#slot-{first.pk} .signed-up").count() == 1
    visit(charlie, charlie.url)

    dana_context = new_context()
    force_login(dana_context, base, world.dana)
    dana = dana_context.new_page()
    dana.goto(base + action.get_absolute_url())
    click_and_wait(dana, f"#slot-{second.pk} form button[type=submit]")
    assert SignUp.objects.filter(slot__action=action).count() == 2

    visit(page, base + reverse("actions:volunteers", args=[action.slug]))
    table = page.locator(".volunteer-table").inner_text()
    assert "06 12 34 56 78" in table and "Dana" in table

    move_to_the_past(action)  # the report is written once the action took place
    visit(page, base + action.get_absolute_url())
    click_and_wait(page, "form[action$='/compte-rendu/'] button")
    report = ActionReport.objects.get()
    assert page.url == base + reverse("reports:edit", args=[report.slug])
    assert (report.people_reached, report.town) == (2, "Lyon")

    phone = new_context()
    phone_page = phone.new_page()
    phone_page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    for url in [reverse("actions:agenda"), action.get_absolute_url()]:
        visit(phone_page, base + url)
        assert fits_the_width(phone_page), url
