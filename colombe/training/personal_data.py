"""What the training app holds about one person, for their GDPR export: registrations,
feedback, skills, and mentoring (asked, and given)."""

from datetime import datetime
from typing import Any

from colombe.training.models import Feedback, MentoringRequest, Registration, Skill


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _registrations(user: Any) -> list[dict[str, Any]]:
    registrations = Registration.objects.filter(user=user).select_related("session")
    return [
        {
            "session_id": r.session_id,
            "session": r.session.title,
            "needs": r.needs,
            "attended": r.attended,
            "registered_at": _when(r.created_at),
        }
        for r in registrations.order_by("pk")
    ]


def _feedback(user: Any) -> list[dict[str, Any]]:
    given = Feedback.objects.filter(registration__user=user).select_related("registration")
    return [
        {
            "session_id": f.registration.session_id,
            "usefulness": f.usefulness,
            "clarity": f.clarity,
            "comment": f.comment,
            "given_at": _when(f.created_at),
        }
        for f in given.order_by("pk")
    ]


def _skills(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "topic": s.topic.name,
            "can_teach": s.can_teach,
            "wants_to_learn": s.wants_to_learn,
            "listed_as_trainer": s.listed_as_trainer,
        }
        for s in Skill.objects.filter(user=user).select_related("topic").order_by("pk")
    ]


def _requests(user: Any) -> list[dict[str, Any]]:
    asked = MentoringRequest.objects.filter(requester=user).select_related("topic", "territory")
    return [
        {
            "id": r.pk,
            "topic": r.topic.name,
            "details": r.details,
            "where": r.territory.name if r.territory else None,
            "availability": r.availability,
            "in_person": r.in_person,
            "status": r.status,
            "asked_at": _when(r.created_at),
            "offer_accepted_at": _when(r.accepted_at),
            "confirmed_at": _when(r.confirmed_by_requester_at),
        }
        for r in asked.order_by("pk")
    ]


def _offers(user: Any) -> list[dict[str, Any]]:
    """Help given: dates and topic only; the person helped is someone else's data."""
    given = MentoringRequest.objects.filter(mentor=user).select_related("topic")
    return [
        {
            "request_id": r.pk,
            "topic": r.topic.name,
            "status": r.status,
            "offered_at": _when(r.paired_at),
            "accepted_at": _when(r.accepted_at),
            "confirmed_at": _when(r.confirmed_by_mentor_at),
        }
        for r in given.order_by("pk")
    ]


def training_data(user: Any) -> dict[str, Any]:
    return {
        "training_registrations": _registrations(user),
        "training_feedback": _feedback(user),
        "training_skills": _skills(user),
        "mentoring_requests": _requests(user),
        "mentoring_offers": _offers(user),
    }
