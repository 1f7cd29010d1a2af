"""Who may listen, present and run the radio.

Shows and released episodes are public: the radio is the movement's open voice. An
episode is released once published and on air (or published without an air time); until
then — a draft, or published for next week — it is for the show's presenters and the
radio's managers. National administrators run the programme (shows, schedule, playlist);
presenters edit their own shows' episodes and go live with their personal credentials."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from colombe.core import policy
from colombe.movement.policy import is_authenticated
from colombe.radio.models import Episode, MeetingRelay, Show


def visible_shows(user: Any) -> QuerySet[Show]:
    return Show.objects.all()


@policy.register_visibility(Show, scope=visible_shows)
def can_see_show(user: Any, show: Show) -> bool:
    return True


def released(now: datetime | None = None) -> Q:
    """Published and on air already (at ``now``), or published without an air time (a
    podcast only). Episode numbers follow each other: an episode planned for later must
    not answer to its number before it airs."""
    aired = Q(airs_at__isnull=True) | Q(airs_at__lte=now or timezone.now())
    return Q(status=Episode.Status.PUBLISHED) & aired


def visible_episodes(user: Any) -> QuerySet[Episode]:
    if policy.is_national_admin(user):
        return Episode.objects.all()
    audience = released()
    if is_authenticated(user):
        audience |= Q(show__presenters=user)
    return Episode.objects.filter(audience).distinct()


@policy.register_visibility(Episode, scope=visible_episodes)
def can_see_episode(user: Any, episode: Episode) -> bool:
    return visible_episodes(user).filter(pk=episode.pk).exists()


def presents(user: Any, show: Show) -> bool:
    return is_authenticated(user) and show.presenters.filter(pk=user.pk).exists()


@policy.register("radio.manage")
def can_manage(user: Any, _nothing: Any = None) -> bool:
    """Shows, the weekly schedule and the playlist."""
    return policy.is_national_admin(user)


@policy.register("radio.edit_show")
def can_edit_show(user: Any, show: Show) -> bool:
    return policy.is_national_admin(user) or presents(user, show)


@policy.register("radio.go_live")
def can_go_live(user: Any, _nothing: Any = None) -> bool:
    """Presenters of a show on the programme (and administrators) get live credentials
    and the studio page."""
    if policy.is_national_admin(user):
        return True
    return is_authenticated(user) and user.radio_shows.filter(is_active=True).exists()


@policy.register("radio.relay")
def can_relay(user: Any, meeting: Any) -> bool:
    """Relaying a meeting on the radio puts its stage on air: a presenter who organises
    the meeting may, and the radio's managers."""
    if policy.has_perm(user, "radio.manage"):
        return True
    return policy.has_perm(user, "radio.go_live") and policy.has_perm(
        user, "meetings.organise", meeting
    )


@policy.register("radio.stop_relay")
def can_stop_relay(user: Any, relay: MeetingRelay) -> bool:
    """Whoever started the relay, the meeting's organisers (the stage must be able to go
    off air) and the radio's managers."""
    if not is_authenticated(user):
        return False
    if relay.started_by_id == user.pk or policy.has_perm(user, "radio.manage"):
        return True
    return policy.has_perm(user, "meetings.organise", relay.meeting)
