"""Shared set-up for the training tests: topics, sessions, territories around Lyon, and
members who can help."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from colombe.accounts.models import User
from colombe.movement.models import Membership, Structure, Territory
from colombe.training.models import Level, MentoringRequest, Skill, Topic, TrainingSession
from tests import factories
from tests.personas import World


def make_topic(name: str = "Rejoindre une visio", slug: str = "visio") -> Topic:
    return Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_session(world: World, **fields: Any) -> TrainingSession:
    starts = timezone.now() + timedelta(days=3)
    defaults: dict[str, Any] = {
        "title": "Atelier visio",
        "slug": "atelier-visio",
        "topic": make_topic(),
        "level": Level.BEGINNER,
        "structure": world.lyon,
        "trainer": world.bob,
        "format": TrainingSession.Format.IN_PERSON,
        "place": "Maison des associations",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "created_by": world.bob,
    }
    return TrainingSession.objects.create(**{**defaults, **fields})


def territory(name: str, level: int, parent: Territory | None) -> Territory:
    return Territory.objects.get_or_create(
        slug=slugify(name), defaults={"name": name, "level": level, "parent": parent}
    )[0]


def committee(name: str, place: Territory) -> Structure:
    return factories.StructureFactory.create(name=name, territory=place)


def member_of(structure: Structure, name: str) -> User:
    user = factories.UserFactory.create(display_name=name)
    factories.MembershipFactory.create(user=user, structure=structure)
    return user


def can_help(user: User, topic: Topic, *, listed: bool = False) -> Skill:
    return Skill.objects.create(user=user, topic=topic, can_teach=True, listed_as_trainer=listed)


def approve(user: User, structure: Structure) -> None:
    Membership.objects.filter(user=user, structure=structure).update(
        status=Membership.Status.ACTIVE, approved_at=timezone.now()
    )


def make_request(requester: User, topic: Topic, **fields: Any) -> MentoringRequest:
    return MentoringRequest.objects.create(
        requester=requester, topic=topic, availability="L'après-midi", **fields
    )
