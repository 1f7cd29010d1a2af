"""Account actions: sign-up bookkeeping, profile edits, GDPR export and erasure."""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from colombe.accounts.models import Consent, User
from colombe.actions.personal_data import actions_data
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.models import AuditEntry
from colombe.core.views import TERMS_VERSION
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    JoinRequest,
    Post,
    Thread,
)
from colombe.groups.services import forget_invitations_for
from colombe.mailing.personal_data import forget_addresses, mailing_data
from colombe.meetings.personal_data import meetings_data
from colombe.movement.models import Membership
from colombe.outreach.models import CommunicationRole, OutreachVolunteer, PostComment
from colombe.training.personal_data import training_data

EXPORT_FORMAT_VERSION = 1


def record_signup(*, user: User, display_name: str) -> None:
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        Consent.objects.create(user=user, kind=Consent.Kind.TERMS, text_version=TERMS_VERSION)
        log_action(user, "accounts.user.signed_up", user, {"terms_version": TERMS_VERSION})


def update_profile(
    *,
    user: User,
    display_name: str,
    languages: str,
    profile_visibility: str,
    interests: list[str],
    show_interests: bool | None = None,
    weekly_digest: bool | None = None,
) -> User:
    """Save what the person says about themselves; interests are hashtag names. The two
    choices about interests (shown to members, weekly digest) stay as they are when not
    given."""
    with transaction.atomic():
        user.display_name = display_name
        user.languages = languages
        user.profile_visibility = profile_visibility
        if show_interests is not None:
            user.show_interests = show_interests
        if weekly_digest is not None:
            user.weekly_digest = weekly_digest
        user.save(
            update_fields=[
                "display_name",
                "languages",
                "profile_visibility",
                "show_interests",
                "weekly_digest",
            ]
        )
        user.interests.set(get_or_create_hashtags(interests))
        log_action(
            user,
            "accounts.profile.updated",
            user,
            {
                "visibility": profile_visibility,
                "interests": len(interests),
                "show_interests": user.show_interests,
                "weekly_digest": user.weekly_digest,
            },
        )
    return user


# --- GDPR: right of access -------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_national_admin": user.is_national_admin,
        # Only the kind and date of each second factor: secrets never leave the server.
        "second_factors": [
            {"type": a.type, "created_at": _when(a.created_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip": s.ip,
                "browser": s.user_agent,
                "started_at": _when(s.created_at),
                "last_seen_at": _when(s.last_seen_at),
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at")
        ],
    }


def _profile(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "languages": user.languages,
        "profile_visibility": user.profile_visibility,
        "interests": [f"#{tag.name}" for tag in user.interests.order_by("name")],
        "show_interests": user.show_interests,
        "weekly_digest": user.weekly_digest,
    }


def _consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "text_version": c.text_version,
            "given_at": _when(c.given_at),
            "withdrawn_at": _when(c.withdrawn_at),
        }
        for c in user.consents.all()
    ]


def _memberships(user: User) -> list[dict[str, Any]]:
    return [
        {
            "structure_id": m.structure_id,
            "structure": m.structure.name,
            "role": m.role,
            "status": m.status,
            "is_relay": m.is_relay,
            "message": m.message,
            "requested_at": _when(m.created_at),
            "approved_at": _when(m.approved_at),
        }
        for m in Membership.objects.filter(user=user).select_related("structure")
    ]


def _group_memberships(user: User) -> list[dict[str, Any]]:
    # The person is a member of each of these groups, so naming them reveals nothing.
    return [
        {
            "group_id": gm.group_id,
            "group": gm.group.name,
            "role": gm.role,
            "joined_at": _when(gm.joined_at),
        }
        for gm in GroupMembership.objects.filter(user=user).select_related("group")
    ]


def _group_name_if_visible(group: Group, visible_ids: set[int]) -> str | None:
    """Name a group only when the person may still know it exists (they may have left a
    secret group since)."""
    return group.name if group.pk in visible_ids else None


