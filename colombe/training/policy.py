"""Who may see and do what in training.

Guides are public (they help anyone across the digital divide). Sessions are for members
of the movement; active members of a structure organise sessions for it; their organiser,
trainer, the structure's leaders and national administrators edit them and take
attendance. Members register; those who attended give feedback. Mentoring requests are
read by the person who asked, the mentor, and members who declared they can help with the
topic (pairing needs them); the two email addresses are shown only once the person who
asked accepted the helper's offer; the demand by topic and region is for the communication group.
Skills are private to their owner unless they list themselves as trainers."""

from typing import Any

from django.db.models import Q, QuerySet

from colombe.core import policy
from colombe.groups.models import Visibility
from colombe.meetings.models import Meeting
from colombe.movement.policy import (
    active_structures,
    is_active_member,
    is_authenticated,
    leads_or_administers,
)
from colombe.outreach.policy import in_communication_group
from colombe.training.models import MentoringRequest, Resource, Skill, TrainingSession


def is_member(user: Any) -> bool:
    return is_active_member(user) or policy.is_national_admin(user)


def visible_sessions(user: Any) -> QuerySet[TrainingSession]:
    if is_member(user):
        return TrainingSession.objects.all()
    return TrainingSession.objects.none()


@policy.register_visibility(TrainingSession, scope=visible_sessions)
def can_see_session(user: Any, session: TrainingSession) -> bool:
    return is_member(user)


def meetings_open_to_the_movement() -> Q:
    """Meetings every member of the movement may see (``meetings.policy``): not a
    committee's own or a private or secret group's. A session is for all members, so
    linking any other meeting would show its title, date and lobby to people it is
    hidden from."""
    open_audience = Q(audience__in=[Meeting.Audience.PUBLIC, Meeting.Audience.MOVEMENT])
    return open_audience & (Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC))


def may_link_meeting(user: Any, meeting: Meeting) -> bool:
    open_meetings = Meeting.objects.filter(meetings_open_to_the_movement())
    return policy.can_see(user, meeting) and open_meetings.filter(pk=meeting.pk).exists()


@policy.register("training.create_session")
def can_create_session(user: Any, _nothing: Any = None) -> bool:
    """Active members organise sessions for their structures (``active_structures``)."""
    return active_structures(user).exists()


@policy.register("training.edit_session")
def can_edit_session(user: Any, session: TrainingSession) -> bool:
    if not is_authenticated(user):
        return False
    return (
        session.created_by_id == user.pk
        or session.trainer_id == user.pk
        or leads_or_administers(user, session.structure)
    )


@policy.register("training.register")
def can_register(user: Any, session: TrainingSession) -> bool:
    return is_member(user) and not session.is_cancelled


def edits_resources(user: Any) -> bool:
    return in_communication_group(user)


def visible_resources(user: Any) -> QuerySet[Resource]:
    if edits_resources(user):
        return Resource.objects.all()
    return Resource.objects.filter(is_published=True)


@policy.register_visibility(Resource, scope=visible_resources)
def can_see_resource(user: Any, resource: Resource) -> bool:
    return resource.is_published or edits_resources(user)


@policy.register("training.edit_resources")
def can_edit_resources(user: Any, _nothing: Any = None) -> bool:
    return edits_resources(user)


def helps_with(user: Any) -> QuerySet[Skill]:
    return Skill.objects.filter(user=user, can_teach=True)


def visible_mentoring_requests(user: Any) -> QuerySet[MentoringRequest]:
    if not is_member(user):
        return MentoringRequest.objects.none()
    topics = helps_with(user).values("topic_id")
    return MentoringRequest.objects.filter(
        Q(requester=user)
        | Q(mentor=user)
        | Q(topic_id__in=topics, status=MentoringRequest.Status.OPEN)
    )


@policy.register_visibility(MentoringRequest, scope=visible_mentoring_requests)
def can_see_mentoring_request(user: Any, request: MentoringRequest) -> bool:
    return visible_mentoring_requests(user).filter(pk=request.pk).exists()


@policy.register("training.ask_for_help")
def can_ask_for_help(user: Any, _nothing: Any = None) -> bool:
    return is_member(user)


@policy.register("training.offer_help")
def can_offer_help(user: Any, request: MentoringRequest) -> bool:
    return (
        is_member(user)
        and request.status == MentoringRequest.Status.OPEN
        and request.requester_id != user.pk
        and helps_with(user).filter(topic_id=request.topic_id).exists()
    )


def awaits_acceptance(request: MentoringRequest) -> bool:
    """A helper offered; the person who asked has not said yes yet."""
    return request.status == MentoringRequest.Status.PAIRED and request.accepted_at is None


@policy.register("training.answer_offer")
def can_answer_offer(user: Any, request: MentoringRequest) -> bool:
    """The person who asked accepts the offer (and shares their address) or declines it."""
    return is_authenticated(user) and user.pk == request.requester_id and awaits_acceptance(request)


def shares_contact(user: Any, request: MentoringRequest) -> bool:
    """Each side sees the other's address once the offer is accepted, never before."""
    return (
        request.status == MentoringRequest.Status.PAIRED
        and request.accepted_at is not None
        and user.pk in (request.requester_id, request.mentor_id)
    )


@policy.register("training.confirm_mentoring")
def can_confirm_mentoring(user: Any, request: MentoringRequest) -> bool:
    return shares_contact(user, request)


def was_taken_from(user: Any, request: MentoringRequest) -> bool:
    """A member who helps with the topic saw the request while it was open; once another
    helper took it, it leaves their view, and they may only learn that it was taken
    (not that it was withdrawn, nor anything of a request they could never see)."""
    return (
        is_member(user)
        and request.status in {MentoringRequest.Status.PAIRED, MentoringRequest.Status.DONE}
        and user.pk not in (request.requester_id, request.mentor_id)
        and helps_with(user).filter(topic_id=request.topic_id).exists()
    )


@policy.register("training.cancel_mentoring")
def can_cancel_mentoring(user: Any, request: MentoringRequest) -> bool:
    """The person who asked may withdraw an open or paired request; the mentor may step
    back from a pairing (the request opens again)."""
    if not is_authenticated(user):
        return False
    if user.pk == request.requester_id:
        return request.status in {MentoringRequest.Status.OPEN, MentoringRequest.Status.PAIRED}
    return user.pk == request.mentor_id and request.status == MentoringRequest.Status.PAIRED


@policy.register("training.see_demand")
def can_see_demand(user: Any, _nothing: Any = None) -> bool:
    return in_communication_group(user)
