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
    log_action(world.bob, "groups.member.invited", world.secret_group, {})
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
