"""Right to erasure: the person goes, their contributions stay as a former member's."""

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse

from colombe.accounts import services
from colombe.accounts.models import Consent, User
from colombe.core.models import AuditEntry
from colombe.groups.models import Document, GroupMembership, Invitation, Post, Thread
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
    "meetings.Registration",
    "meetings.MeetingInvitation",
    "meetings.CalendarFeed",
    "reports.Reaction",
    "mailing.Subscription",
    "journal.JournalEditor",
    # A presenter's login to the radio's live input is theirs alone.
    "radio.HarborCredential",
    # A seat in the communication team and an offer to help ("Relais jeunes") are the
    # person's; the posts they wrote stay (their author is set to nobody).
    "outreach.CommunicationRole",
    "outreach.OutreachVolunteer",
    # Signing up for an action, registering for a training session, the skills one
    # declared and one's own requests for help.
    "actions.SignUp",
    "training.Registration",
    "training.Skill",
    "training.MentoringRequest",
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


def test_confirmation_page_asks_for_the_password(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    response = client.get(reverse("accounts:delete_account"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert '<label for="id_password">Votre mot de passe' in page
    assert 'type="password"' in page
    assert 'autocomplete="current-password"' in page
    assert "SUPPRIMER" not in page
    assert f'href="{reverse("account_reset_password")}"' in page
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

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

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


def test_pending_invitations_to_any_of_my_addresses_are_forgotten(
    client: Client, world: World
) -> None:
    dana = world.dana
    EmailAddress.objects.create(user=dana, email=dana.email, verified=True, primary=True)
    EmailAddress.objects.create(user=dana, email="dana.etudiante@example.net", verified=False)
    factories.InvitationFactory.create(group=world.private_group, email=dana.email)
    factories.InvitationFactory.create(group=world.secret_group, email="Dana@Example.org")
    factories.InvitationFactory.create(group=world.public_group, email="dana.etudiante@example.net")
    factories.InvitationFactory.create(group=world.private_group, email="eve@example.org")
    client.force_login(dana)

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Invitation.objects.filter(email__icontains="dana").exists()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["eve@example.org"]
    entry = AuditEntry.objects.get(action="accounts.user.deleted")
    assert entry.data["invitations_forgotten"] == 3
    assert "dana" not in str(entry.data).lower()


def test_invitations_stay_when_the_deletion_is_refused(client: Client, world: World) -> None:
    factories.InvitationFactory.create(group=world.public_group, email=world.bob.email)
    client.force_login(world.bob)  # last owner of the groups: refused
    client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert Invitation.objects.filter(email=world.bob.email).exists()


def test_invitations_come_back_when_the_deletion_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = factories.InvitationFactory.create(
        group=world.private_group, email=world.dana.email
    )

    def failing_delete(self: User) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(User, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        services.delete_account(user=world.dana)
    assert Invitation.objects.filter(pk=invitation.pk, email=world.dana.email).exists()
    assert not AuditEntry.objects.filter(action="accounts.user.deleted").exists()


def test_delete_is_audited_without_personal_data(client: Client, world: World) -> None:
    charlie_id = world.charlie.pk
    client.force_login(world.charlie)
    client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    entry = AuditEntry.objects.get(action="accounts.user.deleted")
    assert entry.actor is None
    assert entry.object_id == str(charlie_id)
    assert entry.data == {
        "memberships": 1,
        "group_memberships": 3,
        "posts_kept": 0,
        "invitations_forgotten": 0,
        "emails_forgotten": 0,
    }
    assert "charlie" not in str(entry.data).lower()


@pytest.mark.parametrize("typed", ["SUPPRIMER", "supprimer", "DELETE", "", "demo-password-12"])
def test_anything_but_the_password_keeps_the_account(
    client: Client, world: World, typed: str
) -> None:
    client.force_login(world.charlie)
    response = client.post(reverse("accounts:delete_account"), {"password": typed})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert 'id="id_password"' in page
    assert User.objects.filter(pk=world.charlie.pk).exists()
    assert not AuditEntry.objects.filter(action="accounts.user.deleted").exists()


def test_the_word_is_refused_in_english_too(client: Client, world: World) -> None:
    client.force_login(world.eve)
    response = client.post(
        reverse("accounts:delete_account"), {"password": "DELETE"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "This is not your password." in response.content.decode()
    assert User.objects.filter(pk=world.eve.pk).exists()


def test_password_guessing_is_rate_limited(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("accounts:delete_account")
    statuses = [client.post(url, {"password": f"guess-{n}"}).status_code for n in range(5)]
    assert statuses == [422] * 5

    # Even the right password is refused once the attempts are used up.
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert User.objects.filter(pk=world.charlie.pk).exists()


def test_last_owner_is_refused_and_told_which_groups(client: Client, world: World) -> None:
    client.force_login(world.bob)
    page = client.get(reverse("accounts:delete_account")).content.decode()
    assert "Groupe public de Lyon" in page
    assert SECRET_GROUP_NAME in page  # Bob owns it: he may see it.
    assert 'id="id_password"' not in page

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 409
    assert "Groupe privé de Lyon" in response.content.decode()
    assert User.objects.filter(pk=world.bob.pk).exists()
    assert GroupMembership.objects.filter(user=world.bob).count() == 3


def test_owner_with_a_co_owner_may_leave(client: Client, world: World) -> None:
    GroupMembership.objects.filter(user=world.charlie).update(role=GroupMembership.Role.OWNER)
    client.force_login(world.bob)
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
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
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
