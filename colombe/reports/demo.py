"""Demo action reports for ``manage.py seed_demo``: about a year of what the demo's
committees did — every kind of action, in every region, with people reached, paper
signatures for the national petition, hashtags, reactions, one report with a photo, one
in the Lyon committee's secret group, and a couple of drafts.

Reports are looked up by slug before they are created, and what hangs from a report
(hashtags, photo, reactions) is added only to a report that was just created: seeding
twice creates and changes nothing. Dates are relative to the day of the first seeding;
the numbers come from a fixed random seed, so every demo looks the same."""

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from colombe.accounts.models import User
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.groups.models import Group
from colombe.groups.uploads import encode_without_metadata
from colombe.movement.models import Membership, Structure
from colombe.petitions.demo import NATIONAL_TITLE
from colombe.petitions.models import Petition
from colombe.reports.models import ActionReport, Reaction, ReportPhoto

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import Cast, SeedReport

Kind = ActionReport.Kind
Audience = ActionReport.Visibility

SLUG_PREFIX = "cr-demo-"
GENERATED = 60
SECRET_GROUP_SLUG = "cellule-hirondelle"


@dataclass
class DemoReport:
    slug: str
    structure: str
    kind: str
    title: str
    body: str
    days_ago: int
    people: int | None = None
    signatures: int | None = None
    hashtags: str = ""
    visibility: str = Audience.PUBLIC
    status: str = ActionReport.Status.PUBLISHED
    group: str = ""
    photo_alt: str = ""
    reactions: list[tuple[str, str]] = field(default_factory=list)


# What each kind of action looks like: (titles, body, people reached range, signatures?)
KIND_STORIES: dict[str, tuple[list[str], str, tuple[int, int], bool]] = {
    Kind.LEAFLETS: (
        ["Tracts sur le marché à {town}", "Distribution devant la gare de {town}"],
        "Nous étions {n} à distribuer le tract national. Beaucoup de questions sur le budget "
        "de l'armement ; plusieurs personnes ont laissé leur adresse pour être tenues au "
        "courant.\n\n**À refaire** : prévoir plus de tracts, ils sont partis en une heure.",
        (80, 400),
        True,
    ),
    Kind.STAND: (
        ["Stand pour la paix à {town}", "Stand au forum des associations de {town}"],
        "Un stand avec l'exposition « Artisans de paix », la pétition et des badges. "
        "Les enfants ont dessiné des colombes pendant que leurs parents signaient.\n\n"
        "- matériel : 2 tables, la banderole, les grilles d'exposition\n"
        "- bilan : de nouveaux contacts pour le comité",
        (50, 250),
        True,
    ),
    Kind.DEMONSTRATION: (
        ["Marche pour la paix à {town}", "Rassemblement contre la guerre à {town}"],
        "Le cortège est parti à 14 h avec les associations du collectif. Prises de parole "
        "courtes, chorale à l'arrivée et minute de silence pour les victimes des conflits.",
        (150, 1500),
        True,
    ),
    Kind.DEBATE: (
        ["Débat public : le désarmement, c'est possible ?", "Café-débat sur la paix à {town}"],
        "Une salle pleine pour écouter notre intervenant puis échanger pendant une heure. "
        "Les questions portaient surtout sur le traité d'interdiction des armes nucléaires.",
        (25, 120),
        False,
    ),
    Kind.SCREENING: (
        ["Projection-débat au cinéma de {town}", "Ciné-club pour la paix à {town}"],
        "Projection suivie d'un débat avec le public. Le cinéma nous propose de recommencer "
        "chaque trimestre.",
        (30, 160),
        False,
    ),
    Kind.SCHOOL: (
        ["Intervention au lycée de {town}", "Atelier paix dans un collège de {town}"],
        "Deux heures avec deux classes de seconde : qu'est-ce qu'une culture de paix ? "
        "Les élèves ont préparé des affiches exposées au CDI.",
        (40, 90),
        False,
    ),
    Kind.OFFICIALS: (
        ["Rencontre avec les élus de {town}", "Rendez-vous à la mairie de {town}"],
        "Nous avons présenté l'appel des villes pour la paix. Les élus se sont engagés à "
        "présenter un vœu au prochain conseil municipal.",
        (3, 12),
        False,
    ),
    Kind.VIGIL: (
        ["Cercle de silence à {town}", "Veillée pour les victimes des guerres à {town}"],
        "Une heure de silence sur la place, des bougies et des panneaux. Des passants se "
        "sont joints à nous.",
        (20, 90),
        False,
    ),
    Kind.OTHER: (
        ["Fête de la paix à {town}", "Concert solidaire à {town}"],
        "Une soirée conviviale qui a fait connaître le comité à de nouveaux habitants.",
        (60, 300),
        False,
    ),
}
HASHTAG_SETS = [
    "#paix",
    "#désarmement #nucléaire",
    "#paix #palestine",
    "#désarmement",
    "#nucléaire #paix",
    "#palestine",
    "#paix #jeunesse",
    "#désarmement #paix",
]

