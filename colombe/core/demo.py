"""Demo data: the movement of DESIGN.md with its personas and petitions, and an optional
large data set.

Everything is looked up by a natural key (slug, email, title) before it is created, so
seeding twice creates nothing new and changes nothing. Every demo account shares one
password, generated at the first run and kept in ``VAR_DIR/demo_password``: nothing secret
lives in the repository.
"""

import os
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from colombe.accounts.models import ProfileVisibility, User
from colombe.actions.demo import seed_actions
from colombe.actions.print_demo import seed_print_templates
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.groups.models import (
    Document,
    DocumentVersion,
    Group,
    GroupMembership,
    Post,
    Thread,
    Visibility,
)
from colombe.journal.demo import seed_journal
from colombe.mailing.demo import seed_mailing
from colombe.mediatheque.demo import seed_archive
from colombe.meetings.demo import seed_meetings
from colombe.movement.models import Membership, PartnerOrganisation, Structure, Territory
from colombe.outreach.demo import seed_outreach
from colombe.petitions.demo import seed_petitions
from colombe.petitions.models import Petition, Signature
from colombe.radio.demo import seed_radio
from colombe.reports.demo import seed_reports
from colombe.training.demo import seed_training

DEMO_EMAIL_DOMAIN = "colombe.example"
LARGE_COMMITTEE_SLUG_PREFIX = "comite-demo-"
LARGE_MEMBER_EMAIL_PREFIX = "membre-demo-"
LARGE_BATCH_SIZE = 5000
LARGE_RELAYS_PER_COMMITTEE = 3

M = TypeVar("M", bound=models.Model)

Level = Territory.Level
Kind = Structure.Kind
Role = Membership.Role
GroupRole = GroupMembership.Role


@dataclass(frozen=True)
class Persona:
    """A persona of DESIGN.md, as shown by ``manage.py demo_logins``."""

    name: str
    email: str
    role: str


PERSONAS = [
    Persona("Alice", "alice@colombe.example", "national administrator, leads the national office"),
    Persona("Bob", "bob@colombe.example", "leader and relay of Comité de Lyon, owns its groups"),
    Persona("Charlie", "charlie@colombe.example", "member of Comité de Lyon (not a relay)"),
    Persona("Dana", "dana@colombe.example", "24, youth working group, asked to join Lyon"),
    Persona("Eve", "eve@colombe.example", "outsider: logged in, member of nothing"),
    Persona("Frank", "frank@colombe.example", "represents a partner in the collective"),
]


@dataclass
class SeedReport:
    """What a run created, by model, for the summary the command prints."""

    created: Counter[str] = field(default_factory=Counter)
    passwords_reset: int = 0

    def add(self, model: type[models.Model], count: int = 1) -> None:
        if count:
            self.created[model._meta.label] += count

    def summary(self) -> str:
        if not self.created:
            lines = ["Demo data already present: nothing created."]
        else:
            lines = ["Created:"] + [f"  {label}: {n}" for label, n in sorted(self.created.items())]
        if self.passwords_reset:
            lines.append(f"Demo password set again on {self.passwords_reset} accounts.")
        return "\n".join(lines)


def _get_or_create(
    report: SeedReport, model: type[M], defaults: dict[str, Any] | None = None, **lookup: Any
) -> M:
    obj, created = model._default_manager.get_or_create(defaults=defaults, **lookup)
    if created:
        report.add(model)
    return obj


# --- Password ----------------------------------------------------------------------------


def demo_password_path() -> Path:
    return Path(settings.VAR_DIR) / "demo_password"


def read_demo_password() -> str | None:
    path = demo_password_path()
    return path.read_text().strip() if path.exists() else None


def get_or_create_demo_password() -> str:
    """The demo password: generated at the first run, then read back from VAR_DIR."""
    existing = read_demo_password()
    if existing:
        return existing
    path = demo_password_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    # Created with mode 600 from the start: the file is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password


def demo_password_hash(password: str, report: SeedReport) -> str:
    """The hash to store for new demo accounts, after giving the demo password back to
    existing demo accounts that lost it (the password file was deleted, or someone changed
    their password while trying the demo).

    Demo accounts share a handful of hash strings (one per run that created accounts), so
    checking each distinct string costs a few hash computations, not one per account.
    """
    demo_users = User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)
    hashes = set(demo_users.values_list("password", flat=True).distinct())
    valid = sorted(h for h in hashes if check_password(password, h))
    stale = hashes - set(valid)
    new_hash = valid[0] if valid else make_password(password)
    if stale:
        report.passwords_reset = demo_users.filter(password__in=stale).update(password=new_hash)
    return new_hash


