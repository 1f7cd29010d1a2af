import pytest
from django.test import Client
from django.urls import reverse

from colombe.accounts.models import User
from colombe.core.models import AuditEntry
from colombe.groups.models import Group, GroupMembership
from colombe.groups.tests.conftest import assert_hides_secret
from tests.personas import World

pytestmark = pytest.mark.django_db
Role = GroupMembership.Role


def membership(world: World, user: User, group: Group | None = None) -> GroupMembership:
    return GroupMembership.objects.get(group=group or world.private_group, user=user)


def test_leave_asks_for_confirmation_then_leaves(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    url = reverse("groups:leave", args=[world.secret_group.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Do you really want to leave this group?" in page.content.decode()
    assert GroupMembership.objects.filter(group=world.secret_group, user=world.charlie).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:list")
    assert not GroupMembership.objects.filter(group=world.secret_group, user=world.charlie).exists()
    assert AuditEntry.objects.filter(action="groups.member.left").count() == 1
    assert client.get(world.secret_group.get_absolute_url()).status_code == 404


def test_last_owner_cannot_leave(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(reverse("groups:leave", args=[world.private_group.slug]), follow=True)
    assert "You are the last owner of this group" in response.content.decode()
    assert membership(world, world.bob).role == Role.OWNER


def test_owner_can_leave_when_another_owner_remains(client: Client, world: World) -> None:
    GroupMembership.objects.filter(pk=membership(world, world.charlie).pk).update(role=Role.OWNER)
    client.force_login(world.bob)
    client.post(reverse("groups:leave", args=[world.private_group.slug]))
    assert not GroupMembership.objects.filter(group=world.private_group, user=world.bob).exists()


def test_outsider_cannot_leave(client: Client, world: World) -> None:
    client.force_login(world.eve)
    assert client.post(reverse("groups:leave", args=[world.private_group.slug])).status_code == 403
    assert_hides_secret(client.post(reverse("groups:leave", args=[world.secret_group.slug])))


def test_members_page_lists_members_with_roles(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    body = client.get(reverse("groups:members", args=[world.private_group.slug])).content.decode()
    assert "Bob" in body and "Charlie" in body and "Owner" in body
    assert "Remove" not in body


def test_moderator_removes_member_after_confirmation(client: Client, world: World) -> None:
    client.force_login(world.bob)
    charlie = membership(world, world.charlie)
    url = reverse("groups:remove_member", args=[world.private_group.slug, charlie.pk])
    assert "remove Charlie" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not GroupMembership.objects.filter(pk=charlie.pk).exists()
    entry = AuditEntry.objects.get(action="groups.member.removed")
    assert entry.data == {"user": world.charlie.pk}


def test_moderator_cannot_remove_an_owner(client: Client, world: World) -> None:
    GroupMembership.objects.filter(pk=membership(world, world.charlie).pk).update(
        role=Role.MODERATOR
    )
    client.force_login(world.charlie)
    bob = membership(world, world.bob)
    url = reverse("groups:remove_member", args=[world.private_group.slug, bob.pk])
    response = client.post(url, follow=True)
    assert "Only an owner can remove" in response.content.decode()
    assert GroupMembership.objects.filter(pk=bob.pk).exists()


def test_plain_member_cannot_remove(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    bob = membership(world, world.bob)
    url = reverse("groups:remove_member", args=[world.private_group.slug, bob.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert GroupMembership.objects.filter(pk=bob.pk).exists()


def test_owner_changes_a_role(client: Client, world: World) -> None:
    client.force_login(world.bob)
    charlie = membership(world, world.charlie)
    url = reverse("groups:change_role", args=[world.private_group.slug, charlie.pk])
    assert client.post(url, {"role": Role.MODERATOR}).status_code == 302
    charlie.refresh_from_db()
    assert charlie.role == Role.MODERATOR
    entry = AuditEntry.objects.get(action="groups.member.role_changed")
    assert entry.data == {"user": world.charlie.pk, "role": "moderator", "previous_role": "member"}


def test_invalid_role_is_refused(client: Client, world: World) -> None:
    client.force_login(world.bob)
    charlie = membership(world, world.charlie)
    url = reverse("groups:change_role", args=[world.private_group.slug, charlie.pk])
    response = client.post(url, {"role": "emperor"}, follow=True)
    assert "Please choose a role" in response.content.decode()
    charlie.refresh_from_db()
    assert charlie.role == Role.MEMBER


def test_last_owner_cannot_step_down(client: Client, world: World) -> None:
    client.force_login(world.bob)
    bob = membership(world, world.bob)
    url = reverse("groups:change_role", args=[world.private_group.slug, bob.pk])
    response = client.post(url, {"role": Role.MEMBER}, follow=True)
    assert "at least one owner" in response.content.decode()
    bob.refresh_from_db()
    assert bob.role == Role.OWNER


def test_moderator_cannot_change_roles(client: Client, world: World) -> None:
    GroupMembership.objects.filter(pk=membership(world, world.charlie).pk).update(
        role=Role.MODERATOR
    )
    client.force_login(world.charlie)
    charlie = membership(world, world.charlie)
    url = reverse("groups:change_role", args=[world.private_group.slug, charlie.pk])
    assert client.post(url, {"role": Role.OWNER}).status_code == 403
    charlie.refresh_from_db()
    assert charlie.role == Role.MODERATOR
