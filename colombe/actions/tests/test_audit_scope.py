"""Audit entries about a group's action are as hidden as the group: a national
administrator outside a secret group never sees them in the audit log; and a group's
action has an address that tells nothing of other actions."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colombe.actions import services
from colombe.actions.models import Action
from colombe.actions.tests.plan_helpers import plan, slot_of
from colombe.core.models import AuditEntry
from tests.personas import World

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("colombe.actions.migrations.0002_audit_scope_of_actions")


def entries_about(action: Action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="actions.action", object_id=str(action.pk)))


def audit_log_as_alice(client: Client, world: World) -> str:
    client.force_login(world.alice)
    response = client.get(reverse("core:audit_log"), {"action": "actions."})
    assert response.status_code == 200
    return response.content.decode()


def test_a_secret_groups_action_stays_out_of_an_outsider_admins_log(
    client: Client, world: World
) -> None:
    secret = plan(world, group=world.secret_group, slots=(("Tracts", 3),))
    services.sign_up(world.charlie, slot_of(secret, "Tracts"))
    public = plan(world, title="Stand public")
    assert {entry.scope for entry in entries_about(secret)} == {
        f"groups.group:{world.secret_group.pk}"
    }

    body = audit_log_as_alice(client, world)

    assert f"actions.action #{secret.pk}<" not in body
    assert "actions.sign_up.created" not in body
    assert f"actions.action #{public.pk}<" in body


def test_an_action_without_a_group_is_scoped_to_its_structure(world: World) -> None:
    action = plan(world)
    assert {entry.scope for entry in entries_about(action)} == {
        f"movement.structure:{world.lyon.pk}"
    }


def test_the_migration_scopes_entries_logged_before(client: Client, world: World) -> None:
    secret = plan(world, group=world.secret_group, slots=(("Tracts", 3),))
    public = plan(world, title="Stand public")
    AuditEntry.objects.update(scope="")  # as they were stored before the fix
    assert f"actions.action #{secret.pk}<" in audit_log_as_alice(client, world)

    backfill.backfill_scopes(apps, None)

    assert {entry.scope for entry in entries_about(secret)} == {
        f"groups.group:{world.secret_group.pk}"
    }
    assert {entry.scope for entry in entries_about(public)} == {
        f"movement.structure:{world.lyon.pk}"
    }
    assert f"actions.action #{secret.pk}<" not in audit_log_as_alice(client, world)


def test_a_private_groups_action_gets_a_random_suffix_not_a_telling_number(world: World) -> None:
    first = plan(world, group=world.private_group)
    second = plan(world, group=world.private_group)
    local_day = timezone.localtime(first.starts_at).date()
    base = f"distribution-de-tracts-au-marche-{local_day:%Y-%m-%d}"
    assert first.slug.startswith(f"{base}-") and second.slug.startswith(f"{base}-")
    assert first.slug != second.slug
    assert not second.slug.endswith("-2")