# --- Territories -------------------------------------------------------------------------

# (slug, name, level, INSEE code, parent slug), parents first. Towns carry their INSEE
# commune code (arrondissement code for Paris).
TERRITORIES = [
    ("france", "France", Level.NATIONAL, "FR", None),
    ("auvergne-rhone-alpes", "Auvergne-Rhône-Alpes", Level.REGION, "84", "france"),
    ("ile-de-france", "Île-de-France", Level.REGION, "11", "france"),
    ("occitanie", "Occitanie", Level.REGION, "76", "france"),
    ("rhone", "Rhône", Level.DEPARTMENT, "69", "auvergne-rhone-alpes"),
    ("isere", "Isère", Level.DEPARTMENT, "38", "auvergne-rhone-alpes"),
    ("loire", "Loire", Level.DEPARTMENT, "42", "auvergne-rhone-alpes"),
    ("paris", "Paris", Level.DEPARTMENT, "75", "ile-de-france"),
    ("seine-saint-denis", "Seine-Saint-Denis", Level.DEPARTMENT, "93", "ile-de-france"),
    ("haute-garonne", "Haute-Garonne", Level.DEPARTMENT, "31", "occitanie"),
    ("herault", "Hérault", Level.DEPARTMENT, "34", "occitanie"),
    ("lyon", "Lyon", Level.LOCAL, "69123", "rhone"),
    ("villeurbanne", "Villeurbanne", Level.LOCAL, "69266", "rhone"),
    ("grenoble", "Grenoble", Level.LOCAL, "38185", "isere"),
    ("echirolles", "Échirolles", Level.LOCAL, "38151", "isere"),
    ("saint-etienne", "Saint-Étienne", Level.LOCAL, "42218", "loire"),
    ("paris-11e", "Paris 11e arrondissement", Level.LOCAL, "75111", "paris"),
    ("paris-20e", "Paris 20e arrondissement", Level.LOCAL, "75120", "paris"),
    ("saint-denis", "Saint-Denis", Level.LOCAL, "93066", "seine-saint-denis"),
    ("montreuil", "Montreuil", Level.LOCAL, "93048", "seine-saint-denis"),
    ("toulouse", "Toulouse", Level.LOCAL, "31555", "haute-garonne"),
    ("montpellier", "Montpellier", Level.LOCAL, "34172", "herault"),
    ("sete", "Sète", Level.LOCAL, "34301", "herault"),
]


def seed_territories(report: SeedReport) -> dict[str, Territory]:
    """The territory tree, by slug."""
    by_slug: dict[str, Territory] = {}
    for slug, name, level, code, parent_slug in TERRITORIES:
        parent = by_slug[parent_slug] if parent_slug else None
        by_slug[slug] = _get_or_create(
            report,
            Territory,
            slug=slug,
            defaults={"name": name, "level": level, "code": code, "parent": parent},
        )
    return by_slug


# --- Structures --------------------------------------------------------------------------

# (slug, name, territory slug, public description)
COMMITTEES = [
    (
        "comite-lyon",
        "Comité de Lyon",
        "lyon",
        "Le comité lyonnais se réunit chaque mardi soir à la Maison des associations de la "
        "Croix-Rousse. Stands sur les marchés, projections-débats et cercles de silence.",
    ),
    (
        "comite-villeurbanne",
        "Comité de Villeurbanne",
        "villeurbanne",
        "Actions dans les quartiers et dans les lycées de Villeurbanne, en lien avec les "
        "centres sociaux.",
    ),
    (
        "comite-grenoble",
        "Comité de Grenoble",
        "grenoble",
        "Le comité grenoblois anime un cycle de conférences sur le désarmement avec des "
        "étudiantes et étudiants de l'université.",
    ),
    (
        "comite-echirolles",
        "Comité d'Échirolles",
        "echirolles",
        "Un petit comité très actif : marches pour la paix, ateliers d'écriture et fête de "
        "quartier chaque printemps.",
    ),
    (
        "comite-saint-etienne",
        "Comité de Saint-Étienne",
        "saint-etienne",
        "Réunions mensuelles, stands devant la gare de Châteaucreux et travail de mémoire "
        "avec les anciens du bassin minier.",
    ),
    (
        "comite-paris-11",
        "Comité de Paris 11e",
        "paris-11e",
        "Permanence le samedi matin place Léon-Blum ; le comité accueille les nouveaux "
        "adhérents chaque premier jeudi du mois.",
    ),
    (
        "comite-paris-20",
        "Comité de Paris 20e",
        "paris-20e",
        "Le comité du 20e organise des débats publics à Belleville et participe aux "
        "rassemblements parisiens.",
    ),
    (
        "comite-saint-denis",
        "Comité de Saint-Denis",
        "saint-denis",
        "Interventions dans les collèges, chorale pour la paix et jumelages avec des comités "
        "à l'étranger.",
    ),
    (
        "comite-montreuil",
        "Comité de Montreuil",
        "montreuil",
        "Un comité tourné vers la jeunesse : ateliers vidéo, réseaux sociaux et concerts "
        "solidaires.",
    ),
    (
        "comite-toulouse",
        "Comité de Toulouse",
        "toulouse",
        "Le comité toulousain suit les questions d'industrie d'armement de la région et "
        "organise la marche du 21 septembre.",
    ),
    (
        "comite-montpellier",
        "Comité de Montpellier",
        "montpellier",
        "Cafés-débats mensuels, expositions itinérantes et accueil des personnes exilées.",
    ),
    (
        "comite-sete",
        "Comité de Sète",
        "sete",
        "Rassemblements sur le port, lectures publiques et actions avec les associations de "
        "pêcheurs pour une Méditerranée de paix.",
    ),
]

