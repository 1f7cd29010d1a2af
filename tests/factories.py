"""factory-boy factories for every model the foundation defines."""

from datetime import datetime, timedelta

import factory
from django.utils import timezone

from colombe.accounts.models import User
from colombe.actions.models import Action, ActionKind, PrintTemplate, SignUp, Slot
from colombe.core.models import Hashtag
from colombe.groups.models import (
    Document,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Post,
    Thread,
    Visibility,
)
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from colombe.training.models import Level, MentoringRequest, Resource, Topic, TrainingSession


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("demo-password-123")


class HashtagFactory(factory.django.DjangoModelFactory[Hashtag]):
    class Meta:
        model = Hashtag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class TerritoryFactory(factory.django.DjangoModelFactory[Territory]):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territory {n}")
    slug = factory.Sequence(lambda n: f"territory-{n}")
    level = Territory.Level.LOCAL


class PartnerOrganisationFactory(factory.django.DjangoModelFactory[PartnerOrganisation]):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")


class StructureFactory(factory.django.DjangoModelFactory[Structure]):
    class Meta:
        model = Structure

    kind = Structure.Kind.COMMITTEE
    name = factory.Sequence(lambda n: f"Committee {n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")
    territory = factory.SubFactory(TerritoryFactory)
    description = "A local committee."


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    status = Membership.Status.ACTIVE
    approved_at = factory.LazyFunction(timezone.now)


class GroupFactory(factory.django.DjangoModelFactory[Group]):
    class Meta:
        model = Group

    owner = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    description = "A group."
    visibility = Visibility.PUBLIC


class GroupMembershipFactory(factory.django.DjangoModelFactory[GroupMembership]):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = GroupMembership.Role.MEMBER


class ThreadFactory(factory.django.DjangoModelFactory[Thread]):
    class Meta:
        model = Thread

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    author = factory.SubFactory(UserFactory)


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "Hello **everyone**."
    body_html = "<p>Hello <strong>everyone</strong>.</p>"


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Document {n}")


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    group = factory.SubFactory(GroupFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class JoinRequestFactory(factory.django.DjangoModelFactory[JoinRequest]):
    class Meta:
        model = JoinRequest

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)


# Field actions and training --------------------------------------------------------------


def in_days(days: int) -> datetime:
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


class ActionFactory(factory.django.DjangoModelFactory[Action]):
    class Meta:
        model = Action

    kind = ActionKind.LEAFLETS
    title = factory.Sequence(lambda n: f"Tractage {n}")
    # The URL of an action ends with its date.
    slug = factory.Sequence(lambda n: f"tractage-{n}-2030-05-04")
    structure = factory.SubFactory(StructureFactory)
    starts_at = factory.LazyFunction(lambda: in_days(5))
    ends_at = factory.LazyAttribute(lambda action: action.starts_at + timedelta(hours=2))
    place = "Place Bellecour"
    town = "Lyon"
    territory = factory.SelfAttribute("structure.territory")


class SlotFactory(factory.django.DjangoModelFactory[Slot]):
    class Meta:
        model = Slot

    action = factory.SubFactory(ActionFactory)
    label = factory.Sequence(lambda n: f"Créneau {n}")


class SignUpFactory(factory.django.DjangoModelFactory[SignUp]):
    class Meta:
        model = SignUp

    slot = factory.SubFactory(SlotFactory)
    user = factory.SubFactory(UserFactory)


class PrintTemplateFactory(factory.django.DjangoModelFactory[PrintTemplate]):
    class Meta:
        model = PrintTemplate

    kind = PrintTemplate.Kind.LEAFLET
    page_size = PrintTemplate.PageSize.A5
    name = factory.Sequence(lambda n: f"Tract {n}")
    slug = factory.Sequence(lambda n: f"tract-{n}")
    headline = "Désarmons la paix"
    body = "Rejoignez le **comité** près de chez vous."


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Sujet {n}")
    slug = factory.Sequence(lambda n: f"sujet-{n}")


class TrainingSessionFactory(factory.django.DjangoModelFactory[TrainingSession]):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.Sequence(lambda n: f"atelier-{n}")
    topic = factory.SubFactory(TopicFactory)
    level = Level.BEGINNER
    structure = factory.SubFactory(StructureFactory)
    format = TrainingSession.Format.IN_PERSON
    place = "Maison des associations"
    starts_at = factory.LazyFunction(lambda: in_days(3))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=2))


class ResourceFactory(factory.django.DjangoModelFactory[Resource]):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    summary = "En trois gestes."
    body = "1. Ouvrez le lien."
    level = Level.BEGINNER
    topic = factory.SubFactory(TopicFactory)


class MentoringRequestFactory(factory.django.DjangoModelFactory[MentoringRequest]):
    class Meta:
        model = MentoringRequest

    requester = factory.SubFactory(UserFactory)
    topic = factory.SubFactory(TopicFactory)
    availability = "L'après-midi"
