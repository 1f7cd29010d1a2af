"""Right to erasure: the person goes, their contributions stay as a former member's."""

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import Consent, User
from colombe.core.models import AuditEntry
from colombe.groups.models import Document, GroupMembership, Post, Thread
from colombe.movement.models import Membership
from tests import factories
from tests.personas import SECRET_GROUP_NAME, World

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-123"

# Relations that may be deleted with the person: their own records, not contributions.
PERSONAL_RECORDS = {
    "accounts.Consent",
    "movement.Membership",
    "groups.GroupMembership",
    "groups.JoinRequest",
    "account.EmailAddress",
    "account.EmailConfirmation",
    "mfa.Authenticator",
    "usersessions.UserSession",
}


def test_no_contribution_is_cascade_deleted_with_its_author() -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    cascading = {
        f"{field.model._meta.app_label}.{field.model.__name__}"
        for model in apps.get_models()
        for field in model._meta.get_fields(include_hidden=True)
        if isinstance(field, models.ForeignKey)
        and field.related_model is user_model
        and field.remote_field.on_delete is models.CASCADE
    }
    assert cascading <= PERSONAL_RECORDS, cascading - PERSONAL_RECORDS


def test_confirmation_page_asks_for_password_or_the_word(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.get(reverse("accounts:delete_account"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "SUPPRIMER" in page
    assert '<label for="id_confirmation">' in page
    assert User.objects.filter(pk=world.charlie.pk).exists()


def test_delete_with_password_erases_the_person_and_keeps_posts(
    client: Client, world: World
) -> None:
    charlie = world.charlie
    EmailAddress.objects.create(user=charlie, email=charlie.email, verified=True, primary=True)
    Consent.objects.create(user=charlie, kind=Consent.Kind.TERMS, text_version="2026-11")
    thread = factories.ThreadFactory.create(group=world.private_group, author=charlie)
    post = factories.PostFactory.create(thread=thread, author=charlie, body="Mon message reste.")
    document = factories.DocumentFactory.create(group=world.public_group, created_by=charlie)
    client.post(reverse("account_login"), {"login": charlie.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=charlie).exists()

    response = client.post(reverse("accounts:delete_account"), {"confirmation": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert not User.objects.filter(pk=charlie.pk).exists()
    assert not User.objects.filter(email="charlie@example.org").exists()
    assert not EmailAddress.objects.filter(email="charlie@example.org").exists()
    assert not Membership.objects.filter(user_id=charlie.pk).exists()
    assert not GroupMembership.objects.filter(user_id=charlie.pk).exists()
    assert not Consent.objects.filter(user_id=charlie.pk).exists()
    assert not UserSession.objects.filter(user_id=charlie.pk).exists()
    post.refresh_from_db()
    assert (post.author, post.body) == (None, "Mon message reste.")
    assert Thread.objects.get(pk=thread.pk).author is None
    assert Document.objects.get(pk=document.pk).created_by is None
    assert "_auth_user_id" not in client.session
    home = client.get(response["Location"])
    assert "Votre compte a été supprimé" in home.content.decode()


def test_delete_is_audited_without_personal_data(client: Client, world: World) -> None:
    charlie_id = world.charlie.pk
    client.force_login(world.charlie)
    client.post(reverse("accounts:delete_account"), {"confirmation": "supprimer"})
    entry = AuditEntry.objects.get(action="accounts.user.deleted")
    assert entry.actor is None
    assert entry.object_id == str(charlie_id)
    assert entry.data == {"memberships": 1, "group_memberships": 3, "posts_kept": 0}
    assert "charlie" not in str(entry.data).lower()


def test_delete_with_the_english_word_in_english(client: Client, world: World) -> None:
    client.force_login(world.eve)
    response = client.post(
        reverse("accounts:delete_account"), {"confirmation": "DELETE"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=world.eve.pk).exists()


def test_wrong_confirmation_keeps_the_account(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.post(reverse("accounts:delete_account"), {"confirmation": "oui"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert User.objects.filter(pk=world.charlie.pk).exists()


def test_last_owner_is_refused_and_told_which_groups(client: Client, world: World) -> None:
    client.force_login(world.bob)
    page = client.get(reverse("accounts:delete_account")).content.decode()
    assert "Groupe public de Lyon" in page
    assert SECRET_GROUP_NAME in page  # Bob owns it: he may see it.
    assert 'id="id_confirmation"' not in page

    response = client.post(reverse("accounts:delete_account"), {"confirmation": PASSWORD})
    assert response.status_code == 409
    assert "Groupe privé de Lyon" in response.content.decode()
    assert User.objects.filter(pk=world.bob.pk).exists()
    assert GroupMembership.objects.filter(user=world.bob).count() == 3


def test_owner_with_a_co_owner_may_leave(client: Client, world: World) -> None:
    GroupMembership.objects.filter(user=world.charlie).update(role=GroupMembership.Role.OWNER)
    client.force_login(world.bob)
    response = client.post(reverse("accounts:delete_account"), {"confirmation": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=world.bob.pk).exists()
    assert Post.objects.filter(author__isnull=True).count() == 3


def test_refusal_lists_only_groups_owned_not_other_groups(client: Client, world: World) -> None:
    other = factories.GroupFactory.create(owner=world.lyon, name="Groupe où Bob est simple membre")
    factories.GroupMembershipFactory.create(group=other, user=world.bob)
    client.force_login(world.bob)
    page = client.get(reverse("accounts:delete_account")).content.decode()
    assert "Groupe où Bob est simple membre" not in page


def test_delete_needs_login(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:delete_account"), {"confirmation": "SUPPRIMER"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