WORKING_GROUPS = [
    (
        "gt-desarmement",
        "Groupe de travail Désarmement",
        "france",
        "Suit les traités de désarmement, prépare les argumentaires et les fiches pour les "
        "comités.",
    ),
    (
        "gt-jeunesse",
        "Groupe de travail Jeunesse",
        "auvergne-rhone-alpes",
        "Les 18 à 35 ans de la région : réseaux sociaux, actions dans les universités et "
        "formation des aînés au numérique.",
    ),
]

COLLECTIVE = (
    "collectif-paix-solidarite",
    "Collectif Paix et Solidarité",
    "france",
    "Une vingtaine d'associations, de syndicats et de mouvements d'éducation populaire qui "
    "préparent ensemble les grandes journées pour la paix.",
)

PARTNER_ORGANISATIONS = [
    (
        "Amicale laïque des Pentes",
        "Association d'éducation populaire du 1er arrondissement de Lyon.",
    ),
    ("Association Jardins du Partage", "Jardins collectifs et repas solidaires."),
    ("Atelier citoyen de la Guillotière", "Débats de quartier et soutien scolaire."),
    ("Cercle d'études Jean-Jaurès de Villeurbanne", "Conférences d'histoire sociale."),
    ("Collectif étudiant pour la paix", "Étudiantes et étudiants de plusieurs universités."),
    ("Comité Solidarité Méditerranée", "Échanges avec des associations des deux rives."),
    ("Radio Voix libres", "Radio associative, émissions sur la paix et les droits humains."),
    ("Éducation populaire en mouvement", "Formations et ateliers pour les associations."),
    ("Fédération des centres sociaux du Val", "Réseau de centres sociaux de quartier."),
    ("Femmes pour la paix du Sud-Ouest", "Groupes de parole et actions publiques."),
    ("Forum citoyen Nord-Sud", "Solidarité internationale et commerce équitable."),
    ("Les Semeurs de dialogue", "Médiation et rencontres interreligieuses."),
    ("Ligue pour l'amitié entre les peuples", "Jumelages et échanges de jeunes."),
    ("Maison des solidarités de Montreuil", "Accueil, permanences juridiques, épicerie solidaire."),
    ("Chorale Voix de la paix", "Chorale amateur qui chante dans les rassemblements."),
    ("Réseau des enseignants pour la non-violence", "Ressources pour les classes."),
    ("Union locale solidaire de Grenoble", "Union de syndicats de l'agglomération grenobloise."),
    ("Compagnie Théâtre en luttes", "Théâtre-forum dans les quartiers et les écoles."),
    ("Vélos pour la paix", "Randonnées à vélo entre villes jumelées."),
    ("Mémoire et réconciliation", "Travail de mémoire sur les conflits du XXe siècle."),
]


