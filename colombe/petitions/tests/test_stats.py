"""Statistics: figures equal to the signatures, aggregated by the database."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from colombe.petitions import stats
from colombe.petitions.models import Petition
from colombe.petitions.tests.organiser_helpers import add_signature, lyon_petition
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def signed_petition(world: World) -> Petition:
    """Six confirmed signatures (two in the last hour, one three days ago), one pending,
    one withdrawn."""
    petition = lyon_petition(world)
    petition.published_at = timezone.now() - timedelta(days=10)
    petition.save()
    now = timezone.now()
    recent = now - timedelta(minutes=5)
    rows: list[tuple[str, str, str, bool]] = [
        ("69", "mastodon", "69003", False),
        ("69", "mastodon", "69100", False),
        ("75", "", "75011", False),
        ("2A", "bluesky", "20000", False),
        ("971", "", "97110", True),
        ("", "mastodon", "", False),
    ]
    for n, (department, source, postcode, is_paper) in enumerate(rows):
        add_signature(
            petition,
            f"s{n}@example.org",
            department=department,
            source="paper" if is_paper else source,
            postcode=postcode,
            is_paper=is_paper,
            confirmed_at=now - timedelta(days=3) if n == 2 else recent,
        )
    add_signature(petition, "pending@example.org", status="pending", department="69")
    add_signature(petition, "gone@example.org", status="withdrawn", department="69")
    return petition


def as_dict(buckets: list[stats.Bucket]) -> dict[str, int]:
    return {bucket.label: bucket.count for bucket in buckets}


def test_figures_equal_the_signatures(world: World) -> None:
    figures = stats.petition_stats(signed_petition(world))

    assert figures.summary == stats.Summary(
        confirmed=6, pending=1, withdrawn=1, paper=1, keep_informed=0
    )
    assert len(figures.per_hour) == 48
    assert sum(bucket.count for bucket in figures.per_hour) == 5
    assert figures.per_hour[-1].count == 5 or figures.per_hour[-2].count == 5
    assert sum(bucket.count for bucket in figures.per_day) == 6
    assert 11 <= len(figures.per_day) <= 12  # published ten days ago, up to today
    assert as_dict(figures.by_region) == {
        "Auvergne-Rhône-Alpes": 2,
        "Île-de-France": 1,
        "Corse": 1,
        "Guadeloupe": 1,
        "Elsewhere or unknown": 1,
    }
    assert figures.by_region[0].label == "Auvergne-Rhône-Alpes"
    assert figures.by_region[-1].label == "Elsewhere or unknown"
    assert as_dict(figures.by_source) == {
        "mastodon": 3,
        "Direct (no source)": 1,
        "bluesky": 1,
        "Paper": 1,
    }


def test_days_without_signature_are_shown_as_zero(world: World) -> None:
    figures = stats.petition_stats(signed_petition(world))
    counts = [bucket.count for bucket in figures.per_day]
    assert counts[-1] == 5 or counts[-2] == 5
    assert counts.count(0) >= len(counts) - 3
    moments = [bucket.moment for bucket in figures.per_day]
    assert moments == sorted(moments) and len(set(moments)) == len(moments)


def test_every_department_has_a_region() -> None:
    departments = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    departments += ["971", "972", "973", "974", "976"]
    assert all(stats.region_of(code) for code in departments)
    assert len(set(stats.DEPARTMENT_REGION.values())) == 18
    assert stats.region_of("") is None and stats.region_of("975") is None


def test_five_queries_whatever_the_number_of_signatures(
    world: World, django_assert_num_queries: Any
) -> None:
    petition = signed_petition(world)
    with django_assert_num_queries(5):
        stats.petition_stats(petition)
    for n in range(30):
        add_signature(petition, f"more{n}@example.org", department=f"{n % 90 + 1:02d}")
    with django_assert_num_queries(5):
        figures = stats.petition_stats(petition)
    assert figures.summary.confirmed == 36


def test_page_shows_tables_and_chart_data_without_inline_script(world: World) -> None:
    petition = signed_petition(world)
    client = Client()
    client.force_login(world.bob)

    response = client.get(reverse("petitions:stats", args=[petition.slug]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "6 confirmed signatures" in body
    assert '<th scope="row">Auvergne-Rhône-Alpes</th><td>2</td>' in body
    assert '<th scope="row">mastodon</th><td>3</td>' in body
    assert '<script id="petition-stats-data" type="application/json">' in body
    assert "/static/petitions/stats.js" in body
    assert "/static/vendor/chartjs/chart.umd.min.js" in body
    # The only <script> elements with content are JSON data, never executed code.
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert response.context["chart_data"]["by_region"]["counts"] == [2, 1, 1, 1, 1]


def test_page_query_count_does_not_grow_with_signatures(world: World) -> None:
    petition = signed_petition(world)
    client = Client()
    client.force_login(world.alice)
    url = reverse("petitions:stats", args=[petition.slug])
    client.get(url)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count_queries()
    for n in range(40):
        add_signature(petition, f"more{n}@example.org", department="13", source=f"s{n % 3}")
    assert count_queries() == before


def test_empty_petition_says_so(world: World) -> None:
    petition = lyon_petition(world, publish=False)
    client = Client()
    client.force_login(world.bob)
    body = client.get(reverse("petitions:stats", args=[petition.slug])).content.decode()
    assert "No signature yet." in body
    assert "0 confirmed signatures" in body
