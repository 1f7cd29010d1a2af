"""Who may hear, present and run the radio."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from colombe.core import policy
from colombe.radio.models import Episode, Show
from tests.personas import World


@pytest.fixture
def show(world: World) -> Show:
    show = Show.objects.create(title="La voix des comités", slug="voix")
    show.presenters.add(world.bob)
    Episode.objects.create(show=show, number=1, title="Publié", status=Episode.Status.PUBLISHED)
    Episode.objects.create(show=show, number=2, title="Brouillon")
    return show


def titles_seen_by(user: object) -> set[str]:
    return set(policy.visible(Episode, user).values_list("title", flat=True))


def test_published_episodes_are_public_and_drafts_are_for_presenters(
    world: World, show: Show
) -> None:
    assert titles_seen_by(AnonymousUser()) == {"Publié"}
    assert titles_seen_by(world.charlie) == {"Publié"}
    assert titles_seen_by(world.bob) == {"Publié", "Brouillon"}
    assert titles_seen_by(world.alice) == {"Publié", "Brouillon"}


def test_presenters_edit_their_show_and_go_live(world: World, show: Show) -> None:
    assert policy.has_perm(world.bob, "radio.edit_show", show)
    assert policy.has_perm(world.bob, "radio.go_live")
    assert not policy.has_perm(world.charlie, "radio.edit_show", show)
    assert not policy.has_perm(world.charlie, "radio.go_live")
    assert not policy.has_perm(AnonymousUser(), "radio.go_live")


def test_a_presenter_of_a_show_off_the_programme_cannot_go_live(world: World, show: Show) -> None:
    show.is_active = False
    show.save()
    assert not policy.has_perm(world.bob, "radio.go_live")
    assert policy.has_perm(world.alice, "radio.go_live")


def test_only_national_admins_run_the_programme(world: World) -> None:
    assert policy.has_perm(world.alice, "radio.manage")
    assert not policy.has_perm(world.bob, "radio.manage")


def test_an_episode_published_for_later_is_hidden_until_it_airs(world: World, show: Show) -> None:
    """Episode numbers follow each other: a listener must not fetch next week's episode
    (or its audio) by guessing its number."""
    upcoming = Episode.objects.create(
        show=show,
        number=3,
        title="À venir",
        status=Episode.Status.PUBLISHED,
        airs_at=timezone.now() + timedelta(days=7),
    )
    assert titles_seen_by(AnonymousUser()) == {"Publié"}
    assert titles_seen_by(world.charlie) == {"Publié"}
    assert not policy.can_see(AnonymousUser(), upcoming)
    # Its presenters and the radio's managers prepare it.
    assert titles_seen_by(world.bob) == {"Publié", "Brouillon", "À venir"}
    assert titles_seen_by(world.alice) == {"Publié", "Brouillon", "À venir"}

    Episode.objects.filter(pk=upcoming.pk).update(airs_at=timezone.now() - timedelta(minutes=1))
    assert titles_seen_by(AnonymousUser()) == {"Publié", "À venir"}
