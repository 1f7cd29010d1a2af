"""Who may see, join and run meetings.

A meeting inherits its secrecy from its owner: a group's meeting is readable exactly by
those who may read the group's content (and a secret group's meeting, like the group,
exists only for its members, national administrators included — decision 0002). A
structure's meeting is for its ``audience``: anyone, members of the movement, or the
structure's own members. People invited personally (members, partners' representatives)
see the meeting they were invited to; outside guests hold no account and reach the one
meeting through their personal link (``services.invitation_from_token``)."""

from typing import Any

from django.db.models import Exists, Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Group, GroupMembership, Visibility
from colombe.groups.policy import is_moderator as moderates_group
from colombe.meetings.models import Meeting, MeetingInvitation, Registration
from colombe.movement.models import Membership, Structure
from colombe.movement.policy import is_authenticated, leads_or_administers


def _active_structure_ids(user: Any) -> QuerySet:
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "structure_id"
    )


def _group_ids(user: Any, roles: list[str] | None = None) -> QuerySet:
    memberships = GroupMembership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("group_id")


def _invited_meeting_ids(user: Any) -> QuerySet:
    return MeetingInvitation.objects.filter(user=user, revoked_at__isnull=True).values("meeting_id")


def _public_condition() -> Q:
    """Meetings anyone may see: public structure meetings and public meetings of public
    groups."""
    no_group = Q(group__isnull=True)
    public_group = Q(group__visibility=Visibility.PUBLIC)
    return Q(audience=Meeting.Audience.PUBLIC) & (no_group | public_group)


def _organised_by(user: Any) -> Q:
    led = Membership.objects.filter(
        user=user, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    ).values("structure_id")
    moderated = _group_ids(user, [GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR])
    structure_led = Q(group__isnull=True, owner_id__in=led)
    moderator_invited = MeetingInvitation.objects.filter(
        user=user, revoked_at__isnull=True, role=MeetingInvitation.Role.MODERATOR
    ).values("meeting_id")
    return (
        structure_led | Q(group_id__in=moderated) | Q(created_by=user) | Q(pk__in=moderator_invited)
    )


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    public = _public_condition()
    if not is_authenticated(user):
        return Meeting.objects.filter(public)
    # A subquery rather than a query of its own: building the scope costs no round trip
    # (search builds it on every request).
    member_of_movement = Exists(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    )
    condition = public | Q(pk__in=_invited_meeting_ids(user)) | _organised_by(user)
    # Group meetings: the group's members always; others only when the group is
    # public and the meeting is open to the movement.
    condition |= Q(group_id__in=_group_ids(user))
    structure_members = Q(group__isnull=True, audience=Meeting.Audience.OWNER) & Q(
        owner_id__in=_active_structure_ids(user)
    )
    condition |= structure_members
    movement_wide = Q(audience=Meeting.Audience.MOVEMENT) & (
        Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC)
    )
    condition |= movement_wide & Q(member_of_movement)
    if policy.is_national_admin(user):
        condition |= Q(group__isnull=True) | ~Q(group__visibility=Visibility.SECRET)
    return Meeting.objects.filter(condition).distinct()


def is_organiser(user: Any, meeting: Meeting) -> bool:
    """Organisers schedule, invite, moderate, record and write the minutes."""
    if not is_authenticated(user):
        return False
    if meeting.group is not None:
        if moderates_group(user, meeting.group):
            return True
        if meeting.group.visibility == Visibility.SECRET:
            return _invited_as_moderator(user, meeting)
    elif leads_or_administers(user, meeting.owner):
        return True
    if policy.is_national_admin(user) or meeting.created_by_id == user.pk:
        return True
    return _invited_as_moderator(user, meeting)


def _invited_as_moderator(user: Any, meeting: Meeting) -> bool:
    return MeetingInvitation.objects.filter(
        meeting=meeting, user=user, revoked_at__isnull=True, role=MeetingInvitation.Role.MODERATOR
    ).exists()


@policy.register_visibility(Meeting, scope=visible_meetings)
def can_see_meeting(user: Any, meeting: Meeting) -> bool:
    return visible_meetings(user).filter(pk=meeting.pk).exists()


def has_confirmed_seat(user: Any, meeting: Meeting) -> bool:
    """Whether a registration (when required) lets the user in."""
    if not meeting.registration_required:
        return True
    return (
        Registration.objects.filter(
            meeting=meeting, user=user, status=Registration.Status.CONFIRMED
        ).exists()
        or MeetingInvitation.objects.filter(
            meeting=meeting, user=user, revoked_at__isnull=True
        ).exists()
    )


@policy.register("meetings.join")
def can_join(user: Any, meeting: Meeting) -> bool:
    """Members who may see the meeting join it (with a seat when registration is
    required); anonymous visitors join only through a personal invitation link."""
    if meeting.is_over or not is_authenticated(user):
        return False
    return is_organiser(user, meeting) or has_confirmed_seat(user, meeting)


@policy.register("meetings.register")
def can_register(user: Any, meeting: Meeting) -> bool:
    return is_authenticated(user) and meeting.registration_required and not meeting.is_over


@policy.register("meetings.organise")
def can_organise(user: Any, meeting: Meeting) -> bool:
    return is_organiser(user, meeting)


@policy.register("meetings.schedule")
def can_schedule(user: Any, owner: Structure | Group) -> bool:
    """Leaders schedule their structure's meetings; owners and moderators their group's."""
    if isinstance(owner, Group):
        return moderates_group(user, owner)
    return leads_or_administers(user, owner)


@policy.register("meetings.read_minutes")
def can_read_minutes(user: Any, meeting: Meeting) -> bool:
    """Published minutes are for everyone who may see the meeting; drafts for organisers."""
    minutes = getattr(meeting, "minutes", None)
    if minutes is not None and minutes.published_at is not None:
        return True
    return is_organiser(user, meeting)


@policy.register("meetings.watch_recordings")
def can_watch_recordings(user: Any, meeting: Meeting) -> bool:
    """Finished recordings are for everyone who may see the meeting: everyone in the room
    saw the recording notice, and the meeting's visibility already says who may know
    what was said (``policy.require`` answers 404 to the others)."""
    return True
