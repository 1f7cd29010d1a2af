"""What a search builds to know what the viewer may find: each scope once per search,
for that viewer only, the hashtags' scope only when the query can find a hashtag, and
no query of its own for the scopes of reports and meetings."""

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models

from colombe.core import policy, search
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.tests.search_helpers import make_meeting, make_report
from colombe.groups.models import GroupQuerySet
from colombe.meetings.models import Meeting
from colombe.reports.models import ActionReport
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch: Any) -> Iterator[Counter[str]]:
    """How many times each policy scope (and the groups whose content one reads) is
    built."""
    counts: Counter[str] = Counter()
    visible = policy.visible

    def counted_visible(model: type[models.Model], user: Any) -> models.QuerySet:
        counts[model.__name__] += 1
        return visible(model, user)

    readable_by = GroupQuerySet.readable_by

    def counted_readable_by(queryset: GroupQuerySet, user: Any) -> GroupQuerySet:
        counts["readable groups"] += 1
        return readable_by(queryset, user)

    monkeypatch.setattr(policy, "visible", counted_visible)
    monkeypatch.setattr(GroupQuerySet, "readable_by", counted_readable_by)
    yield counts


def test_each_scope_is_built_once_per_search(world: World, built: Counter[str]) -> None:
    report = make_report(world.lyon, title="Stand de la colombe")
    report.hashtags.set(get_or_create_hashtags(["colombe"]))
    results = search.search_everything(world.charlie, "colombe")
    assert {count.kind for count in results.counts} == {"report", "hashtag"}
    # Reports, groups and archive items are both kinds of their own and what makes a
    # hashtag known; discussions, messages and documents share the readable groups.
    assert built["ActionReport"] == built["Group"] == built["MediaItem"] == 1
    assert built["User"] == 1
    assert built["readable groups"] == 1
    assert max(built.values()) == 1


def test_a_new_search_builds_its_scopes_again(world: World, built: Counter[str]) -> None:
    search.search_everything(world.charlie, "colombe")
    search.search_everything(world.charlie, "colombe")
    assert built["ActionReport"] == 2


def test_scopes_of_one_viewer_never_serve_another(world: World) -> None:
    make_report(world.lyon, group=world.secret_group, title="Veillée du tamanoir")
    for _round in range(2):
        assert search.search_everything(world.charlie, "tamanoir").total == 1
        assert search.search_everything(world.eve, "tamanoir").total == 0
        assert search.search_everything(None, "tamanoir").total == 0


def test_viewer_scopes_are_per_user(world: World) -> None:
    for_charlie = search.ViewerScopes(world.charlie)
    for_eve = search.ViewerScopes(world.eve)
    assert for_charlie.visible(ActionReport) != for_eve.visible(ActionReport)
    assert for_charlie.visible(ActionReport) is for_charlie.visible(ActionReport)


def test_hashtags_scope_is_built_only_when_the_query_finds_a_hashtag(
    world: World, built: Counter[str]
) -> None:
    make_report(world.lyon, title="Stand de la colombe")
    search.search_everything(world.charlie, "colombe")
    # People are only looked at for the hashtags they follow.
    assert built["User"] == 0
    world.public_group.hashtags.set(get_or_create_hashtags(["colombe"]))
    results = search.search_everything(world.charlie, "colombe")
    assert built["User"] == 1
    assert "hashtag" in {count.kind for count in results.counts}


def test_a_hashtag_only_a_secret_group_carries_stays_hidden(world: World) -> None:
    world.secret_group.hashtags.set(get_or_create_hashtags(["hirondelle"]))
    assert search.search_everything(world.eve, "hirondelle").total == 0
    assert search.search_everything(None, "hirondelle").total == 0
    assert search.search_everything(world.charlie, "hirondelle").total == 1


def test_same_number_of_queries_whether_or_not_a_hashtag_matches(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    make_report(world.lyon, title="Stand de la colombe")
    make_report(world.lyon, title="Vigile du pélican").hashtags.set(
        get_or_create_hashtags(["pelican"])
    )
    for query in ["colombe", "pelican", "ornithorynque"]:
        # The hashtag check, the counts per kind, and (found or not) the page.
        expected = 2 if query == "ornithorynque" else 3
        with django_assert_num_queries(expected):
            search.search_everything(world.charlie, query)


@pytest.mark.parametrize("model", [ActionReport, Meeting])
@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "eve", "frank"])
def test_reports_and_meetings_scopes_cost_no_query(
    world: World,
    django_assert_num_queries: Callable[..., Any],
    model: type[models.Model],
    persona: str,
) -> None:
    with django_assert_num_queries(0):
        str(policy.visible(model, getattr(world, persona)).query)


@pytest.mark.parametrize("persona", ["alice", "bob", "charlie", "dana", "eve", "frank"])
def test_movement_wide_meetings_are_for_members_of_the_movement(world: World, persona: str) -> None:
    meeting = make_meeting(
        world, None, title="Assemblée du mouvement", audience=Meeting.Audience.MOVEMENT
    )
    user = getattr(world, persona)
    # Dana's membership is pending and Eve has none: not members of the movement.
    expected = persona not in {"dana", "eve"}
    assert policy.visible(Meeting, user).filter(pk=meeting.pk).exists() is expected
    assert policy.can_see(user, meeting) is expected
