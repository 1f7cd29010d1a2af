"""The editorial calendar: posts placed on their day (Paris time), month and week views,
filters, campaign bands and clash hints; drafts never on it."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from colombe.outreach import services
from colombe.outreach.models import Campaign, CommunicationRole, Post
from colombe.outreach.tests.test_posts import Accounts, draft, scheduled
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def accounts(world: World) -> Accounts:
    return Accounts(world)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def campaign(title: str, starts_on: date, ends_on: date) -> Campaign:
    return Campaign.objects.create(
        title=title, slug=slugify(title), starts_on=starts_on, ends_on=ends_on
    )


def page(user: Any, **params: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("outreach:calendar"), params)
    assert response.status_code == 200
    return response.content.decode()


def cell(html: str, day: date) -> str:
    """The month table's cell of ``day``."""
    match = re.search(
        rf'<td class="[^"]*">\s*<p class="cal-day-number"><time datetime="{day.isoformat()}">'
        r"(.*?)</td>",
        html,
        re.S,
    )
    assert match, day
    return match.group(1)


def entry(html: str, post: Post) -> str:
    """The calendar's line of ``post``."""
    match = re.search(
        rf'<li class="cal-entry[^"]*">\s*<a href="{post.get_absolute_url()}">.*?</li>', html, re.S
    )
    assert match, post
    return match.group(0)


def test_the_calendar_is_for_members(world: World) -> None:
    url = reverse("outreach:calendar")
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(world.eve)
    assert client.get(url).status_code == 403


def test_month_view_places_posts_on_their_paris_day(world: World, accounts: Accounts) -> None:
    # 23:30 in Paris on 7 December is 22:30 UTC: still the 7th on the calendar.
    late = scheduled(world, accounts, when=at(date(2026, 12, 7), 23, 30), text="Tard le soir")
    html = page(world.frank, date="2026-12-15")
    assert "<caption>December 2026</caption>" in html
    seventh = cell(html, date(2026, 12, 7))
    assert "23:30" in seventh and "Comité de Lyon" in seventh
    assert "Facebook, Mastodon" in seventh
    assert late.get_absolute_url() in seventh
    assert late.get_absolute_url() not in cell(html, date(2026, 12, 8))


def test_published_posts_are_placed_when_published(world: World, accounts: Accounts) -> None:
    post = scheduled(world, accounts, when=at(date(2026, 12, 3), 9))
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.PUBLISHED, published_at=at(date(2026, 12, 4), 10, 15)
    )
    html = page(world.charlie, date="2026-12-01")
    assert post.get_absolute_url() not in cell(html, date(2026, 12, 3))
    fourth = cell(html, date(2026, 12, 4))
    assert post.get_absolute_url() in fourth and "10:15" in fourth and "published" in fourth


def test_drafts_and_posts_in_review_are_not_on_it(world: World, accounts: Accounts) -> None:
    waiting = draft(world, accounts, text="Brouillon secret de Lyon")
    services.submit_for_review(world.bob, waiting)
    draft(world, accounts, text="Autre brouillon")
    html = page(world.alice)
    assert "Brouillon secret" not in html and "Autre brouillon" not in html
    assert waiting.get_absolute_url() not in html


def test_week_view_and_its_navigation(world: World, accounts: Accounts) -> None:
    monday_post = scheduled(world, accounts, when=at(date(2026, 12, 7), 9))
    next_week = scheduled(world, accounts, when=at(date(2026, 12, 14), 9))
    html = page(world.charlie, vue="semaine", date="2026-12-10")
    assert "Week from 7 December to 13 December 2026" in html
    assert monday_post.get_absolute_url() in html
    assert next_week.get_absolute_url() not in html
    assert "vue=semaine&amp;date=2026-11-30" in html
    assert "vue=semaine&amp;date=2026-12-14" in html
    month = page(world.charlie, date="2026-12-10")
    assert "vue=mois&amp;date=2026-11-01" in month and "vue=mois&amp;date=2027-01-01" in month


def test_filters_by_committee_campaign_and_network(world: World, accounts: Accounts) -> None:
    day = date(2026, 12, 9)
    peace = campaign("Paix", date(2026, 12, 1), date(2026, 12, 20))
    lyon_peace = scheduled(
        world, accounts, when=at(day, 9), campaign=peace, accounts=[accounts.mastodon]
    )
    national_post = services.create_post(
        world.alice,
        structure=world.national,
        text="Communiqué national",
        link_url="",
        campaign=None,
        accounts=[accounts.national_x],
    )
    services.submit_for_review(world.alice, national_post)
    services.approve_and_schedule(second_reviewer(world), national_post, at(day, 12), [], "")
    everything = page(world.charlie, date="2026-12-01")
    assert lyon_peace.get_absolute_url() in everything
    assert national_post.get_absolute_url() in everything
    by_committee = page(world.charlie, date="2026-12-01", comite="national")
    assert national_post.get_absolute_url() in by_committee
    assert lyon_peace.get_absolute_url() not in by_committee
    by_campaign = page(world.charlie, date="2026-12-01", campagne="paix")
    assert lyon_peace.get_absolute_url() in by_campaign
    assert national_post.get_absolute_url() not in by_campaign
    by_network = page(world.charlie, date="2026-12-01", reseau="x")
    assert national_post.get_absolute_url() in by_network
    assert lyon_peace.get_absolute_url() not in by_network
    # Navigation keeps the filters.
    assert "reseau=x" in by_network.split('rel="next"')[0].rsplit("<a", 1)[1]


def second_reviewer(world: World) -> Any:
    """Someone of the communication group other than Alice, who wrote the national post."""
    CommunicationRole.objects.create(user=world.dana, structure=None, appointed_by=world.alice)
    return world.dana


def test_campaign_bands_cover_their_days(world: World) -> None:
    campaign("Désarmement", date(2026, 11, 25), date(2026, 12, 3))
    campaign("Plus tard", date(2027, 1, 5), date(2027, 1, 10))
    html = page(world.charlie, date="2026-12-01")
    bands = html.split('class="cal-bands"')[1].split("</section>")[0]
    assert "Campaigns running" in bands
    assert "Désarmement" in bands and "Plus tard" not in bands
    assert "band-0" in cell(html, date(2026, 12, 3))
    assert "band-end" in cell(html, date(2026, 12, 3))
    assert "band-0" not in cell(html, date(2026, 12, 4))


def test_clash_hints_for_one_campaign_or_one_account_within_an_hour(
    world: World, accounts: Accounts
) -> None:
    day = date(2026, 12, 9)
    peace = campaign("Paix", date(2026, 12, 1), date(2026, 12, 20))
    first = scheduled(
        world, accounts, when=at(day, 10), campaign=peace, accounts=[accounts.facebook]
    )
    close = scheduled(
        world, accounts, when=at(day, 10, 40), campaign=peace, accounts=[accounts.bluesky]
    )
    far = scheduled(world, accounts, when=at(day, 12), campaign=peace, accounts=[accounts.bluesky])
    same_account = scheduled(world, accounts, when=at(day, 12, 30), accounts=[accounts.bluesky])
    html = page(world.charlie, date="2026-12-01")
    entries = {post.pk: entry(html, post) for post in [first, close, far, same_account]}
    assert "same campaign (Paix)" in entries[first.pk]
    assert "same campaign (Paix)" in entries[close.pk]
    assert "cal-clash" in entries[far.pk] and "same account" in entries[far.pk]
    assert "same campaign" not in entries[far.pk]
    assert "same account" in entries[same_account.pk]
    assert "4 posts are within an hour" in html
