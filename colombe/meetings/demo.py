"""Demo meetings for ``manage.py seed_demo``: upcoming ones (the Lyon committee's réunion
with registrations, the weekly visio of the disarmament working group, the national
webinar on Palestine with a guest speaker) and past ones with attendance, a chat and
published minutes (one of them posted in the Lyon committee's public group).

Meetings are looked up by slug before they are created, and what hangs from a meeting
(seats, chat, minutes) is added only to a meeting that was just created: seeding twice
creates and changes nothing. Dates are relative to the day of the first seeding."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from colombe.accounts.models import User
from colombe.core.markdown import render_markdown
from colombe.groups.models import Group, Post, Thread
from colombe.meetings import minutes as minutes_services
from colombe.meetings.models import (
    ActionItem,
    ChatMessage,
    Decision,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    Minutes,
    Participant,
    Registration,
)
from colombe.movement.models import Structure

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import Cast, SeedReport

M = TypeVar("M", bound=models.Model)
Role = Participant.Role

WEEKLY_SERIES_SLUG = "visio-gt-desarmement-{number}"
WEEKLY_OCCURRENCES = 4


def _get_or_create(
    report: "SeedReport", model: type[M], defaults: dict[str, Any] | None = None, **lookup: Any
) -> tuple[M, bool]:
    obj, created = model._default_manager.get_or_create(defaults=defaults, **lookup)
    if created:
        report.add(model)
    return obj, created


def at_hour(day: datetime, hour: int, minute: int = 0) -> datetime:
    """That day at that hour, Paris time: the demo's meetings fall at the hours
    committees really meet."""
    local = timezone.localtime(day)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def create_meeting(
    report: "SeedReport",
    slug: str,
    *,
    starts_at: datetime,
    minutes_long: int,
    **fields: Any,
) -> tuple[Meeting, bool]:
    fields.setdefault("agenda_html", render_markdown(fields.get("agenda", "")))
    return _get_or_create(
        report,
        Meeting,
        slug=slug,
        defaults={"starts_at": starts_at, "ends_at": starts_at + timedelta(minutes=minutes_long)}
        | fields,
    )


# Upcoming --------------------------------------------------------------------------------

LYON_AGENDA = """\
1. Bilan du stand de la Journée de la paix
2. Projection-débat d'octobre : choix du film
3. Pétition « Lyon, ville engagée pour la paix »
4. Questions diverses
"""

WEBINAR_AGENDA = """\
Une grande visio nationale ouverte à tout le mouvement, avec une intervenante invitée.

