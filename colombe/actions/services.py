"""Planning and staffing field actions: actions, their slots (time slots, roles, remote
tasks), volunteers signing up, days of action, the report an action becomes, reminders
and the erasure of phone numbers.

Each action checks the policy, writes in one transaction, records an audit entry (ids,
never names or phone numbers) and enqueues its emails inside the transaction."""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.actions.models import REPORT_KINDS, Action, ActionKind, DayOfAction, SignUp, Slot
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.markdown import render_markdown
from colombe.core.slugs import first_free_slug
from colombe.groups.models import Group, GroupMembership
from colombe.movement.models import PartnerOrganisation, Structure
from colombe.movement.policy import active_structures
from colombe.reports import services as report_services
from colombe.reports.models import ActionReport

# What a form may set on an action (besides hashtags, co-organisers and partners).
ACTION_FIELDS = {
    "kind",
    "title",
    "description",
    "day_of_action",
    "starts_at",
    "ends_at",
    "place",
    "address",
    "town",
    "territory",
    "latitude",
    "longitude",
    "material",
    "visibility",
}
SLOT_FIELDS = {"kind", "label", "description", "starts_at", "ends_at", "capacity", "position"}
DAY_FIELDS = {"title", "call", "starts_on", "ends_on", "territory", "called_by"}
REMINDER_AHEAD = timedelta(days=1)
# Phone numbers given for an action are erased this long after it ended.
PHONE_RETENTION = timedelta(days=7)
# Reports read by the same audience as the action they come from.
REPORT_AUDIENCE = {
    Action.Visibility.PUBLIC: ActionReport.Visibility.PUBLIC,
    Action.Visibility.MEMBERS: ActionReport.Visibility.MOVEMENT,
    Action.Visibility.GROUP: ActionReport.Visibility.COMMITTEE,
}


