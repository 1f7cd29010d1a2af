"""Every audit entry of the groups app names its group (``audit_scope``), so that the
audit log can hide a secret group's entries from the people outside it."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from colombe.groups import services
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Post,
    Thread,
)
from tests import factories
from tests.personas import World

pytestmark = pytest.mark.django_db


@dataclass
class Logged:
    action: str
    scope: Group
    queries: int


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Logged]]:
    """What each service hands to log_action: the scope of its object, and how many
    queries reading that scope took."""
    entries: list[Logged] = []
    real_log_action = services.log_action

    def recording_log_action(actor: Any, action: str, obj: Any = None, data: Any = None) -> Any:
        with CaptureQueriesContext(connection) as queries:
            scope = obj.audit_scope
        entries.append(Logged(action, scope, len(queries)))
        return real_log_action(actor, action, obj, data)

    monkeypatch.setattr(services, "log_action", recording_log_action)
    yield entries


def test_every_groups_model_names_its_group(world: World) -> None:
    group = world.secret_group
    thread = group.threads.get()
    post = Post.objects.get(thread=thread)
    document = Document.objects.create(group=group, title="Compte rendu")
    version = DocumentVersion.objects.create(
        document=document, number=1, original_name="a.txt", content_type="text/plain", size=1
    )
    objects: list[Any] = [
        group,
        GroupMembership.objects.get(group=group, user=world.charlie),
        factories.InvitationFactory.create(group=group),
        factories.JoinRequestFactory.create(group=group),
        thread,
        post,
        document,
        version,
    ]
    for obj in objects:
        fresh = type(obj).objects.get(pk=obj.pk)  # nothing loaded in advance
        assert fresh.audit_scope == group, type(obj).__name__


def test_audit_scope_is_read_only() -> None:
    models: list[type[Any]] = [
        Group,
        GroupMembership,
        Invitation,
        JoinRequest,
        Thread,
        Post,
        Document,
        DocumentVersion,
    ]
    for model in models:
        scope = model.__dict__["audit_scope"]
        assert isinstance(scope, property) and scope.fset is None, model.__name__


def invitation_token() -> str:
    match = re.search(r"/groupes/invitations/([\w-]+)/", str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)


def test_every_action_in_a_secret_group_is_scoped_to_it(
    client: Client, world: World, logged: list[Logged]
) -> None:
    group = world.secret_group
    slug = group.slug
    client.force_login(world.bob)
    client.post(
        reverse("groups:edit", args=[slug]),
        {"name": group.name, "description": "", "visibility": "secret", "hashtags": ""},
    )
    client.post(reverse("groups:invite", args=[slug]), {"email": "eve@example.org"})
    token = invitation_token()
    client.post(reverse("groups:invite", args=[slug]), {"email": "later@example.org"})
    pending = Invitation.objects.get(email="later@example.org")
    client.post(reverse("groups:revoke_invitation", args=[slug, pending.pk]))
    client.force_login(world.eve)
    client.post(reverse("groups:accept_invitation", args=[token]))
    client.post(reverse("groups:leave", args=[slug]))
    client.force_login(world.bob)
    charlie = GroupMembership.objects.get(group=group, user=world.charlie)
    client.post(reverse("groups:change_role", args=[slug, charlie.pk]), {"role": "moderator"})
    client.post(reverse("groups:remove_member", args=[slug, charlie.pk]))
    client.post(reverse("groups:new_thread", args=[slug]), {"title": "Ordre du jour", "body": "Un"})
    thread = group.threads.get(title="Ordre du jour")
    client.post(reverse("groups:reply", args=[slug, thread.pk]), {"body": "Deux"})
    post = thread.posts.latest("pk")
    client.post(reverse("groups:edit_post", args=[slug, post.pk]), {"body": "Deux bis"})
    client.post(reverse("groups:hide_post", args=[slug, post.pk]))
    client.post(reverse("groups:unhide_post", args=[slug, post.pk]))
    client.post(reverse("groups:delete_post", args=[slug, post.pk]))
    text = SimpleUploadedFile("notes.txt", b"paix\n", content_type="text/plain")
    client.post(reverse("groups:upload", args=[slug]), {"title": "", "file": text})
    document = group.documents.get()
    text = SimpleUploadedFile("notes.txt", b"paix 2\n", content_type="text/plain")
    client.post(reverse("groups:new_version", args=[slug, document.pk]), {"file": text})

    assert [entry.action for entry in logged] == [
        "groups.group.updated",
        "groups.invitation.created",
        "groups.invitation.created",
        "groups.invitation.revoked",
        "groups.invitation.accepted",
        "groups.member.left",
        "groups.member.role_changed",
        "groups.member.removed",
        "groups.thread.created",
        "groups.post.created",
        "groups.post.edited",
        "groups.post.hidden",
        "groups.post.unhidden",
        "groups.post.deleted",
        "groups.document.uploaded",
        "groups.document.uploaded",
    ]
    assert [entry.action for entry in logged if entry.scope != group] == []
    # The services hand over objects whose group is already loaded.
    assert [entry.action for entry in logged if entry.queries] == []


def test_group_creation_and_join_requests_are_scoped(
    client: Client, world: World, logged: list[Logged]
) -> None:
    group = world.private_group
    for person in (world.dana, world.frank):
        client.force_login(person)
        client.post(reverse("groups:join", args=[group.slug]), {"message": ""})
    client.force_login(world.bob)
    dana = JoinRequest.objects.get(user=world.dana)
    frank = JoinRequest.objects.get(user=world.frank)
    client.post(reverse("groups:approve_request", args=[group.slug, dana.pk]))
    client.post(reverse("groups:reject_request", args=[group.slug, frank.pk]))
    client.post(
        reverse("groups:create"),
        {"owner": world.lyon.pk, "name": "Atelier", "visibility": "secret", "hashtags": ""},
    )
    created = Group.objects.get(name="Atelier")
    assert [(entry.action, entry.scope) for entry in logged] == [
        ("groups.join_request.created", group),
        ("groups.join_request.created", group),
        ("groups.join_request.approved", group),
        ("groups.join_request.rejected", group),
        ("groups.group.created", created),
    ]
    assert [entry.action for entry in logged if entry.queries] == []