def seed_structures(territories: dict[str, Territory], report: SeedReport) -> dict[str, Structure]:
    """The national office, the committees, the working groups and the collective, by slug."""
    specs = [
        (
            "secretariat-national",
            Kind.NATIONAL,
            "Secrétariat national",
            "france",
            "Coordonne le mouvement, publie les circulaires et édite le journal.",
        ),
        *[(slug, Kind.COMMITTEE, name, town, text) for slug, name, town, text in COMMITTEES],
        *[
            (slug, Kind.WORKING_GROUP, name, place, text)
            for slug, name, place, text in WORKING_GROUPS
        ],
        (COLLECTIVE[0], Kind.COLLECTIVE, COLLECTIVE[1], COLLECTIVE[2], COLLECTIVE[3]),
    ]
    structures = {}
    for slug, kind, name, territory_slug, description in specs:
        structures[slug] = _get_or_create(
            report,
            Structure,
            slug=slug,
            defaults={
                "kind": kind,
                "name": name,
                "territory": territories[territory_slug],
                "description": description,
            },
        )
    collective = structures[COLLECTIVE[0]]
    partners = [
        _get_or_create(
            report,
            PartnerOrganisation,
            slug=slugify(name),
            defaults={
                "name": name,
                "description": description,
                "website": f"https://{slugify(name)}.example",
            },
        )
        for name, description in PARTNER_ORGANISATIONS
    ]
    missing = set(partners) - set(collective.partners.all())
    if missing:
        collective.partners.add(*missing)
    return structures


# --- People ------------------------------------------------------------------------------

# People besides the personas: (display name, interests). Each committee gets a leader who
# is also a relay, then more relays, so that most committees have 3 or 4 relays; a few
# have fewer (COMMITTEE_RELAYS), so that the coverage page has something to flag.
LYON_EXTRA_RELAYS = [("Karim Benali", "#paix #nonviolence"), ("Sophie Martin", "#désarmement")]
LYON_EXTRA_MEMBERS = [("Lucie Bernard", "#climat #paix"), ("Hugo Lefèvre", "#jeunesse")]
COMMITTEE_TEAMS = {
    "comite-villeurbanne": ["Nadia Haddad", "Julien Moreau", "Élodie Girard", "Samir Cherif"],
    "comite-grenoble": ["Claire Dubois", "Mehdi Rahmani", "Isabelle Petit"],
    "comite-echirolles": ["Thomas Roux", "Fatou Diallo", "Pierre Garnier", "Camille Laurent"],
    "comite-saint-etienne": ["Yann Le Gall", "Aïcha Traoré", "Marc Fontaine"],
    "comite-paris-11": ["Anne Lemoine", "Olivier Chevalier", "Inès Boukhari", "Léa Faure"],
    "comite-paris-20": ["Jean-Paul Mercier", "Bruno Perrin", "Salomé Blanc"],
    "comite-saint-denis": ["Rachid Amrani", "Monique Guérin", "Antoine Muller", "Chloé Vidal"],
    "comite-montreuil": ["Youssef Kaddour", "Bernadette Roussel", "Nicolas Fabre"],
    "comite-toulouse": ["Manon Picard", "Gérard Lambert", "Sarah Cohen", "Mamadou Sow"],
    "comite-montpellier": ["Hélène Marchand", "Vincent Arnaud", "Jeanne Colin"],
    "comite-sete": ["Farid Mansouri", "Émilie Robin", "Patrick Giraud", "Zoé Masson"],
}
# How many of a team are relays, when not all of them.
COMMITTEE_RELAYS = {"comite-saint-etienne": 2, "comite-montpellier": 1, "comite-paris-20": 0}
INTEREST_ROTATION = [
    "#paix",
    "#désarmement",
    "#climat",
    "#solidarité",
    "#nonviolence",
    "#éducationpopulaire",
]
# Working groups also draw on committee members: (working group, leader, members).
WORKING_GROUP_TEAMS = [
    ("gt-desarmement", "Claire Dubois", ["Sophie Martin", "Gérard Lambert", "Anne Lemoine"]),
    ("gt-jeunesse", "Camille Laurent", ["Hugo Lefèvre", "Samir Cherif"]),
]


def demo_email(display_name: str) -> str:
    """'Aïcha Traoré' -> 'aicha.traore@colombe.example'."""
    return f"{slugify(display_name).replace('-', '.')}@{DEMO_EMAIL_DOMAIN}"


@dataclass
class PeopleSeeder:
    """Creates demo accounts (with a verified email address) and their memberships."""

    password_hash: str
    report: SeedReport

    def person(self, display_name: str, email: str = "", interests: str = "", **extra: Any) -> User:
        email = email or demo_email(display_name)
        user = _get_or_create(
            self.report,
            User,
            email=email,
            defaults={"display_name": display_name, "password": self.password_hash, **extra},
        )
        _get_or_create(
            self.report,
            EmailAddress,
            user=user,
            email=email,
            defaults={"verified": True, "primary": True},
        )
        if interests:
            wanted = set(get_or_create_hashtags(parse_hashtags(interests)))
            missing = wanted - set(user.interests.all())
            if missing:
                user.interests.add(*missing)
        return user

    def join(self, user: User, structure: Structure, **defaults: Any) -> Membership:
        defaults.setdefault("status", Membership.Status.ACTIVE)
        if defaults["status"] == Membership.Status.ACTIVE:
            defaults.setdefault("approved_at", timezone.now())
        return _get_or_create(
            self.report, Membership, user=user, structure=structure, defaults=defaults
        )


