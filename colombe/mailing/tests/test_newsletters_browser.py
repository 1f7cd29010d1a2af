"""The newsletter pages in a real browser, in French, with axe-core: a visitor
subscribes on a phone 390 px wide (errors, then success), confirms, then leaves; Bob
writes an issue and reaches the sending confirmation."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.mailing import newsletters
from colombe.mailing.models import OutboxMessage, Subscription
from colombe.mailing.tests.newsletter_support import link_in, lyon_list
from tests.browser import OpenContext, assert_accessible, force_login, submit, visit
from tests.personas import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

VISITOR = "dana.visiteuse@example.net"


def phone(new_context: OpenContext) -> Page:
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_visitor_subscribes_confirms_and_leaves_on_a_phone(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    mailing_list = lyon_list(world)
    page = phone(new_context)
    visit(page, live_server.url + mailing_list.get_absolute_url())
    fits_the_screen(page)
    consent = page.get_by_label(mailing_list.consent_text)
    assert not consent.is_checked()

    page.fill("#id_email", VISITOR)
    submit(page)  # consent not ticked
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    assert not Subscription.objects.exists()

    page.fill("#id_postcode", "69003")
    page.get_by_label(mailing_list.consent_text).check()
    submit(page)
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    row = OutboxMessage.objects.get(to_email=VISITOR)

    visit(page, live_server.url + link_in(row, "abonnement"))
    assert Subscription.objects.get().status == Subscription.Status.PENDING
    submit(page)
    assert_accessible(page)
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE

    token = newsletters.unsubscribe_token(newsletters.UnsubscribeLink(mailing_list.pk, VISITOR))
    visit(page, live_server.url + reverse("mailing:unsubscribe", args=[token]))
    submit(page)
    assert_accessible(page)
    assert Subscription.objects.get().status == Subscription.Status.UNSUBSCRIBED
    preferences = reverse("mailing:preferences", args=[newsletters.preferences_token(VISITOR)])
    visit(page, live_server.url + preferences)
    fits_the_screen(page)


def test_bob_writes_an_issue_and_reaches_the_confirmation(
    live_server: LiveServer, new_context: OpenContext, world: World
) -> None:
    mailing_list = lyon_list(world)
    context = new_context()
    force_login(context, live_server.url, world.bob)
    page = context.new_page()
    visit(page, live_server.url + reverse("mailing:lists"))
    visit(page, live_server.url + mailing_list.get_absolute_url())
    visit(page, live_server.url + reverse("mailing:newsletter_write", args=[mailing_list.slug]))
    page.fill("#id_subject", "Rassemblement samedi")
    page.fill("#id_body", "Rendez-vous **place Bellecour** à 15 h.")
    submit(page)
    assert page.locator("article strong").inner_text() == "place Bellecour"
    assert_accessible(page)
    newsletter = mailing_list.newsletters.get()
    visit(page, live_server.url + reverse("mailing:newsletter_send", args=[newsletter.pk]))
    visit(page, live_server.url + reverse("mailing:list_create"))
