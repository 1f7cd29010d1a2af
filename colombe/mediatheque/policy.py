"""Who may see and keep the archive.

An item is read by its audience: anyone (public), members of the movement (anyone with an
active membership in a structure), the active members of one committee (and national
administrators, who read committee-only reports too), or the members of one group — an
item filed in a secret group's space exists only for its members (national administrators
included, decision 0002). Whoever filed an item finds it again — except a committee's or
a group's item once they have left it: it belongs to its current members. Members of the
movement add items; their author and national administrators edit them.

A video or sound as uploaded still holds its metadata (where a phone shot it, the
device): its original goes to its editors only; the others get the rendition, which the
conversion stripped."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership
from colombe.mediatheque.models import MediaItem
from colombe.meetings.models import Meeting, Recording
from colombe.meetings.policy import is_organiser
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import is_active_member, is_authenticated

Audience = MediaItem.Visibility


def visible_items(user: Any) -> QuerySet[MediaItem]:
    audience = Q(visibility=Audience.PUBLIC)
    if is_authenticated(user):
        # A subquery rather than a query of its own: the scope is one SQL statement, so a
        # page listing items does not pay a round trip for it.
        if policy.is_national_admin(user):
            audience |= Q(visibility__in=[Audience.MEMBERS, Audience.COMMITTEE])
        else:
            active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
            audience |= Q(visibility=Audience.MEMBERS) & Q(Exists(active))
            committees = active.values("structure_id")
            audience |= Q(visibility=Audience.COMMITTEE, structure_id__in=committees)
        member_of = GroupMembership.objects.filter(user=user).values("group_id")
        audience |= Q(visibility=Audience.GROUP, group_id__in=member_of)
        # Not a group's or a committee's item: someone who left it must not keep it (and
        # make it public on their way out).
        audience |= Q(created_by=user) & ~Q(visibility__in=[Audience.GROUP, Audience.COMMITTEE])
    return MediaItem.objects.filter(audience)


@policy.register_visibility(MediaItem, scope=visible_items)
def can_see_item(user: Any, item: MediaItem) -> bool:
    return visible_items(user).filter(pk=item.pk).exists()


@policy.register("mediatheque.add")
def can_add(user: Any, _nothing: Any = None) -> bool:
    return is_active_member(user) or policy.is_national_admin(user)


def is_group_member(user: Any, group_id: int) -> bool:
    return GroupMembership.objects.filter(user=user, group_id=group_id).exists()


def reads_committee_items(user: Any, structure_id: int) -> bool:
    """Whoever reads a committee's items: its active members and national administrators."""
    if policy.is_national_admin(user):
        return True
    active = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    return active.filter(structure_id=structure_id).exists()


@policy.register("mediatheque.edit")
def can_edit(user: Any, item: MediaItem) -> bool:
    if not is_authenticated(user):
        return False
    # A group's item (the group is set exactly then) is for its current members only.
    if item.group_id is not None and not is_group_member(user, item.group_id):
        return False
    # Likewise a committee's item (the committee is set exactly then).
    if item.structure_id is not None and not reads_committee_items(user, item.structure_id):
        return False
    return item.created_by_id == user.pk or policy.is_national_admin(user)


@policy.register("mediatheque.original")
def can_fetch_original(user: Any, item: MediaItem) -> bool:
    """A press article's original is what its readers read (images are re-encoded
    without their metadata); a video's or a sound's goes to its editors only."""
    if item.kind in (MediaItem.Kind.VIDEO, MediaItem.Kind.AUDIO):
        return can_edit(user, item)
    return can_see_item(user, item)


@dataclass(frozen=True)
class RecordingAudience:
    visibility: str
    group: Group | None = None
    structure: Structure | None = None


def recording_audience(meeting: Meeting) -> RecordingAudience:
    """Who the archived recording is for: as closed as the meeting — its group's, the
    public, the movement's members, or its committee's members."""
    if meeting.group is not None:
        return RecordingAudience(Audience.GROUP, group=meeting.group)
    if meeting.audience == Meeting.Audience.PUBLIC:
        return RecordingAudience(Audience.PUBLIC)
    if meeting.audience == Meeting.Audience.MOVEMENT:
        return RecordingAudience(Audience.MEMBERS)
    return RecordingAudience(Audience.COMMITTEE, structure=meeting.owner)


@policy.register("mediatheque.archive_recording")
def can_archive_recording(user: Any, recording: Recording) -> bool:
    """A meeting's organisers put its finished recording in the archive. A group's or a
    committee's recording becomes its item, which its author controls: they must belong
    to the group or the committee (a moderator invited from outside does not)."""
    ready = recording.status == Recording.Status.READY and bool(recording.file)
    meeting = recording.meeting
    if not ready or not is_organiser(user, meeting):
        return False
    audience = recording_audience(meeting)
    if audience.group is not None:
        return is_group_member(user, audience.group.pk)
    if audience.structure is not None:
        return reads_committee_items(user, audience.structure.pk)
    return True
