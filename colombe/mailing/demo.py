"""Demo circulars and newsletter for ``manage.py seed_demo``: a regional coordinator,
three past circulars with their acknowledgements (most committees said "Bien reçu", one
urgent circular was escalated, one committee has no relay at all), a draft, a relay whose
address bounces, and a public newsletter with subscribers and one past issue.

Past sends are written as they would be once delivered (recipients, per-committee rows,
outbox rows marked sent) so that the demo never emails anyone. Seeding twice creates
nothing: each circular is looked up by subject first."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from colombe.accounts.models import User
from colombe.mailing.models import (
    AddressHealth,
    Circular,
    CircularCommittee,
    CircularRecipient,
    MailingList,
    Newsletter,
    OutboxMessage,
    Subscription,
)
from colombe.mailing.outbox import message_id_for
from colombe.movement.models import Membership, Structure, Territory

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import Cast, SeedReport

Urgency = Circular.Urgency
BOUNCING_RELAY = "Aïcha Traoré"
REGIONAL_COORDINATOR = "Claire Dubois"
NEWSLETTER_SLUG = "lettre-de-la-paix"


@dataclass
class DemoCircular:
    subject: str
    body: str
    days_ago: int
    urgency: str = Urgency.NORMAL
    # Committees (slugs) whose relays did not acknowledge; all others did.
    silent: tuple[str, ...] = ()
    escalated: tuple[str, ...] = ()
    region: str = ""


CIRCULARS = [
    DemoCircular(
        subject="Journée internationale de la paix : le matériel est disponible",
        body="Chères et chers relais,\n\nLe matériel de la **Journée internationale de la "
        "paix** (affiches, tracts, banderole) est disponible au secrétariat national. "
        "Merci de transmettre à votre comité et de nous dire combien d'exemplaires vous "
        "souhaitez avant le 10.\n\n#paix",
        days_ago=45,
        silent=("comite-montpellier",),
    ),
    DemoCircular(
        subject="Formation des relais de la région — samedi matin à Lyon",
        body="Une matinée pour les relais d'Auvergne-Rhône-Alpes : recevoir et transmettre "
        "les circulaires, utiliser Colombe, organiser une visio.\n\nInscription auprès de "
        "la coordination régionale.",
        days_ago=20,
        region="auvergne-rhone-alpes",
        silent=("comite-saint-etienne",),
    ),
    DemoCircular(
        subject="URGENT — rassemblements samedi devant les préfectures",
        body="Suite à l'annonce d'hier, nous appelons à des rassemblements **samedi à 11 h** "
        "devant les préfectures. Merci de confirmer la réception et de mobiliser votre "
        "comité dès aujourd'hui.\n\n#désarmement #paix",
        days_ago=3,
        urgency=Urgency.URGENT,
        silent=("comite-montpellier", "comite-saint-denis"),
        escalated=("comite-montpellier",),
    ),
]

DRAFT_SUBJECT = "Bilan de la pétition nationale (brouillon)"


def committees_for(spec: DemoCircular) -> list[Structure]:
    committees = Structure.objects.committees().exclude(slug__startswith="comite-demo-")
    if spec.region:
        region = Territory.objects.get(slug=spec.region)
        committees = committees.filter(
            Q(territory=region) | Q(territory__parent=region) | Q(territory__parent__parent=region)
        )
    return list(committees.order_by("slug"))


def relays_of(committee: Structure) -> list[User]:
    memberships = committee.memberships.filter(status=Membership.Status.ACTIVE, is_relay=True)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def record_delivery(circular: Circular, user: User, sent_at: datetime) -> None:
    key = f"circular:{circular.pk}:user:{user.pk}"
    OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "message_id": message_id_for(key),
            "category": OutboxMessage.Category.CIRCULAR,
            "to_email": user.email,
            "from_email": "Colombe <noreply@colombe.example>",
            "subject": circular.subject,
            "body_text": circular.body,
            "state": OutboxMessage.State.SENT,
            "attempts": 1,
            "next_attempt_at": sent_at,
            "sent_at": sent_at,
        },
    )


def sender_fields(spec: DemoCircular, national: Structure, cast: "Cast") -> dict[str, object]:
    """National circulars are Alice's; a regional one is its coordinator's."""
    if spec.region:
        return {
            "sender_territory": Territory.objects.get(slug=spec.region),
            "author": cast.by_name[REGIONAL_COORDINATOR],
            "audience": Circular.Audience.REGION_RELAYS,
        }
    return {"sender_structure": national, "author": cast.alice}


def seed_circular(
    spec: DemoCircular, national: Structure, cast: "Cast", report: "SeedReport"
) -> None:
    if Circular.objects.filter(subject=spec.subject).exists():
        return
    sent_at = timezone.now() - timedelta(days=spec.days_ago)
    circular = Circular.objects.create(
        subject=spec.subject,
        body=spec.body,
        urgency=spec.urgency,
        status=Circular.Status.SENT,
        sent_at=sent_at,
        escalation_hours=12,
        **sender_fields(spec, national, cast),
    )
    if spec.region:
        circular.regions.add(Territory.objects.get(slug=spec.region))
    report.add(Circular)
    for committee in committees_for(spec):
        relays = relays_of(committee)
        row = CircularCommittee(circular=circular, committee=committee, relays_sent=len(relays))
        for rank, relay in enumerate(relays):
            recipient, created = CircularRecipient.objects.get_or_create(
                circular=circular, user=relay, defaults={"reason": CircularRecipient.Reason.RELAY}
            )
            if created:
                record_delivery(circular, relay, sent_at)
            if rank == 0 and committee.slug not in spec.silent:
                recipient.acknowledged_at = sent_at + timedelta(hours=2 + len(committee.slug) % 7)
                recipient.save(update_fields=["acknowledged_at"])
                row.acknowledged_at, row.acknowledged_by = recipient.acknowledged_at, relay
        if committee.slug in spec.escalated:
            row.escalated_at = sent_at + timedelta(hours=circular.escalation_hours)
        row.save()


def seed_bouncing_relay(cast: "Cast", report: "SeedReport") -> None:
    relay = cast.by_name[BOUNCING_RELAY]
    _health, created = AddressHealth.objects.get_or_create(
        email=relay.email,
        defaults={
            "hard_bounces": 2,
            "last_bounce_at": timezone.now() - timedelta(days=3),
            "last_diagnostic": f"550 5.1.1 <{relay.email}>: Recipient address rejected: "
            "User unknown",
            "disabled_at": timezone.now() - timedelta(days=3),
        },
    )
    if created:
        report.add(AddressHealth)


def seed_newsletter(national: Structure, alice: User, report: "SeedReport") -> None:
    mailing_list, created = MailingList.objects.get_or_create(
        slug=NEWSLETTER_SLUG,
        defaults={
            "name": "La lettre de la paix",
            "description": "Une fois par mois : les actions des comités, les campagnes et les "
            "rendez-vous du mouvement.",
            "owner": national,
            "is_public": True,
            "consent_text": "J'accepte de recevoir « La lettre de la paix » par courriel. Je "
            "peux me désabonner à tout moment en un clic.",
        },
    )
    if not created:
        return
    report.add(MailingList)
    now = timezone.now()
    members = User.objects.filter(memberships__status=Membership.Status.ACTIVE).distinct()
    subscribers = [
        Subscription(
            mailing_list=mailing_list,
            email=user.email,
            user=user,
            status=Subscription.Status.ACTIVE,
            consent_version=1,
            consented_at=now - timedelta(days=60),
            confirmed_at=now - timedelta(days=60),
        )
        for user in members.exclude(email__startswith="membre-demo-").order_by("pk")[:30]
    ]
    Subscription.objects.bulk_create(subscribers)
    report.add(Subscription, len(subscribers))
    Newsletter.objects.create(
        mailing_list=mailing_list,
        subject="La lettre de la paix — ce que font les comités",
        body="Ce mois-ci : 40 actions dans 12 comités, une pétition qui dépasse les 3 000 "
        "signatures et la Journée internationale de la paix.",
        author=alice,
        status=Newsletter.Status.SENT,
        sent_at=now - timedelta(days=15),
        recipients_count=len(subscribers),
    )
    report.add(Newsletter)


def seed_mailing(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    national = structures["secretariat-national"]
    coordinator = cast.by_name[REGIONAL_COORDINATOR]
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    if not coordinator.coordinated_territories.filter(pk=region.pk).exists():
        region.coordinators.add(coordinator)
    for spec in CIRCULARS:
        seed_circular(spec, national, cast, report)
    if not Circular.objects.filter(subject=DRAFT_SUBJECT).exists():
        Circular.objects.create(
            subject=DRAFT_SUBJECT,
            body="Premiers chiffres, à compléter avant l'envoi.",
            sender_structure=national,
            author=cast.alice,
        )
        report.add(Circular)
    seed_bouncing_relay(cast, report)
    seed_newsletter(national, cast.alice, report)