# Hand-written reports: the one with a photo, the secret group's, the drafts.
FEATURED = [
    DemoReport(
        slug=f"{SLUG_PREFIX}stand-terreaux",
        structure="comite-lyon",
        kind=Kind.STAND,
        title="Stand pour la paix place des Terreaux",
        body="Samedi matin, stand du comité sous un beau soleil : exposition, pétition et "
        "lâcher de colombes en papier. **212 signatures papier** pour la pétition nationale "
        "et une dizaine de personnes intéressées pour rejoindre le comité.\n\n"
        "Merci à toutes celles et ceux qui ont tenu le stand ! #désarmement #paix",
        days_ago=12,
        people=300,
        signatures=212,
        hashtags="#désarmement #paix #nucléaire",
        photo_alt="Le stand du comité de Lyon place des Terreaux : une banderole bleue "
        "« Pour la paix » et des colombes blanches dessinées.",
        reactions=[("Charlie", Reaction.Kind.BRAVO), ("Claire Dubois", Reaction.Kind.DID_IT_TOO)],
    ),
    DemoReport(
        slug=f"{SLUG_PREFIX}cellule-logistique",
        structure="comite-lyon",
        group=SECRET_GROUP_SLUG,
        kind=Kind.OTHER,
        title="Préparation discrète de l'action de jeudi",
        body="Repérages faits, matériel au local habituel. Rien ne sort de ce groupe.",
        days_ago=5,
        people=6,
        visibility=Audience.COMMITTEE,
    ),
    DemoReport(
        slug=f"{SLUG_PREFIX}brouillon-lyon",
        structure="comite-lyon",
        kind=Kind.SCREENING,
        title="Projection du documentaire sur Hiroshima (brouillon)",
        body="À compléter : nombre de personnes, photos.",
        days_ago=2,
        status=ActionReport.Status.DRAFT,
        hashtags="#nucléaire",
    ),
    DemoReport(
        slug=f"{SLUG_PREFIX}brouillon-grenoble",
        structure="comite-grenoble",
        kind=Kind.DEBATE,
        title="Conférence à l'université (brouillon)",
        body="Notes prises pendant la conférence, à mettre en forme.",
        days_ago=4,
        status=ActionReport.Status.DRAFT,
        hashtags="#désarmement",
    ),
]


