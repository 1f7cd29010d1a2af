"""The hashtag page (core:hashtag) lists the reports with the tag that the viewer may read."""

from django.test import Client
from django.urls import reverse

from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import SECRET_GROUP_NAME, World


def test_hashtag_page_lists_visible_reports_only(client: Client, world: World) -> None:
    make_report(world.lyon, title="Tracts publics", hashtags="#désarmement")
    make_report(
        world.lyon,
        title="Pour le comité",
        visibility=ActionReport.Visibility.COMMITTEE,
        hashtags="#désarmement",
    )
    make_report(
        world.lyon, title="Veillée Zéphyr", group=world.secret_group, hashtags="#désarmement"
    )
    make_report(
        world.lyon, title="Brouillon", status=ActionReport.Status.DRAFT, hashtags="#désarmement"
    )
    # Another spelling redirects to the hashtag's page.
    url = reverse("core:hashtag", args=["Désarmement"])
    body = client.get(url, follow=True).content.decode()
    assert "Tracts publics" in body
    assert "Pour le comité" not in body
    assert "Veillée Zéphyr" not in body and SECRET_GROUP_NAME not in body
    assert "Brouillon" not in body
    assert reverse("reports:hashtag_atom", args=["désarmement"]) in body
    client.force_login(world.charlie)
    body = client.get(url, follow=True).content.decode()
    assert "Pour le comité" in body
    assert "Veillée Zéphyr" in body
    assert "Brouillon" not in body


def test_tag_of_a_secret_report_only_is_404_for_outsiders(client: Client, world: World) -> None:
    make_report(world.lyon, title="Veillée Zéphyr", group=world.secret_group, hashtags="#zephyr")
    url = reverse("core:hashtag", args=["zephyr"])
    assert client.get(url).status_code == 404
    client.force_login(world.alice)
    assert client.get(url).status_code == 404
    client.force_login(world.charlie)
    assert client.get(url).status_code == 200


def test_tag_with_reports_only_is_found(client: Client, world: World) -> None:
    make_report(world.lyon, title="Vigile nucléaire", hashtags="#nucléaire")
    response = client.get(reverse("core:hashtag", args=["nucléaire"]))
    assert response.status_code == 200
    assert "Vigile nucléaire" in response.content.decode()
