"""Demo field actions: a national day of action three weeks ahead with local actions in
committees of every region, slots and volunteers (Charlie on Lyon's), a remote task, and
a past action of Lyon turned into a draft report. Idempotent: everything is found by its
slug, and the actions' dates hang on the day's, fixed when it was first created."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from colombe.actions import services
from colombe.actions.models import Action, ActionKind, DayOfAction, SignUp, Slot
from colombe.core.hashtags import get_or_create_hashtags
from colombe.core.markdown import render_markdown
from colombe.movement.models import Structure
from colombe.reports.models import ActionReport

if TYPE_CHECKING:
    from colombe.accounts.models import User
    from colombe.core.demo import Cast, SeedReport

DAY_SLUG = "journee-nationale-pour-la-paix"
DAY_CALL = """Le même jour, dans toutes les villes, les comités vont à la rencontre des
habitantes et des habitants : **tracts, stands, rassemblements, lectures publiques**.

- Chaque comité organise au moins une action locale et l'inscrit ici.
- Le matériel (tracts A5, affiches A3, panneau de stand) est à imprimer depuis Colombe.
- Celles et ceux qui ne peuvent pas sortir prennent une tâche à distance : appeler les
  adhérents, partager la pétition, écrire aux élus.

#paix #désarmement"""
# Slots: (kind, label, start hour or None, places or None).
SlotSpec = tuple[str, str, int | None, int | None]
SHIFT, ROLE, REMOTE = Slot.Kind.SHIFT, Slot.Kind.ROLE, Slot.Kind.REMOTE
TWO_SHIFTS: list[SlotSpec] = [
    (SHIFT, "Distribuer de 10 h à 12 h", 10, 4),
    (SHIFT, "Distribuer de 14 h à 16 h", 14, 4),
]


@dataclass(frozen=True)
class LocalAction:
    committee: str
    kind: str
    title: str
    place: str
    town: str
    hours: tuple[int, int]
    slots: list[SlotSpec]


LOCAL_ACTIONS = [
    LocalAction(
        "comite-lyon",
        ActionKind.LEAFLETS,
        "Distribution de tracts place Bellecour",
        "Place Bellecour, côté statue",
        "Lyon",
        (10, 16),
        [
            *TWO_SHIFTS,
            (ROLE, "J'apporte le stand et la table", None, 1),
            (REMOTE, "Appeler les adhérents pour les inviter", None, None),
        ],
    ),
    LocalAction(
        "comite-villeurbanne",
        ActionKind.STAND,
        "Stand au marché des Gratte-Ciel",
        "Marché des Gratte-Ciel",
        "Villeurbanne",
        (9, 13),
        [(SHIFT, "Tenir le stand", 9, 3), (ROLE, "J'apporte le barnum", None, 1)],
    ),
    LocalAction(
        "comite-grenoble",
        ActionKind.DEBATE,
        "Débat public : le désarmement, c'est possible",
        "Maison des associations",
        "Grenoble",
        (18, 20),
        [(ROLE, "Accueil du public", None, 2)],
    ),
    LocalAction(
        "comite-saint-etienne",
        ActionKind.LEAFLETS,
        "Tracts devant la gare de Châteaucreux",
        "Gare de Châteaucreux",
        "Saint-Étienne",
        (7, 9),
        [(SHIFT, "Distribuer au départ des trains", 7, 4)],
    ),
    LocalAction(
        "comite-paris-11",
        ActionKind.RALLY,
        "Rassemblement place Léon-Blum",
        "Place Léon-Blum",
        "Paris",
        (15, 17),
        [(ROLE, "Service d'ordre", None, 6), (ROLE, "J'apporte la sono", None, 1)],
    ),
    LocalAction(
        "comite-saint-denis",
        ActionKind.SCHOOL,
        "Intervention au collège Garcia-Lorca",
        "Collège Federico-Garcia-Lorca",
        "Saint-Denis",
        (14, 16),
        [(ROLE, "Animer un atelier", None, 3)],
    ),
    LocalAction(
        "comite-montreuil",
        ActionKind.SCREENING,
        "Projection-débat au cinéma Le Méliès",
        "Cinéma Le Méliès",
        "Montreuil",
        (20, 23),
        [(ROLE, "Accueil et billetterie", None, 2)],
    ),
    LocalAction(
        "comite-toulouse",
        ActionKind.VIGIL,
        "Veillée pour la paix place du Capitole",
        "Place du Capitole",
        "Toulouse",
        (19, 20),
        [(ROLE, "J'apporte des bougies", None, None)],
    ),
    LocalAction(
        "comite-montpellier",
        ActionKind.STAND,
        "Stand sur l'Esplanade",
        "Esplanade Charles-de-Gaulle",
        "Montpellier",
        (10, 13),
        [(SHIFT, "Tenir le stand", 10, 3)],
    ),
    LocalAction(
        "comite-sete",
        ActionKind.RALLY,
        "Rassemblement sur le port",
        "Quai de la Résistance",
        "Sète",
        (11, 12),
        [(SHIFT, "Distribuer des tracts", 11, 4)],
    ),
]
PAST_ACTION = LocalAction(
    "comite-lyon",
    ActionKind.STAND,
    "Stand au marché de la Croix-Rousse",
    "Boulevard de la Croix-Rousse",
    "Lyon",
    (9, 12),
    [(SHIFT, "Tenir le stand", 9, 3)],
)