class ActionError(Exception):
    """A refusal to show the person (a full slot, an action that is over…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotFull(ActionError):
    """Every place of the slot is taken."""


def email_language() -> str:
    return settings.LANGUAGE_CODE


# Actions ---------------------------------------------------------------------------------


def dated_slug(title: str, starts_at: datetime) -> str:
    """``title-YYYY-MM-DD``: the URLs rely on the date ending (see plan_urls)."""
    local_day = timezone.localtime(starts_at).date()
    return f"{slugify(title)[:180].strip('-') or 'action'}-{local_day:%Y-%m-%d}"


def unique_slug(title: str, starts_at: datetime, *, in_group: bool) -> str:
    base = dated_slug(title, starts_at)
    if in_group:
        # A group's action (private or secret) must not be guessable, and a clash must
        # never tell another organiser (through a "-2" suffix) that it exists.
        return f"{base}-{secrets.token_hex(4)}"
    return first_free_slug(Action.objects.all(), base)


def check_organiser(actor: Any, structure: Structure, group: Group | None) -> None:
    """Members plan their structure's actions; in a group's space, its members."""
    if group is not None:
        policy.get_visible_or_404(Group, actor, pk=group.pk)  # a secret group: 404 first
        if not GroupMembership.objects.filter(group=group, user=actor).exists():
            raise PermissionDenied
    if not active_structures(actor).filter(pk=structure.pk).exists():
        raise PermissionDenied


def _apply(action: Action, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in ACTION_FIELDS:
            raise TypeError(f"{name} is not an editable field of an action.")
        setattr(action, name, value)
    if action.ends_at <= action.starts_at:
        raise ActionError(_("The action must end after it starts."))
    if action.group_id is not None:
        # An action in a group's space is exactly as closed as the group.
        action.visibility = Action.Visibility.GROUP
    elif action.visibility == Action.Visibility.GROUP:
        raise ActionError(_("Only an action planned in a group's space is for a group."))
    action.description_html = render_markdown(action.description)


def _set_links(
    action: Action,
    hashtags: str | None,
    co_organisers: Iterable[Structure] | None,
    partners: Iterable[PartnerOrganisation] | None,
) -> None:
    if hashtags is not None:
        action.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
    if co_organisers is not None:
        action.co_organisers.set([s for s in co_organisers if s.pk != action.structure_id])
    if partners is not None:
        action.partners.set(partners)


def plan_action(
    actor: Any,
    structure: Structure,
    *,
    group: Group | None = None,
    hashtags: str = "",
    co_organisers: Iterable[Structure] = (),
    partners: Iterable[PartnerOrganisation] = (),
    **fields: Any,
) -> Action:
    """A new action of ``structure`` (or of ``group``, in its space)."""
    if group is not None:
        structure = group.owner
    check_organiser(actor, structure, group)
    action = Action(structure=structure, group=group, created_by=actor)
    _apply(action, fields)
    with transaction.atomic():
        action.slug = unique_slug(action.title, action.starts_at, in_group=group is not None)
        action.save()
        _set_links(action, hashtags, co_organisers, partners)
        log_action(actor, "actions.action.planned", action, {"kind": action.kind})
    return action


def update_action(
    actor: Any,
    action: Action,
    *,
    hashtags: str | None = None,
    co_organisers: Iterable[Structure] | None = None,
    partners: Iterable[PartnerOrganisation] | None = None,
    **fields: Any,
) -> Action:
    policy.require(actor, "actions.edit", action)
    _apply(action, fields)
    with transaction.atomic():
        action.save()
        _set_links(action, hashtags, co_organisers, partners)
        log_action(actor, "actions.action.updated", action, {"fields": sorted(fields)})
    return action


def volunteer_addresses(action: Action) -> list[str]:
    emails = SignUp.objects.filter(slot__action=action, user__is_active=True).values_list(
        "user__email", flat=True
    )
    return sorted({email.lower() for email in emails})


def cancel_action(actor: Any, action: Action) -> Action:
    """Cancel the action; its volunteers are told by email."""
    policy.require(actor, "actions.edit", action)
    if action.status == Action.Status.CANCELLED:
        return action
    with transaction.atomic():
        action.status = Action.Status.CANCELLED
        action.save(update_fields=["status", "updated_at"])
        log_action(actor, "actions.action.cancelled", action)
        for email in volunteer_addresses(action):
            enqueue_templated_email(
                to=[email],
                template="actions/email/cancelled",
                context={"action": action, "action_url": absolute_url(action.get_absolute_url())},
                language=email_language(),
            )
    return action


def is_over(action: Action) -> bool:
    return action.ends_at <= timezone.now()


# Slots -----------------------------------------------------------------------------------


def _apply_slot(slot: Slot, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in SLOT_FIELDS:
            raise TypeError(f"{name} is not an editable field of a slot.")
        setattr(slot, name, value)
    if slot.starts_at and slot.ends_at and slot.ends_at <= slot.starts_at:
        raise ActionError(_("The slot must end after it starts."))


def add_slot(actor: Any, action: Action, **fields: Any) -> Slot:
    policy.require(actor, "actions.edit", action)
    slot = Slot(action=action, position=action.slots.count())
    _apply_slot(slot, fields)
    with transaction.atomic():
        slot.save()
        log_action(actor, "actions.slot.added", action, {"slot": slot.pk})
    return slot


def update_slot(actor: Any, slot: Slot, **fields: Any) -> Slot:
    """Change a slot; its places cannot drop below the volunteers already signed up."""
    policy.require(actor, "actions.edit", slot.action)
    with transaction.atomic():
        locked = Slot.objects.select_for_update().get(pk=slot.pk)
        _apply_slot(locked, fields)
        taken = locked.sign_ups.count()
        if locked.capacity is not None and locked.capacity < taken:
            raise ActionError(
                _("%(count)s volunteers already signed up: keep at least as many places.")
                % {"count": taken}
            )
        locked.save()
        log_action(actor, "actions.slot.updated", slot.action, {"slot": slot.pk})
    return locked


def remove_slot(actor: Any, slot: Slot) -> None:
    policy.require(actor, "actions.edit", slot.action)
    with transaction.atomic():
        log_action(
            actor,
            "actions.slot.removed",
            slot.action,
            {"slot": slot.pk, "sign_ups": slot.sign_ups.count()},
        )
        slot.delete()


def slots_with_counts(action: Action) -> list[tuple[Slot, int]]:
    """Each slot of the action with its number of volunteers, in two queries."""
    taken = dict(
        SignUp.objects.filter(slot__action=action)
        .values("slot")
        .annotate(count=Count("pk"))
        .values_list("slot", "count")
    )
    return [(slot, taken.get(slot.pk, 0)) for slot in action.slots.all()]


def sign_up(
    user: Any, slot: Slot, *, phone: str = "", share_phone: bool = False, comment: str = ""
) -> SignUp:
    """Put ``user`` on ``slot``. The slot's row is locked and its volunteers counted
    inside the transaction: two people cannot take its last place together (PostgreSQL
    waits on the lock; SQLite runs writers one at a time). Signing up again updates the
    phone number and the comment."""
    action = slot.action
    policy.require(user, "actions.volunteer", action)
    if is_over(action):
        raise ActionError(_("This action is over."))
    # A phone number the organisers may not use is not kept at all.
    phone = phone.strip() if share_phone else ""
    with transaction.atomic():
        locked = Slot.objects.select_for_update().get(pk=slot.pk)
        existing = SignUp.objects.filter(slot=locked, user=user).first()
        if existing is not None:
            existing.phone, existing.share_phone, existing.comment = phone, share_phone, comment
            existing.save(update_fields=["phone", "share_phone", "comment"])
            return existing
        if locked.capacity is not None and locked.sign_ups.count() >= locked.capacity:
            raise SlotFull(_("Every place of “%(slot)s” is taken.") % {"slot": locked.label})
        created = SignUp.objects.create(
            slot=locked, user=user, phone=phone, share_phone=share_phone, comment=comment
        )
        log_action(user, "actions.sign_up.created", action, {"slot": locked.pk})
    return created


def withdraw(user: Any, slot: Slot) -> bool:
    """Take ``user`` off ``slot``; False when they were not on it."""
    with transaction.atomic():
        deleted, _detail = SignUp.objects.filter(slot=slot, user=user).delete()
        if deleted:
            log_action(user, "actions.sign_up.withdrawn", slot.action, {"slot": slot.pk})
    return bool(deleted)


def volunteers(action: Action) -> QuerySet[SignUp]:
    return (
        SignUp.objects.filter(slot__action=action)
        .select_related("user", "slot")
        .order_by("slot__position", "slot__starts_at", "slot__pk", "created_at")
    )


def volunteer_count(action: Action) -> int:
    """People, not sign-ups: someone on two slots counts once."""
    return SignUp.objects.filter(slot__action=action).values("user").distinct().count()


def record_volunteers_export(actor: Any, action: Action) -> None:
    """The volunteer list leaves Colombe (with phone numbers): say who took it."""
    policy.require(actor, "actions.edit", action)
    with transaction.atomic():
        log_action(
            actor, "actions.volunteers.exported", action, {"rows": volunteers(action).count()}
        )


# The report an action becomes ---------------------------------------------------------------


def report_body(action: Action) -> str:
    """What was planned, for the organisers to turn into what happened."""
    lines = [
        _("Planned: %(kind)s, %(place)s, %(town)s.")
        % {"kind": ActionKind(action.kind).label, "place": action.place, "town": action.town},
    ]
    slots = slots_with_counts(action)
    if slots:
        lines += ["", _("Volunteers:")]
        lines += [f"- {slot.label}: {taken}" for slot, taken in slots]
    if action.material:
        lines += ["", _("Material: %(material)s") % {"material": action.material}]
    return "\n".join(lines)


def to_report(actor: Any, action: Action) -> ActionReport:
    """A draft report prefilled from the action (date, place, people, hashtags), linked
    to it; the same report when it was already made."""
    policy.require(actor, "actions.edit", action)
    if action.report is not None:
        return action.report
    if action.status == Action.Status.CANCELLED:
        raise ActionError(_("A cancelled action has nothing to report."))
    if not is_over(action):
        raise ActionError(_("An action is turned into a report once it is over."))
    hashtags = " ".join(f"#{tag.name}" for tag in action.hashtags.all())
    with transaction.atomic():
        report = report_services.create_report(
            actor,
            action.structure,
            action.group,
            kind=REPORT_KINDS[ActionKind(action.kind)],
            title=action.title,
            happened_on=timezone.localtime(action.starts_at).date(),
            town=action.town,
            people_reached=volunteer_count(action) or None,
            body=report_body(action),
            visibility=REPORT_AUDIENCE[Action.Visibility(action.visibility)],
            hashtags=hashtags,
        )
        action.report = report
        action.save(update_fields=["report", "updated_at"])
        log_action(actor, "actions.action.reported", action, {"report": report.pk})
    return report


# Reminders and data minimisation -----------------------------------------------------------


def due_reminders(now: datetime) -> QuerySet[SignUp]:
    """Sign-ups whose slot (or action, for a slot without times) starts within a day,
    not reminded yet, on actions still planned."""
    return (
        SignUp.objects.filter(reminded_at__isnull=True, slot__action__status=Action.Status.PLANNED)
        .annotate(begins=Coalesce("slot__starts_at", "slot__action__starts_at"))
        .filter(begins__gt=now, begins__lte=now + REMINDER_AHEAD)
    )


def remind(sign_up_id: int, now: datetime) -> bool:
    """Send one reminder unless another run already did: the stamp is claimed by a
    conditional update in the transaction that enqueues the email."""
    with transaction.atomic():
        claimed = SignUp.objects.filter(pk=sign_up_id, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return False
        entry = SignUp.objects.select_related("user", "slot__action").get(pk=sign_up_id)
        action = entry.slot.action
        enqueue_templated_email(
            to=[entry.user.email],
            template="actions/email/reminder",
            context={
                "action": action,
                "slot": entry.slot,
                "begins": formats.date_format(
                    timezone.localtime(entry.slot.starts_at or action.starts_at),
                    "DATETIME_FORMAT",
                ),
                "action_url": absolute_url(action.get_absolute_url()),
            },
            language=email_language(),
        )
    return True


def send_action_reminders() -> int:
    """Remind each volunteer a day before; returns how many emails were enqueued."""
    now = timezone.now()
    ids = list(due_reminders(now).values_list("pk", flat=True))
    return sum(remind(pk, now) for pk in ids)


def forget_phone_numbers() -> int:
    """Erase the phone numbers of actions that ended a week ago; returns how many."""
    ended = timezone.now() - PHONE_RETENTION
    stale = SignUp.objects.filter(slot__action__ends_at__lt=ended).filter(
        ~Q(phone="") | Q(share_phone=True)
    )
    with transaction.atomic():
        erased = stale.update(phone="", share_phone=False)
        if erased:
            log_action(None, "actions.phones.forgotten", None, {"sign_ups": erased})
    return erased


# Days of action ----------------------------------------------------------------------------


def _apply_day(day: DayOfAction, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in DAY_FIELDS:
            raise TypeError(f"{name} is not an editable field of a day of action.")
        setattr(day, name, value)
    if day.ends_on < day.starts_on:
        raise ActionError(_("The last day cannot come before the first."))
    day.call_html = render_markdown(day.call)


def call_day(actor: Any, *, hashtags: str = "", **fields: Any) -> DayOfAction:
    """A national day (national administrators) or a regional one (its coordinators)."""
    day = DayOfAction(created_by=actor)
    _apply_day(day, fields)
    policy.require(actor, "actions.call_day", day)
    with transaction.atomic():
        base = f"{slugify(day.title)[:180].strip('-') or 'journee'}-{day.starts_on:%Y}"
        day.slug = first_free_slug(DayOfAction.objects.all(), base)
        day.save()
        day.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        log_action(actor, "actions.day.called", day)
    return day


def update_day(
    actor: Any, day: DayOfAction, *, hashtags: str | None = None, **fields: Any
) -> DayOfAction:
    policy.require(actor, "actions.call_day", day)
    _apply_day(day, fields)
    policy.require(actor, "actions.call_day", day)  # the new territory must be theirs too
    with transaction.atomic():
        day.save()
        if hashtags is not None:
            day.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        log_action(actor, "actions.day.updated", day, {"fields": sorted(fields)})
    return day


def open_days() -> QuerySet[DayOfAction]:
    """Days of action local actions may still join."""
    return DayOfAction.objects.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")


def days_to_join(current_day_id: int | None = None) -> QuerySet[DayOfAction]:
    """What an action's form offers: the open days, and the one the action is already
    part of (kept when it is over, so that saving the form does not drop it)."""
    still_open = Q(ends_on__gte=timezone.localdate())
    if current_day_id is not None:
        still_open |= Q(pk=current_day_id)
    return DayOfAction.objects.filter(still_open).order_by("starts_on")
