"""Control plane of the meetings benchmark: people joining a webinar through Colombe.

Data is prepared directly in the bench database: a committee, its leader and 1,000
active members, a webinar for the committee's members, its room opened on a real Janus
(on loopback: no media here) by the leader's seat, and a stage feed forwarded to a
Streaming mountpoint, so that every audience seat is given that mountpoint. Each member
has a logged-in session (made with Django's session store, as a log-in makes it) and a
CSRF cookie.

Then each simulated person does what the browser does, in two timed phases: first the
lobby form (POST: authorisation and a seat, answered by a redirect to the room; the lobby
opens before the start, so people come in over time), then the join itself (GET of the
room page, whose view calls ``room_services.join`` and so the engine's ``admit``: the
seat's token registered with Janus for the Streaming plugin, the stage mountpoint
assigned, the page rendered with the join grant). In each phase people arrive on a fixed
schedule (open loop), each on a connection of their own."""

import asyncio
import os
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.loadgen import Connection, encode
from tests.janus import StagePublisher

PEOPLE = 1000
SECONDS = 60
MAX_IN_FLIGHT = 256
# Joined one after the other first: the service time without queueing (and warm workers).
UNLOADED_PEOPLE = 20
HARD_DEADLINE_SECONDS = 120
TARGET_P99_MS = 300
BENCH_DOMAIN = "bench.example.org"


@dataclass(frozen=True)
class Person:
    number: int
    session_key: str
    csrf: str


@dataclass(frozen=True)
class Prepared:
    slug: str
    meeting_id: int
    people: list[Person]
    mountpoints: list[int]


def create_people(count: int) -> tuple[Any, Any, list[Any]]:
    from colombe.accounts.models import User
    from colombe.movement.models import Membership, Structure, Territory

    territory = Territory.objects.create(
        name="Rhône", slug="rhone", level=Territory.Level.DEPARTMENT
    )
    committee = Structure.objects.create(
        kind=Structure.Kind.COMMITTEE, name="Comité de mesure", slug="mesure", territory=territory
    )
    leader = User.objects.create_user(f"leader@{BENCH_DOMAIN}", display_name="Alix Mesure")
    Membership.objects.create(
        user=leader,
        structure=committee,
        role=Membership.Role.LEADER,
        status=Membership.Status.ACTIVE,
    )
    members = User.objects.bulk_create(
        User(email=f"member-{n}@{BENCH_DOMAIN}", display_name=f"Membre {n}") for n in range(count)
    )
    for member in members:
        member.set_unusable_password()
    User.objects.bulk_update(members, ["password"])
    Membership.objects.bulk_create(
        Membership(user=member, structure=committee, status=Membership.Status.ACTIVE)
        for member in members
    )
    return committee, leader, members


def logged_in_session(user: Any) -> str:
    """The session a log-in gives this user (same keys as ``django.contrib.auth.login``)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def open_stage(meeting: Any, leader: Any, janus_url: str, api_secret: str) -> list[int]:
    """The leader enters and opens the room, publishes on stage and tells Colombe, which
    forwards the stage to a Streaming mountpoint (``room_services.published``)."""
    from colombe.meetings import room_services

    seat = room_services.enter_lobby(meeting, user=leader, display_name="Alix", audio_only=False)
    grant = room_services.join(seat)
    seat.refresh_from_db()
    StagePublisher(janus_url, api_secret).publish(
        grant.config["room"], grant.config["feed"], grant.config["token"]
    )
    room_services.published(seat)
    meeting.refresh_from_db()
    from colombe.meetings import engines

    return engines.engine_for(meeting).audience_streams(meeting)


def prepare(janus_url: str, api_secret: str, people: int = PEOPLE) -> Prepared:
    from django.utils import timezone

    from colombe.meetings import services
    from colombe.meetings.models import Meeting

    committee, leader, members = create_people(people)
    now = timezone.now()
    [meeting] = services.schedule_meeting(
        owner=committee,
        group=None,
        created_by=leader,
        title="Grande réunion de mesure",
        agenda="Une **assemblée** de mille personnes.",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        format=Meeting.Format.WEBINAR,
        audience=Meeting.Audience.OWNER,
        access=Meeting.Access.OPEN,
    )
    mountpoints = open_stage(meeting, leader, janus_url, api_secret)
    persons = [
        Person(number, logged_in_session(member), secrets.token_hex(16))
        for number, member in enumerate(members)
    ]
    return Prepared(meeting.slug, meeting.pk, persons, mountpoints)


# --- the load ---------------------------------------------------------------------------


def lobby_request(slug: str, person: Person) -> dict[str, Any]:
    return {
        "method": "POST",
        "path": f"/reunions/{slug}/salle/",
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={person.session_key}; csrftoken={person.csrf}",
            "Accept-Language": "fr",
        },
        "body": urllib.parse.urlencode(
            {"csrfmiddlewaretoken": person.csrf, "display_name": f"Membre {person.number}"}
        ),
    }


def room_request(slug: str, person: Person) -> dict[str, Any]:
    return {
        "method": "GET",
        "path": f"/reunions/{slug}/direct/",
        "headers": {
            "Cookie": f"sessionid={person.session_key}; csrftoken={person.csrf}",
            "Accept-Language": "fr",
        },
    }


def state_request(slug: str, person: Person) -> dict[str, Any]:
    return {
        "method": "GET",
        "path": f"/reunions/{slug}/direct/etat/?since=0",
        "headers": {
            "Cookie": f"sessionid={person.session_key}; csrftoken={person.csrf}",
            "Accept": "application/json",
        },
    }


STEPS = {
    # name: (request, the status the browser expects)
    "lobby": (lobby_request, 302),
    "join": (room_request, 200),
    "poll": (state_request, 200),
}
# The audience polls the room's state every 5 s (room_services.POLL_AUDIENCE_MS): 1,000
# people in the room send 200 requests/s. Measured over POLL_SECONDS.
POLL_SECONDS = 20


async def one_request(port: int, step: str, prepared: Prepared, person: Person) -> dict[str, Any]:
    make, expected = STEPS[step]
    connection, host = Connection("127.0.0.1", port), f"127.0.0.1:{port}"
    sent = time.monotonic()
    try:
        status, body = await connection.request(encode(make(prepared.slug, person), host))
    except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
        return {"status": type(error).__name__}
    outcome = {"status": status, "ms": (time.monotonic() - sent) * 1000, "ok": status == expected}
    if step == "join" and outcome["ok"]:
        # The join grant in the page carries the stage mountpoint the seat may watch.
        page = body.decode(errors="replace")
        outcome["granted"] = all(str(mountpoint) in page for mountpoint in prepared.mountpoints)
    return outcome


async def arrive(
    port: int, step: str, prepared: Prepared, seconds: float
) -> tuple[list[dict], float]:
    """Everyone sends ``step`` on schedule (open loop), on a connection of their own;
    whatever has no answer by the hard deadline counts as an error ("unfinished")."""
    interval = seconds / len(prepared.people)
    limit = asyncio.Semaphore(MAX_IN_FLIGHT)
    started = time.monotonic()

    async def person_at(index: int, person: Person) -> dict[str, Any]:
        await asyncio.sleep(max(0.0, started + index * interval - time.monotonic()))
        async with limit:
            return await one_request(port, step, prepared, person)

    tasks = [asyncio.create_task(person_at(i, p)) for i, p in enumerate(prepared.people)]
    done, pending = await asyncio.wait(tasks, timeout=HARD_DEADLINE_SECONDS)
    for task in pending:
        task.cancel()
    elapsed = time.monotonic() - started
    outcomes = [task.result() for task in tasks if task in done]
    outcomes += [{"status": "unfinished"} for _ in pending]
    return outcomes, elapsed


def polling(prepared: Prepared, poll_ms: int) -> tuple[Prepared, float]:
    """Everyone's polls over POLL_SECONDS, each person once per ``poll_ms``."""
    rounds = max(1, round(POLL_SECONDS * 1000 / poll_ms))
    people = [person for _ in range(rounds) for person in prepared.people]
    return Prepared(prepared.slug, prepared.meeting_id, people, prepared.mountpoints), POLL_SECONDS


