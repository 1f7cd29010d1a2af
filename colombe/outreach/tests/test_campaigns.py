"""Campaigns: who manages them, and the dashboard's figures from the posts' targets and
the short links' daily visits."""

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.core.models import AuditEntry
from colombe.outreach import campaign_views
from colombe.outreach.models import Campaign, Post, PostTarget, ShortLink, ShortLinkVisits
from colombe.outreach.tests.test_posts import Accounts, draft, scheduled
from tests.personas import World

pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def accounts(world: World) -> Accounts:
    return Accounts(world)


@pytest.fixture
def peace(world: World) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        title="Paix",
        slug="paix",
        starts_on=today - timedelta(days=4),
        ends_on=today + timedelta(days=10),
        created_by=world.alice,
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides: str) -> dict[str, str]:
    return {
        "title": "Désarmement nucléaire",
        "description": "Un mois d'actions.",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "hashtags_text": "#désarmement #paix",
        **overrides,
    }


def test_campaign_pages_and_who_gets_what(world: World, peace: Campaign) -> None:
    pages = [
        reverse("outreach:campaigns"),
        reverse("outreach:campaign", args=[peace.slug]),
    ]
    managing = [
        reverse("outreach:campaign_create"),
        reverse("outreach:campaign_edit", args=[peace.slug]),
    ]
    assert Client().get(pages[0]).status_code == 302
    assert Client().get(pages[1]).status_code == 404
    for url in pages:
        assert logged_in(world.eve).get(url).status_code in (403, 404)
        assert logged_in(world.charlie).get(url).status_code == 200
    assert logged_in(world.eve).get(pages[1]).status_code == 404
    assert logged_in(world.eve).get(managing[1]).status_code == 404
    for url in managing:
        assert logged_in(world.bob).get(url).status_code == 403
        assert logged_in(world.alice).get(url).status_code == 200


def test_the_group_creates_and_edits_a_campaign(world: World) -> None:
    response = logged_in(world.alice).post(reverse("outreach:campaign_create"), form())
    campaign = Campaign.objects.get(title="Désarmement nucléaire")
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    assert campaign.slug == "desarmement-nucleaire"
    assert sorted(campaign.hashtags.values_list("name", flat=True)) == ["désarmement", "paix"]
    edit = reverse("outreach:campaign_edit", args=[campaign.slug])
    refused = logged_in(world.alice).post(edit, form(ends_on="2026-11-01"))
    assert refused.status_code == 422
    assert "must end on or after its start" in refused.content.decode()
    logged_in(world.alice).post(edit, form(title="Désarmement", hashtags_text=""))
    campaign.refresh_from_db()
    assert campaign.title == "Désarmement" and campaign.slug == "desarmement-nucleaire"
    assert not campaign.hashtags.exists()


def test_the_list_shows_running_campaigns_with_their_post_count(
    world: World, accounts: Accounts, peace: Campaign
) -> None:
    draft(world, accounts, campaign=peace)
    html = logged_in(world.charlie).get(reverse("outreach:campaigns")).content.decode()
    assert "Paix" in html and "running" in html and "1 post" in html


def chart_data(html: str) -> Any:
    """The figures the page gives its charts (a json_script element)."""
    return json.loads(
        html.split('id="campaign-data" type="application/json">')[1].split("</script>")[0]
    )


