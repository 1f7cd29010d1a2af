"""Actions on the movement's structures: join requests, relays, roles, contact, and the
national administration of structures and territories."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory


class MovementError(Exception):
    """A refusal the person can understand and act upon; the message is shown as is."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def leader_emails(structure: Structure) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__structure=structure,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role=Membership.Role.LEADER,
        )
        .order_by("pk")
        .values_list("email", flat=True)
    )


def responsible_emails(structure: Structure) -> list[str]:
    """Who answers for a structure: its leaders, else the coordinators of its territory,
    else the national administrators — a message never falls into the void."""
    emails = leader_emails(structure)
    if emails:
        return emails
    territory_ids = [t.pk for t in structure.territory.ancestors_and_self()]
    coordinators = User.objects.filter(
        is_active=True, coordinated_territories__in=territory_ids
    ).distinct()
    emails = list(coordinators.order_by("pk").values_list("email", flat=True))
    if emails:
        return emails
    admins = User.objects.filter(is_active=True, is_national_admin=True).order_by("pk")
    return list(admins.values_list("email", flat=True))


def email_each(emails: list[str], **kwargs: Any) -> None:
    """One message per recipient, so nobody learns the others' addresses (not even by
    answering "reply all")."""
    for email in emails:
        enqueue_templated_email(to=[email], **kwargs)


def send_contact_message(
    *, actor: Any, structure: Structure, name: str, email: str, message: str
) -> int:
    policy.require(actor, "movement.contact", structure)
    recipients = responsible_emails(structure)
    with transaction.atomic():
        email_each(
            recipients,
            template="movement/email/contact",
            context={
                "structure": structure,
                "sender_name": name,
                "sender_email": email,
                "message": message,
                "structure_url": absolute_url(structure.get_absolute_url()),
            },
            reply_to=[email],
        )
        log_action(actor, "movement.contact.sent", structure, {"recipients": len(recipients)})
    return len(recipients)


def request_membership(
    *,
    actor: Any,
    structure: Structure,
    message: str = "",
    organisation: PartnerOrganisation | None = None,
) -> Membership:
    existing = Membership.objects.filter(user=actor, structure=structure).first()
    if existing is not None:
        raise MovementError(already_there_message(existing))
    policy.require(actor, "movement.request_join", structure)
    if organisation is not None and not structure.partners.filter(pk=organisation.pk).exists():
        raise MovementError(_("This organisation is not a partner of this collective."))
    role = Membership.Role.REPRESENTATIVE if organisation else Membership.Role.MEMBER
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=actor,
                structure=structure,
                role=role,
                organisation=organisation,
                message=message,
                status=Membership.Status.PENDING,
            )
            log_action(
                actor, "movement.membership.requested", structure, {"membership": membership.pk}
            )
            email_each(
                responsible_emails(structure),
                template="movement/email/join_request",
                context={
                    "structure": structure,
                    "person": actor.public_name,
                    "message": message,
                    "organisation": organisation,
                    "members_url": absolute_url(reverse("movement:members", args=[structure.slug])),
                },
            )
    except IntegrityError as exc:
        # A second click raced the first one: the request exists, say so.
        raise MovementError(_("Your request is already waiting for approval.")) from exc
    return membership


def already_there_message(membership: Membership) -> Any:
    if membership.is_active:
        return _("You are already a member of this structure.")
    return _("Your request is already waiting for approval.")


def pending_request(structure: Structure, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(structure=structure, pk=pk, status=Membership.Status.PENDING)
        .first()
    )
    if membership is None:
        raise MovementError(_("This request has already been handled."))
    return membership


def approve_membership(*, actor: Any, structure: Structure, membership_id: int) -> Membership:
    policy.require(actor, "movement.manage", structure)
    with transaction.atomic():
        membership = pending_request(structure, membership_id)
        membership.status = Membership.Status.ACTIVE
        membership.approved_at = timezone.now()
        membership.save(update_fields=["status", "approved_at"])
        log_action(
            actor,
            "movement.membership.approved",
            structure,
            {"membership": membership.pk, "user": membership.user_id},
        )
        enqueue_templated_email(
            to=[membership.user.email],
            template="movement/email/join_approved",
            context={
                "structure": structure,
                "structure_url": absolute_url(structure.get_absolute_url()),
            },
        )
    return membership


def reject_membership(*, actor: Any, structure: Structure, membership_id: int) -> None:
    """The request is deleted so that the person may ask again later."""
    policy.require(actor, "movement.manage", structure)
    with transaction.atomic():
        membership = pending_request(structure, membership_id)
        log_action(
            actor,
            "movement.membership.rejected",
            structure,
            {"membership": membership.pk, "user": membership.user_id},
        )
        enqueue_templated_email(
            to=[membership.user.email],
            template="movement/email/join_rejected",
            context={"structure": structure},
        )
        membership.delete()