def seed_actions(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    with transaction.atomic():
        day = seed_day(structures, cast, report)
        actions = {
            spec.committee: seed_action(spec, structures, day.starts_on, cast, report, day)
            for spec in LOCAL_ACTIONS
        }
        seed_volunteers(actions["comite-lyon"], cast, report)
        past = seed_action(
            PAST_ACTION, structures, day.starts_on - timedelta(days=35), cast, report, None
        )
        seed_past_report(past, cast, report)


def seed_day(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> DayOfAction:
    national = structures["secretariat-national"]
    day, created = DayOfAction.objects.get_or_create(
        slug=DAY_SLUG,
        defaults={
            "title": "Journée nationale pour la paix",
            "call": DAY_CALL,
            "call_html": render_markdown(DAY_CALL),
            "starts_on": timezone.localdate() + timedelta(weeks=3),
            "ends_on": timezone.localdate() + timedelta(weeks=3),
            "territory": national.territory,
            "called_by": national,
            "created_by": cast.alice,
        },
    )
    if created:
        day.hashtags.set(get_or_create_hashtags(["paix", "désarmement"]))
        report.add(DayOfAction)
    return day


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour % 24), tzinfo=timezone.get_current_timezone())


def seed_action(
    spec: LocalAction,
    structures: dict[str, Structure],
    day: date,
    cast: "Cast",
    report: "SeedReport",
    day_of_action: DayOfAction | None,
) -> Action:
    structure = structures[spec.committee]
    organiser = cast.bob if spec.committee == "comite-lyon" else cast.alice
    starts_at, ends_at = at(day, spec.hours[0]), at(day, spec.hours[1])
    description = f"{spec.title}, avec le {structure.name}. Venez nombreuses et nombreux !"
    action, created = Action.objects.get_or_create(
        slug=services.dated_slug(spec.title, starts_at),
        defaults={
            "kind": spec.kind,
            "title": spec.title,
            "description": description,
            "description_html": render_markdown(description),
            "structure": structure,
            "day_of_action": day_of_action,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": spec.place,
            "town": spec.town,
            "territory": structure.territory,
            "material": "Tracts A5, banderole, table pliante" if spec.slots else "",
            "created_by": organiser,
        },
    )
    if not created:
        return action
    report.add(Action)
    action.hashtags.set(get_or_create_hashtags(["paix"]))
    for position, (kind, label, hour, places) in enumerate(spec.slots):
        Slot.objects.create(
            action=action,
            kind=kind,
            label=label,
            starts_at=at(day, hour) if hour is not None else None,
            ends_at=at(day, hour + 2) if hour is not None else None,
            capacity=places,
            position=position,
        )
        report.add(Slot)
    return action


def seed_volunteers(action: Action, cast: "Cast", report: "SeedReport") -> None:
    """Charlie distributes in the morning (and may be called), Dana takes the remote task,
    two more members of Lyon fill the afternoon."""
    slots = list(action.slots.all())
    people: list[tuple[Slot, User, str, str]] = [
        (slots[0], cast.charlie, "06 12 34 56 78", "Je connais bien le quartier"),
        (slots[3], cast.dana, "", "Le soir après 18 h"),
    ]
    people += [(slots[1], cast.by_name[name], "", "") for name in ("Karim Benali", "Lucie Bernard")]
    for slot, person, phone, comment in people:
        _entry, created = SignUp.objects.get_or_create(
            slot=slot,
            user=person,
            defaults={"phone": phone, "share_phone": bool(phone), "comment": comment},
        )
        report.add(SignUp, int(created))


def seed_past_report(action: Action, cast: "Cast", report: "SeedReport") -> None:
    slot = action.slots.first()
    if slot is not None:
        _entry, created = SignUp.objects.get_or_create(slot=slot, user=cast.charlie)
        report.add(SignUp, int(created))
    if action.report_id is None:
        services.to_report(cast.bob, action)
        report.add(ActionReport)
