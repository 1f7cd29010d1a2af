"""Mentoring: a member asks for help with a digital task, Colombe tells the members who
can help (nearest first), the first one to offer is paired with them, the member accepts
the offer (only then do both see each other's email address), and both confirm that the
session happened."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from colombe.accounts.models import User
from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.movement.models import Membership, Territory
from colombe.training.models import MentoringRequest, Skill
from colombe.training.services import TrainingError

Status = MentoringRequest.Status

ALREADY_TAKEN = gettext_lazy("Someone else has already offered to help. Thank you!")
# Enough helpers for someone to answer soon, without mailing a whole region.
MAX_SUGGESTIONS = 10


class Proximity:
    """How close a helper is to the person who asked (smaller is closer)."""

    SAME_DEPARTMENT = 0
    SAME_REGION = 1
    ELSEWHERE = 2


@dataclass(frozen=True)
class MentorSuggestion:
    mentor: User
    proximity: int
    current_pairings: int


def ancestor_at(territory: Territory | None, level: int) -> Territory | None:
    if territory is None:
        return None
    return next((t for t in territory.ancestors_and_self() if t.level == level), None)


def proximity(request_territory: Territory | None, helper_territories: list[Territory]) -> int:
    """The closest of the helper's structures to the request's territory."""
    department = ancestor_at(request_territory, Territory.Level.DEPARTMENT)
    region = ancestor_at(request_territory, Territory.Level.REGION)
    best = Proximity.ELSEWHERE
    for territory in helper_territories:
        if department is not None and ancestor_at(territory, Territory.Level.DEPARTMENT) == (
            department
        ):
            return Proximity.SAME_DEPARTMENT
        if region is not None and ancestor_at(territory, Territory.Level.REGION) == region:
            best = Proximity.SAME_REGION
    return best


def territories_of(users: list[User]) -> dict[int, list[Territory]]:
    """Each person's territories: those of the structures they are active in."""
    memberships = Membership.objects.filter(
        user__in=users, status=Membership.Status.ACTIVE
    ).select_related(
        "structure__territory__parent__parent__parent",
    )
    found: dict[int, list[Territory]] = {user.pk: [] for user in users}
    for membership in memberships:
        found[membership.user_id].append(membership.structure.territory)
    return found


def helpers_for(topic_id: int) -> list[User]:
    """Active members who said they can help with the topic."""
    helper_ids = Skill.objects.filter(topic_id=topic_id, can_teach=True).values("user_id")
    return list(
        User.objects.filter(pk__in=helper_ids, is_active=True)
        .filter(
            Q(memberships__status=Membership.Status.ACTIVE) | Q(is_national_admin=True),
        )
        .distinct()
        .annotate(
            current_pairings=Count(
                "mentoring_given",
                filter=Q(mentoring_given__status=Status.PAIRED),
                distinct=True,
            )
        )
    )


def suggest_mentors(request: MentoringRequest) -> list[MentorSuggestion]:
    """Members who can teach the topic (never the person who asked): same department
    first, then same region, then the others; within each, those giving the fewest
    sessions at the moment."""
    helpers = [user for user in helpers_for(request.topic_id) if user.pk != request.requester_id]
    territories = territories_of(helpers)
    suggestions = [
        MentorSuggestion(
            mentor=helper,
            proximity=proximity(request.territory, territories[helper.pk]),
            # Annotated by helpers_for (unknown to the type checker).
            current_pairings=getattr(helper, "current_pairings", 0),
        )
        for helper in helpers
    ]
    suggestions.sort(key=lambda s: (s.proximity, s.current_pairings, s.mentor.pk))
    return suggestions


def ask_for_help(
    user: Any,
    *,
    topic: Any,
    availability: str,
    details: str = "",
    territory: Territory | None = None,
    in_person: bool = False,
) -> MentoringRequest:
    """Record the request and tell the closest helpers."""
    policy.require(user, "training.ask_for_help")
    with transaction.atomic():
        request = MentoringRequest.objects.create(
            requester=user,
            topic=topic,
            details=details,
            territory=territory,
            availability=availability,
            in_person=in_person,
        )
        log_action(user, "training.mentoring.requested", request, {"topic": topic.pk})
        url = absolute_url(request.get_absolute_url())
        for suggestion in suggest_mentors(request)[:MAX_SUGGESTIONS]:
            enqueue_templated_email(
                to=[suggestion.mentor.email],
                template="training/email/mentoring_requested",
                context={"request": request, "mentor": suggestion.mentor, "url": url},
            )
    return request


