"""The movement's pages in a real browser: French by default, one <h1>, no axe-core
violation, for the people who use them (visitor, member, leader, national admin)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from colombe.accounts.models import User
from colombe.movement.models import Membership, Territory
from tests.browser import assert_accessible, force_login, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def open_page(browser: Browser, live_server: LiveServer, person: User | None = None) -> Page:
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(10_000)
    if person is not None:
        force_login(context, live_server.url, person)
    return context.new_page()


def test_public_pages(browser: Browser, live_server: LiveServer, world: World) -> None:
    page = open_page(browser, live_server)
    for url in [
        reverse("movement:directory"),
        reverse("movement:directory") + "?q=Tombouctou",
        reverse("movement:working_groups"),
        reverse("movement:collectives"),
        world.lyon.get_absolute_url(),
        world.collective.get_absolute_url(),
        reverse("movement:contact", args=["lyon"]),
    ]:
        visit(page, live_server.url + url)
    # The contact form with errors keeps its error summary accessible.
    visit(page, live_server.url + reverse("movement:contact", args=["lyon"]))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    page.context.close()


def test_member_and_leader_pages(browser: Browser, live_server: LiveServer, world: World) -> None:
    eve = open_page(browser, live_server, world.eve)
    visit(eve, live_server.url + reverse("movement:join", args=["lyon"]))
    eve.context.close()
    charlie = open_page(browser, live_server, world.charlie)
    visit(charlie, live_server.url + reverse("movement:leave", args=["lyon"]))
    charlie.context.close()
    bob = open_page(browser, live_server, world.bob)
    visit(bob, live_server.url + world.lyon.get_absolute_url())
    visit(bob, live_server.url + reverse("movement:members", args=["lyon"]))
    visit(bob, live_server.url + reverse("movement:description_edit", args=["lyon"]))
    charlie_membership = Membership.objects.get(user=world.charlie, structure=world.lyon)
    visit(
        bob,
        live_server.url + reverse("movement:remove_member", args=["lyon", charlie_membership.pk]),
    )
    bob.context.close()


def test_administration_pages(browser: Browser, live_server: LiveServer, world: World) -> None:
    page = open_page(browser, live_server, world.alice)
    for url in [
        reverse("movement:structure_create"),
        reverse("movement:structure_edit", args=["lyon"]),
        reverse("movement:territories"),
        reverse("movement:territory_create"),
    ]:
        visit(page, live_server.url + url)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    page.context.close()


def test_coordinator_and_partner_pages(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    region.coordinators.add(world.charlie)
    partner = world.collective.partners.get()
    page = open_page(browser, live_server, world.alice)
    for url in [
        reverse("movement:territory_coordinators", args=[region.slug]),
        reverse("movement:territory_coordinator_remove", args=[region.slug, world.charlie.pk]),
        reverse("movement:partners", args=[world.collective.slug]),
        reverse("movement:partner_remove", args=[world.collective.slug, partner.pk]),
        reverse("movement:partner_create", args=[world.collective.slug]),
    ]:
        visit(page, live_server.url + url)
    page.get_by_role("button", name="Créer et ajouter").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    visit(page, live_server.url + reverse("movement:territory_coordinators", args=[region.slug]))
    page.get_by_label("Adresse e-mail de la personne").fill("personne@example.org")
    page.get_by_role("button", name="Confier la coordination").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page)
    page.context.close()
