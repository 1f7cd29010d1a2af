"""Planning, slots, sign-ups and the report an action becomes, through the services."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from colombe.actions import services
from colombe.actions.models import Action, ActionKind, SignUp, Slot
from colombe.actions.tests.plan_helpers import move_to_the_past, plan, slot_of
from colombe.core.models import AuditEntry
from colombe.reports.models import ActionReport
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_plan_action_dates_its_address_and_audits(world: World) -> None:
    action = plan(world, hashtags="#paix #Désarmement")
    local_day = timezone.localtime(action.starts_at).date()
    assert action.slug == f"distribution-de-tracts-au-marche-{local_day:%Y-%m-%d}"
    assert sorted(tag.name for tag in action.hashtags.all()) == ["désarmement", "paix"]
    assert AuditEntry.objects.filter(action="actions.action.planned", object_id=str(action.pk))
    assert plan(world).slug == f"{action.slug}-2"


def test_members_plan_only_for_their_structures(world: World) -> None:
    with pytest.raises(PermissionDenied):
        plan_for(world, world.eve)
    with pytest.raises(PermissionDenied):
        services.plan_action(world.charlie, world.national, **fields_of(world))
    assert plan_for(world, world.charlie).structure == world.lyon


def plan_for(world: World, user: object) -> Action:
    return services.plan_action(user, world.lyon, **fields_of(world))


def fields_of(world: World) -> dict[str, Any]:
    starts_at = timezone.now() + timedelta(days=2)
    return {
        "kind": ActionKind.STAND,
        "title": "Stand",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "place": "Marché de la Croix-Rousse",
        "town": "Lyon",
        "territory": world.lyon.territory,
    }


def test_an_action_in_a_secret_group_is_for_the_group_and_unguessable(world: World) -> None:
    action = plan(world, group=world.secret_group, visibility=Action.Visibility.PUBLIC)
    assert action.visibility == Action.Visibility.GROUP
    local_day = timezone.localtime(action.starts_at).date()
    assert action.slug != f"distribution-de-tracts-au-marche-{local_day:%Y-%m-%d}"
    with pytest.raises(Http404):
        services.plan_action(world.eve, world.lyon, group=world.secret_group, **fields_of(world))


def test_an_action_must_end_after_it_starts(world: World) -> None:
    starts_at = timezone.now() + timedelta(days=1)
    with pytest.raises(services.ActionError):
        plan(world, starts_at=starts_at, ends_at=starts_at)


def test_only_organisers_edit_and_cancel(world: World) -> None:
    action = plan(world, slots=(("Distribuer", 3),))
    services.sign_up(world.charlie, slot_of(action, "Distribuer"))
    with pytest.raises(PermissionDenied):
        services.update_action(world.charlie, action, title="Autre")
    services.update_action(world.alice, action, title="Grande distribution")
    services.cancel_action(world.bob, action)
    action.refresh_from_db()
    assert (action.title, action.status) == ("Grande distribution", Action.Status.CANCELLED)
    with pytest.raises(PermissionDenied):
        services.sign_up(world.charlie, slot_of(action, "Distribuer"))


def test_sign_up_fills_places_then_refuses(world: World) -> None:
    action = plan(world, slots=(("Distribuer de 10 h à 12 h", 1),))
    slot = slot_of(action, "Distribuer de 10 h à 12 h")
    services.sign_up(world.charlie, slot)
    assert slot.sign_ups.count() == slot.capacity
    with pytest.raises(services.SlotFull):
        services.sign_up(world.dana, slot)
    # Signing up again is no second place: it updates the comment.
    again = services.sign_up(world.charlie, slot, comment="J'apporte la table")
    assert SignUp.objects.filter(slot=slot).count() == 1
    assert again.comment == "J'apporte la table"


def test_withdraw_frees_the_place(world: World) -> None:
    action = plan(world, slots=(("Tenir le stand", 1),))
    slot = slot_of(action, "Tenir le stand")
    services.sign_up(world.charlie, slot)
    assert services.withdraw(world.charlie, slot) is True
    assert services.withdraw(world.charlie, slot) is False
    services.sign_up(world.dana, slot)
    assert list(slot.sign_ups.values_list("user__email", flat=True)) == [world.dana.email]


def test_a_phone_number_is_kept_only_when_the_organisers_may_call(world: World) -> None:
    action = plan(world, slots=(("Distribuer", None),))
    slot = slot_of(action, "Distribuer")
    hidden = services.sign_up(world.charlie, slot, phone="06 11 22 33 44", share_phone=False)
    shared = services.sign_up(world.dana, slot, phone=" 06 55 66 77 88 ", share_phone=True)
    assert hidden.phone == ""
    assert shared.phone == "06 55 66 77 88"


def test_remote_tasks_take_volunteers_without_times(world: World) -> None:
    action = plan(world)
    task = services.add_slot(
        world.bob, action, kind=Slot.Kind.REMOTE, label="Appeler les adhérents", capacity=None
    )
    services.sign_up(world.dana, task, comment="Le soir")
    assert task.starts_at is None
    assert services.volunteer_count(action) == 1


def test_slot_places_cannot_drop_below_the_volunteers(world: World) -> None:
    action = plan(world, slots=(("Distribuer", 3),))
    slot = slot_of(action, "Distribuer")
    services.sign_up(world.charlie, slot)
    services.sign_up(world.dana, slot)
    with pytest.raises(services.ActionError):
        services.update_slot(world.bob, slot, capacity=1)
    assert services.update_slot(world.bob, slot, capacity=2).capacity == 2
    services.remove_slot(world.bob, slot)
    assert not SignUp.objects.filter(slot__action=action).exists()


def test_volunteers_sign_up_to_an_action_that_is_not_over(world: World) -> None:
    action = plan(world, starts_in=timedelta(hours=-3), slots=(("Distribuer", None),))
    with pytest.raises(services.ActionError):
        services.sign_up(world.charlie, slot_of(action, "Distribuer"))


def test_to_report_makes_a_prefilled_draft_once(world: World) -> None:
    action = plan(
        world,
        kind=ActionKind.RALLY,
        hashtags="#paix",
        material="Banderole",
        slots=(("Matin", 4), ("Après-midi", 4)),
    )
    services.sign_up(world.charlie, slot_of(action, "Matin"))
    services.sign_up(world.charlie, slot_of(action, "Après-midi"))
    services.sign_up(world.dana, slot_of(action, "Après-midi"))
    with pytest.raises(services.ActionError):
        services.to_report(world.bob, action)  # not before it happened
    move_to_the_past(action)
    report = services.to_report(world.bob, action)
    assert report.status == ActionReport.Status.DRAFT
    assert report.kind == ActionReport.Kind.DEMONSTRATION
    assert report.happened_on == timezone.localtime(action.starts_at).date()
    assert (report.title, report.town, report.structure) == (action.title, "Lyon", world.lyon)
    assert report.people_reached == 2
    assert [tag.name for tag in report.hashtags.all()] == ["paix"]
    assert "Après-midi: 2" in report.body
    assert "Banderole" in report.body
    action.refresh_from_db()
    assert action.report == report
    assert services.to_report(world.bob, action) == report
    with pytest.raises(PermissionDenied):
        services.to_report(world.charlie, action)


def test_a_group_action_becomes_a_report_in_the_group(world: World) -> None:
    action = plan(world, group=world.private_group, starts_in=timedelta(days=-1))
    report = services.to_report(world.bob, action)
    assert report.group == world.private_group
    assert report.visibility == ActionReport.Visibility.COMMITTEE


def test_forget_phone_numbers_a_week_after(world: World) -> None:
    recent = plan(world, slots=(("Distribuer", None),))
    services.sign_up(world.charlie, slot_of(recent, "Distribuer"), phone="0611", share_phone=True)
    old = plan(world, title="Ancienne", starts_in=timedelta(days=-9), slots=(("Stand", None),))
    SignUp.objects.create(
        slot=slot_of(old, "Stand"), user=world.dana, phone="0622", share_phone=True
    )
    assert services.forget_phone_numbers() == 1
    phones = dict(SignUp.objects.values_list("user__email", "phone"))
    assert phones == {world.charlie.email: "0611", world.dana.email: ""}
    assert services.forget_phone_numbers() == 0
