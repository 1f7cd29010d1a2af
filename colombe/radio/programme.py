"""The weekly programme: which show is on air when, and which episode it plays.

A slot is wall-clock time in the radio's time zone (settings.TIME_ZONE, Europe/Paris):
"Tuesdays at 18:00" stays 18:00 across daylight-saving changes. Its length is real time,
so a slot that spans the night of a change still lasts its number of minutes. A slot may
run past midnight (Sunday 23:30 for 60 minutes ends on Monday at 00:30); none lasts more
than a day (a database constraint), so looking one day back is enough to find the slot
on air."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from colombe.mediatheque.models import MediaItem
from colombe.radio import policy
from colombe.radio.models import Episode, ScheduleSlot, Show

DAYS_IN_A_WEEK = 7
MINUTES_IN_A_WEEK = DAYS_IN_A_WEEK * 24 * 60


class Airing(NamedTuple):
    """One occurrence of a weekly slot on a given date."""

    start: datetime
    end: datetime
    slot: ScheduleSlot


@dataclass(frozen=True)
class ProgrammeEntry:
    """A line of the day's programme, with the episode planned for it if there is one."""

    start: datetime
    end: datetime
    show: Show
    episode: Episode | None


def radio_time_zone() -> ZoneInfo:
    # The programme follows the radio's own time zone, not the visitor's.
    return timezone.get_default_timezone()


def local_date(moment: datetime) -> date:
    return moment.astimezone(radio_time_zone()).date()


def airing_on(day: date, slot: ScheduleSlot) -> Airing:
    """The slot's occurrence on ``day``, in UTC. (Python compares and subtracts two
    datetimes of the same time zone by their wall clock, which is wrong on the nights
    the clocks change; in UTC it is always right. Templates show local time.)"""
    start = datetime.combine(day, slot.starts_at, tzinfo=radio_time_zone()).astimezone(UTC)
    return Airing(start, start + timedelta(minutes=slot.duration_minutes), slot)


def slots_of_active_shows() -> QuerySet[ScheduleSlot]:
    return ScheduleSlot.objects.filter(show__is_active=True).select_related("show")


def slots_on(day: date) -> list[Airing]:
    """The slots that start on ``day`` (local date), in order."""
    slots = slots_of_active_shows().filter(weekday=day.weekday()).order_by("starts_at")
    return [airing_on(day, slot) for slot in slots]


def airings_between(first_day: date, last_day: date) -> list[Airing]:
    """Every airing starting from ``first_day`` to ``last_day`` included, in order, with
    one query."""
    slots = list(slots_of_active_shows())
    airings = []
    day = first_day
    while day <= last_day:
        airings += [airing_on(day, slot) for slot in slots if slot.weekday == day.weekday()]
        day += timedelta(days=1)
    return sorted(airings, key=lambda airing: airing.start)


def current_slot(now: datetime) -> Airing | None:
    """The airing on at ``now``, including one that started the day before."""
    today = local_date(now)
    on_air = [
        airing
        for airing in airings_between(today - timedelta(days=1), today)
        if airing.start <= now < airing.end
    ]
    # Overlapping slots are refused when they are added; if some slipped in, the one
    # that started last has taken the antenna.
    return on_air[-1] if on_air else None


def next_slot(now: datetime) -> Airing | None:
    """The next airing to start after ``now``, looking a whole week ahead (so that the
    Monday show is found on Sunday night)."""
    today = local_date(now)
    upcoming = [
        airing
        for airing in airings_between(today, today + timedelta(days=DAYS_IN_A_WEEK))
        if airing.start > now
    ]
    return upcoming[0] if upcoming else None


def playable(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Published episodes whose MP3 is ready: what the antenna and podcast apps may play."""
    published = episodes.filter(status=Episode.Status.PUBLISHED)
    ready = published.filter(processing=MediaItem.Processing.READY).exclude(audio="")
    return ready.select_related("show")


def playable_episodes() -> QuerySet[Episode]:
    return playable(Episode.objects.all())


def episode_for(airing: Airing) -> Episode | None:
    """The playable episode of the airing's show planned within the airing."""
    return (
        playable_episodes()
        .filter(show=airing.slot.show, airs_at__gte=airing.start, airs_at__lt=airing.end)
        .order_by("airs_at", "number")
        .first()
    )


def current_episode(now: datetime) -> Episode | None:
    """What the scheduled part of the stream plays at ``now``: the episode planned in the
    slot on air, if its audio is ready. None between shows, or when the show on air has
    no ready episode for this slot (the playlist plays instead)."""
    airing = current_slot(now)
    return episode_for(airing) if airing is not None else None


def programme_of_the_day(
    day: date, episodes: QuerySet[Episode] | None = None
) -> list[ProgrammeEntry]:
    """The day's programme, with each slot's planned episode (published, audio ready)
    among ``episodes`` (those a visitor may see; all by default)."""
    airings = slots_on(day)
    if not airings:
        return []
    first, last = airings[0].start, airings[-1].end
    planned = list(
        playable(Episode.objects.all() if episodes is None else episodes)
        .filter(
            show__in={airing.slot.show_id for airing in airings},
            airs_at__gte=first,
            airs_at__lt=last,
        )
        .order_by("airs_at", "number")
    )
    return [
        ProgrammeEntry(airing.start, airing.end, airing.slot.show, planned_in(airing, planned))
        for airing in airings
    ]


def planned_in(airing: Airing, episodes: list[Episode]) -> Episode | None:
    for episode in episodes:
        airs_at = episode.airs_at
        if airs_at is None or episode.show_id != airing.slot.show_id:
            continue
        if airing.start <= airs_at < airing.end:
            return episode
    return None


def released(episodes: QuerySet[Episode], now: datetime) -> QuerySet[Episode]:
    """Replays among ``episodes``: playable ones that have been on air (or were never
    scheduled), newest first. An episode planned for next week stays off the feed and
    the replays until then."""
    aired = policy.released(now)
    # Never-scheduled episodes count from their publication (same order on every database:
    # NULLs sort differently on SQLite and PostgreSQL).
    broadcast = Coalesce("airs_at", "published_at")
    return playable(episodes).filter(aired).order_by(broadcast.desc(), "-pk")


def airing_of(show: Show, moment: datetime) -> Airing | None:
    """The airing of ``show`` that contains ``moment``, if any."""
    day = local_date(moment)
    for airing in airings_between(day - timedelta(days=1), day):
        if airing.slot.show_id == show.pk and airing.start <= moment < airing.end:
            return airing
    return None


# Overlaps ---------------------------------------------------------------------------------


def minute_of_week(weekday: int, starts_at: time) -> int:
    return weekday * 24 * 60 + starts_at.hour * 60 + starts_at.minute


def overlapping_slot(
    weekday: int, starts_at: time, duration_minutes: int, exclude_pk: int | None = None
) -> ScheduleSlot | None:
    """An existing slot (of any show: the radio has one antenna) that shares at least a
    minute with the proposed one, counting slots that run past midnight or past Sunday
    night into Monday."""
    start = minute_of_week(weekday, starts_at)
    end = start + duration_minutes
    others = ScheduleSlot.objects.select_related("show").order_by("weekday", "starts_at")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        other_start = minute_of_week(other.weekday, other.starts_at)
        other_end = other_start + other.duration_minutes
        # Comparing also with the other slot a week earlier and later catches overlaps
        # across the end of the week.
        for shift in (-MINUTES_IN_A_WEEK, 0, MINUTES_IN_A_WEEK):
            if start < other_end + shift and other_start + shift < end:
                return other
    return None
