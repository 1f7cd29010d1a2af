"""Report cards are rendered once per process and kept under everything they show: a
change of any of it shows at the next request, a card is never stale."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.core.hashtags import get_or_create_hashtags
from colombe.reports import cards
from colombe.reports.models import ActionReport
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World

pytestmark = pytest.mark.django_db


def feed(client: Client) -> str:
    return client.get(reverse("reports:feed")).content.decode()


def committee_page(client: Client, world: World) -> str:
    return client.get(reverse("reports:committee", args=[world.lyon.slug])).content.decode()


def test_a_card_is_rendered_once_then_kept(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_report(world.lyon, title="Stand place Bellecour")
    first = feed(client)
    rendered: list[str] = []
    original = cards.render_to_string

    def counted(*args: Any, **kwargs: Any) -> Any:
        rendered.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(cards, "render_to_string", counted)
    again = feed(client)
    assert rendered == []
    assert "Stand place Bellecour" in again
    assert again.count('class="card report-card"') == first.count('class="card report-card"') == 1
    committee_page(client, world)  # the same card on the committee's page
    assert rendered == []


def change_title(report: ActionReport, world: World) -> str:
    report.title = "Vigile devant la mairie"
    report.save()
    return "Vigile devant la mairie"


def change_committee_name(report: ActionReport, world: World) -> str:
    world.lyon.name = "Comité de Lyon-Croix-Rousse"
    world.lyon.save()
    return "Comité de Lyon-Croix-Rousse"


def change_hashtags(report: ActionReport, world: World) -> str:
    # Through the relation only: the report's own row does not change.
    report.hashtags.add(*get_or_create_hashtags(["desarmement"]))
    return "#desarmement"


def change_reactions(report: ActionReport, world: World) -> str:
    report.reactions.create(user=world.charlie, kind="bravo")
    return "Bravo : 1"


def change_people(report: ActionReport, world: World) -> str:
    ActionReport.objects.filter(pk=report.pk).update(people_reached=321)
    return "321 personnes"


def change_date(report: ActionReport, world: World) -> str:
    ActionReport.objects.filter(pk=report.pk).update(happened_on=date(2026, 3, 14))
    return "14 mars 2026"


@pytest.mark.parametrize(
    "change",
    [
        change_title,
        change_committee_name,
        change_hashtags,
        change_reactions,
        change_people,
        change_date,
    ],
)
def test_what_a_card_shows_changes_at_the_next_request(
    client: Client, world: World, change: Any
) -> None:
    report = make_report(world.lyon, title="Stand place Bellecour")
    feed(client)
    shown = change(report, world)
    assert shown in feed(client)
    assert shown in committee_page(client, world)


def test_a_card_follows_the_page_language(client: Client, world: World) -> None:
    make_report(world.lyon, happened_on=date(2026, 3, 14))
    assert "14 mars 2026" in feed(client)
    client.post(reverse("set_language"), {"language": "en"})
    assert "14 March 2026" in feed(client)


def test_the_oldest_cards_go_first_when_the_process_keeps_enough(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cards, "_cards", {})
    monkeypatch.setattr(cards, "MAX_CARDS", 2)
    for number in range(3):
        cards.keep(("fr", number), cards.SafeString(str(number)))
    assert list(cards._cards) == [("fr", 1), ("fr", 2)]
