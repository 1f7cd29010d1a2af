"""A member browses the registry in a real browser: the hub, the list with a filter, an
account off the naming convention with its suggested label and pictures, the charter,
and the "Relais jeunes" form, on a computer and on a phone; no axe-core violation and
no horizontal scrolling."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from colombe.movement.models import Structure
from colombe.outreach import registry_services as services
from colombe.outreach.models import NamingRule, Network, OutreachVolunteer
from colombe.outreach.tests.registry_helpers import make_account
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 360, "height": 740}
COMPUTER: ViewportSize = {"width": 1200, "height": 900}


def assert_fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)
    page.set_viewport_size(COMPUTER)


def test_a_member_browses_the_registry_charter_and_offers_help(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    NamingRule.objects.create(
        owner_kind=Structure.Kind.COMMITTEE,
        label_template="{movement} — {name}",
        bio_template="Le {name} de {movement}, en {place}.",
    )
    off = make_account(world.lyon, label="Colombe Lyon", handle="@colombe_lyon_officiel")
    make_account(world.national, network=Network.BLUESKY, handle="colombe.bsky.social")
    services.create_charter_page(
        world.alice, title="Notre ton", body="Nous parlons **simplement**.", position=0
    )
    services.add_checklist_item(world.alice, "Chaque image a-t-elle une description ?")
    context = new_context()
    force_login(context, live_server.url, world.charlie)
    page = context.new_page()
    page.set_viewport_size(COMPUTER)

    visit(page, live_server.url + reverse("outreach:home"))
    # Locators by address and id: the French wording comes later, from the translator.
    page.locator(f"main a[href='{reverse('outreach:accounts')}']").first.click()
    page.wait_for_url("**/reseaux/comptes/")
    visit(page, page.url)
    assert page.locator("tbody tr").count() == 2
    assert_fits_a_phone(page)

    page.locator("#id_off_convention").check()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**off_convention=on**")
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="Colombe Lyon").click()
    page.wait_for_url(f"**{off.get_absolute_url()}")
    visit(page, page.url)
    assert page.locator("#suggested-label").input_value() == "Colombe — Comité de Lyon"
    assert page.locator("#suggested-bio").input_value() == "Le Comité de Lyon de Colombe, en Rhône."
    avatar_loaded = page.evaluate(
        "() => [...document.querySelectorAll('.identity-previews img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert avatar_loaded
    assert_fits_a_phone(page)

    visit(page, live_server.url + reverse("outreach:charter"))
    page.get_by_role("link", name="Notre ton").click()
    page.wait_for_url("**/charte/page/notre-ton/")
    visit(page, page.url)
    assert page.locator(".charter-body strong").inner_text() == "simplement"
    assert_fits_a_phone(page)

    visit(page, live_server.url + reverse("outreach:volunteer"))
    page.locator("#id_creates_content").check()
    page.locator("#id_networks").fill("Instagram")
    submit(page)
    assert OutreachVolunteer.objects.get(user=world.charlie).networks == "Instagram"
    visit(page, page.url)
    assert_fits_a_phone(page)
