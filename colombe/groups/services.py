"""Actions on groups. Each one checks the policy, writes in one transaction, records an
audit entry (ids only, never names) and enqueues its emails inside the transaction."""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.markdown import render_markdown
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Post,
    Thread,
    Visibility,
)
from colombe.groups.policy import forget_cached_roles, is_owner
from colombe.groups.uploads import CheckedUpload
from colombe.movement.models import Structure

INVITATION_LIFETIME = timedelta(days=14)
# Invitations one person may send per hour, across all groups: enough for a moderator
# inviting a whole committee, too few to turn the invitation email into a spam cannon.
INVITATIONS_PER_HOUR = 50
# Words used by the app's own URLs (groupes/nouveau/, groupes/invitations/…).
RESERVED_SLUGS = {"nouveau", "invitations"}
Role = GroupMembership.Role


class GroupActionError(Exception):
    """An action that the rules refuse, with a message to show to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RevealNotConfirmed(GroupActionError):
    """A secret group would become visible without its owner confirming it."""


class InvitationLimitReached(GroupActionError):
    """The person sent too many invitations in the last hour."""


class InvitationUnusable(Exception):
    """The token matches no invitation, or one that was used, revoked or has expired."""

    UNKNOWN = "unknown"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Groups ------------------------------------------------------------------------------


def unique_slug(name: str, visibility: str) -> str:
    base = slugify(name)[:120] or "groupe"
    if visibility == Visibility.SECRET:
        # A secret group's address must not be guessable from its name, and a clash with
        # it must never tell another creator (through a "-2" suffix) that it exists.
        return f"{base}-{secrets.token_hex(4)}"
    candidate, number = base, 1
    while candidate in RESERVED_SLUGS or Group.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def create_group(
    *,
    actor: Any,
    owner: Structure,
    name: str,
    description: str,
    visibility: str,
    hashtags: str = "",
) -> Group:
    policy.require(actor, "groups.create", owner)
    with transaction.atomic():
        group = Group.objects.create(
            owner=owner,
            name=name,
            slug=unique_slug(name, visibility),
            description=description,
            visibility=visibility,
            created_by=actor,
        )
        group.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        GroupMembership.objects.create(group=group, user=actor, role=Role.OWNER)
        log_action(actor, "groups.group.created", group, {"owner": owner.pk})
    forget_cached_roles(actor)
    return group


def update_group(
    *,
    actor: Any,
    group: Group,
    name: str,
    description: str,
    hashtags: str,
    visibility: str | None = None,
    confirm_reveal: bool = False,
) -> Group:
    """Edit the group. ``visibility`` None keeps it; changing it is for owners, and
    revealing a secret group needs ``confirm_reveal``."""
    policy.require(actor, "groups.edit", group)
    previous_visibility = group.visibility
    visibility = visibility or previous_visibility
    if visibility != previous_visibility:
        policy.require(actor, "groups.change_visibility", group)
        if previous_visibility == Visibility.SECRET and not confirm_reveal:
            raise RevealNotConfirmed(
                _(
                    "Tick the box to confirm that people outside the group will learn "
                    "that it exists."
                )
            )
    with transaction.atomic():
        group.name = name
        group.description = description
        group.visibility = visibility
        if visibility == Visibility.SECRET and previous_visibility != Visibility.SECRET:
            # The old address came from the name, and its holder made the next group of
            # that name get "-2": both would tell outsiders that a hidden group exists.
            group.slug = unique_slug(name, Visibility.SECRET)
        group.save(update_fields=["name", "slug", "description", "visibility"])
        group.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        log_action(
            actor,
            "groups.group.updated",
            group,
            {"visibility": visibility, "previous_visibility": previous_visibility},
        )
    return group


# Invitations -------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def count_invitation_sent(actor: Any) -> bool:
    """Count one invitation sent by ``actor``; False once over the hourly limit.

    colombe.core.ratelimit counts per IP address; invitations are counted per person,
    who may change networks but not accounts (a fixed one-hour window in the cache)."""
    key = f"ratelimit:groups.invite:user:{actor.pk}"
    if cache.add(key, 1, timeout=3600):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=3600)
        return True
    return count <= INVITATIONS_PER_HOUR


def invite_member(*, actor: Any, group: Group, email: str) -> Invitation:
    """Invite ``email``; inviting the same address again renews the pending invitation
    (new token, new expiry) instead of piling up invitations."""
    policy.require(actor, "groups.invite", group)
    email = email.strip().lower()
    if group.memberships.filter(user__email__iexact=email).exists():
        raise GroupActionError(_("This person is already a member of the group."))
    if not count_invitation_sent(actor):
        raise InvitationLimitReached(
            _(
                "You have sent %(limit)s invitations in the last hour, the most allowed. "
                "Please try again later."
            )
            % {"limit": INVITATIONS_PER_HOUR}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(group=group, email__iexact=email, accepted_at__isnull=True)
            .filter(revoked_at__isnull=True)
            .first()
        )
        renewed = invitation is not None
        if invitation is None:
            invitation = Invitation(group=group, email=email)
        invitation.token_hash = hash_token(token)
        invitation.expires_at = timezone.now() + INVITATION_LIFETIME
        invitation.invited_by = actor
        invitation.save()
        log_action(
            actor,
            "groups.invitation.created",
            group,
            {"invitation": invitation.pk, "renewed": renewed},
        )
        enqueue_templated_email(
            to=[email],
            template="groups/email/invitation",
            context={
                "group": group,
                "inviter": actor,
                "accept_url": absolute_url(reverse("groups:accept_invitation", args=[token])),
                "expires_at": invitation.expires_at,
            },
            language=get_language() or settings.LANGUAGE_CODE,
        )
    return invitation


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    """The invitation for ``token``, or InvitationUnusable saying why not."""
    invitations = Invitation.objects.select_related("group")
    if lock:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationUnusable(InvitationUnusable.UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationUnusable(InvitationUnusable.USED)
    if invitation.revoked_at is not None:
        raise InvitationUnusable(InvitationUnusable.REVOKED)
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(InvitationUnusable.EXPIRED)
    return invitation


def accept_invitation(*, actor: Any, token: str) -> Group:
    """Join the group with the invitation's token.

    The token is the permission: the invitation is bound to nothing else, so it may be
    accepted with an account whose email differs from the invited address (people often
    have several addresses, and whoever received the link was chosen by a moderator). It
    works once, and only until it expires.
    """
    with transaction.atomic():
        invitation = usable_invitation(token, lock=True)
        group = invitation.group
        _membership, joined = GroupMembership.objects.get_or_create(
            group=group, user=actor, defaults={"role": Role.MEMBER}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.email = ""  # the address was only needed to send the link
        invitation.save(update_fields=["accepted_at", "accepted_by", "email"])
        log_action(
            actor,
            "groups.invitation.accepted",
            group,
            {"invitation": invitation.pk, "already_member": not joined},
        )
    forget_cached_roles(actor)
    return group


def revoke_invitation(*, actor: Any, group: Group, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation: its link stops working and its address is
    forgotten."""
    policy.require(actor, "groups.invite", group)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(group=group, pk=invitation_id).first()
        )
        if invitation is None:
            raise Http404
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise GroupActionError(_("This invitation has already been accepted or withdrawn."))
        invitation.revoked_at = timezone.now()
        invitation.email = ""
        invitation.save(update_fields=["revoked_at", "email"])
        log_action(actor, "groups.invitation.revoked", group, {"invitation": invitation.pk})
    return invitation