@dataclass
class Cast:
    """The people the groups and discussions are written for."""

    alice: User
    bob: User
    charlie: User
    dana: User
    eve: User
    frank: User
    by_name: dict[str, User]


def seed_people(structures: dict[str, Structure], seeder: PeopleSeeder) -> Cast:
    personas = {p.name: p.email for p in PERSONAS}
    alice = seeder.person(
        "Alice", personas["Alice"], "#paix #journal", is_national_admin=True, is_staff=True
    )
    seeder.join(alice, structures["secretariat-national"], role=Role.LEADER)

    lyon = structures["comite-lyon"]
    bob = seeder.person("Bob", personas["Bob"], "#paix #visio")
    seeder.join(bob, lyon, role=Role.LEADER, is_relay=True)
    charlie = seeder.person(
        "Charlie", personas["Charlie"], "#désarmement #paix", show_interests=True
    )
    seeder.join(charlie, lyon)
    dana = seeder.person(
        "Dana",
        personas["Dana"],
        "#jeunesse #réseauxsociaux",
        profile_visibility=ProfileVisibility.MOVEMENT,
        languages="français, English",
    )
    seeder.join(dana, structures["gt-jeunesse"])
    # Dana came through a petition: her request to join Lyon waits for Bob's approval.
    seeder.join(
        dana,
        lyon,
        status=Membership.Status.PENDING,
        message="Bonjour, j'ai signé la pétition et je voudrais aider le comité sur les "
        "réseaux sociaux.",
    )
    eve = seeder.person("Eve", personas["Eve"])
    frank = seeder.person("Frank", personas["Frank"], "#solidarité")
    seeder.join(
        frank,
        structures[COLLECTIVE[0]],
        role=Role.REPRESENTATIVE,
        organisation=PartnerOrganisation.objects.get(slug=slugify(PARTNER_ORGANISATIONS[0][0])),
    )

    by_name = {}
    for name, interests in LYON_EXTRA_RELAYS:
        by_name[name] = seeder.person(name, interests=interests)
        seeder.join(by_name[name], lyon, is_relay=True)
    for name, interests in LYON_EXTRA_MEMBERS:
        by_name[name] = seeder.person(name, interests=interests)
        seeder.join(by_name[name], lyon)
    for index, (slug, team) in enumerate(COMMITTEE_TEAMS.items()):
        for rank, name in enumerate(team):
            interests = INTEREST_ROTATION[(index + rank) % len(INTEREST_ROTATION)]
            # Every other person shows their interests (an explicit opt-in, off by default).
            by_name[name] = seeder.person(name, interests=interests, show_interests=rank % 2 == 0)
            role = Role.LEADER if rank == 0 else Role.MEMBER
            is_relay = rank < COMMITTEE_RELAYS.get(slug, len(team))
            seeder.join(by_name[name], structures[slug], role=role, is_relay=is_relay)
    for slug, leader, members in WORKING_GROUP_TEAMS:
        seeder.join(by_name[leader], structures[slug], role=Role.LEADER)
        for name in members:
            seeder.join(by_name[name], structures[slug])
    return Cast(alice, bob, charlie, dana, eve, frank, by_name)


# --- Groups, discussions and documents ---------------------------------------------------


@dataclass
class DemoPost:
    author: str
    body: str


@dataclass
class DemoThread:
    title: str
    posts: list[DemoPost]


@dataclass
class DemoDocument:
    title: str
    filename: str
    text: str


@dataclass
class DemoGroup:
    slug: str
    name: str
    owner: str
    visibility: str
    description: str
    hashtags: str
    # (person, role): the first one is the group's owner.
    members: list[tuple[str, str]]
    threads: list[DemoThread]
    document: DemoDocument | None = None