async def one_at_a_time(port: int, prepared: Prepared) -> dict[str, list[dict]]:
    outcomes: dict[str, list[dict]] = {step: [] for step in STEPS}
    for person in prepared.people:
        for step in STEPS:
            outcomes[step].append(await one_request(port, step, prepared, person))
    return outcomes


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if not values:
        return {}

    def at(p: float) -> float:
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 1)

    return {"p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99), "max_ms": round(values[-1], 1)}


def summarise(outcomes: list[dict[str, Any]], elapsed: float) -> dict[str, Any]:
    answered = [o for o in outcomes if o.get("ok")]
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        statuses[str(outcome["status"])] = statuses.get(str(outcome["status"]), 0) + 1
    summary = {
        "requests": len(outcomes),
        "seconds": round(elapsed, 1),
        "answered": len(answered),
        "per_second": round(len(answered) / elapsed, 1),
        "errors": len(outcomes) - len(answered),
        "statuses": statuses,
        **percentiles([o["ms"] for o in outcomes if "ms" in o]),
    }
    if any("granted" in o for o in answered):
        summary["with_grant_and_mountpoint"] = sum(1 for o in answered if o.get("granted"))
    return summary


def unloaded(port: int, prepared: Prepared) -> dict[str, Any]:
    """Service times without queueing: a few people entering and joining one by one."""
    outcomes = asyncio.run(one_at_a_time(port, prepared))
    return {
        step: {
            "requests": len(results),
            "statuses": summarise(results, 1.0)["statuses"],
            **percentiles([o["ms"] for o in results if "ms" in o]),
        }
        for step, results in outcomes.items()
    }


def run_step(port: int, step: str, prepared: Prepared, seconds: float) -> dict[str, Any]:
    from bench.meetings_media import machine_busy_seconds

    busy_before, total_before = machine_busy_seconds()
    outcomes, elapsed = asyncio.run(arrive(port, step, prepared, seconds))
    busy_after, total_after = machine_busy_seconds()
    result = summarise(outcomes, elapsed)
    # The machine is shared: say how busy it was while the requests ran.
    busy = 100 * (busy_after - busy_before) / (total_after - total_before)
    result["machine_busy_percent"] = round(busy, 1)
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    return result


def split(prepared: Prepared, count: int) -> tuple[Prepared, Prepared]:
    """The first ``count`` people (for the unloaded run) and the others."""
    first, rest = prepared.people[:count], prepared.people[count:]
    return (
        Prepared(prepared.slug, prepared.meeting_id, first, prepared.mountpoints),
        Prepared(prepared.slug, prepared.meeting_id, rest, prepared.mountpoints),
    )


def seats_in_room(meeting_id: int) -> int:
    from colombe.meetings.models import Participant

    return Participant.objects.filter(
        meeting_id=meeting_id, state=Participant.State.IN_ROOM, role=Participant.Role.AUDIENCE
    ).count()
