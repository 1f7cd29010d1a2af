"""Pages whose number of queries does not grow with what they list: the count for one
item is measured, then a page with many items must not need more."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

MANY = 6


def queries_for(client: Client, url: str) -> int:
    """Queries of one request, after a first one that fills the per-process caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def assert_constant_queries(
    client: Client,
    url: str,
    add_one: Callable[[int], Any],
    django_assert_max_num_queries: Any,
) -> None:
    """``add_one(n)`` creates the n-th listed item."""
    add_one(0)
    for_one = queries_for(client, url)
    for index in range(1, MANY):
        add_one(index)
    with django_assert_max_num_queries(for_one):
        assert client.get(url).status_code == 200