def _contributions(user: User) -> dict[str, Any]:
    visible_ids = set(Group.objects.visible_to(user).values_list("pk", flat=True))
    threads = Thread.objects.filter(author=user).select_related("group")
    posts = Post.objects.filter(author=user).select_related("thread")
    documents = Document.objects.filter(created_by=user).select_related("group")
    versions = DocumentVersion.objects.filter(uploaded_by=user).select_related("document")
    return {
        "threads_started": [
            {
                "id": t.pk,
                "group_id": t.group_id,
                "group": _group_name_if_visible(t.group, visible_ids),
                "title": t.title,
                "created_at": _when(t.created_at),
            }
            for t in threads
        ],
        "posts": [
            {
                "id": p.pk,
                "thread_id": p.thread_id,
                "group_id": p.thread.group_id,
                # A deleted post's text is gone for everyone, its author included (posts
                # deleted before the groups app blanked them may still hold it).
                "text": None if p.deleted_at else p.body,
                "created_at": _when(p.created_at),
                "edited_at": _when(p.edited_at),
                "deleted_at": _when(p.deleted_at),
            }
            for p in posts
        ],
        "documents_created": [
            {
                "id": d.pk,
                "group_id": d.group_id,
                "group": _group_name_if_visible(d.group, visible_ids),
                "title": d.title,
                "created_at": _when(d.created_at),
            }
            for d in documents
        ],
        "files_uploaded": [
            {
                "document_id": v.document_id,
                "version": v.number,
                "file_name": v.original_name,
                "content_type": v.content_type,
                "size_bytes": v.size,
                "uploaded_at": _when(v.uploaded_at),
            }
            for v in versions
        ],
        "join_requests": [
            {
                "group_id": r.group_id,
                "group": _group_name_if_visible(r.group, visible_ids),
                "message": r.message,
                "status": r.status,
                "created_at": _when(r.created_at),
                "decided_at": _when(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("group")
        ],
    }


def _outreach(user: User) -> dict[str, Any]:
    """The "Relais jeunes" offer, communication roles and comments on posts (read here:
    the outreach app keeps no export of its own)."""
    volunteer = OutreachVolunteer.objects.filter(user=user).first()
    roles = CommunicationRole.objects.filter(user=user).select_related("structure")
    return {
        "outreach_volunteer": None
        if volunteer is None
        else {
            "creates_content": volunteer.creates_content,
            "trains_others": volunteer.trains_others,
            "is_young": volunteer.is_young,
            "networks": volunteer.networks,
            "skills": volunteer.skills,
            "updated_at": _when(volunteer.updated_at),
        },
        "communication_roles": [
            {
                # No structure: a seat in the national communication group.
                "structure": r.structure.name if r.structure else None,
                "appointed_at": _when(r.appointed_at),
            }
            for r in roles.order_by("pk")
        ],
        "post_comments": [
            {"post_id": c.post_id, "text": c.body, "written_at": _when(c.created_at)}
            for c in PostComment.objects.filter(author=user).order_by("pk")
        ],
    }


def _audit_entries(user: User) -> list[dict[str, Any]]:
    return [
        {
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "data": e.data,
            "at": _when(e.created_at),
        }
        for e in AuditEntry.objects.filter(actor=user).order_by("created_at", "id")
    ]


def personal_data(user: User) -> dict[str, Any]:
    """Everything Colombe holds about ``user``, and nothing about anyone else."""
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": _account(user),
        "profile": _profile(user),
        "consents": _consents(user),
        "memberships": _memberships(user),
        "group_memberships": _group_memberships(user),
        **_contributions(user),
        **meetings_data(user),
        **mailing_data(user, email_addresses_of(user)),
        **actions_data(user),
        **training_data(user),
        **_outreach(user),
        "actions_recorded": _audit_entries(user),
    }


def export_personal_data(*, user: User) -> bytes:
    """A zip holding ``colombe-data.json``; recorded in the audit log."""
    with transaction.atomic():
        data = personal_data(user)
        log_action(user, "accounts.data.exported", user, {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("colombe-data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()


# --- GDPR: right to erasure ------------------------------------------------------------


class LastOwnerError(Exception):
    """The person is the only owner of these groups; deleting them would orphan them."""

    def __init__(self, groups: list[Group]) -> None:
        super().__init__("last owner of groups")
        self.groups = groups


def groups_needing_new_owner(user: User) -> list[Group]:
    other_owners = GroupMembership.objects.filter(
        group=OuterRef("pk"), role=GroupMembership.Role.OWNER
    ).exclude(user=user)
    return list(
        Group.objects.filter(memberships__user=user, memberships__role=GroupMembership.Role.OWNER)
        .exclude(Exists(other_owners))
        .order_by("name")
    )


def email_addresses_of(user: User) -> list[str]:
    """Every address the person used: allauth's rows and the account's own field."""
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if user.email:
        addresses.add(user.email)
    return sorted(addresses)


def delete_account(*, user: User) -> None:
    """Erase the person: account, email addresses, profile, consents, memberships,
    sessions and the group invitations still waiting for them go; what they wrote stays,
    signed by a former member (every foreign key from contributions to the user is
    SET_NULL)."""
    with transaction.atomic():
        blocking = groups_needing_new_owner(user)
        if blocking:
            raise LastOwnerError(blocking)
        addresses = email_addresses_of(user)
        invitations_forgotten = forget_invitations_for(addresses)
        emails_forgotten = forget_addresses(addresses)
        # Counts only: the audit log must not keep personal data of an erased person.
        log_action(
            None,
            "accounts.user.deleted",
            user,
            {
                "memberships": Membership.objects.filter(user=user).count(),
                "group_memberships": GroupMembership.objects.filter(user=user).count(),
                "posts_kept": Post.objects.filter(author=user).count(),
                "invitations_forgotten": invitations_forgotten,
                "emails_forgotten": emails_forgotten,
            },
        )
        for session in UserSession.objects.filter(user=user):
            session.end()
        user.delete()
