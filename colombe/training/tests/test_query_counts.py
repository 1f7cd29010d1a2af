"""The training lists need as many queries for many items as for one."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.actions.tests.query_helpers import assert_constant_queries
from colombe.core.models import Hashtag
from colombe.movement.models import Territory
from colombe.training.models import MentoringRequest
from colombe.training.tests.training_helpers import (
    can_help,
    committee,
    make_request,
    make_topic,
    member_of,
    territory,
)
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(world: World) -> Client:
    client = Client()
    client.force_login(world.charlie)
    return client


def test_sessions(world: World, charlie: Client, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        factories.TrainingSessionFactory.create(
            structure=world.lyon,
            trainer=member_of(world.lyon, f"Formateur {index}"),
            starts_at=timezone.now() + timedelta(days=index + 1),
            ends_at=timezone.now() + timedelta(days=index + 1, hours=2),
        )

    url = reverse("training:sessions")
    assert_constant_queries(charlie, url, add_one, django_assert_max_num_queries)


def test_guides(world: World, charlie: Client, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        guide = factories.ResourceFactory.create()
        guide.hashtags.add(Hashtag.objects.create(name=f"tag{index}"))

    url = reverse("training:resources")
    assert_constant_queries(charlie, url, add_one, django_assert_max_num_queries)


def test_mentoring(world: World, django_assert_max_num_queries: Any) -> None:
    client = Client()
    client.force_login(world.bob)
    place = territory("Lyon 1er", Territory.Level.LOCAL, world.lyon.territory)

    def add_one(index: int) -> None:
        topic = make_topic(f"Sujet {index}", f"sujet-{index}")
        can_help(world.bob, topic)
        make_request(member_of(world.lyon, f"Demandeur {index}"), topic, territory=place)
        factories.MentoringRequestFactory.create(requester=world.bob, topic=topic)
        make_request(
            member_of(world.lyon, f"Aidé {index}"),
            topic,
            mentor=world.bob,
            status=MentoringRequest.Status.PAIRED,
        )

    url = reverse("training:mentoring")
    assert_constant_queries(client, url, add_one, django_assert_max_num_queries)


def test_trainers(world: World, charlie: Client, django_assert_max_num_queries: Any) -> None:
    def add_one(index: int) -> None:
        place = territory(f"Ville {index}", Territory.Level.LOCAL, world.lyon.territory)
        trainer = member_of(committee(f"Comité {index}", place), f"Formateur {index}")
        can_help(trainer, make_topic(f"Sujet {index}", f"sujet-{index}"), listed=True)
        can_help(trainer, make_topic(), listed=True)

    url = reverse("training:trainers")
    assert_constant_queries(charlie, url, add_one, django_assert_max_num_queries)
