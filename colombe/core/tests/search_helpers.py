"""Objects made with the ORM for the search tests (their signals index them) and a way
to read what the search page shows."""

import itertools
import re
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.groups.models import Document, DocumentVersion, Group
from colombe.meetings.models import Meeting
from colombe.petitions.models import Petition
from colombe.reports.tests.feed_helpers import make_report
from tests.personas import World

_numbers = itertools.count(1)

__all__ = ["make_meeting", "make_petition", "make_report", "make_text_document", "search_page"]


def search_page(client: Client, query: str, **params: Any) -> str:
    response = client.get(reverse("core:search"), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def plain(page: str) -> str:
    """The page without highlight marks, to look for whole phrases."""
    return re.sub(r"</?mark>", "", page)


def result_count(page: str) -> int:
    results = re.search(r'<ol class="search-results">(.*?)</ol>', page, re.S)
    return 0 if results is None else results.group(1).count("<li>")


def make_meeting(world: World, group: Group | None, **fields: Any) -> Meeting:
    now = timezone.now() + timedelta(days=3)
    values: dict[str, Any] = {
        "owner": world.lyon,
        "group": group,
        "title": "Visio hebdomadaire",
        "slug": f"visio-{next(_numbers)}",
        "starts_at": now,
        "ends_at": now + timedelta(hours=1),
        "created_by": world.bob,
        **fields,
    }
    return Meeting.objects.create(**values)


def make_petition(world: World, **fields: Any) -> Petition:
    values: dict[str, Any] = {
        "owner": world.lyon,
        "title": "Pour la paix",
        "slug": f"petition-{next(_numbers)}",
        "body": "Signez maintenant.",
        "body_html": "<p>Signez maintenant.</p>",
        "addressee": "Le gouvernement",
        "consent_text": "Tenez-moi informé·e.",
        "status": Petition.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        **fields,
    }
    return Petition.objects.create(**values)


def make_text_document(group: Group, title: str, text: str, uploader: Any) -> Document:
    document = Document.objects.create(group=group, title=title, created_by=uploader)
    content = text.encode()
    version = DocumentVersion(
        document=document,
        number=1,
        original_name="notes.md",
        content_type="text/markdown",
        size=len(content),
        uploaded_by=uploader,
    )
    version.file.save("notes.md", ContentFile(content), save=False)
    version.save()
    return document
