"""The library of guides: public, filtered by level, topic and hashtag, searchable; the
communication group writes them; each has a page made for paper."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.markdown import render_markdown
from colombe.core.models import AuditEntry
from colombe.training.models import Level, Resource
from colombe.training.tests.training_helpers import make_topic
from tests.personas import World

pytestmark = pytest.mark.django_db


def guide(
    title: str, level: str, *, topic_slug: str = "", tags: str = "", **fields: object
) -> Resource:
    body = str(fields.pop("body", "1. Première étape.\n2. Deuxième étape."))
    created = Resource.objects.create(
        title=title,
        slug=slugify(title),
        summary=f"Résumé de {title}",
        body=body,
        body_html=render_markdown(body),
        level=level,
        topic=make_topic(f"Sujet {topic_slug}", topic_slug) if topic_slug else None,
        **fields,
    )
    if tags:
        created.hashtags.set(get_or_create_hashtags(tags.split()))
    return created


@pytest.fixture
def library(db: None) -> dict[str, Resource]:
    return {
        "visio": guide("Rejoindre une visio", Level.BEGINNER, topic_slug="visio", tags="visio"),
        "mastodon": guide(
            "Créer un compte Mastodon",
            Level.INTERMEDIATE,
            topic_slug="mastodon",
            tags="réseauxsociaux",
            body="Allez sur joinmastodon.org.",
        ),
        "animer": guide("Animer une visio", Level.ADVANCED, topic_slug="visio", tags="visio"),
        "draft": guide("Guide en chantier", Level.BEGINNER, is_published=False),
    }


def titles(client: Client, **query: str) -> set[str]:
    page = client.get(reverse("training:resources"), query).content.decode()
    return {g.title for g in Resource.objects.all() if f">{g.title}</a>" in page}


def test_filters_by_level_topic_tag_and_words(client: Client, library: dict) -> None:
    published = {"Rejoindre une visio", "Créer un compte Mastodon", "Animer une visio"}
    assert titles(client) == published
    assert titles(client, level=Level.BEGINNER) == {"Rejoindre une visio"}
    visio_topic = library["visio"].topic
    assert titles(client, topic=str(visio_topic.pk)) == {"Rejoindre une visio", "Animer une visio"}
    assert titles(client, tag="#RéseauxSociaux") == {"Créer un compte Mastodon"}
    assert titles(client, q="joinmastodon") == {"Créer un compte Mastodon"}
    assert titles(client, q="visio", level=Level.ADVANCED) == {"Animer une visio"}
    assert titles(client, q="introuvable") == set()


def test_drafts_are_listed_for_the_communication_group_only(
    client: Client, world: World, library: dict
) -> None:
    client.force_login(world.bob)
    assert "Guide en chantier" not in titles(client)
    client.force_login(world.alice)
    assert "Guide en chantier" in titles(client)


def test_print_page_is_a_plain_large_print_document(
    client: Client, library: dict, english_pages: None
) -> None:
    response = client.get(reverse("training:resource_print", args=["creer-un-compte-mastodon"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Créer un compte Mastodon" in page and "joinmastodon.org" in page
    assert "training/print.css" in page and "colombe/colombe.css" not in page  # no site menu
    assert 'class="no-print"' in page and "Ctrl+P" in page
    assert "http://testserver/formation/guides/creer-un-compte-mastodon/" in page
    stylesheet = Path(str(finders.find("training/print.css"))).read_text()
    assert "@media print" in stylesheet and "font-size: 1.35rem" in stylesheet


def test_pdf_of_a_guide(client: Client, library: dict) -> None:
    response = client.get(reverse("training:resource_pdf", args=["rejoindre-une-visio"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    draft = client.get(reverse("training:resource_pdf", args=["guide-en-chantier"]))
    assert draft.status_code == 404


def test_guide_page_links_its_printable_version_and_hashtags(client: Client, library: dict) -> None:
    page = client.get(library["visio"].get_absolute_url()).content.decode()
    assert reverse("training:resource_print", args=[library["visio"].slug]) in page
    assert "?tag=visio" in page
    assert "<ol>" in page  # the numbered steps, rendered from Markdown


def test_the_communication_group_writes_a_guide(
    client: Client, world: World, english_pages: None
) -> None:
    topic = make_topic()
    client.force_login(world.alice)
    response = client.post(
        reverse("training:resource_create"),
        {
            "title": "Publier un compte rendu",
            "summary": "Raconter une action.",
            "body": "1. Connectez-vous.\n2. Cliquez sur « Raconter ».",
            "level": Level.INTERMEDIATE,
            "topic": topic.pk,
            "hashtags": "#compteRendu comité",
            "is_published": "on",
        },
    )
    created = Resource.objects.get(slug="publier-un-compte-rendu")
    assert response["Location"] == created.get_absolute_url()
    assert "<ol>" in created.body_html
    assert sorted(t.name for t in created.hashtags.all()) == ["comité", "compterendu"]
    assert AuditEntry.objects.filter(action="training.resource.created").count() == 1
    edit = client.get(reverse("training:resource_edit", args=[created.slug])).content.decode()
    assert "#compterendu" in edit


def test_a_guide_without_a_title_is_refused_with_a_summary(
    client: Client, world: World, english_pages: None
) -> None:
    client.force_login(world.alice)
    response = client.post(reverse("training:resource_create"), {"level": Level.BEGINNER})
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
    assert not Resource.objects.exists()