def forget_invitations_for(emails: list[str]) -> int:
    """Delete the pending invitations addressed to ``emails`` and return how many there
    were. Called when an account is deleted, with all of its addresses: an invitation
    nobody accepted is the only place the groups app keeps an address."""
    addresses = {email.strip().lower() for email in emails if email.strip()}
    if not addresses:
        return 0
    pending = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    deleted, _by_model = (
        pending.alias(address=Lower("email")).filter(address__in=addresses).delete()
    )
    return deleted


# Join requests -----------------------------------------------------------------------


def request_to_join(*, actor: Any, group: Group, message: str = "") -> JoinRequest:
    policy.require(actor, "groups.request_join", group)
    already_asked = GroupActionError(
        _("You already asked to join this group. The moderators will answer soon.")
    )
    if group.join_requests.filter(user=actor, status=JoinRequest.Status.PENDING).exists():
        raise already_asked
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(group=group, user=actor, message=message)
            log_action(actor, "groups.join_request.created", group, {"request": join_request.pk})
            notify_moderators_of_request(join_request)
    except IntegrityError as exc:  # two clicks at once: the constraint keeps one request
        raise already_asked from exc
    return join_request


def moderator_emails(group: Group) -> list[str]:
    return list(
        group.memberships.filter(role__in=[Role.OWNER, Role.MODERATOR], user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def notify_moderators_of_request(join_request: JoinRequest) -> None:
    """One email per moderator and owner, so that nobody sees the others' addresses."""
    group = join_request.group
    context = {
        "group": group,
        "person": join_request.user,
        "message": join_request.message,
        "manage_url": absolute_url(reverse("groups:manage", args=[group.slug])),
    }
    for email in moderator_emails(group):
        enqueue_templated_email(
            to=[email],
            template="groups/email/join_request",
            context=context,
            language=settings.LANGUAGE_CODE,
        )


def pending_request(group: Group, join_request_id: int) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("user")
        .filter(group=group, pk=join_request_id)
        .first()
    )
    if join_request is None or join_request.status != JoinRequest.Status.PENDING:
        raise GroupActionError(_("This request has already been answered."))
    return join_request


def approve_join_request(*, actor: Any, group: Group, join_request_id: int) -> JoinRequest:
    policy.require(actor, "groups.manage_members", group)
    with transaction.atomic():
        join_request = pending_request(group, join_request_id)
        GroupMembership.objects.get_or_create(
            group=group, user=join_request.user, defaults={"role": Role.MEMBER}
        )
        join_request.status = JoinRequest.Status.APPROVED
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_at"])
        log_action(
            actor,
            "groups.join_request.approved",
            group,
            {"request": join_request.pk, "user": join_request.user_id},
        )
        enqueue_templated_email(
            to=[join_request.user.email],
            template="groups/email/request_approved",
            context={
                "group": group,
                "group_url": absolute_url(group.get_absolute_url()),
                "person": join_request.user,
            },
            language=settings.LANGUAGE_CODE,
        )
    return join_request


def reject_join_request(*, actor: Any, group: Group, join_request_id: int) -> JoinRequest:
    policy.require(actor, "groups.manage_members", group)
    with transaction.atomic():
        join_request = pending_request(group, join_request_id)
        join_request.status = JoinRequest.Status.REJECTED
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["status", "decided_at"])
        log_action(
            actor,
            "groups.join_request.rejected",
            group,
            {"request": join_request.pk, "user": join_request.user_id},
        )
    return join_request


