"""Demo petitions for ``manage.py seed_demo``: a live national petition with a few thousand
signatures spread over six weeks (so the organisers' charts mean something), and a draft
of the Lyon committee.

Petitions are looked up by owner and title before they are created, and signatures are
added only to a petition that has none, so seeding twice creates and changes nothing.
Signers are drawn from a seeded random generator: every database gets the same crowd,
dated relative to the day of the first seeding."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from colombe.accounts.models import User
from colombe.movement.models import Structure
from colombe.petitions import crypto, services
from colombe.petitions.models import Petition, Signature
from colombe.petitions.postcodes import department_from_postcode

NATIONAL_TITLE = "Pour un traité d’interdiction des armes nucléaires : la France doit signer"
NATIONAL_BODY = """\
Le **Traité sur l’interdiction des armes nucléaires** (TIAN) est entré en vigueur le
22 janvier 2021. Plus de soixante-dix États l’ont ratifié. La France, elle, refuse
toujours de le signer.

Les armes nucléaires ne protègent personne : une seule d’entre elles peut détruire une
ville entière, et leurs effets ne s’arrêtent à aucune frontière. Les dépenses pour les
moderniser dépassent cinq milliards d’euros par an, autant d’argent qui manque aux
hôpitaux, aux écoles et à la transition écologique.

Nous demandons au Président de la République :

- de **signer et ratifier** le Traité sur l’interdiction des armes nucléaires ;
- d’envoyer dès maintenant la France comme **observatrice** aux réunions des États parties ;
- de présenter au Parlement un **calendrier de désarmement** vérifiable.