def offer_help(mentor: Any, request: MentoringRequest) -> MentoringRequest:
    """The first offer pairs: the request row is locked, a later offer finds it taken.
    The person who asked is told who offers, and no address changes hands until they
    accept (``accept_offer``)."""
    policy.require(mentor, "training.offer_help", request)
    with transaction.atomic():
        locked = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.OPEN:
            raise TrainingError(str(ALREADY_TAKEN))
        locked.mentor = mentor
        locked.status = Status.PAIRED
        locked.paired_at = timezone.now()
        locked.accepted_at = None
        locked.save(update_fields=["mentor", "status", "paired_at", "accepted_at"])
        log_action(mentor, "training.mentoring.paired", locked)
        enqueue_templated_email(
            to=[locked.requester.email],
            template="training/email/mentoring_paired",
            context={
                "request": locked,
                "mentor": mentor,
                "url": absolute_url(locked.get_absolute_url()),
            },
        )
    return locked


def locked_awaiting_answer(user: Any, request: MentoringRequest) -> MentoringRequest:
    """The request row, locked, still waiting for ``user``'s answer to the offer."""
    policy.require(user, "training.answer_offer", request)
    locked = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if not policy.has_perm(user, "training.answer_offer", locked):
        raise TrainingError(_("This offer is no longer waiting for your answer."))
    return locked


def accept_offer(user: Any, request: MentoringRequest) -> MentoringRequest:
    """The person who asked says yes: each now sees the other's address, and the helper
    is told by email (with the address, which they may now use)."""
    with transaction.atomic():
        locked = locked_awaiting_answer(user, request)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        log_action(user, "training.mentoring.accepted", locked)
        mentor = locked.mentor
        if mentor is not None:
            enqueue_templated_email(
                to=[mentor.email],
                template="training/email/mentoring_accepted",
                context={
                    "request": locked,
                    "mentor": mentor,
                    "url": absolute_url(locked.get_absolute_url()),
                },
            )
    return locked


def reopen(request: MentoringRequest) -> None:
    request.status, request.mentor, request.paired_at = Status.OPEN, None, None
    request.accepted_at = None
    request.confirmed_by_requester_at = request.confirmed_by_mentor_at = None
    request.save()


def decline_offer(user: Any, request: MentoringRequest) -> MentoringRequest:
    """The person who asked says no thank you: the request opens again for others; the
    helper never saw their address."""
    with transaction.atomic():
        locked = locked_awaiting_answer(user, request)
        reopen(locked)
        log_action(user, "training.mentoring.declined", locked)
    return locked


def confirm_mentoring(user: Any, request: MentoringRequest) -> MentoringRequest:
    """Each side says the session happened; once both have, the request is done."""
    policy.require(user, "training.confirm_mentoring", request)
    with transaction.atomic():
        locked = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.PAIRED:
            raise TrainingError(_("This request is no longer waiting for a confirmation."))
        now = timezone.now()
        if user.pk == locked.requester_id:
            locked.confirmed_by_requester_at = locked.confirmed_by_requester_at or now
        else:
            locked.confirmed_by_mentor_at = locked.confirmed_by_mentor_at or now
        if locked.confirmed_by_requester_at and locked.confirmed_by_mentor_at:
            locked.status = Status.DONE
        locked.save()
        log_action(user, "training.mentoring.confirmed", locked, {"status": locked.status})
    return locked


def cancel_mentoring(user: Any, request: MentoringRequest) -> MentoringRequest:
    if not policy.can_see(user, request):
        raise Http404
    if not policy.has_perm(user, "training.cancel_mentoring", request):
        raise PermissionDenied
    with transaction.atomic():
        locked = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if not policy.has_perm(user, "training.cancel_mentoring", locked):
            raise TrainingError(_("This request can no longer be cancelled."))
        if user.pk == locked.requester_id:
            locked.status = Status.CANCELLED
            locked.save()
            log_action(user, "training.mentoring.cancelled", locked)
        else:
            reopen(locked)
            log_action(user, "training.mentoring.mentor_withdrew", locked)
    return locked