DEMO_GROUPS = [
    DemoGroup(
        slug="paix-en-rhone-alpes",
        name="Paix en Rhône-Alpes",
        owner="comite-lyon",
        visibility=Visibility.PUBLIC,
        description="Le groupe ouvert du comité de Lyon : agenda des actions dans la région, "
        "comptes rendus et idées de mobilisation. Tout le monde peut lire.",
        hashtags="#paix #désarmement",
        members=[
            ("Bob", GroupRole.OWNER),
            ("Karim Benali", GroupRole.MODERATOR),
            ("Charlie", GroupRole.MEMBER),
            ("Dana", GroupRole.MEMBER),
            ("Sophie Martin", GroupRole.MEMBER),
            ("Nadia Haddad", GroupRole.MEMBER),
        ],
        threads=[
            DemoThread(
                "Journée internationale de la paix : qui tient le stand ?",
                [
                    DemoPost(
                        "Bob",
                        "Bonjour à toutes et à tous,\n\nPour le **21 septembre**, la "
                        "mairie nous prête un stand place des Terreaux. Il nous faut :\n\n"
                        "- deux personnes le matin (de 9 h à 12 h) ;\n"
                        "- deux personnes l'après-midi (de 14 h à 18 h) ;\n"
                        "- quelqu'un pour la pétition sur tablette.\n\n"
                        "Répondez ici avec vos disponibilités.",
                    ),
                    DemoPost(
                        "Charlie",
                        "Je prends le matin, et j'apporte les tracts "
                        "*désarmement* qui restent de juin.",
                    ),
                    DemoPost(
                        "Dana",
                        "Je peux faire l'après-midi et m'occuper de la pétition. "
                        "Je ferai aussi quelques photos pour nos réseaux.",
                    ),
                ],
            ),
            DemoThread(
                "Projection-débat en octobre",
                [
                    DemoPost(
                        "Karim Benali",
                        "Le cinéma associatif de la Croix-Rousse nous propose "
                        "une soirée. Des idées de film ? Pensez à un documentaire de moins "
                        "de 90 minutes pour laisser du temps au débat.",
                    ),
                    DemoPost("Bob", "Bonne idée. On en parle à la réunion de mardi."),
                ],
            ),
        ],
        document=DemoDocument(
            "Tract de la Journée de la paix",
            "tract-journee-de-la-paix.txt",
            "Journée internationale de la paix — 21 septembre\n\n"
            "Rendez-vous place des Terreaux, de 9 h à 18 h.\n"
            "Signez la pétition pour un traité d'interdiction des armes nucléaires.\n"
            "Venez avec vos amis, vos enfants et vos idées !\n",
        ),
    ),
    DemoGroup(
        slug="bureau-comite-lyon",
        name="Bureau du comité de Lyon",
        owner="comite-lyon",
        visibility=Visibility.PRIVATE,
        description="Préparation des réunions et suivi des circulaires nationales par "
        "l'équipe d'animation du comité.",
        hashtags="",
        members=[
            ("Bob", GroupRole.OWNER),
            ("Karim Benali", GroupRole.MEMBER),
            ("Sophie Martin", GroupRole.MEMBER),
        ],
        threads=[
            DemoThread(
                "Ordre du jour de la réunion de mardi",
                [
                    DemoPost(
                        "Bob",
                        "Proposition d'ordre du jour :\n\n"
                        "1. Bilan du stand du 21 septembre\n"
                        "2. Projection-débat d'octobre\n"
                        "3. Adhésions en attente (dont Dana)\n"
                        "4. Questions diverses",
                    ),
                    DemoPost(
                        "Sophie Martin",
                        "Ajoutons un point sur la circulaire nationale "
                        "reçue lundi, elle demande une réponse avant la fin du mois.",
                    ),
                ],
            ),
            DemoThread(
                "Circulaire nationale du mois",
                [
                    DemoPost(
                        "Karim Benali",
                        "J'ai relayé la circulaire aux adhérents. Résumé : "
                        "**appel commun** du collectif pour la journée du 21 septembre, et "
                        "nouvelle fiche sur les dépenses militaires.",
                    ),
                ],
            ),
        ],
        document=DemoDocument(
            "Compte rendu de la réunion du bureau",
            "compte-rendu-bureau.txt",
            "Compte rendu — réunion du bureau du comité de Lyon\n\n"
            "Présents : Bob, Karim, Sophie.\n"
            "Décisions : stand le 21 septembre, projection-débat en octobre.\n"
            "Prochaine réunion : mardi prochain à 19 h.\n",
        ),
    ),
    DemoGroup(
        slug="cellule-hirondelle",
        name="Cellule Hirondelle",
        owner="comite-lyon",
        visibility=Visibility.SECRET,
        description="Groupe discret du comité de Lyon.",
        hashtags="",
        members=[("Bob", GroupRole.OWNER), ("Charlie", GroupRole.MEMBER)],
        threads=[
            DemoThread(
                "Point logistique",
                [
                    DemoPost(
                        "Bob",
                        "Rien ne sort de ce groupe. On se retrouve **jeudi** au local habituel.",
                    ),
                    DemoPost("Charlie", "Entendu, je serai là."),
                ],
            ),
        ],
    ),
    DemoGroup(
        slug="jeunes-pour-la-paix",
        name="Jeunes pour la paix",
        owner="gt-jeunesse",
        visibility=Visibility.PUBLIC,
        description="Les 18 à 35 ans du mouvement : réseaux sociaux, vidéos courtes et "
        "ateliers numériques pour les adhérents de tous âges.",
        hashtags="#jeunesse #réseauxsociaux",
        members=[
            ("Camille Laurent", GroupRole.OWNER),
            ("Dana", GroupRole.MODERATOR),
            ("Hugo Lefèvre", GroupRole.MEMBER),
            ("Samir Cherif", GroupRole.MEMBER),
        ],
        threads=[
            DemoThread(
                "Atelier réseaux sociaux pour les adhérents",
                [
                    DemoPost(
                        "Dana",
                        "Bonjour ! J'ai 24 ans, je suis étudiante et je propose un "
                        "atelier d'une heure pour les adhérents qui veulent apprendre à "
                        "partager une pétition sur leur téléphone.\n\n"
                        "Au programme :\n\n- ouvrir un lien reçu par courriel ;\n"
                        "- partager sur une messagerie ;\n- suivre un hashtag.",
                    ),
                    DemoPost(
                        "Camille Laurent",
                        "Super ! Le comité de Lyon peut nous prêter sa salle un samedi matin.",
                    ),
                ],
            ),
        ],
    ),
    DemoGroup(
        slug="coordination-collectif",
        name="Coordination du collectif",
        owner=COLLECTIVE[0],
        visibility=Visibility.PRIVATE,
        description="Les représentantes et représentants des organisations du collectif "
        "préparent les appels communs.",
        hashtags="#solidarité",
        members=[("Frank", GroupRole.OWNER), ("Alice", GroupRole.MEMBER)],
        threads=[
            DemoThread(
                "Appel commun pour le 21 septembre",
                [
                    DemoPost(
                        "Frank",
                        "Voici une première version de l'appel. Merci de faire "
                        "vos remarques avant vendredi :\n\n> Ensemble, pour la paix et la "
                        "solidarité entre les peuples…",
                    ),
                    DemoPost(
                        "Alice",
                        "Merci Frank. Le secrétariat national le relaiera dans la "
                        "circulaire de la semaine prochaine.",
                    ),
                ],
            ),
        ],
    ),
]


