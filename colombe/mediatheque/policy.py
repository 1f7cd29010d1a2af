"""Who may see and keep the archive.

An item is read by its audience: anyone (public), members of the movement (anyone with an
active membership in a structure), or the members of one group — an item filed in a secret
group's space exists only for its members (national administrators included, decision
0002). Whoever filed an item finds it again — except a group's item once they have left
the group: it belongs to the group's current members. Members of the movement add items;
their author and national administrators edit them.

A video or sound as uploaded still holds its metadata (where a phone shot it, the
device): its original goes to its editors only; the others get the rendition, which the
conversion stripped."""

from typing import Any

from django.db.models import Exists, Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting, Recording
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
        # Not a group's item: someone who left the group must not keep it (and make it
        # public on their way out).
        audience |= Q(created_by=user) & ~Q(visibility=Audience.GROUP)
    return MediaItem.objects.filter(audience)


@policy.register_visibility(MediaItem, scope=visible_items)
def can_see_item(user: Any, item: MediaItem) -> bool:
    return visible_items(user).filter(pk=item.pk).exists()


@policy.register("mediatheque.add")
def can_add(user: Any, _nothing: Any = None) -> bool:
    return is_movement_member(user) or policy.is_national_admin(user)


def is_group_member(user: Any, group_id: int) -> bool:
    return GroupMembership.objects.filter(user=user, group_id=group_id).exists()


@policy.register("mediatheque.edit")
def can_edit(user: Any, item: MediaItem) -> bool:
    if not is_authenticated(user):
        return False
    # A group's item (the group is set exactly then) is for its current members only.
    if item.group_id is not None and not is_group_member(user, item.group_id):
        return False
    return item.created_by_id == user.pk or policy.is_national_admin(user)


@policy.register("mediatheque.original")
def can_fetch_original(user: Any, item: MediaItem) -> bool:
    """A press article's original is what its readers read (images are re-encoded
    without their metadata); a video's or a sound's goes to its editors only."""
    if item.kind in (MediaItem.Kind.VIDEO, MediaItem.Kind.AUDIO):
        return can_edit(user, item)
    return can_see_item(user, item)


def recording_audience(meeting: Meeting) -> tuple[str, Group | None] | None:
    """Who the archived recording is for: as closed as the meeting — its group's, the
    public, or the movement's members. None for a meeting limited to its committee: the
    archive has no audience that narrow, so its recording stays with the meeting."""
    if meeting.group is not None:
        return Audience.GROUP, meeting.group
    if meeting.audience == Meeting.Audience.PUBLIC:
        return Audience.PUBLIC, None
    if meeting.audience == Meeting.Audience.MOVEMENT:
        return Audience.MEMBERS, None
    return None


@policy.register("mediatheque.archive_recording")
def can_archive_recording(user: Any, recording: Recording) -> bool:
    """A meeting's organisers put its finished recording in the archive. A group's
    recording becomes the group's item, which its author controls: they must belong to
    the group (a moderator invited from outside does not)."""
    ready = recording.status == Recording.Status.READY and bool(recording.file)
    meeting = recording.meeting
    if not ready or recording_audience(meeting) is None or not is_organiser(user, meeting):
        return False
    return meeting.group_id is None or is_group_member(user, meeting.group_id)