# Membership --------------------------------------------------------------------------


def owner_count(group: Group) -> int:
    return group.memberships.filter(role=Role.OWNER).count()


def leave_group(*, actor: Any, group: Group) -> None:
    policy.require(actor, "groups.leave", group)
    with transaction.atomic():
        membership = GroupMembership.objects.select_for_update().get(group=group, user=actor)
        if membership.role == Role.OWNER and owner_count(group) == 1:
            raise GroupActionError(
                _(
                    "You are the last owner of this group, so you cannot leave it. "
                    "Make another member an owner first."
                )
            )
        membership.delete()
        log_action(actor, "groups.member.left", group, {"user": actor.pk})
    forget_cached_roles(actor)


def remove_member(*, actor: Any, group: Group, membership_id: int) -> None:
    policy.require(actor, "groups.manage_members", group)
    with transaction.atomic():
        membership = GroupMembership.objects.select_for_update().get(group=group, pk=membership_id)
        if membership.user_id == actor.pk:
            raise GroupActionError(_("To leave the group yourself, use “Leave the group”."))
        if membership.role != Role.MEMBER and not is_owner(actor, group):
            raise GroupActionError(_("Only an owner can remove a moderator or an owner."))
        membership.delete()
        log_action(actor, "groups.member.removed", group, {"user": membership.user_id})


def change_role(*, actor: Any, group: Group, membership_id: int, role: str) -> GroupMembership:
    policy.require(actor, "groups.change_role", group)
    with transaction.atomic():
        membership = GroupMembership.objects.select_for_update().get(group=group, pk=membership_id)
        previous = membership.role
        if previous == Role.OWNER and role != Role.OWNER and owner_count(group) == 1:
            raise GroupActionError(
                _("A group needs at least one owner. Make another member an owner first.")
            )
        membership.role = role
        membership.save(update_fields=["role"])
        log_action(
            actor,
            "groups.member.role_changed",
            group,
            {"user": membership.user_id, "role": role, "previous_role": previous},
        )
    forget_cached_roles(actor)
    return membership


# Discussions -------------------------------------------------------------------------


def start_thread(*, actor: Any, group: Group, title: str, body: str) -> Thread:
    policy.require(actor, "groups.post", group)
    with transaction.atomic():
        thread = Thread.objects.create(group=group, title=title, author=actor)
        post = Post.objects.create(
            thread=thread, author=actor, body=body, body_html=render_markdown(body)
        )
        log_action(actor, "groups.thread.created", thread, {"group": group.pk, "post": post.pk})
    return thread


