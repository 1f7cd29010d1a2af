"""What the search finds: accents, stemming, every kind of object, and nothing the
viewer may not see (secret groups, drafts); the index follows edits and deletions."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from colombe.core import search_index
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.search import reindex_all, search_everything
from colombe.core.tests.search_helpers import (
    make_meeting,
    make_petition,
    make_report,
    make_text_document,
    plain,
    search_page,
)
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_accents_and_case_do_not_matter(client: Client, world: World) -> None:
    make_report(world.lyon, title="Journée du désarmement nucléaire")
    for query in ["desarmement", "DÉSARMEMENT", "Désarmement"]:
        assert "Journée du désarmement nucléaire" in plain(search_page(client, query))


def test_hashtag_is_found_in_any_spelling(client: Client, world: World) -> None:
    report = make_report(world.lyon, title="Stand place Bellecour")
    report.hashtags.set(get_or_create_hashtags(["Désarmement"]))
    body = plain(search_page(client, "#desarmement"))
    assert "#désarmement" in body.lower()
    assert "Stand place Bellecour" not in body  # the report's text does not say it


def test_french_words_match_their_family(client: Client, world: World) -> None:
    make_report(world.lyon, title="Pourquoi désarmer maintenant")
    body = plain(search_page(client, "désarmement"))
    if connection.vendor == "postgresql":
        # French stemming: "désarmement" and "désarmer" share their stem.
        assert "Pourquoi désarmer maintenant" in body
    else:
        # SQLite has no stemmer: words are matched as prefixes instead.
        assert "Pourquoi désarmer maintenant" not in body
        assert "Pourquoi désarmer maintenant" in plain(search_page(client, "désarm"))


def test_every_kind_is_found(client: Client, world: World, media: Path) -> None:
    make_report(world.lyon, title="Colombe rapport")
    thread = factories.ThreadFactory.create(group=world.public_group, title="Colombe fil")
    factories.PostFactory.create(thread=thread, body="Un message sur la colombe blanche")
    make_text_document(world.public_group, "Tract", "La colombe du tract", world.bob)
    make_meeting(world, None, title="Colombe réunion", audience="public")
    make_petition(world, title="Colombe pétition")
    factories.GroupFactory.create(owner=world.lyon, name="Colombe groupe", visibility="public")
    world.lyon.description = "Le comité de la colombe"
    world.lyon.save()
    results = search_everything(world.charlie, "colombe")
    found = {count.kind for count in results.counts}
    assert {"report", "thread", "post", "document", "petition", "group", "structure"} <= found
    assert "meeting" in found


def test_document_text_is_searched(client: Client, world: World, media: Path) -> None:
    make_text_document(world.public_group, "Compte rendu", "Notes sur le quetzalcoatl", world.bob)
    assert "Compte rendu" in plain(search_page(client, "quetzalcoatl"))


def test_secret_group_content_is_never_found_by_an_outsider(
    client: Client, world: World, media: Path
) -> None:
    secret = world.secret_group
    make_report(world.lyon, group=secret, title="Ornithorynque en action")
    thread = factories.ThreadFactory.create(group=secret, title="Ornithorynque discussion")
    factories.PostFactory.create(thread=thread, body="Ornithorynque message")
    make_text_document(secret, "Ornithorynque document", "texte", world.bob)
    make_meeting(world, secret, title="Ornithorynque visio")
    client.force_login(world.eve)
    body = search_page(client, "ornithorynque")
    assert "Ornithorynque" not in plain(body)
    assert SECRET_GROUP_NAME not in body
    assert 'class="empty"' in body
    client.force_login(world.charlie)
    body = plain(search_page(client, "ornithorynque"))
    for title in ["en action", "discussion", "document", "visio"]:
        assert f"Ornithorynque {title}" in body
    assert "Ornithorynque message" in body


def test_national_admin_does_not_find_a_secret_group_he_is_not_in(
    client: Client, world: World
) -> None:
    make_report(world.lyon, group=world.secret_group, title="Ornithorynque en action")
    results = search_everything(world.alice, "ornithorynque")
    assert results.total == 0


def test_drafts_are_found_by_their_author_only(client: Client, world: World) -> None:
    make_report(
        world.lyon,
        title="Brouillon pangolin",
        status=ActionReport.Status.DRAFT,
        author=world.charlie,
    )
    make_petition(world, title="Pétition pangolin", status=Petition.Status.DRAFT)
    assert search_everything(world.eve, "pangolin").total == 0
    assert search_everything(None, "pangolin").total == 0
    found = {count.kind for count in search_everything(world.charlie, "pangolin").counts}
    assert found == {"report"}


def test_hidden_and_deleted_messages_are_not_found(client: Client, world: World) -> None:
    thread = factories.ThreadFactory.create(group=world.public_group, title="Fil")
    post = factories.PostFactory.create(thread=thread, body="Le tamanoir dort")
    assert search_everything(world.eve, "tamanoir").total == 1
    post.hidden_at = timezone.now()
    post.save()
    assert search_everything(world.eve, "tamanoir").total == 0


def test_index_follows_edits_and_deletions(client: Client, world: World) -> None:
    report = make_report(world.lyon, title="Vigile du matin")
    assert search_everything(world.eve, "vigile").total == 1
    report.title = "Veillée du soir"
    report.save()
    assert search_everything(world.eve, "vigile").total == 0
    assert search_everything(world.eve, "veillée").total == 1
    report.delete()
    assert search_everything(world.eve, "veillée").total == 0


def test_renamed_discussion_renames_its_messages(client: Client, world: World) -> None:
    thread = factories.ThreadFactory.create(group=world.public_group, title="Ancien titre")
    factories.PostFactory.create(thread=thread, body="Bonjour")
    thread.title = "Lamantin"
    thread.save()
    assert {c.kind: c.count for c in search_everything(world.eve, "lamantin").counts} == {
        "thread": 1,
        "post": 1,
    }


def test_renamed_group_renames_the_context_of_its_content(
    client: Client, world: World, media: Path
) -> None:
    thread = factories.ThreadFactory.create(group=world.public_group, title="Fil tapir")
    factories.PostFactory.create(thread=thread, body="Le tapir")
    make_text_document(world.public_group, "Tapir", "texte", world.bob)
    world.public_group.name = "Groupe des tapirs"
    world.public_group.save()
    results = search_everything(world.eve, "tapir")
    assert results.total == 4  # the group, its discussion, message and document
    assert all(r.meta == "Groupe des tapirs" for r in results.results if r.kind != "group")


def test_group_becoming_secret_hides_its_content_at_once(client: Client, world: World) -> None:
    thread = factories.ThreadFactory.create(group=world.public_group, title="Axolotl")
    assert search_everything(world.eve, "axolotl").total == 1
    world.public_group.visibility = "secret"
    world.public_group.save()
    assert thread.pk and search_everything(world.eve, "axolotl").total == 0


def test_rebuild_restores_rows_bulk_writes_skipped(client: Client, world: World) -> None:
    ActionReport.objects.bulk_create(
        [
            ActionReport(
                structure=world.lyon,
                kind=ActionReport.Kind.VIGIL,
                title=f"Okapi {number}",
                slug=f"okapi-{number}",
                happened_on=timezone.localdate(),
                town="Lyon",
                status=ActionReport.Status.PUBLISHED,
            )
            for number in range(3)
        ]
    )
    assert search_everything(world.eve, "okapi").total == 0
    call_command("rebuild_search_index", stdout=StringIO())
    assert search_everything(world.eve, "okapi").total == 3
    before = search_index.count_documents()
    reindex_all()
    assert search_index.count_documents() == before