def is_last_leader(membership: Membership) -> bool:
    if membership.role != Membership.Role.LEADER or not membership.is_active:
        return False
    return not (
        Membership.objects.filter(
            structure_id=membership.structure_id,
            role=Membership.Role.LEADER,
            status=Membership.Status.ACTIVE,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def leave_structure(*, actor: Any, structure: Structure) -> None:
    policy.require(actor, "movement.leave", structure)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(user=actor, structure=structure)
        if is_last_leader(membership):
            raise MovementError(_("You are the last leader: name another leader before you leave."))
        log_action(
            actor,
            "movement.membership.left",
            structure,
            {"membership": membership.pk, "was_pending": not membership.is_active},
        )
        membership.delete()


def active_member(structure: Structure, pk: int) -> Membership:
    membership = Membership.objects.filter(
        structure=structure, pk=pk, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise MovementError(_("This person is not an active member of this structure."))
    return membership


def name_relay(*, actor: Any, structure: Structure, membership_id: int) -> Membership:
    policy.require(actor, "movement.manage", structure)
    with transaction.atomic():
        # Lock the structure so that two leaders cannot name the 4th and 5th relay at once.
        Structure.objects.select_for_update().filter(pk=structure.pk).first()
        membership = active_member(structure, membership_id)
        if membership.is_relay:
            return membership
        relays = Membership.objects.filter(structure=structure, is_relay=True).count()
        if relays >= Membership.MAX_RELAYS:
            raise MovementError(
                _("A structure has at most %(max)d relays. Remove one before naming another.")
                % {"max": Membership.MAX_RELAYS}
            )
        membership.is_relay = True
        membership.save(update_fields=["is_relay"])
        log_action(actor, "movement.relay.named", structure, {"membership": membership.pk})
    return membership


def remove_relay(*, actor: Any, structure: Structure, membership_id: int) -> Membership:
    policy.require(actor, "movement.manage", structure)
    with transaction.atomic():
        membership = active_member(structure, membership_id)
        if not membership.is_relay:
            return membership
        membership.is_relay = False
        membership.save(update_fields=["is_relay"])
        log_action(actor, "movement.relay.removed", structure, {"membership": membership.pk})
    return membership


def change_role(*, actor: Any, structure: Structure, membership_id: int, role: str) -> Membership:
    policy.require(actor, "movement.manage", structure)
    if role not in {Membership.Role.LEADER, Membership.Role.MEMBER}:
        raise MovementError(_("Choose leader or member."))
    with transaction.atomic():
        Structure.objects.select_for_update().filter(pk=structure.pk).first()
        membership = active_member(structure, membership_id)
        if membership.role == role:
            return membership
        if is_last_leader(membership):
            raise MovementError(_("This is the last leader: name another leader first."))
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        log_action(
            actor,
            "movement.role.changed",
            structure,
            {"membership": membership.pk, "from": previous, "to": role},
        )
    return membership


def remove_member(*, actor: Any, structure: Structure, membership_id: int) -> Membership:
    """A leader takes someone off the structure; the person is told by email."""
    policy.require(actor, "movement.manage", structure)
    with transaction.atomic():
        # Lock the structure so that two leaders cannot remove the last two leaders at once.
        Structure.objects.select_for_update().filter(pk=structure.pk).first()
        membership = active_member(structure, membership_id)
        if membership.user_id == getattr(actor, "pk", None):
            raise MovementError(_("To leave the structure yourself, use the Leave page."))
        if is_last_leader(membership):
            raise MovementError(_("This is the last leader: name another leader first."))
        log_action(
            actor,
            "movement.member.removed",
            structure,
            {"membership": membership.pk, "user": membership.user_id},
        )
        enqueue_templated_email(
            to=[membership.user.email],
            template="movement/email/member_removed",
            context={
                "structure": structure,
                "structure_url": absolute_url(structure.get_absolute_url()),
            },
        )
        membership.delete()
    return membership


def update_description(*, actor: Any, structure: Structure, description: str) -> Structure:
    policy.require(actor, "movement.edit_description", structure)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if structure.description == description:
            return structure
        structure.description = description
        structure.save(update_fields=["description"])
        log_action(actor, "movement.structure.description_updated", structure)
    return structure


STRUCTURE_FIELDS = ["name", "slug", "kind", "territory", "description"]


def create_structure(*, actor: Any, **fields: Any) -> Structure:
    policy.require(actor, "movement.create_structure", fields["territory"])
    with transaction.atomic():
        structure = Structure.objects.create(**fields)
        log_action(actor, "movement.structure.created", structure, {"kind": structure.kind})
    return structure


def update_structure(*, actor: Any, structure: Structure, **fields: Any) -> Structure:
    policy.require(actor, "movement.edit_structure", structure)
    if not policy.has_perm(actor, "movement.create_structure", fields["territory"]):
        # Moving a structure out of one's own region is not allowed either.
        raise MovementError(_("You cannot move a structure to this territory."))
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        changed = [name for name, value in fields.items() if getattr(structure, name) != value]
        for name, value in fields.items():
            setattr(structure, name, value)
        structure.save()
        log_action(actor, "movement.structure.updated", structure, {"fields": changed})
    return structure


def create_territory(*, actor: Any, **fields: Any) -> Territory:
    policy.require(actor, "movement.create_territory", fields.get("parent"))
    with transaction.atomic():
        territory = Territory.objects.create(**fields)
        log_action(actor, "movement.territory.created", territory, {"level": territory.level})
    return territory


def update_territory(*, actor: Any, territory: Territory, **fields: Any) -> Territory:
    policy.require(actor, "movement.edit_territory", territory)
    if not policy.has_perm(actor, "movement.create_territory", fields.get("parent")):
        raise MovementError(_("You cannot move a territory there."))
    with transaction.atomic():
        territory = Territory.objects.select_for_update().get(pk=territory.pk)
        changed = [name for name, value in fields.items() if getattr(territory, name) != value]
        for name, value in fields.items():
            setattr(territory, name, value)
        territory.save()
        log_action(actor, "movement.territory.updated", territory, {"fields": changed})
    return territory


def account_with_email(email: str) -> User:
    """The active account with exactly this address (case does not matter in addresses).
    The refusal says nothing about other accounts."""
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if person is None:
        raise MovementError(_("There is no account with this email address."))
    return person


def assign_coordinator(*, actor: Any, territory: Territory, email: str) -> User:
    policy.require(actor, "movement.manage_coordinators", territory)
    person = account_with_email(email)
    with transaction.atomic():
        Territory.objects.select_for_update().filter(pk=territory.pk).first()
        if territory.coordinators.filter(pk=person.pk).exists():
            raise MovementError(_("This person already coordinates this territory."))
        territory.coordinators.add(person)
        log_action(actor, "movement.coordinator.assigned", territory, {"user": person.pk})
        enqueue_templated_email(
            to=[person.email],
            template="movement/email/coordinator_assigned",
            context={
                "territory": territory,
                "territories_url": absolute_url(reverse("movement:territories")),
            },
        )
    return person


def remove_coordinator(*, actor: Any, territory: Territory, user_id: int) -> None:
    policy.require(actor, "movement.manage_coordinators", territory)
    with transaction.atomic():
        person = territory.coordinators.filter(pk=user_id).first()
        if person is None:
            raise MovementError(_("This person does not coordinate this territory."))
        territory.coordinators.remove(person)
        log_action(actor, "movement.coordinator.removed", territory, {"user": person.pk})
        enqueue_templated_email(
            to=[person.email],
            template="movement/email/coordinator_removed",
            context={"territory": territory},
        )


def unused_organisation_slug(name: str) -> str:
    base = slugify(name)[:170] or "organisation"
    slug, number = base, 1
    while PartnerOrganisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_partner_organisation(
    *, actor: Any, collective: Structure, name: str, website: str = "", description: str = ""
) -> PartnerOrganisation:
    """Organisations are created from the collective they join, so none is left orphaned."""
    policy.require(actor, "movement.manage_partners", collective)
    try:
        with transaction.atomic():
            organisation = PartnerOrganisation.objects.create(
                name=name,
                slug=unused_organisation_slug(name),
                website=website,
                description=description,
            )
            log_action(
                actor,
                "movement.partner_organisation.created",
                organisation,
                {"collective": collective.pk},
            )
            collective.partners.add(organisation)
            log_action(
                actor, "movement.partner.added", collective, {"organisation": organisation.pk}
            )
    except IntegrityError as exc:
        # Someone created an organisation with the same name in the meantime.
        raise MovementError(_("An organisation with this name already exists.")) from exc
    return organisation


def add_partner(
    *, actor: Any, collective: Structure, organisation: PartnerOrganisation
) -> PartnerOrganisation:
    policy.require(actor, "movement.manage_partners", collective)
    with transaction.atomic():
        if collective.partners.filter(pk=organisation.pk).exists():
            return organisation
        collective.partners.add(organisation)
        log_action(actor, "movement.partner.added", collective, {"organisation": organisation.pk})
    return organisation


def representatives_of(
    collective: Structure, organisation: PartnerOrganisation
) -> QuerySet[Membership]:
    return Membership.objects.filter(structure=collective, organisation=organisation)


def remove_partner(*, actor: Any, collective: Structure, organisation_id: int) -> int:
    """Take an organisation out of a collective. Its representatives stay in the collective
    in their own name (they are people who chose to join); returns how many they are."""
    policy.require(actor, "movement.manage_partners", collective)
    with transaction.atomic():
        organisation = collective.partners.filter(pk=organisation_id).first()
        if organisation is None:
            raise MovementError(_("This organisation is not a partner of this collective."))
        representatives = representatives_of(collective, organisation)
        # A leader who also spoke for the organisation stays a leader.
        representatives.filter(role=Membership.Role.REPRESENTATIVE).update(
            role=Membership.Role.MEMBER
        )
        count = representatives.update(organisation=None)
        collective.partners.remove(organisation)
        log_action(
            actor,
            "movement.partner.removed",
            collective,
            {"organisation": organisation.pk, "representatives": count},
        )
    return count
