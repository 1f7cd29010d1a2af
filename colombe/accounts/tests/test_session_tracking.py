"""Session activity ("my sessions") is recorded at most once a minute per session, so that
a meeting page polling every few seconds does not write on every request."""

import pytest
from allauth.usersessions.internal import usersessionkit
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.django_db


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("core:home"))
    return sum("usersessions_usersession" in q["sql"] for q in queries.captured_queries)


def test_activity_is_recorded_once_a_minute(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    assert session_writes(client) > 0
    assert UserSession.objects.filter(user=world.charlie).count() == 1
    assert session_writes(client) == 0


def test_a_new_session_is_recorded_at_once(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    session_writes(client)
    other = Client()
    other.force_login(world.charlie)
    assert session_writes(other) > 0
    assert UserSession.objects.filter(user=world.charlie).count() == 2


def test_a_visitor_without_a_session_costs_no_tracking(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A petition signer has no session: asking allauth anyway loaded the visitor's user on
    every request, for nothing."""
    calls: list[object] = []
    monkeypatch.setattr(usersessionkit, "track_activity", lambda *args, **kw: calls.append(kw))
    client.get(reverse("core:home"))
    assert calls == []
    client.force_login(world.charlie)
    client.get(reverse("core:home"))
    assert len(calls) == 1