def reply(*, actor: Any, thread: Thread, body: str) -> Post:
    policy.require(actor, "groups.post", thread.group)
    with transaction.atomic():
        post = Post.objects.create(
            thread=thread, author=actor, body=body, body_html=render_markdown(body)
        )
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=post.created_at)
        log_action(actor, "groups.post.created", post, {"thread": thread.pk})
    return post


def edit_post(*, actor: Any, post: Post, body: str) -> Post:
    policy.require(actor, "groups.edit_post", post)
    with transaction.atomic():
        post.body = body
        post.body_html = render_markdown(body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        log_action(actor, "groups.post.edited", post, {"thread": post.thread_id})
    return post


def delete_post(*, actor: Any, post: Post) -> Post:
    """Soft delete: the message shows as deleted so the conversation stays readable."""
    policy.require(actor, "groups.delete_post", post)
    with transaction.atomic():
        post.deleted_at = timezone.now()
        # What the author deleted must really be gone, not just hidden from the page.
        post.body = ""
        post.body_html = ""
        post.save(update_fields=["deleted_at", "body", "body_html"])
        log_action(actor, "groups.post.deleted", post, {"thread": post.thread_id})
    return post


def hide_post(*, actor: Any, post: Post) -> Post:
    """Moderators hide a message from members; the content is kept for moderators."""
    policy.require(actor, "groups.moderate", post.thread.group)
    with transaction.atomic():
        post.hidden_at = timezone.now()
        post.hidden_by = actor
        post.save(update_fields=["hidden_at", "hidden_by"])
        log_action(actor, "groups.post.hidden", post, {"thread": post.thread_id})
    return post


def unhide_post(*, actor: Any, post: Post) -> Post:
    """Moderators show a hidden message to members again (a hide by mistake, or after
    the author and the moderators talked it over)."""
    policy.require(actor, "groups.moderate", post.thread.group)
    with transaction.atomic():
        # Locked so that two moderators clicking at once record one "unhidden" entry.
        if Post.objects.select_for_update().get(pk=post.pk).hidden_at is None:
            raise GroupActionError(_("This message is not hidden."))
        post.hidden_at = None
        post.hidden_by = None
        post.save(update_fields=["hidden_at", "hidden_by"])
        log_action(actor, "groups.post.unhidden", post, {"thread": post.thread_id})
    return post


# Documents ---------------------------------------------------------------------------


@contextmanager
def files_removed_on_failure() -> Iterator[list[FieldFile]]:
    """Collects the files written to storage during a transaction, and deletes them if
    the transaction fails: the rows that would point to them are rolled back, and a file
    nobody can reach would stay on disk forever (with someone's data in it)."""
    written: list[FieldFile] = []
    try:
        yield written
    except BaseException:
        for field_file in written:
            if field_file.name:
                field_file.storage.delete(field_file.name)
        raise


def upload_document(
    *, actor: Any, group: Group, title: str, upload: CheckedUpload
) -> DocumentVersion:
    policy.require(actor, "groups.upload", group)
    with files_removed_on_failure() as written, transaction.atomic():
        document = Document.objects.create(
            group=group, title=title or upload.original_name, created_by=actor
        )
        version = store_version(actor, document, upload, number=1, written=written)
        log_action(
            actor,
            "groups.document.uploaded",
            document,
            {"group": group.pk, "version": version.number},
        )
    return version


def add_document_version(
    *, actor: Any, document: Document, upload: CheckedUpload
) -> DocumentVersion:
    policy.require(actor, "groups.upload", document.group)
    with files_removed_on_failure() as written, transaction.atomic():
        # Lock the document so that two uploads at once get different numbers.
        Document.objects.select_for_update().filter(pk=document.pk).first()
        latest = document.versions.order_by("-number").values_list("number", flat=True).first()
        version = store_version(actor, document, upload, number=(latest or 0) + 1, written=written)
        log_action(
            actor,
            "groups.document.uploaded",
            document,
            {"group": document.group_id, "version": version.number},
        )
    return version


def store_version(
    actor: Any,
    document: Document,
    upload: CheckedUpload,
    *,
    number: int,
    written: list[FieldFile],
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    version.file.save(upload.original_name, upload.file, save=False)
    written.append(version.file)
    version.save()
    return version
