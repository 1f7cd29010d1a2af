"""Training actions: sessions (registration, attendance, feedback), guides and skills.

Each action checks the policy, writes in one transaction and leaves an audit entry.
Mentoring lives in ``mentoring_services``."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from colombe.core import policy
from colombe.core.audit import log_action
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.mail import absolute_url, enqueue_templated_email
from colombe.core.markdown import render_markdown
from colombe.core.slugs import first_free_slug
from colombe.movement.policy import active_structures
from colombe.training.models import (
    Feedback,
    Registration,
    Resource,
    Skill,
    Topic,
    TrainingSession,
)
from colombe.training.policy import may_link_meeting

SLUG_LENGTH = 200


class TrainingError(Exception):
    """An action that cannot be done now; ``message`` is for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def free_slug(model: type[TrainingSession] | type[Resource], title: str) -> str:
    """A new object's slug; it stays when the title changes, so links keep working."""
    base = slugify(title)[:SLUG_LENGTH] or "formation"
    return first_free_slug(model.objects.all(), base)


# Sessions ------------------------------------------------------------------------------


def apply_session_fields(session: TrainingSession, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(session, name, value)
    session.description_html = render_markdown(session.description)
    session.materials_html = render_markdown(session.materials)


def check_meeting(actor: Any, meeting: Any) -> None:
    """Every member may see a session: its meeting must be one they may all see."""
    if meeting is not None and not may_link_meeting(actor, meeting):
        raise TrainingError(
            _("Only a meeting open to all members of the movement can host a session.")
        )


def create_session(actor: Any, *, structure: Any, **fields: Any) -> TrainingSession:
    policy.require(actor, "training.create_session")
    if not active_structures(actor).filter(pk=structure.pk).exists():
        raise PermissionDenied
    check_meeting(actor, fields.get("meeting"))
    with transaction.atomic():
        session = TrainingSession(structure=structure, created_by=actor)
        apply_session_fields(session, fields)
        session.slug = free_slug(TrainingSession, session.title)
        session.save()
        log_action(actor, "training.session.created", session, {"title": session.title})
    return session


def update_session(actor: Any, session: TrainingSession, **fields: Any) -> TrainingSession:
    policy.require(actor, "training.edit_session", session)
    structure = fields.get("structure", session.structure)
    if not active_structures(actor).filter(pk=structure.pk).exists():
        raise PermissionDenied
    check_meeting(actor, fields.get("meeting", session.meeting))
    with transaction.atomic():
        apply_session_fields(session, fields)
        session.save()
        log_action(actor, "training.session.updated", session, {"fields": sorted(fields)})
    return session


def cancel_session(actor: Any, session: TrainingSession) -> None:
    """Cancel and tell everyone who registered, once: the row is locked, so a second
    click (or a second organiser) finds it cancelled and sends nothing. A session that
    is over cannot be cancelled any more."""
    policy.require(actor, "training.edit_session", session)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.is_cancelled:
            session.is_cancelled = True
            return
        if locked.ends_at <= timezone.now():
            raise TrainingError(_("This session is over: it can no longer be cancelled."))
        session.is_cancelled = True
        session.save(update_fields=["is_cancelled"])
        log_action(actor, "training.session.cancelled", session)
        for registration in session.registrations.select_related("user"):
            enqueue_templated_email(
                to=[registration.user.email],
                template="training/email/session_cancelled",
                context={"session": session, "url": absolute_url(reverse("training:sessions"))},
            )


def register(session: TrainingSession, user: Any, needs: str = "") -> Registration:
    """Take a place. The session row is locked so that the last place goes to one person
    only, however many ask at the same moment."""
    policy.require(user, "training.register", session)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        existing = locked.registrations.filter(user=user).first()
        if existing is not None:
            return existing
        if locked.is_cancelled:
            raise TrainingError(_("This session is cancelled."))
        if locked.starts_at <= timezone.now():
            raise TrainingError(_("This session has already started."))
        if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
            raise TrainingError(_("This session is full."))
        registration = Registration.objects.create(session=locked, user=user, needs=needs)
        log_action(user, "training.registration.created", locked)
    return registration


def unregister(session: TrainingSession, user: Any) -> bool:
    """Give one's place back; False when there was none."""
    with transaction.atomic():
        deleted, _details = Registration.objects.filter(session=session, user=user).delete()
        if deleted:
            log_action(user, "training.registration.cancelled", session)
    return bool(deleted)


def record_attendance(actor: Any, session: TrainingSession, present: Iterable[Registration]) -> int:
    """Mark who came (everyone else registered did not); returns how many came."""
    policy.require(actor, "training.edit_session", session)
    if session.starts_at > timezone.now():
        raise TrainingError(_("Attendance is taken once the session has started."))
    present_ids = {registration.pk for registration in present}
    with transaction.atomic():
        registrations = session.registrations.all()
        registrations.filter(pk__in=present_ids).update(attended=True)
        registrations.exclude(pk__in=present_ids).update(attended=False)
        log_action(actor, "training.attendance.recorded", session, {"present": len(present_ids)})
    return len(present_ids)


def attended_registration(session: TrainingSession, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return session.registrations.filter(user=user, attended=True).first()


def may_give_feedback(session: TrainingSession, user: Any) -> bool:
    registration = attended_registration(session, user)
    return (
        registration is not None and not Feedback.objects.filter(registration=registration).exists()
    )


def give_feedback(
    session: TrainingSession, user: Any, *, usefulness: int, clarity: int, comment: str = ""
) -> Feedback:
    """Only those who attended, and once each."""
    registration = attended_registration(session, user)
    if registration is None:
        raise PermissionDenied
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if Feedback.objects.filter(registration=locked).exists():
            raise TrainingError(_("You have already given your opinion on this session."))
        feedback = Feedback.objects.create(
            registration=locked, usefulness=usefulness, clarity=clarity, comment=comment
        )
        log_action(user, "training.feedback.given", session)
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    answers: int
    usefulness: float | None
    clarity: float | None
    comments: list[str]


def feedback_summary(session: TrainingSession) -> FeedbackSummary:
    """What participants said, for the session's organisers (comments without names)."""
    answers = Feedback.objects.filter(registration__session=session)
    figures = answers.aggregate(n=Count("pk"), usefulness=Avg("usefulness"), clarity=Avg("clarity"))
    comments = [text for text in answers.values_list("comment", flat=True) if text.strip()]
    return FeedbackSummary(figures["n"], figures["usefulness"], figures["clarity"], comments)


# Guides --------------------------------------------------------------------------------


def save_resource(
    actor: Any, resource: Resource | None, *, hashtags: str, **fields: Any
) -> Resource:
    """Create (``resource`` None) or update a guide."""
    policy.require(actor, "training.edit_resources")
    created = resource is None
    with transaction.atomic():
        guide = resource if resource is not None else Resource()
        for name, value in fields.items():
            setattr(guide, name, value)
        guide.body_html = render_markdown(guide.body)
        guide.updated_by = actor
        if created:
            guide.slug = free_slug(Resource, guide.title)
        guide.save()
        guide.hashtags.set(get_or_create_hashtags(parse_hashtags(hashtags)))
        action = "training.resource.created" if created else "training.resource.updated"
        log_action(actor, action, guide, {"title": guide.title})
    return guide


# Skills --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillChoice:
    """What a member ticks for one topic."""

    topic: Topic
    can_teach: bool
    wants_to_learn: bool
    listed_as_trainer: bool

    @property
    def is_empty(self) -> bool:
        return not (self.can_teach or self.wants_to_learn)


def save_skills(user: Any, choices: Iterable[SkillChoice]) -> None:
    """Replace the member's skills. Only someone who can help may appear in the
    directory; a topic with nothing ticked is forgotten."""
    if not policy.has_perm(user, "training.ask_for_help"):
        raise PermissionDenied
    with transaction.atomic():
        for choice in choices:
            if choice.is_empty:
                Skill.objects.filter(user=user, topic=choice.topic).delete()
                continue
            Skill.objects.update_or_create(
                user=user,
                topic=choice.topic,
                defaults={
                    "can_teach": choice.can_teach,
                    "wants_to_learn": choice.wants_to_learn,
                    "listed_as_trainer": choice.can_teach and choice.listed_as_trainer,
                },
            )
        log_action(user, "training.skills.updated", None)
