"""Who may see and keep the archive.

An item is read by its audience: anyone (public), members of the movement (anyone with an
active membership in a structure), or the members of one group — an item filed in a secret
group's space exists only for its members (national administrators included, decision
0002). Whoever filed an item always finds it again. Members of the movement add items;
their author and national administrators edit them."""

from typing import Any

from django.db.models import Exists, Q, QuerySet

from colombe.core import policy
from colombe.groups.models import GroupMembership
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Recording
from colombe.meetings.policy import is_organiser
from colombe.movement.models import Membership
from colombe.movement.policy import is_authenticated

Audience = MediaItem.Visibility


def is_movement_member(user: Any) -> bool:
    if not is_authenticated(user):
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).exists()


def visible_items(user: Any) -> QuerySet[MediaItem]:
    audience = Q(visibility=Audience.PUBLIC)
    if is_authenticated(user):
        # A subquery rather than a query of its own: the scope is one SQL statement, so a
        # page listing items does not pay a round trip for it.
        active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        member = Q() if policy.is_national_admin(user) else Q(Exists(active))
        audience |= Q(visibility=Audience.MEMBERS) & member
        member_of = GroupMembership.objects.filter(user=user).values("group_id")
        audience |= Q(visibility=Audience.GROUP, group_id__in=member_of)
        audience |= Q(created_by=user)
    return MediaItem.objects.filter(audience)


@policy.register_visibility(MediaItem, scope=visible_items)
def can_see_item(user: Any, item: MediaItem) -> bool:
    return visible_items(user).filter(pk=item.pk).exists()


@policy.register("mediatheque.add")
def can_add(user: Any, _nothing: Any = None) -> bool:
    return is_movement_member(user) or policy.is_national_admin(user)


@policy.register("mediatheque.edit")
def can_edit(user: Any, item: MediaItem) -> bool:
    if not is_authenticated(user):
        return False
    return item.created_by_id == user.pk or policy.is_national_admin(user)


@policy.register("mediatheque.archive_recording")
def can_archive_recording(user: Any, recording: Recording) -> bool:
    """A meeting's organisers put its finished recording in the archive."""
    ready = recording.status == Recording.Status.READY and bool(recording.file)
    return ready and is_organiser(user, recording.meeting)