def seed_groups(structures: dict[str, Structure], cast: Cast, report: SeedReport) -> None:
    people = {
        "Alice": cast.alice,
        "Bob": cast.bob,
        "Charlie": cast.charlie,
        "Dana": cast.dana,
        "Frank": cast.frank,
        **cast.by_name,
    }
    for spec in DEMO_GROUPS:
        owner_person = people[spec.members[0][0]]
        group = _get_or_create(
            report,
            Group,
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "owner": structures[spec.owner],
                "visibility": spec.visibility,
                "description": spec.description,
                "created_by": owner_person,
            },
        )
        if spec.hashtags:
            missing = set(get_or_create_hashtags(parse_hashtags(spec.hashtags))) - set(
                group.hashtags.all()
            )
            if missing:
                group.hashtags.add(*missing)
        for name, role in spec.members:
            _get_or_create(
                report, GroupMembership, group=group, user=people[name], defaults={"role": role}
            )
        for demo_thread in spec.threads:
            seed_thread(group, demo_thread, people, report)
        if spec.document:
            seed_document(group, spec.document, owner_person, report)


def seed_thread(
    group: Group, spec: DemoThread, people: dict[str, User], report: SeedReport
) -> None:
    thread = _get_or_create(
        report,
        Thread,
        group=group,
        title=spec.title,
        defaults={"author": people[spec.posts[0].author]},
    )
    for demo_post in spec.posts:
        _get_or_create(
            report,
            Post,
            thread=thread,
            author=people[demo_post.author],
            body=demo_post.body,
            defaults={"body_html": render_markdown(demo_post.body)},
        )


def seed_document(group: Group, spec: DemoDocument, author: User, report: SeedReport) -> None:
    document = _get_or_create(
        report, Document, group=group, title=spec.title, defaults={"created_by": author}
    )
    if document.versions.exists():
        return
    content = spec.text.encode()
    version = DocumentVersion(
        document=document,
        number=1,
        original_name=spec.filename,
        content_type="text/plain",
        size=len(content),
        uploaded_by=author,
    )
    # FieldFile.save writes through default_storage, then saves the row.
    version.file.save(spec.filename, ContentFile(content), save=True)
    report.add(DocumentVersion)


