"""Keeping the registry of accounts, the naming convention, the editorial charter, the
communication team and the "Relais jeunes" offers.

Each action checks the policy, writes in one transaction and records an audit entry."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.markdown import render_markdown
from colombe.core.slugs import first_free_slug
from colombe.movement.models import Structure
from colombe.outreach import policy as outreach_policy
from colombe.outreach.models import (
    CharterPage,
    ChecklistItem,
    CommunicationRole,
    NamingRule,
    OutreachVolunteer,
    SocialAccount,
)

ACCOUNT_FIELDS = ("network", "handle", "url", "label", "bio", "owner", "status")
CHARTER_FIELDS = ("title", "body", "position")
VOLUNTEER_FIELDS = ("creates_content", "trains_others", "is_young", "networks", "skills")


class RegistryError(Exception):
    """A refusal to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def copy_fields(target: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{name} may not be set by a form.")
        setattr(target, name, value)


def require_owner(actor: Any, owner: Structure) -> None:
    """The owner of an account is one of the structures whose accounts ``actor`` keeps."""
    if not outreach_policy.accounts_structures(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied


# Accounts -----------------------------------------------------------------------------


def create_account(actor: Any, *, responsible: list[Any], **fields: Any) -> SocialAccount:
    policy.require(actor, "outreach.add_account")
    account = SocialAccount()
    copy_fields(account, fields, ACCOUNT_FIELDS)
    require_owner(actor, account.owner)
    with transaction.atomic():
        account.save()
        account.responsible.set(responsible)
        log_action(actor, "outreach.account.created", account, account_data(account))
    return account


def update_account(
    actor: Any, account: SocialAccount, *, responsible: list[Any], **fields: Any
) -> SocialAccount:
    # Checked on the stored account: a model form has already changed the instance.
    stored = SocialAccount.objects.get(pk=account.pk)
    policy.require(actor, "outreach.edit_account", stored)
    copy_fields(account, fields, ACCOUNT_FIELDS)
    if account.owner_id != stored.owner_id:
        # Handing an account to another structure is for whoever keeps both.
        require_owner(actor, account.owner)
    with transaction.atomic():
        account.save()
        account.responsible.set(responsible)
        log_action(actor, "outreach.account.updated", account, account_data(account))
    return account


def delete_account(actor: Any, account: SocialAccount) -> None:
    """An account that posts went to stays in the registry (the posts' record would go
    with it); it can be marked dormant instead."""
    policy.require(actor, "outreach.edit_account", account)
    with transaction.atomic():
        if account.targets.exists():
            raise RegistryError(
                _("Posts went to this account: it stays in the registry. Mark it dormant.")
            )
        log_action(actor, "outreach.account.deleted", account, account_data(account))
        account.delete()


def account_data(account: SocialAccount) -> dict[str, Any]:
    return {
        "network": account.network,
        "handle": account.handle,
        "label": account.label,
        "owner": account.owner_id,
        "status": account.status,
    }


# Naming rules -------------------------------------------------------------------------


def save_naming_rule(
    actor: Any, owner_kind: str, *, label_template: str, bio_template: str
) -> NamingRule:
    policy.require(actor, "outreach.manage_naming")
    with transaction.atomic():
        rule, _created = NamingRule.objects.update_or_create(
            owner_kind=owner_kind,
            defaults={"label_template": label_template, "bio_template": bio_template},
        )
        log_action(
            actor,
            "outreach.naming_rule.saved",
            rule,
            {"kind": owner_kind, "label": label_template, "bio": bio_template},
        )
    return rule


# Charter ------------------------------------------------------------------------------


def create_charter_page(actor: Any, **fields: Any) -> CharterPage:
    policy.require(actor, "outreach.edit_charter")
    page = CharterPage(updated_by=actor)
    copy_fields(page, fields, CHARTER_FIELDS)
    page.body_html = render_markdown(page.body)
    with transaction.atomic():
        base = slugify(page.title)[:200].strip("-") or "page"
        page.slug = first_free_slug(CharterPage.objects.all(), base)
        page.save()
        log_action(actor, "outreach.charter_page.created", page, {"title": page.title})
    return page


def update_charter_page(actor: Any, page: CharterPage, **fields: Any) -> CharterPage:
    """The slug stays: the charter is linked to from reviews and messages."""
    policy.require(actor, "outreach.edit_charter", page)
    copy_fields(page, fields, CHARTER_FIELDS)
    page.body_html = render_markdown(page.body)
    page.updated_by = actor
    with transaction.atomic():
        page.save()
        log_action(actor, "outreach.charter_page.updated", page, {"title": page.title})
    return page


def delete_charter_page(actor: Any, page: CharterPage) -> None:
    policy.require(actor, "outreach.edit_charter", page)
    with transaction.atomic():
        log_action(actor, "outreach.charter_page.deleted", page, {"title": page.title})
        page.delete()


# Checklist ----------------------------------------------------------------------------


def add_checklist_item(actor: Any, text: str) -> ChecklistItem:
    policy.require(actor, "outreach.edit_charter")
    with transaction.atomic():
        last = ChecklistItem.objects.aggregate(last=Max("position"))["last"]
        item = ChecklistItem.objects.create(text=text, position=0 if last is None else last + 1)
        log_action(actor, "outreach.checklist.added", item, {"text": text})
    return item


def reword_checklist_item(actor: Any, item: ChecklistItem, text: str) -> ChecklistItem:
    policy.require(actor, "outreach.edit_charter")
    with transaction.atomic():
        log_action(actor, "outreach.checklist.reworded", item, {"before": item.text, "after": text})
        item.text = text
        item.save(update_fields=["text"])
    return item


def move_checklist_item(actor: Any, item: ChecklistItem, *, up: bool) -> None:
    """Swap the item with the one before (``up``) or after it; positions are numbered
    again from 0 on the way, so ties and gaps disappear."""
    policy.require(actor, "outreach.edit_charter")
    with transaction.atomic():
        items = list(ChecklistItem.objects.select_for_update().order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        neighbour = index - 1 if up else index + 1
        if 0 <= neighbour < len(items):
            items[index], items[neighbour] = items[neighbour], items[index]
        for position, other in enumerate(items):
            other.position = position
        ChecklistItem.objects.bulk_update(items, ["position"])
        log_action(actor, "outreach.checklist.moved", item, {"up": up})


def set_checklist_item_in_use(actor: Any, item: ChecklistItem, *, in_use: bool) -> None:
    """A retired item is no longer asked, and stays ticked on the reviews that used it."""
    policy.require(actor, "outreach.edit_charter")
    with transaction.atomic():
        item.is_active = in_use
        item.save(update_fields=["is_active"])
        action = "outreach.checklist.restored" if in_use else "outreach.checklist.retired"
        log_action(actor, action, item, {"text": item.text})


# Communication team -------------------------------------------------------------------


def appoint(actor: Any, person: Any, structure: Structure | None) -> CommunicationRole:
    """``structure`` None: a seat in the national communication group."""
    policy.require(actor, "outreach.appoint", structure)
    with transaction.atomic():
        role, created = CommunicationRole.objects.get_or_create(
            user=person, structure=structure, defaults={"appointed_by": actor}
        )
        if not created:
            raise RegistryError(_("%(name)s already has this role.") % {"name": person})
        log_action(actor, "outreach.team.appointed", role, role_data(role))
    return role


def dismiss(actor: Any, role: CommunicationRole) -> None:
    policy.require(actor, "outreach.appoint", role.structure)
    with transaction.atomic():
        log_action(actor, "outreach.team.dismissed", role, role_data(role))
        role.delete()


def role_data(role: CommunicationRole) -> dict[str, Any]:
    return {"user": role.user_id, "structure": role.structure_id}


# Relais jeunes ------------------------------------------------------------------------


def save_volunteer_offer(actor: Any, **fields: Any) -> OutreachVolunteer:
    """The offer is the person's own: they write it, nobody else."""
    if not outreach_policy.is_member(actor):
        raise PermissionDenied
    offer = OutreachVolunteer.objects.filter(user=actor).first() or OutreachVolunteer(user=actor)
    created = offer.pk is None
    copy_fields(offer, fields, VOLUNTEER_FIELDS)
    with transaction.atomic():
        offer.save()
        action = "outreach.volunteer.offered" if created else "outreach.volunteer.updated"
        log_action(actor, action, offer)
    return offer


def withdraw_volunteer_offer(actor: Any) -> bool:
    """Deletes the person's offer (nothing of it is kept); False when there was none."""
    with transaction.atomic():
        offer = OutreachVolunteer.objects.filter(user=actor).first()
        if offer is None:
            return False
        log_action(actor, "outreach.volunteer.withdrawn", offer)
        offer.delete()
    return True
