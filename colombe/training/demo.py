"""Demo data for training: topics, six guides in plain French, six sessions over the next
six weeks (in person and online, beginner to advanced, one with an outside expert), the
skills of a dozen members (Dana and other young members can help) and four mentoring
requests (one paired with Dana, one done, two waiting in a region where nobody can help).
Idempotent: what exists is left as it is."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.meetings.models import Meeting
from colombe.movement.models import Structure, Territory
from colombe.training.models import (
    Level,
    MentoringRequest,
    Registration,
    Resource,
    Skill,
    Topic,
    TrainingSession,
)

if TYPE_CHECKING:
    from colombe.accounts.models import User
    from colombe.core.demo import Cast, SeedReport

TOPICS = [
    ("visio", "Rejoindre une visio"),
    ("petition", "Signer et partager une pétition"),
    ("mastodon", "Utiliser Mastodon"),
    ("compte-rendu", "Publier un compte rendu"),
    ("smartphone", "Prendre en main son smartphone"),
    ("courriel", "Lire et envoyer des courriels"),
]


@dataclass(frozen=True)
class DemoGuide:
    slug: str
    title: str
    summary: str
    level: str
    topic: str
    hashtags: str
    body: str


GUIDES = [
    DemoGuide(
        "rejoindre-une-visio",
        "Rejoindre une visio",
        "Entrer dans une réunion en vidéo depuis l'invitation reçue par courriel.",
        Level.BEGINNER,
        "visio",
        "#visio #débutant",
        "Une visio, c'est une réunion par vidéo. Vous voyez et entendez les autres.\n\n"
        "## Avant la réunion\n\n"
        "1. Ouvrez le courriel d'invitation.\n"
        "2. Cliquez sur le lien bleu « Rejoindre ».\n"
        "3. Votre navigateur s'ouvre. Attendez quelques secondes.\n\n"
        "## Au moment d'entrer\n\n"
        "1. Le navigateur demande la caméra et le micro. Cliquez sur « Autoriser ».\n"
        "2. Vous vous voyez à l'écran. C'est normal.\n"
        "3. Cliquez sur « Entrer dans la réunion ».\n\n"
        "## Pendant la réunion\n\n"
        "- Pour parler, levez la main avec le bouton ✋.\n"
        "- Coupez votre micro quand vous ne parlez pas.\n"
        "- Un problème ? Le numéro de téléphone est dans l'invitation.",
    ),
    DemoGuide(
        "signer-et-partager-une-petition",
        "Signer et partager une pétition",
        "Signer une pétition en ligne, puis l'envoyer à vos proches.",
        Level.BEGINNER,
        "petition",
        "#pétition #débutant",
        "Signer prend deux minutes. Partager aide beaucoup.\n\n"
        "## Signer\n\n"
        "1. Ouvrez la page de la pétition.\n"
        "2. Écrivez votre prénom, votre nom et votre adresse de courriel.\n"
        "3. Cliquez sur « Je signe ».\n"
        "4. Ouvrez le courriel reçu et cliquez sur le lien pour confirmer.\n\n"
        "## Partager\n\n"
        "1. Sur la page de la pétition, cherchez « Partager ».\n"
        "2. Choisissez : courriel, SMS, WhatsApp ou un réseau social.\n"
        "3. Ajoutez un petit mot personnel. On lit plus volontiers un message d'un ami.",
    ),
    DemoGuide(
        "creer-un-compte-mastodon",
        "Créer un compte Mastodon",
        "Ouvrir un compte sur Mastodon, un réseau social libre, et suivre le mouvement.",
        Level.INTERMEDIATE,
        "mastodon",
        "#mastodon #réseauxsociaux",
        "Mastodon ressemble à Twitter. Il n'appartient à aucune grande entreprise.\n\n"
        "1. Allez sur joinmastodon.org.\n"
        "2. Choisissez un serveur français, par exemple piaille.fr.\n"
        "3. Cliquez sur « Créer un compte ».\n"
        "4. Choisissez un nom d'utilisateur et un mot de passe.\n"
        "5. Confirmez votre adresse en ouvrant le courriel reçu.\n"
        "6. Cherchez « Colombe » et cliquez sur « Suivre ».\n\n"
        "Astuce : ajoutez une photo et une phrase sur vous. Les gens vous suivront plus "
        "facilement.",
    ),
    DemoGuide(
        "publier-un-compte-rendu",
        "Publier un compte rendu",
        "Raconter une action de votre comité sur Colombe, avec une photo.",
        Level.INTERMEDIATE,
        "compte-rendu",
        "#compterendu #comité",
        "Un compte rendu montre ce que fait votre comité. Il nourrit le journal.\n\n"
        "1. Connectez-vous à Colombe.\n"
        "2. Ouvrez « Actions », puis « Raconter une action ».\n"
        "3. Donnez un titre court : « Stand au marché de la Croix-Rousse ».\n"
        "4. Écrivez en quelques phrases : quoi, où, combien de personnes.\n"
        "5. Ajoutez une photo. Demandez l'accord des personnes qu'on reconnaît.\n"
        "6. Cliquez sur « Publier ».",
    ),
    DemoGuide(
        "installer-une-application",
        "Installer une application sur son téléphone",
        "Trouver et installer une application sans se tromper.",
        Level.BEGINNER,
        "smartphone",
        "#smartphone #débutant",
        "1. Ouvrez le magasin d'applications : « Play Store » ou « App Store ».\n"
        "2. Touchez la loupe et écrivez le nom de l'application.\n"
        "3. Vérifiez le nom de l'éditeur sous l'application.\n"
        "4. Touchez « Installer ». Attendez la fin.\n"
        "5. L'application apparaît sur votre écran d'accueil.\n\n"
        "Attention : une application ne demande jamais votre code bancaire pour s'installer "
        "si elle est gratuite.",
    ),
    DemoGuide(
        "animer-une-visio",
        "Animer une visio de comité",
        "Préparer, ouvrir et animer la visio hebdomadaire de votre comité.",
        Level.ADVANCED,
        "visio",
        "#visio #animation",
        "1. Programmez la réunion dans Colombe : date, heure, ordre du jour.\n"
        "2. Envoyez l'invitation aux membres. Elle contient le lien et un numéro de "
        "téléphone.\n"
        "3. Ouvrez la salle dix minutes avant. Accueillez les personnes qui arrivent.\n"
        "4. Rappelez les règles : micro coupé, main levée pour parler.\n"
        "5. Donnez la parole dans l'ordre des mains levées.\n"
        "6. À la fin, publiez le compte rendu dans le groupe du comité.",
    ),
]


@dataclass(frozen=True)
class DemoSession:
    slug: str
    title: str
    topic: str
    level: str
    structure: str
    trainer: str  # a person of the cast, or "" for an outside expert
    guest: str
    format: str
    place: str
    days_ahead: int
    hour: int
    capacity: int | None
    description: str


Format = TrainingSession.Format
SESSIONS = [
    DemoSession(
        "atelier-visio-lyon",
        "Atelier : rejoindre une visio",
        "visio",
        Level.BEGINNER,
        "comite-lyon",
        "Dana",
        "",
        Format.IN_PERSON,
        "Maison des associations de la Croix-Rousse, Lyon",
        5,
        14,
        10,
        "Venez avec votre téléphone ou votre tablette. Nous entrons ensemble dans une visio.",
    ),
    DemoSession(
        "petitions-en-ligne-en-visio",
        "Signer et partager une pétition (en ligne)",
        "petition",
        Level.BEGINNER,
        "gt-jeunesse",
        "Hugo Lefèvre",
        "",
        Format.ONLINE,
        "",
        9,
        18,
        30,
        "Une heure pour signer, confirmer et partager une pétition, pas à pas.",
    ),
    DemoSession(
        "smartphone-saint-denis",
        "Prendre en main son smartphone",
        "smartphone",
        Level.BEGINNER,
        "comite-saint-denis",
        "Chloé Vidal",
        "",
        Format.IN_PERSON,
        "Bourse du travail, Saint-Denis",
        16,
        10,
        8,
        "Appeler, envoyer un message, installer une application : les bases.",
    ),
    DemoSession(
        "mastodon-pour-les-comites",
        "Mastodon pour les comités",
        "mastodon",
        Level.INTERMEDIATE,
        "gt-jeunesse",
        "Dana",
        "",
        Format.ONLINE,
        "",
        23,
        18,
        None,
        "Créer le compte du comité, publier, répondre. Avec les règles de nommage du mouvement.",
    ),
    DemoSession(
        "comptes-rendus-grenoble",
        "Écrire un bon compte rendu d'action",
        "compte-rendu",
        Level.INTERMEDIATE,
        "comite-grenoble",
        "Claire Dubois",
        "",
        Format.IN_PERSON,
        "Maison des associations, Grenoble",
        30,
        17,
        15,
        "Raconter une action en cinq phrases et une photo : exemples et exercices.",
    ),
    DemoSession(
        "securite-numerique-militante",
        "Sécurité numérique pour les militants",
        "courriel",
        Level.ADVANCED,
        "secretariat-national",
        "",
        "Léna Morel, association Numérique Libre",
        Format.ONLINE,
        "",
        40,
        19,
        60,
        "Mots de passe, double authentification, hameçonnage : une experte invitée répond "
        "à vos questions.",
    ),
]

# (person, topics they can help with, topics they want to learn, listed in the directory)
SKILLS = [
    ("Dana", ["visio", "petition", "mastodon", "smartphone"], [], True),
    ("Hugo Lefèvre", ["petition", "mastodon", "smartphone"], [], True),
    ("Samir Cherif", ["visio", "smartphone"], [], True),
    ("Camille Laurent", ["mastodon", "compte-rendu"], [], False),
    ("Chloé Vidal", ["smartphone", "courriel"], [], True),
    ("Inès Boukhari", ["visio", "courriel"], ["mastodon"], True),
    ("Claire Dubois", ["compte-rendu"], ["mastodon"], True),
    ("Bob", ["visio"], ["mastodon"], False),
    ("Charlie", [], ["mastodon", "visio"], False),
    ("Pierre Garnier", [], ["visio", "smartphone"], False),
    ("Monique Guérin", [], ["courriel"], False),
    ("Gérard Lambert", [], ["mastodon"], False),
    ("Jeanne Colin", [], ["visio"], False),
]


@dataclass(frozen=True)
class DemoRequest:
    requester: str
    topic: str
    territory: str
    availability: str
    details: str
    mentor: str
    status: str


Status = MentoringRequest.Status
REQUESTS = [
    DemoRequest(
        "Pierre Garnier",
        "visio",
        "echirolles",
        "Les après-midi en semaine",
        "Je n'arrive pas à entrer dans la visio du comité : on ne m'entend pas.",
        "Dana",
        Status.PAIRED,
    ),
    DemoRequest(
        "Monique Guérin",
        "courriel",
        "saint-denis",
        "Le samedi matin",
        "Je voudrais envoyer des photos par courriel à ma fille.",
        "Inès Boukhari",
        Status.DONE,
    ),
    DemoRequest(
        "Gérard Lambert",
        "mastodon",
        "toulouse",
        "En soirée",
        "Le comité veut un compte Mastodon, je ne sais pas par où commencer.",
        "",
        Status.OPEN,
    ),
    DemoRequest(
        "Jeanne Colin",
        "visio",
        "montpellier",
        "Le mardi ou le jeudi",
        "J'aimerais suivre les réunions nationales depuis chez moi.",
        "",
        Status.OPEN,
    ),
]


def seed_training(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    with transaction.atomic():
        topics = seed_topics(report)
        seed_guides(topics, cast.alice, report)
        seed_sessions(structures, topics, cast, report)
        seed_skills(topics, cast, report)
        seed_requests(topics, cast, report)


def person(cast: "Cast", name: str) -> "User":
    personas = {"Alice": cast.alice, "Bob": cast.bob, "Charlie": cast.charlie, "Dana": cast.dana}
    return personas.get(name) or cast.by_name[name]


def seed_topics(report: "SeedReport") -> dict[str, Topic]:
    topics = {}
    for position, (slug, name) in enumerate(TOPICS):
        topics[slug], created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        report.add(Topic, int(created))
    return topics


def seed_guides(topics: dict[str, Topic], author: "User", report: "SeedReport") -> None:
    for spec in GUIDES:
        guide, created = Resource.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "summary": spec.summary,
                "body": spec.body,
                "body_html": render_markdown(spec.body),
                "level": spec.level,
                "topic": topics[spec.topic],
                "updated_by": author,
            },
        )
        if created:
            guide.hashtags.set(get_or_create_hashtags(parse_hashtags(spec.hashtags)))
        report.add(Resource, int(created))


def session_start(days_ahead: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_ahead)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def online_meeting(structure: Structure) -> Meeting | None:
    """A scheduled meeting of the organiser to hold an online session in, if there is one."""
    return (
        Meeting.objects.filter(
            owner=structure, starts_at__gte=timezone.now(), status=Meeting.Status.SCHEDULED
        )
        .order_by("starts_at")
        .first()
    )


def seed_sessions(
    structures: dict[str, Structure], topics: dict[str, Topic], cast: "Cast", report: "SeedReport"
) -> None:
    for spec in SESSIONS:
        structure = structures[spec.structure]
        starts = session_start(spec.days_ahead, spec.hour)
        online = spec.format == Format.ONLINE
        trainer_kind = TrainingSession.TrainerKind.MEMBER
        if spec.guest:
            trainer_kind = TrainingSession.TrainerKind.GUEST
        elif spec.trainer in ("Dana", "Hugo Lefèvre"):
            trainer_kind = TrainingSession.TrainerKind.YOUNG_VOLUNTEER
        session, created = TrainingSession.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "topic": topics[spec.topic],
                "level": spec.level,
                "description": spec.description,
                "description_html": render_markdown(spec.description),
                "structure": structure,
                "trainer_kind": trainer_kind,
                "trainer": person(cast, spec.trainer) if spec.trainer else None,
                "guest_trainer": spec.guest,
                "format": spec.format,
                "meeting": online_meeting(structure) if online else None,
                "place": spec.place,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "capacity": spec.capacity,
                "created_by": cast.alice,
            },
        )
        report.add(TrainingSession, int(created))
        if created and spec.slug == "atelier-visio-lyon":
            for name in ("Charlie", "Lucie Bernard"):
                Registration.objects.create(session=session, user=person(cast, name))
            report.add(Registration, 2)


def seed_skills(topics: dict[str, Topic], cast: "Cast", report: "SeedReport") -> None:
    for name, teaches, learns, listed in SKILLS:
        user = person(cast, name)
        for slug in {*teaches, *learns}:
            _skill, created = Skill.objects.get_or_create(
                user=user,
                topic=topics[slug],
                defaults={
                    "can_teach": slug in teaches,
                    "wants_to_learn": slug in learns,
                    "listed_as_trainer": listed and slug in teaches,
                },
            )
            report.add(Skill, int(created))


def seed_requests(topics: dict[str, Topic], cast: "Cast", report: "SeedReport") -> None:
    now = timezone.now()
    for spec in REQUESTS:
        requester = person(cast, spec.requester)
        paired = spec.status in (Status.PAIRED, Status.DONE)
        done = spec.status == Status.DONE
        _request, created = MentoringRequest.objects.get_or_create(
            requester=requester,
            topic=topics[spec.topic],
            defaults={
                "details": spec.details,
                "territory": Territory.objects.get(slug=spec.territory),
                "availability": spec.availability,
                "in_person": True,
                "status": spec.status,
                "mentor": person(cast, spec.mentor) if spec.mentor else None,
                "paired_at": now - timedelta(days=3) if paired else None,
                "confirmed_by_requester_at": now - timedelta(days=1) if done else None,
                "confirmed_by_mentor_at": now - timedelta(days=1) if done else None,
            },
        )
        report.add(MentoringRequest, int(created))