La France a su renoncer aux essais nucléaires en 1996. Elle peut aujourd’hui montrer le
chemin vers un monde sans armes nucléaires. [En savoir plus sur le traité](https://www.icanw.org/).
"""
NATIONAL_ADDRESSEE = "Monsieur le Président de la République"
NATIONAL_GOAL = 5_000
NATIONAL_CONSENT = (
    "Je souhaite recevoir par e-mail des nouvelles de la campagne pour le désarmement nucléaire."
)

LYON_TITLE = "Lyon, ville engagée pour la paix : rejoignons les Maires pour la paix"
LYON_BODY = """\
Plus de 8 000 villes dans le monde ont rejoint le réseau **Maires pour la paix**, fondé
par les maires d’Hiroshima et de Nagasaki. Lyon n’en fait pas encore partie.

Nous demandons au conseil municipal :

- de voter l’adhésion de Lyon au réseau Maires pour la paix ;
- de célébrer chaque 21 septembre la Journée internationale de la paix ;
- de soutenir l’éducation à la paix dans les écoles de la ville.

*Brouillon : texte à relire en réunion de comité avant publication.*
"""
LYON_ADDRESSEE = "Monsieur le Maire de Lyon et le conseil municipal"

# The crowd of the national petition.
CAMPAIGN_DAYS = 42
ONLINE_CONFIRMED = 2_700
PAPER_SIGNATURES = 300
PENDING = 25  # signed in the last days, confirmation email not opened yet
WITHDRAWN = 8
SEED = 20_250_122

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Jade",
    "Louise",
    "Sarah",
    "Clara",
    "Juliette",
    "Zoé",
    "Lina",
    "Anaïs",
    "Julie",
    "Mathilde",
    "Élise",
    "Margaux",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Martine",
    "Françoise",
    "Monique",
    "Brigitte",
    "Hélène",
    "Claire",
    "Agnès",
    "Aïcha",
    "Fatima",
    "Yasmine",
    "Maëlle",
    "Océane",
    "Solène",
    "Thomas",
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Théo",
    "Arthur",
    "Jules",
    "Gabriel",
    "Raphaël",
    "Paul",
    "Antoine",
    "Nicolas",
    "Julien",
    "Pierre",
    "Jean",
    "Michel",
    "Philippe",
    "Alain",
    "Bernard",
    "Patrick",
    "François",
    "Olivier",
    "Christophe",
    "Karim",
    "Mehdi",
    "Youssef",
    "Mamadou",
    "Kévin",
    "Yann",
    "Erwan",
    "Loïc",
    "Mathis",
    "Noé",
    "Baptiste",
    "Dominique",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Le Gall",
    "Kerbrat",
    "Nguyen",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Da Silva",
    "Ferreira",
    "Rossi",
    "Bianchi",
]

# (town, postcode, weight): the Lyon area first, where the movement is strongest.
TOWNS = (
    ("Lyon", "69001", 30),
    ("Lyon", "69003", 35),
    ("Lyon", "69004", 30),
    ("Lyon", "69007", 35),
    ("Villeurbanne", "69100", 35),
    ("Vénissieux", "69200", 12),
    ("Grenoble", "38000", 40),
    ("Échirolles", "38130", 12),
    ("Saint-Étienne", "42000", 20),
    ("Clermont-Ferrand", "63000", 15),
    ("Annecy", "74000", 10),
    ("Paris", "75011", 30),
    ("Paris", "75018", 25),
    ("Paris", "75020", 30),
    ("Montreuil", "93100", 18),
    ("Saint-Denis", "93200", 12),
    ("Nanterre", "92000", 8),
    ("Créteil", "94000", 8),
    ("Rennes", "35000", 20),
    ("Brest", "29200", 12),
    ("Quimper", "29000", 6),
    ("Nantes", "44000", 20),
    ("Angers", "49000", 8),
    ("Toulouse", "31000", 22),
    ("Montpellier", "34000", 15),
    ("Marseille", "13001", 18),
    ("Marseille", "13005", 10),
    ("Nice", "06000", 8),
    ("Avignon", "84000", 6),
    ("Bordeaux", "33000", 18),
    ("Poitiers", "86000", 6),
    ("Limoges", "87000", 5),
    ("Lille", "59000", 15),
    ("Amiens", "80000", 5),
    ("Strasbourg", "67000", 14),
    ("Nancy", "54000", 6),
    ("Rouen", "76000", 8),
    ("Caen", "14000", 7),
    ("Tours", "37000", 7),
    ("Orléans", "45000", 5),
    ("Dijon", "21000", 7),
    ("Besançon", "25000", 5),
    ("Ajaccio", "20000", 3),
    ("Saint-Denis", "97400", 3),
)
# Where online signers came from (the ?source= of the link they followed), at the launch
# (shared on social networks) and during the second wave (the newsletter and a TV report).
LAUNCH_SOURCES = {
    "facebook": 22,
    "mastodon": 17,
    "bluesky": 12,
    "whatsapp": 14,
    "email": 12,
    "qr": 5,
    "": 18,
}
SECOND_WAVE_SOURCES = {
    "facebook": 14,
    "mastodon": 9,
    "bluesky": 7,
    "whatsapp": 10,
    "email": 35,
    "qr": 4,
    "": 21,
}
SECOND_WAVE_DAY = 24
# How many signatures arrive at each hour of the day (Paris time), relatively.
HOUR_WEIGHTS = (1, 1, 0, 0, 0, 1, 2, 4, 6, 7, 7, 8, 10, 10, 8, 7, 7, 8, 10, 12, 13, 12, 8, 4)
# Paper sheets collected at stands and typed in on these days of the campaign.
PAPER_IMPORT_DAYS = (9, 16, 27, 37)
EMAIL_DOMAINS = ("example.org", "example.net", "example.com")


@dataclass
class PetitionSeed:
    """What seeding the petitions created, for the command's summary."""

    petitions: int = 0
    signatures: int = 0


def seed_petitions(*, national: Structure, lyon: Structure, alice: User, bob: User) -> PetitionSeed:
    created = PetitionSeed()
    petition = Petition.objects.filter(owner=national, title=NATIONAL_TITLE).first()
    if petition is None:
        petition = national_petition(national, alice)
        created.petitions += 1
    if not petition.signatures.exists():
        created.signatures += add_crowd(petition)
        # The shards are set from the real count, as the periodic reconciliation would.
        services.reconcile_counter(petition)
    if not Petition.objects.filter(owner=lyon, title=LYON_TITLE).exists():
        services.create_petition(
            actor=bob,
            owner=lyon,
            title=LYON_TITLE,
            body=LYON_BODY,
            addressee=LYON_ADDRESSEE,
            goal=1_000,
        )
        created.petitions += 1
    return created


def national_petition(national: Structure, alice: User) -> Petition:
    """Created and published through the services (history, audit), then dated back to
    the start of the campaign."""
    petition = services.create_petition(
        actor=alice,
        owner=national,
        title=NATIONAL_TITLE,
        body=NATIONAL_BODY,
        addressee=NATIONAL_ADDRESSEE,
        goal=NATIONAL_GOAL,
        consent_text=NATIONAL_CONSENT,
        retention_months=12,
    )
    services.publish(actor=alice, petition=petition)
    launch = campaign_start()
    Petition.objects.filter(pk=petition.pk).update(
        created_at=launch - timedelta(days=3), published_at=launch
    )
    petition.revisions.update(created_at=launch - timedelta(days=3))
    petition.refresh_from_db()
    return petition


def campaign_start() -> datetime:
    """Launched at 10:00, Paris time, CAMPAIGN_DAYS - 1 days ago."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first_day = timezone.now().astimezone(zone).date() - timedelta(days=CAMPAIGN_DAYS - 1)
    return datetime.combine(first_day, time(10), tzinfo=zone)


def daily_shares() -> list[float]:
    """The shape of a campaign: a launch peak that decays, a second peak (newsletter, TV
    report) that decays too, a trickle in between, and quieter weekends."""
    launch = campaign_start()
    shares = []
    for day in range(CAMPAIGN_DAYS):
        wave = 30 * math.exp(-day / 4)
        if day >= SECOND_WAVE_DAY:
            wave += 18 * math.exp(-(day - SECOND_WAVE_DAY) / 3)
        weekend = (launch + timedelta(days=day)).weekday() >= 5
        shares.append((wave + 1.5) * (0.7 if weekend else 1.0))
    total = sum(shares)
    return [share / total for share in shares]


def signatures_per_day(total: int) -> list[int]:
    """``total`` split along daily_shares(), rounding kept so the sum is exact."""
    counts: list[int] = []
    carried = 0.0
    for share in daily_shares():
        carried += share * total
        counts.append(round(carried) - sum(counts))
    return counts


class Crowd:
    """Made-up signers, the same on every run."""

    def __init__(self) -> None:
        self.random = random.Random(SEED)
        self.now = timezone.now()
        self.launch = campaign_start()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.number = 0
        self.towns = [(town, postcode) for town, postcode, _weight in TOWNS]
        self.town_weights = [weight for _town, _postcode, weight in TOWNS]
        # A paper signature without an address is unique by name and postcode.
        self.paper_identities: set[str] = set()

    def moment_on(self, day: int) -> datetime:
        """A moment of the campaign's ``day``, at a likely hour, never in the future."""
        date = (self.launch + timedelta(days=day)).astimezone(self.zone).date()
        earliest = self.launch if day == 0 else datetime.combine(date, time(0), tzinfo=self.zone)
        for _attempt in range(20):
            hour = self.random.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = datetime.combine(date, time(hour), tzinfo=self.zone) + timedelta(
                seconds=self.random.randrange(3600)
            )
            if earliest <= moment <= self.now:
                return moment
        return earliest + (self.now - earliest) * self.random.random()

    def signer(self, *, with_email: bool = True) -> dict[str, Any]:
        self.number += 1
        first_name = self.random.choice(FIRST_NAMES)
        last_name = self.random.choice(LAST_NAMES)
        town, postcode = self.random.choices(self.towns, weights=self.town_weights)[0]
        email = ""
        if with_email:
            local = f"{slugify(first_name)}.{slugify(last_name)}.{self.number}"
            email = f"{local}@{self.random.choice(EMAIL_DOMAINS)}"
        return {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "town": town,
            "postcode": postcode,
        }

    def online(
        self, petition: Petition, day: int, status: str, moment: datetime | None = None
    ) -> Signature:
        person = self.signer()
        signed_at = moment or self.moment_on(day)
        sources = SECOND_WAVE_SOURCES if day >= SECOND_WAVE_DAY else LAUNCH_SOURCES
        keep_informed = self.random.random() < 0.2
        signature = new_signature(petition, person, status=status)
        signature.source = self.random.choices(list(sources), weights=list(sources.values()))[0]
        signature.show_publicly = self.random.random() < 0.3
        signature.keep_informed = keep_informed
        signature.keep_informed_version = petition.consent_version if keep_informed else None
        signature.keep_informed_at = signed_at if keep_informed else None
        signature.confirmation_sent_at = signed_at
        if status != Signature.Status.PENDING:
            # Most people open the email within the hour.
            delay = timedelta(minutes=1 + self.random.expovariate(1 / 20))
            signature.confirmed_at = min(signed_at + delay, self.now)
        if status == Signature.Status.WITHDRAWN:
            services.erase_signer(signature)
            signature.withdrawn_at = self.now - timedelta(days=self.random.randrange(1, 20))
        return signature

    def paper(self, petition: Petition, imported_at: datetime) -> Signature:
        with_email = self.random.random() < 0.4
        signature = new_signature(petition, self.signer(with_email=with_email), status="")
        while not with_email and signature.identity_hash in self.paper_identities:
            signature = new_signature(petition, self.signer(with_email=False), status="")
        self.paper_identities.add(signature.identity_hash)
        signature.status = Signature.Status.CONFIRMED
        signature.source = "paper"
        signature.is_paper = True
        signature.confirmed_at = imported_at
        if not with_email:
            signature.email_hash = signature.identity_hash
        return signature


def new_signature(petition: Petition, person: dict[str, Any], *, status: str) -> Signature:
    email = person["email"]
    return Signature(
        petition=petition,
        first_name=person["first_name"],
        last_name=person["last_name"],
        email_encrypted=crypto.encrypt_email(email) if email else "",
        email_hash=crypto.email_hash(email) if email else "",
        identity_hash=services.identity_hash(
            person["first_name"], person["last_name"], person["postcode"]
        ),
        postcode=person["postcode"],
        town=person["town"],
        department=department_from_postcode(person["postcode"]),
        status=status,
    )


def crowd(petition: Petition) -> Iterator[Signature]:
    people = Crowd()
    Status = Signature.Status
    for day, count in enumerate(signatures_per_day(ONLINE_CONFIRMED)):
        for _n in range(count):
            yield people.online(petition, day, Status.CONFIRMED)
    for day in people.random.sample(range(CAMPAIGN_DAYS - 1), WITHDRAWN):
        yield people.online(petition, day, Status.WITHDRAWN)
    for _n in range(PENDING):
        recent = people.now - timedelta(hours=people.random.uniform(0.2, 70))
        yield people.online(petition, CAMPAIGN_DAYS - 1, Status.PENDING, moment=recent)
    per_import, rest = divmod(PAPER_SIGNATURES, len(PAPER_IMPORT_DAYS))
    for rank, day in enumerate(PAPER_IMPORT_DAYS):
        evening = datetime.combine(
            (people.launch + timedelta(days=day)).date(), time(20, 30), tzinfo=people.zone
        )
        for _n in range(per_import + (rank < rest)):
            yield people.paper(petition, evening)


def add_crowd(petition: Petition) -> int:
    """Insert the crowd in bulk, then date each row back: created_at is set by the
    database layer on insert (auto_now_add), so it is corrected in one UPDATE per kind."""
    signatures = list(crowd(petition))
    Signature.objects.bulk_create(signatures, batch_size=1000)
    rows = Signature.objects.filter(petition=petition)
    rows.filter(is_paper=False).update(created_at=F("confirmation_sent_at"))
    rows.filter(is_paper=True).update(created_at=F("confirmed_at"))
    return len(signatures)
