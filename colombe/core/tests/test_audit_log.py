from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from colombe.core.audit import log_action
from colombe.core.models import AuditEntry
from tests.personas import SECRET_GROUP_NAME, World


def test_log_action_records_actor_code_object_and_data(world: World) -> None:
    entry = log_action(world.bob, "groups.member.invited", world.secret_group, {"invitation": 7})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == world.bob
    assert stored.action == "groups.member.invited"
    assert (stored.object_type, stored.object_id) == ("groups.group", str(world.secret_group.pk))
    assert stored.data == {"invitation": 7}


def test_national_admin_browses_and_filters_the_log_without_names(
    client: Client, world: World
) -> None:
    log_action(world.bob, "groups.member.invited", world.public_group, {})
    log_action(world.bob, "movement.membership.approved", world.lyon, {})
    client.force_login(world.alice)
    response = client.get(reverse("core:audit_log"), {"action": "groups."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "groups.member.invited" in body
    assert "movement.membership.approved" not in body
    assert SECRET_GROUP_NAME not in body


def test_audit_log_is_for_national_admins_only(client: Client, world: World) -> None:
    url = reverse("core:audit_log")
    assert client.get(url).status_code == 302
    client.force_login(world.bob)
    assert client.get(url).status_code == 403


def test_activity_inside_a_secret_group_stays_out_of_the_log_for_outsiders(
    client: Client, world: World
) -> None:
    thread = world.secret_group.threads.get()
    log_action(world.bob, "groups.thread.created", thread, {"group": world.secret_group.pk})
    log_action(world.bob, "groups.group.updated", world.secret_group, {})
    log_action(world.bob, "groups.group.updated", world.public_group, {})
    client.force_login(world.alice)
    body = client.get(reverse("core:audit_log")).content.decode()
    assert "groups.thread.created" not in body
    assert f"groups.group #{world.secret_group.pk}" not in body
    assert f"groups.group #{world.public_group.pk}" in body


def test_a_national_admin_who_is_a_member_sees_the_secret_group_activity(
    client: Client, world: World
) -> None:
    log_action(world.bob, "groups.group.updated", world.secret_group, {})
    world.bob.is_national_admin = True
    world.bob.save()
    TOTP.activate(world.bob, generate_totp_secret())
    client.force_login(world.bob)
    body = client.get(reverse("core:audit_log")).content.decode()
    assert f"groups.group #{world.secret_group.pk}" in body
