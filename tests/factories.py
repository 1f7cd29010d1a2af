"""factory-boy factories for every model the foundation defines."""

from datetime import timedelta

import factory
from django.utils import timezone

from colombe.accounts.models import User
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
