"""Who may see and do what in groups.

- public: anyone knows it and reads its content;
- private: anyone knows it (name, description); content is for members;
- secret: exists only for its members. National administrators are not an exception:
  a secret group is known only to the people in it (see docs/decisions/0002).
"""

from typing import Any

from django.db.models import QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership, Post, Visibility
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import leads_or_administers


def group_role(user: Any, group: Group) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_group_roles", None)
    if cache is None:
        cache = dict(GroupMembership.objects.filter(user=user).values_list("group_id", "role"))
        user._group_roles = cache
    return cache.get(group.pk)


def forget_cached_roles(user: Any) -> None:
    """Call after changing someone's memberships within one request."""
    if hasattr(user, "_group_roles"):
        del user._group_roles


def is_member(user: Any, group: Group) -> bool:
    return group_role(user, group) is not None


def is_moderator(user: Any, group: Group) -> bool:
    return group_role(user, group) in {GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR}


def is_owner(user: Any, group: Group) -> bool:
    return group_role(user, group) == GroupMembership.Role.OWNER


@policy.register_visibility(Group, scope=lambda user: Group.objects.visible_to(user))
def can_see_group(user: Any, group: Group) -> bool:
    return group.visibility != Visibility.SECRET or is_member(user, group)


@policy.register("groups.read")
def can_read(user: Any, group: Group) -> bool:
    return group.visibility == Visibility.PUBLIC or is_member(user, group)


@policy.register("groups.post")
def can_post(user: Any, group: Group) -> bool:
    return is_member(user, group)


@policy.register("groups.upload")
def can_upload(user: Any, group: Group) -> bool:
    return is_member(user, group)


@policy.register("groups.moderate")
def can_moderate(user: Any, group: Group) -> bool:
    return is_moderator(user, group)


@policy.register("groups.invite")
def can_invite(user: Any, group: Group) -> bool:
    return is_moderator(user, group)


@policy.register("groups.manage_members")
def can_manage_members(user: Any, group: Group) -> bool:
    return is_moderator(user, group)


@policy.register("groups.change_role")
def can_change_role(user: Any, group: Group) -> bool:
    return is_owner(user, group)


@policy.register("groups.request_join")
def can_request_join(user: Any, group: Group) -> bool:
    """Only private and public groups take requests; secret groups are invitation-only."""
    return (
        getattr(user, "is_authenticated", False)
        and group.visibility != Visibility.SECRET
        and not is_member(user, group)
    )


@policy.register("groups.leave")
def can_leave(user: Any, group: Group) -> bool:
    return is_member(user, group)


@policy.register("groups.create")
def can_create_group(user: Any, structure: Any) -> bool:
    """Leaders of the owning structure and national administrators create groups."""
    return leads_or_administers(user, structure)


@policy.register("groups.edit")
def can_edit_group(user: Any, group: Group) -> bool:
    return is_moderator(user, group)


@policy.register("groups.change_visibility")
def can_change_visibility(user: Any, group: Group) -> bool:
    """Owners only: a moderator must not be able to reveal a secret group (or hide a
    public one from the people who follow it)."""
    return is_owner(user, group)


@policy.register("groups.view_members")
def can_view_members(user: Any, group: Group) -> bool:
    """Belonging to a group can say something about a person's opinions (GDPR special
    category), so the member list is for members, whatever the group's visibility."""
    return is_member(user, group)


@policy.register("groups.edit_post")
def can_edit_post(user: Any, post: Post) -> bool:
    """Authors edit their own messages while they are members, unless a moderator hid
    the message or it was deleted."""
    return (
        is_member(user, post.thread.group)
        and post.author_id == user.pk
        and post.deleted_at is None
        and post.hidden_at is None
    )


@policy.register("groups.delete_post")
def can_delete_post(user: Any, post: Post) -> bool:
    return (
        is_member(user, post.thread.group) and post.author_id == user.pk and post.deleted_at is None
    )


def structures_for_new_groups(user: Any) -> QuerySet[Structure]:
    """The structures in whose name ``user`` may create a group (same rule as
    ``groups.create``, as a queryset for the create form)."""
    if policy.is_national_admin(user):
        return Structure.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Structure.objects.none()
    return Structure.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.LEADER,
        memberships__status=Membership.Status.ACTIVE,
    )
