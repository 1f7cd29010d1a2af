"""Posts, calendar and campaigns in a real browser: the live length counters, charts
drawn from the page's figures, the month readable on a phone, no axe-core violation."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from colombe.outreach import services
from colombe.outreach.models import Campaign, ChecklistItem, PostTarget, ShortLink, ShortLinkVisits
from colombe.outreach.tests.test_posts import Accounts, draft, in_review, media, png, scheduled
from tests.browser import OpenContext, force_login, visit
from tests.personas import World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(media.__name__),
]


@pytest.fixture
def alice_page(live_server: LiveServer, new_context: OpenContext, world: World) -> Page:
    context = new_context()
    force_login(context, live_server.url, world.alice)
    return context.new_page()


def counter_figures(text: str) -> tuple[str, list[str]]:
    """The network and the figures of a counter, whatever the page's language."""
    return text.split(maxsplit=1)[0].rstrip(":"), re.findall(r"\d+", text)


def test_composer_counts_per_network_as_you_type(
    live_server: LiveServer, alice_page: Page, world: World
) -> None:
    accounts = Accounts(world)
    visit(alice_page, live_server.url + reverse("outreach:post_create"))
    alice_page.locator("#id_text").fill("a" * 290)
    alice_page.locator("#id_link_url").fill("")
    alice_page.locator(f"input[name=accounts][value='{accounts.bluesky.pk}']").check()
    alice_page.locator(f"input[name=accounts][value='{accounts.mastodon.pk}']").check()
    counters = alice_page.locator("#length-counters li")
    assert [counter_figures(text) for text in counters.all_inner_texts()] == [
        ("Bluesky", ["290", "300"]),
        ("Mastodon", ["290", "500"]),
    ]
    # A link counts 23 characters, after two line breaks: 315, too long for Bluesky.
    alice_page.locator("#id_link_url").fill("https://example.org/" + "x" * 80)
    assert counter_figures(counters.first.inner_text()) == ("Bluesky", ["315", "300", "15"])
    assert alice_page.locator("#length-counters .over-limit").count() == 1


def test_post_pages_are_accessible(live_server: LiveServer, alice_page: Page, world: World) -> None:
    accounts = Accounts(world)
    ChecklistItem.objects.create(text="L'image est-elle décrite ?")
    post = draft(world, accounts, accounts=[accounts.facebook, accounts.mastodon])
    services.add_image(world.bob, post, png(), "Une colombe bleue")
    services.add_comment(world.charlie, post, "Bien !")
    services.submit_for_review(world.bob, post)
    url = live_server.url
    visit(alice_page, url + reverse("outreach:posts") + "?onglet=review")
    visit(alice_page, url + post.get_absolute_url())
    visit(alice_page, url + reverse("outreach:post_review", args=[post.pk]))
    services.approve_and_schedule(world.alice, post, timezone.now() + timedelta(days=1), [], "")
    target = PostTarget.objects.get(post=post, account=accounts.facebook)
    visit(alice_page, url + reverse("outreach:target_record", args=[post.pk, target.pk]))
    visit(alice_page, url + reverse("outreach:post_delete", args=[post.pk]))
    editable = draft(world, accounts)
    services.add_image(world.bob, editable, png(), "Affiche")
    visit(alice_page, url + reverse("outreach:post_edit", args=[editable.pk]))


def test_calendar_month_week_and_phone(
    live_server: LiveServer, alice_page: Page, world: World
) -> None:
    accounts = Accounts(world)
    today = timezone.localdate()
    Campaign.objects.create(
        title="Paix", slug="paix", starts_on=today, ends_on=today + timedelta(days=3)
    )
    when = timezone.now() + timedelta(hours=2)
    scheduled(world, accounts, when=when, accounts=[accounts.facebook])
    scheduled(world, accounts, when=when + timedelta(minutes=20), accounts=[accounts.facebook])
    in_review(world, accounts, text="Pas encore relu")
    url = live_server.url + reverse("outreach:calendar")
    visit(alice_page, url)
    assert alice_page.locator(".cal-clash").count() == 2
    visit(alice_page, url + "?vue=semaine")
    alice_page.set_viewport_size({"width": 360, "height": 740})
    visit(alice_page, url)
    # On a phone the month is a list: nothing wider than the screen.
    assert alice_page.evaluate("document.documentElement.scrollWidth") <= 360
    cell_display = "getComputedStyle(document.querySelector('.cal-month tr')).display"
    assert alice_page.evaluate(cell_display) == "block"
    assert alice_page.locator(".cal-clash").first.is_visible()
    alice_page.screenshot(path="/tmp/h4-calendar-phone.png", full_page=True)
    alice_page.set_viewport_size({"width": 1200, "height": 900})
    alice_page.screenshot(path="/tmp/h4-calendar.png", full_page=True)


def test_campaign_pages_draw_their_charts(
    live_server: LiveServer, alice_page: Page, world: World
) -> None:
    accounts = Accounts(world)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="Paix", slug="paix", starts_on=today - timedelta(days=5), ends_on=today
    )
    post = scheduled(world, accounts, campaign=campaign, accounts=[accounts.mastodon])
    PostTarget.objects.filter(post=post).update(state=PostTarget.State.PUBLISHED, likes=3)
    link = ShortLink.objects.create(code="paix", target="/", title="Tract", campaign=campaign)
    ShortLinkVisits.objects.create(link=link, day=today, visits=4)
    url = live_server.url
    visit(alice_page, url + reverse("outreach:campaigns"))
    visit(alice_page, url + reverse("outreach:campaign_create"))
    visit(alice_page, url + campaign.get_absolute_url())
    assert alice_page.locator("canvas[role=img]").count() == 3