def seed_movement(password_hash: str, report: SeedReport) -> None:
    """The demo movement of DESIGN.md: territories, structures, personas, groups."""
    territories = seed_territories(report)
    structures = seed_structures(territories, report)
    cast = seed_people(structures, PeopleSeeder(password_hash, report))
    seed_groups(structures, cast, report)
    seed_meetings(structures, cast, report)
    seed_demo_petitions(structures, cast, report)
    seed_reports(structures, cast, report)
    seed_mailing(structures, cast, report)
    seed_journal(cast.alice, report)
    seed_archive(structures, cast, report)
    seed_radio(cast, report)
    seed_outreach(structures, cast, report)
    seed_actions(structures, cast, report)
    seed_print_templates(cast, report)
    seed_training(structures, cast, report)


def seed_demo_petitions(structures: dict[str, Structure], cast: Cast, report: SeedReport) -> None:
    """A live national petition with a few thousand signatures, and a Lyon draft."""
    created = seed_petitions(
        national=structures["secretariat-national"],
        lyon=structures["comite-lyon"],
        alice=cast.alice,
        bob=cast.bob,
    )
    report.add(Petition, created.petitions)
    report.add(Signature, created.signatures)


# --- Large data set ----------------------------------------------------------------------


def large_committee_slug(number: int) -> str:
    return f"{LARGE_COMMITTEE_SLUG_PREFIX}{number:04d}"


def large_member_email(number: int) -> str:
    return f"{LARGE_MEMBER_EMAIL_PREFIX}{number:06d}@{DEMO_EMAIL_DOMAIN}"


def _batches(numbers: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]


def seed_large_committees(count: int, report: SeedReport) -> list[int]:
    """Committees 'comite-demo-0001'… spread over the demo towns; returns their ids in
    number order. Only the missing ones are created."""
    towns = list(Territory.objects.filter(level=Level.LOCAL).order_by("slug"))
    demo_committees = Structure.objects.filter(slug__startswith=LARGE_COMMITTEE_SLUG_PREFIX)
    existing = set(demo_committees.values_list("slug", flat=True))
    new = [
        Structure(
            kind=Kind.COMMITTEE,
            name=f"Comité démo {number:04d}",
            slug=large_committee_slug(number),
            territory=towns[number % len(towns)],
            description="Comité de démonstration créé pour les essais de charge.",
        )
        for number in range(1, count + 1)
        if large_committee_slug(number) not in existing
    ]
    Structure.objects.bulk_create(new, batch_size=LARGE_BATCH_SIZE)
    report.add(Structure, len(new))
    ids = dict(demo_committees.values_list("slug", "id"))
    return [ids[large_committee_slug(number)] for number in range(1, count + 1)]


def seed_large_members(
    count: int, committee_ids: list[int], password_hash: str, report: SeedReport
) -> None:
    """Members 'membre-demo-000001@…', one membership each. Member n joins committee
    n mod C; the first member of each committee leads it and the first three are relays."""
    demo_members = User.objects.filter(email__startswith=LARGE_MEMBER_EMAIL_PREFIX)
    existing = set(demo_members.values_list("email", flat=True))
    missing = [n for n in range(1, count + 1) if large_member_email(n) not in existing]
    now = timezone.now()
    for numbers in _batches(missing, LARGE_BATCH_SIZE):
        users = [
            User(
                email=large_member_email(n),
                display_name=f"Membre démo {n:06d}",
                password=password_hash,
                date_joined=now,
            )
            for n in numbers
        ]
        # PostgreSQL and SQLite ≥ 3.35 return the new ids, so no query is needed to find them.
        User.objects.bulk_create(users, batch_size=LARGE_BATCH_SIZE)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=LARGE_BATCH_SIZE,
        )
        memberships = []
        for n, user in zip(numbers, users, strict=True):
            rank, committee = divmod(n - 1, len(committee_ids))
            memberships.append(
                Membership(
                    user=user,
                    structure_id=committee_ids[committee],
                    role=Role.LEADER if rank == 0 else Role.MEMBER,
                    is_relay=rank < LARGE_RELAYS_PER_COMMITTEE,
                    status=Membership.Status.ACTIVE,
                    approved_at=now,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=LARGE_BATCH_SIZE)
        report.add(User, len(users))
        report.add(EmailAddress, len(users))
        report.add(Membership, len(memberships))


def seed_large(*, committees: int, members: int, password_hash: str, report: SeedReport) -> None:
    """Thousands of committees and members for load tests and benchmarks."""
    committee_ids = seed_large_committees(committees, report)
    if committee_ids:
        seed_large_members(members, committee_ids, password_hash, report)