def generated_reports(committees: list[str]) -> list[DemoReport]:
    """A year of reports spread over the committees, every kind, with fixed numbers."""
    rng = random.Random(2026)
    kinds = list(KIND_STORIES)
    reports = []
    for number in range(1, GENERATED + 1):
        kind = kinds[number % len(kinds)]
        titles, body, (low, high), collects = KIND_STORIES[kind]
        people = rng.randint(low, high)
        signatures = rng.randint(people // 4, people // 2) if collects and number % 2 else None
        if number % 10 == 3:
            visibility = Audience.MOVEMENT
        elif number % 10 == 7:
            visibility = Audience.COMMITTEE
        else:
            visibility = Audience.PUBLIC
        reports.append(
            DemoReport(
                slug=f"{SLUG_PREFIX}{number:03d}",
                structure=committees[number % len(committees)],
                kind=kind,
                title=titles[number % len(titles)],
                body=body.replace("{n}", str(rng.randint(3, 12))),
                days_ago=rng.randint(15, 360),
                people=people,
                signatures=signatures,
                hashtags=HASHTAG_SETS[number % len(HASHTAG_SETS)],
                visibility=visibility,
            )
        )
    return reports


def demo_photo() -> tuple[bytes, bytes, int, int]:
    """A drawn photo of a stand (no camera, no metadata), and its thumbnail, as JPEG."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, width, height), fill=(200, 185, 160))  # the square
    draw.rectangle((250, 430, 950, 600), fill=(245, 245, 245), outline=(60, 60, 60), width=4)
    draw.rectangle((200, 180, 1000, 330), fill=(30, 80, 170))  # the banner
    draw.text((520, 240), "POUR LA PAIX", fill=(255, 255, 255))
    for x, y in [(160, 90), (420, 60), (760, 110), (1040, 70)]:  # paper doves
        draw.polygon([(x, y), (x + 70, y + 25), (x + 20, y + 40)], fill=(255, 255, 255))
        draw.polygon([(x + 20, y + 40), (x + 40, y - 10), (x + 55, y + 30)], fill=(235, 235, 235))
    photo = encode_without_metadata(image, "JPEG")
    small = Image.open(io.BytesIO(photo))
    small.thumbnail((480, 480))
    return photo, encode_without_metadata(small, "JPEG"), width, height


def leaders_by_structure(structures: list[Structure]) -> dict[int, User]:
    leaders: dict[int, User] = {}
    memberships = Membership.objects.filter(
        structure__in=structures, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE
    ).select_related("user")
    for membership in memberships.order_by("created_at", "pk"):
        leaders.setdefault(membership.structure_id, membership.user)
    return leaders


def seed_reports(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    committees = sorted(
        slug for slug, s in structures.items() if s.kind == Structure.Kind.COMMITTEE
    )
    leaders = leaders_by_structure(list(structures.values()))
    petition = Petition.objects.filter(title=NATIONAL_TITLE).first()
    people = {
        "Alice": cast.alice,
        "Bob": cast.bob,
        "Charlie": cast.charlie,
        "Frank": cast.frank,
        **cast.by_name,
    }
    reactors = [cast.bob, cast.charlie, *list(cast.by_name.values())[:12]]
    today = timezone.localdate()
    for number, spec in enumerate([*FEATURED, *generated_reports(committees)]):
        structure = structures[spec.structure]
        author = cast.bob if spec.structure == "comite-lyon" else leaders.get(structure.pk)
        created = seed_one(spec, structure, author or cast.alice, petition, today, report)
        if created is None:
            continue
        reactions = [(people[name], kind) for name, kind in spec.reactions]
        if not reactions and created.status == ActionReport.Status.PUBLISHED and not created.group:
            # Every third report gets a few bravos from other members.
            if number % 3 == 0:
                reactions = [
                    (reactors[(number + k) % len(reactors)], Reaction.Kind.BRAVO)
                    for k in range(1 + number % 4)
                ]
            if number % 5 == 0:
                reactions.append((reactors[number % len(reactors)], Reaction.Kind.DID_IT_TOO))
        for user, kind in reactions:
            _, added = Reaction.objects.get_or_create(report=created, user=user, kind=kind)
            if added:
                report.add(Reaction)


def seed_one(
    spec: DemoReport,
    structure: Structure,
    author: User,
    petition: Petition | None,
    today: date,
    report: "SeedReport",
) -> ActionReport | None:
    """Create the report of ``spec`` unless it exists; return it only when created."""
    if ActionReport.objects.filter(slug=spec.slug).exists():
        return None
    happened_on = today - timedelta(days=spec.days_ago)
    published = spec.status == ActionReport.Status.PUBLISHED
    fields: dict[str, Any] = {
        "structure": structure,
        "group": Group.objects.get(slug=spec.group) if spec.group else None,
        "author": author,
        "kind": spec.kind,
        "title": spec.title.replace("{town}", structure.territory.name),
        "slug": spec.slug,
        "happened_on": happened_on,
        "town": structure.territory.name,
        "people_reached": spec.people,
        "paper_signatures": spec.signatures,
        "petition": petition if spec.signatures else None,
        "body": spec.body,
        "body_html": render_markdown(spec.body),
        "visibility": spec.visibility,
        "status": spec.status,
        "published_at": (
            timezone.make_aware(datetime.combine(happened_on + timedelta(days=1), time(20)))
            if published
            else None
        ),
    }
    created = ActionReport.objects.create(**fields)
    report.add(ActionReport)
    if spec.hashtags:
        created.hashtags.set(get_or_create_hashtags(parse_hashtags(spec.hashtags)))
    if spec.photo_alt:
        photo, thumbnail, width, height = demo_photo()
        item = ReportPhoto(report=created, alt_text=spec.photo_alt, width=width, height=height)
        item.image.save(f"{spec.slug}.jpg", ContentFile(photo), save=False)
        item.thumbnail.save(f"{spec.slug}-miniature.jpg", ContentFile(thumbnail), save=False)
        item.save()
        report.add(ReportPhoto)
    return created
