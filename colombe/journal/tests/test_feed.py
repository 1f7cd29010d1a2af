"""The Atom feed of editions carries published editions only."""

import pytest
from django.test import Client
from django.urls import reverse

from colombe.journal.tests.journal_helpers import open_edition, published_edition, report_in_period

pytestmark = pytest.mark.django_db


def test_feed_lists_published_editions_only(world):
    published_edition(world, report_in_period(world, "Tractage"), title="Édition publiée")
    open_edition(world, title="Brouillon confidentiel")
    client = Client()
    client.force_login(world.alice)  # even an editor's request carries nothing else
    response = client.get(reverse("journal:atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Édition publiée" in body and "Brouillon confidentiel" not in body
