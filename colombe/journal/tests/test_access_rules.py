"""The access rules of every journal URL, as documented in docs/journal.md, for a draft
and a published edition (GET requests, as the project's permission matrix makes them)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from colombe.journal.models import Edition
from colombe.journal.tests.journal_helpers import open_edition, published_edition, report_in_period

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "eve", "charlie", "bob", "alice")
WRITING = [
    "update_details",
    "add_report",
    "add_section",
    "comment",
    "to_proofreading",
    "to_draft",
]
ITEM_WRITING = ["update_item", "move_item_up", "move_item_down", "remove_item"]
SECTION_WRITING = ["move_section_up", "move_section_down", "remove_section"]


def statuses(world: Any, url: str) -> dict[str, int]:
    found = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        found[persona] = client.get(url).status_code
    return found


def only_alice(alice: int) -> dict[str, int]:
    return {"anonymous": 404, "eve": 404, "charlie": 404, "bob": 404, "alice": alice}


def urls_of(edition: Edition) -> dict[str, str]:
    item = edition.items.get()
    section = edition.sections.get()
    number = edition.number
    urls = {name: reverse(f"journal:{name}", args=[number]) for name in WRITING}
    urls |= {name: reverse(f"journal:{name}", args=[number, item.pk]) for name in ITEM_WRITING}
    urls |= {
        name: reverse(f"journal:{name}", args=[number, section.pk]) for name in SECTION_WRITING
    }
    return urls


def with_item_and_section(world: Any, edition: Edition) -> Edition:
    from colombe.journal import services

    if not edition.items.exists():
        services.add_report(actor=world.alice, edition=edition, report=report_in_period(world, "T"))
    services.add_section(actor=world.alice, edition=edition, title="Rubrique")
    return edition


def test_draft_edition(world):
    edition = with_item_and_section(world, open_edition(world))
    number = edition.number
    assert statuses(world, reverse("journal:edition", args=[number])) == only_alice(200)
    assert statuses(world, reverse("journal:pdf_status", args=[number])) == only_alice(200)
    assert statuses(world, reverse("journal:pdf", args=[number])) == only_alice(404)
    assert statuses(world, reverse("journal:edit", args=[number])) == only_alice(200)
    assert statuses(world, reverse("journal:publish", args=[number])) == only_alice(403)
    assert statuses(world, reverse("journal:pdf_generate", args=[number])) == only_alice(405)
    for name, url in urls_of(edition).items():
        assert statuses(world, url) == only_alice(405), name


def test_published_edition(world):
    edition = published_edition(world, report_in_period(world, "T"))
    # Give it a section too, as a draft, then publish it again.
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.DRAFT)
    edition.refresh_from_db()
    with_item_and_section(world, edition)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.PUBLISHED)
    number = edition.number
    everyone = dict.fromkeys(PERSONAS, 200)
    refused = {"anonymous": 302, "eve": 403, "charlie": 403, "bob": 403, "alice": 403}
    assert statuses(world, reverse("journal:edition", args=[number])) == everyone
    assert statuses(world, reverse("journal:pdf_status", args=[number])) == everyone
    assert statuses(world, reverse("journal:pdf", args=[number])) == everyone
    assert statuses(world, reverse("journal:edit", args=[number])) == refused
    assert statuses(world, reverse("journal:publish", args=[number])) == refused
    assert statuses(world, reverse("journal:pdf_generate", args=[number])) == {
        **refused,
        "alice": 405,
    }
    for name, url in urls_of(edition).items():
        assert statuses(world, url) == refused, name


def test_pages_without_an_edition(world):
    team = {"anonymous": 302, "eve": 403, "charlie": 403, "bob": 403, "alice": 200}
    assert statuses(world, reverse("journal:archive")) == dict.fromkeys(PERSONAS, 200)
    assert statuses(world, reverse("journal:atom")) == dict.fromkeys(PERSONAS, 200)
    assert statuses(world, reverse("journal:open")) == team
    assert statuses(world, reverse("journal:team")) == team
    remove = {**dict.fromkeys(PERSONAS, 405), "anonymous": 302}
    assert statuses(world, reverse("journal:remove_editor", args=[1])) == remove