- Point sur la situation et sur le droit international
- Ce que font les comités : témoignages
- Questions du public dans le chat
"""


def seed_upcoming(
    structures: dict[str, Structure], cast: "Cast", report: "SeedReport", now: datetime
) -> None:
    lyon_meeting, created = create_meeting(
        report,
        "reunion-comite-lyon-prochaine",
        title="Réunion mensuelle du comité de Lyon",
        owner=structures["comite-lyon"],
        agenda=LYON_AGENDA,
        starts_at=at_hour(now + timedelta(days=7), 19),
        minutes_long=90,
        audience=Meeting.Audience.OWNER,
        registration_required=True,
        capacity=30,
        created_by=cast.bob,
    )
    if created:
        for person in [cast.charlie, *[cast.by_name[n] for n in ("Karim Benali", "Sophie Martin")]]:
            _get_or_create(
                report,
                Registration,
                meeting=lyon_meeting,
                user=person,
                defaults={"status": Registration.Status.CONFIRMED},
            )
    seed_weekly_series(structures, cast, report, now)
    webinar, created = create_meeting(
        report,
        "webinaire-palestine",
        title="600 personnes sur la Palestine",
        owner=structures["secretariat-national"],
        agenda=WEBINAR_AGENDA,
        starts_at=at_hour(now + timedelta(days=30), 18, 30),
        minutes_long=120,
        format=Meeting.Format.WEBINAR,
        audience=Meeting.Audience.MOVEMENT,
        registration_required=True,
        capacity=1000,
        created_by=cast.alice,
    )
    if created:
        _get_or_create(
            report,
            MeetingInvitation,
            meeting=webinar,
            email="leila.mansour@example.org",
            defaults={
                "kind": MeetingInvitation.Kind.GUEST,
                "role": MeetingInvitation.Role.SPEAKER,
                "name": "Leïla Mansour, juriste en droit international",
                # The demo link is never sent: nobody knows this token.
                "token_hash": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                "invited_by": cast.alice,
                "expires_at": webinar.ends_at + timedelta(days=1),
            },
        )


def seed_weekly_series(
    structures: dict[str, Structure], cast: "Cast", report: "SeedReport", now: datetime
) -> None:
    first_slug = WEEKLY_SERIES_SLUG.format(number=1)
    existing = Meeting.objects.filter(slug=first_slug).first()
    series = existing.series if existing is not None else None
    if series is None:
        series = MeetingSeries.objects.create(
            frequency=MeetingSeries.Frequency.WEEKLY, occurrences=WEEKLY_OCCURRENCES
        )
        report.add(MeetingSeries)
    first_day = now + timedelta(days=2)
    for number in range(1, WEEKLY_OCCURRENCES + 1):
        create_meeting(
            report,
            WEEKLY_SERIES_SLUG.format(number=number),
            title="Visio hebdomadaire du groupe Désarmement",
            owner=structures["gt-desarmement"],
            series=series,
            agenda="Tour de table, fiches argumentaires en cours, prochaines actions.",
            starts_at=at_hour(first_day + timedelta(weeks=number - 1), 20),
            minutes_long=60,
            audience=Meeting.Audience.OWNER,
            created_by=cast.by_name["Claire Dubois"],
        )


# Past ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSeat:
    name: str
    role: str
    joined: int  # minutes after the start
    left: int


@dataclass(frozen=True)
class DemoAction:
    text: str
    assignee: str
    due_in_days: int


@dataclass(frozen=True)
class PastMeeting:
    slug: str
    title: str
    owner: str
    group: str | None
    audience: str
    days_ago: int
    hour: int
    minutes_long: int
    organiser: str
    seats: list[DemoSeat]
    chat: list[tuple[str, str]]
    minutes: str
    decisions: list[str]
    actions: list[DemoAction]


PAST_MEETINGS = [
    PastMeeting(
        slug="reunion-comite-lyon-passee",
        title="Réunion du comité de Lyon",
        owner="comite-lyon",
        group="paix-en-rhone-alpes",
        audience=Meeting.Audience.OWNER,
        days_ago=6,
        hour=19,
        minutes_long=90,
        organiser="Bob",
        seats=[
            DemoSeat("Bob", Role.MODERATOR, 0, 92),
            DemoSeat("Karim Benali", Role.ATTENDEE, 1, 90),
            DemoSeat("Sophie Martin", Role.ATTENDEE, 4, 75),
            DemoSeat("Charlie", Role.ATTENDEE, 12, 88),
            DemoSeat("Dana", Role.ATTENDEE, 20, 55),
        ],
        chat=[
            ("Karim Benali", "Bonsoir ! Je partage le lien du tract dans un instant."),
            ("Sophie Martin", "Je dois partir un peu avant la fin, désolée."),
            ("Charlie", "Pour la projection, je propose « Le Désarmement en questions »."),
        ],
        minutes="Cinq membres du comité présents. Bilan très positif du stand de la "
        "**Journée de la paix** : 230 signatures pour la pétition nationale.\n\n"
        "La projection-débat d'octobre aura lieu au cinéma associatif de la Croix-Rousse.",
        decisions=[
            "Tenir un stand chaque premier samedi du mois au marché de la Croix-Rousse.",
            "Projection-débat le jeudi 16 octobre, entrée libre.",
        ],
        actions=[
            DemoAction("Réserver la salle du cinéma associatif", "Karim Benali", 7),
            DemoAction("Préparer le tract de la projection", "Charlie", 14),
            DemoAction("Écrire à la mairie pour le stand", "Bob", 10),
        ],
    ),
    PastMeeting(
        slug="point-national-relais-passe",
        title="Point mensuel des relais",
        owner="secretariat-national",
        group=None,
        audience=Meeting.Audience.MOVEMENT,
        days_ago=20,
        hour=18,
        minutes_long=60,
        organiser="Alice",
        seats=[
            DemoSeat("Alice", Role.MODERATOR, 0, 62),
            DemoSeat("Bob", Role.ATTENDEE, 2, 60),
            DemoSeat("Nadia Haddad", Role.ATTENDEE, 3, 58),
            DemoSeat("Claire Dubois", Role.ATTENDEE, 5, 40),
            DemoSeat("Thomas Roux", Role.ATTENDEE, 8, 61),
            DemoSeat("Manon Picard", Role.ATTENDEE, 15, 50),
            DemoSeat("Farid Mansouri", Role.ATTENDEE, 30, 60),
        ],
        chat=[
            ("Nadia Haddad", "Villeurbanne a relayé la circulaire à 120 adhérents."),
            ("Thomas Roux", "Peut-on avoir la fiche sur les dépenses militaires en PDF ?"),
            ("Alice", "Oui, elle sera dans le prochain envoi."),
        ],
        minutes="Tour des comités : la pétition nationale progresse partout. Le journal "
        "paraîtra à la fin du mois ; envoyez vos comptes rendus d'action.",
        decisions=["Prochaine circulaire le 1er du mois, avec la fiche dépenses militaires."],
        actions=[
            DemoAction("Envoyer la fiche dépenses militaires en PDF", "Alice", 5),
            DemoAction("Rassembler les photos des stands de la région", "Nadia Haddad", 12),
        ],
    ),
]


def seed_past(
    structures: dict[str, Structure], cast: "Cast", report: "SeedReport", now: datetime
) -> None:
    people = people_by_name(cast)
    for spec in PAST_MEETINGS:
        starts_at = at_hour(now - timedelta(days=spec.days_ago), spec.hour)
        meeting, created = create_meeting(
            report,
            spec.slug,
            title=spec.title,
            owner=structures[spec.owner],
            group=Group.objects.get(slug=spec.group) if spec.group else None,
            audience=spec.audience,
            starts_at=starts_at,
            minutes_long=spec.minutes_long,
            status=Meeting.Status.ENDED,
            started_at=starts_at,
            ended_at=starts_at + timedelta(minutes=max(seat.left for seat in spec.seats)),
            created_by=people[spec.organiser],
        )
        if created:
            seed_afterwards(meeting, spec, people, report)


def people_by_name(cast: "Cast") -> dict[str, User]:
    return {
        "Alice": cast.alice,
        "Bob": cast.bob,
        "Charlie": cast.charlie,
        "Dana": cast.dana,
        "Frank": cast.frank,
        **cast.by_name,
    }


def seed_afterwards(
    meeting: Meeting, spec: PastMeeting, people: dict[str, User], report: "SeedReport"
) -> None:
    """Attendance spread over the meeting, the chat, and published minutes."""
    seats = {}
    for demo_seat in spec.seats:
        joined = meeting.starts_at + timedelta(minutes=demo_seat.joined)
        seats[demo_seat.name] = Participant.objects.create(
            meeting=meeting,
            user=people[demo_seat.name],
            display_name=demo_seat.name,
            role=demo_seat.role,
            state=Participant.State.LEFT,
            engine_token=secrets.token_hex(16),
            joined_at=joined,
            left_at=meeting.starts_at + timedelta(minutes=demo_seat.left),
            last_seen_at=meeting.starts_at + timedelta(minutes=demo_seat.left),
        )
    report.add(Participant, len(seats))
    for author, body in spec.chat:
        ChatMessage.objects.create(
            meeting=meeting, author=seats.get(author), author_name=author, body=body
        )
    report.add(ChatMessage, len(spec.chat))
    seed_minutes(meeting, spec, people, report)


def seed_minutes(
    meeting: Meeting, spec: PastMeeting, people: dict[str, User], report: "SeedReport"
) -> None:
    organiser = people[spec.organiser]
    minutes = Minutes.objects.create(
        meeting=meeting,
        body=spec.minutes,
        body_html=render_markdown(spec.minutes),
        author=organiser,
        published_at=meeting.ends_at + timedelta(days=1),
    )
    report.add(Minutes)
    for position, text in enumerate(spec.decisions):
        Decision.objects.create(minutes=minutes, text=text, position=position)
    report.add(Decision, len(spec.decisions))
    for position, action in enumerate(spec.actions):
        ActionItem.objects.create(
            minutes=minutes,
            text=action.text,
            assignee=people[action.assignee],
            due_on=(meeting.starts_at + timedelta(days=action.due_in_days)).date(),
            position=position,
            # Demo people get no email: their actions count as already told.
            notified_at=minutes.published_at,
        )
    report.add(ActionItem, len(spec.actions))
    if meeting.group is not None:
        minutes_services.publish_to_group(organiser, minutes)
        minutes.save(update_fields=["published_post"])
        report.add(Thread)
        report.add(Post)


def seed_meetings(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    """Upcoming and past meetings of the demo movement (after its groups exist)."""
    now = timezone.now()
    with transaction.atomic():
        seed_upcoming(structures, cast, report, now)
        seed_past(structures, cast, report, now)
