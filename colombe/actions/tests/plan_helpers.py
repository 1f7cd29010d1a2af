"""Actions planned through the services, as organisers do, for the tests."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from colombe.actions import services
from colombe.actions.models import Action, ActionKind, Slot
from colombe.groups.models import Group
from tests.personas import World


def plan(
    world: World,
    *,
    title: str = "Distribution de tracts au marché",
    starts_in: timedelta = timedelta(days=3),
    group: Group | None = None,
    slots: tuple[tuple[str, int | None], ...] = (),
    **fields: Any,
) -> Action:
    """Bob plans an action of the Lyon committee (or in ``group``'s space), with ``slots``
    as (label, places)."""
    starts_at = timezone.now().replace(microsecond=0) + starts_in
    values: dict[str, Any] = {
        "kind": ActionKind.LEAFLETS,
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "place": "Place Bellecour",
        "town": "Lyon",
        "territory": world.lyon.territory,
        **fields,
    }
    action = services.plan_action(world.bob, world.lyon, group=group, **values)
    for label, capacity in slots:
        services.add_slot(world.bob, action, label=label, capacity=capacity)
    return action


def slot_of(action: Action, label: str) -> Slot:
    return action.slots.get(label=label)


def move_to_the_past(action: Action) -> Action:
    """The action took place yesterday (after volunteers signed up while it was coming)."""
    starts_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    Action.objects.filter(pk=action.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    action.refresh_from_db()
    return action
