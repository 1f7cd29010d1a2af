"""The weekly programme: slots on a date, the slot on air and the next one (across
midnight, the end of the week and clock changes), the episode the antenna plays, and
overlapping slots."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from colombe.mediatheque.models import MediaItem
from colombe.radio import programme
from colombe.radio.models import Episode, ScheduleSlot, Show
from colombe.radio.tests.radio_helpers import make_show, make_slot, use_test_settings

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
Day = ScheduleSlot.Weekday
TUESDAY = date(2026, 1, 6)
SUNDAY = date(2026, 1, 11)


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    use_test_settings(settings, tmp_path)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def ready_episode(show: Show, number: int, airs_at: datetime | None, **fields: Any) -> Episode:
    """A published episode whose MP3 is ready (the file itself is not read here)."""
    values: dict[str, Any] = {
        "status": Episode.Status.PUBLISHED,
        "processing": MediaItem.Processing.READY,
        "audio": f"radio/episodes/{show.slug}-{number}.mp3",
        "published_at": airs_at,
        **fields,
    }
    return Episode.objects.create(
        show=show, number=number, title=f"Épisode {number}", airs_at=airs_at, **values
    )


def test_slots_on_a_date_are_local_times_of_active_shows_in_order() -> None:
    voix = make_show()
    paroles = make_show("Paroles de paix", "paroles")
    archived = make_show("Ancienne émission", "ancienne", is_active=False)
    make_slot(voix, Day.TUESDAY, time(18, 0), 60)
    make_slot(paroles, Day.TUESDAY, time(7, 30), 30)
    make_slot(archived, Day.TUESDAY, time(12, 0))
    make_slot(paroles, Day.SATURDAY, time(10, 0), 30)

    airings = programme.slots_on(TUESDAY)

    assert [(a.slot.show.slug, a.start, a.end) for a in airings] == [
        ("paroles", paris(TUESDAY, 7, 30), paris(TUESDAY, 8, 0)),
        ("voix", paris(TUESDAY, 18), paris(TUESDAY, 19)),
    ]
    # 18:00 in Paris in January is 17:00 UTC.
    assert airings[1].start.astimezone(UTC).hour == 17


def test_current_slot_is_the_one_on_air_until_its_last_minute() -> None:
    slot = make_slot(make_show(), Day.TUESDAY, time(18, 0), 60)

    assert programme.current_slot(paris(TUESDAY, 17, 59)) is None
    on_air = programme.current_slot(paris(TUESDAY, 18, 30))
    assert on_air is not None and on_air.slot == slot
    assert programme.current_slot(paris(TUESDAY, 19, 0)) is None
    # The same instant given in UTC finds the same slot.
    assert programme.current_slot(paris(TUESDAY, 18, 30).astimezone(UTC)) == on_air


def test_a_slot_crossing_midnight_and_the_week_end_is_on_air_on_monday() -> None:
    slot = make_slot(make_show(), Day.SUNDAY, time(23, 30), 60)
    monday = SUNDAY + timedelta(days=1)

    on_air = programme.current_slot(paris(monday, 0, 15))

    assert on_air is not None and on_air.slot == slot
    assert on_air.start == paris(SUNDAY, 23, 30)
    assert on_air.end == paris(monday, 0, 30)
    assert programme.current_slot(paris(monday, 0, 30)) is None


def test_next_slot_looks_into_next_week() -> None:
    monday_show = make_slot(make_show(), Day.MONDAY, time(9, 0), 60)
    monday = SUNDAY + timedelta(days=1)

    upcoming = programme.next_slot(paris(SUNDAY, 22, 0))
    assert upcoming is not None
    assert (upcoming.slot, upcoming.start) == (monday_show, paris(monday, 9, 0))

    # Once Monday's show has started, the next one is a week later.
    later = programme.next_slot(paris(monday, 9, 0))
    assert later is not None and later.start == paris(monday + timedelta(days=7), 9, 0)


def test_next_slot_is_the_earliest_of_several() -> None:
    voix = make_show()
    paroles = make_show("Paroles de paix", "paroles")
    make_slot(voix, Day.TUESDAY, time(18, 0))
    make_slot(paroles, Day.WEDNESDAY, time(8, 0))

    upcoming = programme.next_slot(paris(TUESDAY, 12, 0))
    assert upcoming is not None and upcoming.slot.show == voix
    after = programme.next_slot(paris(TUESDAY, 18, 10))
    assert after is not None and after.slot.show == paroles


def test_no_schedule_no_slot() -> None:
    assert programme.current_slot(paris(TUESDAY, 18)) is None
    assert programme.next_slot(paris(TUESDAY, 18)) is None
    assert programme.programme_of_the_day(TUESDAY) == []


def test_a_slot_lasts_its_minutes_across_the_spring_clock_change() -> None:
    # On Sunday 29 March 2026 Paris clocks jump from 02:00 to 03:00: a four-hour slot
    # from Saturday 23:00 ends at 04:00 on the clock, after four real hours.
    saturday = date(2026, 3, 28)
    make_slot(make_show(), Day.SATURDAY, time(23, 0), 240)

    (airing,) = programme.slots_on(saturday)

    assert airing.end - airing.start == timedelta(hours=4)
    assert airing.end.astimezone(PARIS).time() == time(4, 0)
    assert programme.current_slot(paris(date(2026, 3, 29), 3, 30)) is not None


def test_current_episode_is_the_ready_published_episode_planned_in_the_slot() -> None:
    voix = make_show()
    make_slot(voix, Day.TUESDAY, time(18, 0), 60)
    planned = ready_episode(voix, 3, paris(TUESDAY, 18, 0))
    ready_episode(voix, 2, paris(TUESDAY - timedelta(days=7), 18, 0))  # last week's

    assert programme.current_episode(paris(TUESDAY, 18, 20)) == planned
    assert programme.current_episode(paris(TUESDAY, 19, 5)) is None  # the slot is over


@pytest.mark.parametrize(
    "change",
    [
        {"status": Episode.Status.DRAFT},
        {"processing": MediaItem.Processing.RUNNING},
        {"processing": MediaItem.Processing.FAILED},
        {"audio": ""},
    ],
    ids=["draft", "being-converted", "failed", "no-audio"],
)
def test_current_episode_needs_a_published_episode_with_ready_audio(
    change: dict[str, Any],
) -> None:
    voix = make_show()
    make_slot(voix, Day.TUESDAY, time(18, 0), 60)
    ready_episode(voix, 1, paris(TUESDAY, 18, 0), **change)

    assert programme.current_episode(paris(TUESDAY, 18, 20)) is None


def test_current_episode_ignores_episodes_outside_the_slot_and_of_other_shows() -> None:
    voix = make_show()
    paroles = make_show("Paroles de paix", "paroles")
    make_slot(voix, Day.TUESDAY, time(18, 0), 60)
    ready_episode(voix, 1, paris(TUESDAY, 19, 0))  # planned just after the slot
    ready_episode(paroles, 1, paris(TUESDAY, 18, 0))  # another show, same time

    assert programme.current_episode(paris(TUESDAY, 18, 20)) is None


def test_programme_of_the_day_names_the_planned_episodes() -> None:
    voix = make_show()
    paroles = make_show("Paroles de paix", "paroles")
    make_slot(voix, Day.TUESDAY, time(18, 0), 60)
    make_slot(paroles, Day.TUESDAY, time(10, 0), 30)
    planned = ready_episode(voix, 7, paris(TUESDAY, 18, 0))

    entries = programme.programme_of_the_day(TUESDAY)

    assert [(entry.show, entry.episode) for entry in entries] == [
        (paroles, None),
        (voix, planned),
    ]
    assert entries[1].start == paris(TUESDAY, 18) and entries[1].end == paris(TUESDAY, 19)


def test_replays_are_episodes_already_on_air_newest_first() -> None:
    voix = make_show()
    now = paris(TUESDAY, 12)
    old = ready_episode(voix, 1, paris(TUESDAY - timedelta(days=14), 18))
    recent = ready_episode(voix, 2, paris(TUESDAY - timedelta(days=7), 18))
    ready_episode(voix, 3, paris(TUESDAY, 18))  # tonight: not a replay yet
    ready_episode(voix, 4, paris(TUESDAY - timedelta(days=1), 9), status=Episode.Status.DRAFT)
    podcast_only = ready_episode(voix, 5, None, published_at=paris(TUESDAY, 9))

    replays = list(programme.released(Episode.objects.all(), now))

    assert replays == [podcast_only, recent, old]


@pytest.mark.parametrize(
    ("weekday", "starts_at", "minutes", "overlaps"),
    [
        (Day.TUESDAY, time(18, 30), 60, True),  # inside
        (Day.TUESDAY, time(17, 0), 61, True),  # one minute into it
        (Day.TUESDAY, time(17, 0), 60, False),  # ends as it starts
        (Day.TUESDAY, time(19, 0), 30, False),  # starts as it ends
        (Day.MONDAY, time(23, 0), 20 * 60, True),  # Monday night into Tuesday evening
        (Day.WEDNESDAY, time(18, 0), 60, False),  # another day
    ],
)
def test_overlapping_slots_are_found(
    weekday: int, starts_at: time, minutes: int, overlaps: bool
) -> None:
    existing = make_slot(make_show(), Day.TUESDAY, time(18, 0), 60)

    found = programme.overlapping_slot(weekday, starts_at, minutes)

    assert found == (existing if overlaps else None)


def test_overlap_across_the_end_of_the_week() -> None:
    sunday_night = make_slot(make_show(), Day.SUNDAY, time(23, 30), 60)

    assert programme.overlapping_slot(Day.MONDAY, time(0, 0), 30) == sunday_night
    assert programme.overlapping_slot(Day.MONDAY, time(0, 30), 30) is None
    # A slot does not clash with itself when it is edited.
    assert (
        programme.overlapping_slot(Day.SUNDAY, time(23, 0), 60, exclude_pk=sunday_night.pk) is None
    )