def table_rows(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_dashboard_sums_targets_per_network_and_state(
    world: World, accounts: Accounts, peace: Campaign
) -> None:
    first = scheduled(
        world, accounts, campaign=peace, accounts=[accounts.mastodon, accounts.facebook]
    )
    second = scheduled(world, accounts, campaign=peace, accounts=[accounts.mastodon])
    draft(world, accounts, campaign=peace)
    scheduled(world, accounts, accounts=[accounts.mastodon])  # another campaign's: not counted
    PostTarget.objects.filter(post=first, account=accounts.mastodon).update(
        state=PostTarget.State.PUBLISHED, boosts=4, likes=10, replies=1
    )
    PostTarget.objects.filter(post=second).update(
        state=PostTarget.State.PUBLISHED, boosts=2, likes=5, replies=0
    )
    PostTarget.objects.filter(post=first, account=accounts.facebook).update(
        state=PostTarget.State.FAILED, likes=99
    )
    Post.objects.filter(pk=second.pk).update(status=Post.Status.PUBLISHED)
    html = (
        logged_in(world.frank).get(reverse("outreach:campaign", args=[peace.slug])).content.decode()
    )
    # Network; waiting, being sent, will try again, published, failed; shares, likes, replies.
    assert table_rows(html, "network-figures") == [
        ["Facebook", "0", "0", "0", "0", "1", "0", "0", "0"],
        ["Mastodon", "0", "0", "0", "2", "0", "6", "15", "1"],
    ]
    data = chart_data(html)
    assert data["published"] == {
        "labels": ["Facebook", "Mastodon"],
        "datasets": [{"label": "Published", "counts": [0, 2]}],
    }
    assert [dataset["counts"] for dataset in data["engagement"]["datasets"]] == [
        [0, 6],
        [0, 15],
        [0, 1],
    ]


def test_dashboard_counts_posts_by_state_among_those_the_reader_sees(
    world: World, accounts: Accounts, peace: Campaign
) -> None:
    draft(world, accounts, campaign=peace)
    scheduled(world, accounts, campaign=peace)
    lyon = logged_in(world.charlie).get(reverse("outreach:campaign", args=[peace.slug]))
    assert "2 posts" in lyon.content.decode()
    # Frank (another structure) does not see Lyon's draft, nor does it count for him.
    other = logged_in(world.frank).get(reverse("outreach:campaign", args=[peace.slug]))
    assert "1 post" in other.content.decode()


def test_dashboard_clicks_per_day_from_short_links(world: World, peace: Campaign) -> None:
    start = peace.starts_on
    tract = ShortLink.objects.create(code="tract", target="/", title="Tract", campaign=peace)
    poster = ShortLink.objects.create(code="affiche", target="/", title="Affiche", campaign=peace)
    other = ShortLink.objects.create(code="autre", target="/", title="Autre")
    ShortLinkVisits.objects.create(link=tract, day=start, visits=3)
    ShortLinkVisits.objects.create(link=poster, day=start, visits=4)
    ShortLinkVisits.objects.create(link=tract, day=start + timedelta(days=2), visits=5)
    ShortLinkVisits.objects.create(link=other, day=start, visits=100)
    html = (
        logged_in(world.charlie)
        .get(reverse("outreach:campaign", args=[peace.slug]))
        .content.decode()
    )
    assert "12 visits" in html
    data = chart_data(html)
    clicks = data["clicks"]
    # From the start of the campaign to today, zero days included.
    assert clicks["labels"][0] == start.isoformat()
    assert clicks["labels"][-1] == timezone.localdate().isoformat()
    assert clicks["datasets"][0]["counts"][:4] == [7, 0, 5, 0]
    rows = table_rows(html, "clicks-per-day")
    assert rows[0][1] == "7" and rows[2][1] == "5"


def test_visits_before_the_campaign_extend_the_chart(world: World, peace: Campaign) -> None:
    link = ShortLink.objects.create(code="avant", target="/", title="Avant", campaign=peace)
    early = peace.starts_on - timedelta(days=3)
    ShortLinkVisits.objects.create(link=link, day=early, visits=2)
    html = (
        logged_in(world.charlie)
        .get(reverse("outreach:campaign", args=[peace.slug]))
        .content.decode()
    )
    data = chart_data(html)
    assert data["clicks"]["labels"][0] == early.isoformat()
    assert data["clicks"]["datasets"][0]["counts"][0] == 2
    assert date.fromisoformat(data["clicks"]["labels"][-1]) == timezone.localdate()


def test_the_total_counts_visits_older_than_the_chart(world: World, peace: Campaign) -> None:
    link = ShortLink.objects.create(code="ancien", target="/", title="Ancien", campaign=peace)
    long_ago = timezone.localdate() - timedelta(days=campaign_views.MAX_CHART_DAYS + 30)
    ShortLinkVisits.objects.create(link=link, day=long_ago, visits=40)
    ShortLinkVisits.objects.create(link=link, day=timezone.localdate(), visits=2)

    html = (
        logged_in(world.charlie)
        .get(reverse("outreach:campaign", args=[peace.slug]))
        .content.decode()
    )

    assert long_ago.isoformat() not in chart_data(html)["clicks"]["labels"]
    assert "42 visits" in html


# Deleting a campaign ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 404), ("eve", 404), ("charlie", 403), ("bob", 403), ("alice", 200)],
)
def test_only_the_communication_group_deletes_a_campaign(
    world: World, peace: Campaign, persona: str | None, status: int
) -> None:
    client = logged_in(getattr(world, persona)) if persona else Client()
    url = reverse("outreach:campaign_delete", args=[peace.slug])

    assert client.get(url).status_code == status
    if status != 200:
        assert client.post(url).status_code == status
        assert Campaign.objects.filter(pk=peace.pk).exists()


def test_deleting_a_campaign_asks_then_keeps_its_posts_and_links(
    world: World, accounts: Accounts, peace: Campaign
) -> None:
    post = draft(world, accounts, campaign=peace)
    link = ShortLink.objects.create(code="tract", target="/", title="Tract", campaign=peace)
    client = logged_in(world.alice)
    url = reverse("outreach:campaign_delete", args=[peace.slug])
    dashboard = client.get(reverse("outreach:campaign", args=[peace.slug])).content.decode()
    assert f'href="{url}"' in dashboard

    question = client.get(url).content.decode()
    assert "Its 1 post stays, without a campaign." in question
    assert Campaign.objects.filter(pk=peace.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:campaigns")
    assert not Campaign.objects.filter(pk=peace.pk).exists()
    post.refresh_from_db()
    link.refresh_from_db()
    assert post.campaign is None
    assert link.campaign is None
    assert AuditEntry.objects.filter(
        action="outreach.campaign.deleted", object_id=str(peace.pk), actor=world.alice
    ).exists()


def test_members_do_not_see_the_delete_link(world: World, peace: Campaign) -> None:
    dashboard = logged_in(world.charlie).get(reverse("outreach:campaign", args=[peace.slug]))
    assert "Delete the campaign" not in dashboard.content.decode()
