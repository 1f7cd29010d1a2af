"""Demo data for the social-network tools: a naming convention, a registry of about thirty
accounts (a few off convention, a few dormant), the editorial charter and its checklist,
the communication group and a committee's communication lead, "Relais jeunes"
volunteers, two campaigns, a month of posts around today on the calendar and short links
with a few weeks of visits. Idempotent: what exists is left as it is."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from colombe.core.hashtags import get_or_create_hashtags, hashtags_in_text
from colombe.core.mail import absolute_url
from colombe.core.markdown import render_markdown
from colombe.movement.models import Structure
from colombe.outreach.models import (
    Campaign,
    CharterPage,
    ChecklistItem,
    CommunicationRole,
    NamingRule,
    Network,
    OutreachVolunteer,
    Post,
    PostReview,
    PostTarget,
    ShortLink,
    ShortLinkVisits,
    SocialAccount,
)

if TYPE_CHECKING:
    from colombe.accounts.models import User
    from colombe.core.demo import Cast, SeedReport

Kind = Structure.Kind

NAMING_RULES = {
    Kind.NATIONAL: (
        "{movement}",
        "Le mouvement {movement} pour la paix et le désarmement. Comités partout en France. #paix",
    ),
    Kind.COMMITTEE: (
        "{movement} — {name}",
        "Le {name} du mouvement {movement} : actions, débats et rendez-vous à {place}. #paix",
    ),
    Kind.WORKING_GROUP: (
        "{movement} — {name}",
        "{name} du mouvement {movement}. #paix",
    ),
    Kind.COLLECTIVE: (
        "{name} (avec {movement})",
        "{name} : associations et mouvements réunis pour la paix, avec {movement}.",
    ),
}


@dataclass(frozen=True)
class DemoAccount:
    owner: str  # structure slug
    network: str
    handle: str
    url: str
    # None: the label the convention asks for.
    label: str | None = None
    dormant: bool = False


def committee_accounts() -> list[DemoAccount]:
    """Two accounts per committee: Instagram for the young, Mastodon or Facebook."""
    towns = [
        ("comite-lyon", "lyon"),
        ("comite-villeurbanne", "villeurbanne"),
        ("comite-grenoble", "grenoble"),
        ("comite-echirolles", "echirolles"),
        ("comite-saint-etienne", "saintetienne"),
        ("comite-paris-11", "paris11"),
        ("comite-paris-20", "paris20"),
        ("comite-saint-denis", "saintdenis"),
        ("comite-montreuil", "montreuil"),
        ("comite-toulouse", "toulouse"),
        ("comite-montpellier", "montpellier"),
        ("comite-sete", "sete"),
    ]
    accounts = []
    for number, (slug, town) in enumerate(towns):
        accounts.append(
            DemoAccount(
                slug,
                Network.INSTAGRAM,
                f"@colombe_{town}",
                f"https://www.instagram.com/colombe_{town}/",
            )
        )
        if number % 2:
            accounts.append(
                DemoAccount(
                    slug,
                    Network.FACEBOOK,
                    f"colombe.{town}",
                    f"https://www.facebook.com/colombe.{town}",
                )
            )
        else:
            accounts.append(
                DemoAccount(
                    slug,
                    Network.MASTODON,
                    f"@colombe_{town}@piaille.fr",
                    f"https://piaille.fr/@colombe_{town}",
                )
            )
    return accounts


# Accounts whose label was chosen before the convention, as they are found in the field.
OFF_CONVENTION = {
    "@colombe_toulouse": "Paix Toulouse",
    "@colombe_saintetienne@piaille.fr": "Colombe St-Etienne",
    "colombe.sete": "comité de sète",
    "@colombe_paris20": "Colombe Paris 20 ✌",
}
DORMANT = {"@colombe_paris20@piaille.fr", "@colombe_montreuil@piaille.fr"}

MOVEMENT_ACCOUNTS = [
    DemoAccount(
        "secretariat-national",
        Network.MASTODON,
        "@colombe@piaille.fr",
        "https://piaille.fr/@colombe",
    ),
    DemoAccount(
        "secretariat-national",
        Network.BLUESKY,
        "@colombe-paix.bsky.social",
        "https://bsky.app/profile/colombe-paix.bsky.social",
    ),
    DemoAccount(
        "secretariat-national",
        Network.INSTAGRAM,
        "@colombe_paix",
        "https://www.instagram.com/colombe_paix/",
    ),
    DemoAccount(
        "secretariat-national",
        Network.FACEBOOK,
        "colombe.paix",
        "https://www.facebook.com/colombe.paix",
    ),
    DemoAccount(
        "secretariat-national",
        Network.YOUTUBE,
        "@colombe-paix",
        "https://www.youtube.com/@colombe-paix",
        label="Colombe TV",
    ),
    DemoAccount(
        "gt-jeunesse",
        Network.TIKTOK,
        "@colombe_jeunes",
        "https://www.tiktok.com/@colombe_jeunes",
    ),
    DemoAccount(
        "gt-jeunesse",
        Network.INSTAGRAM,
        "@colombe_jeunes",
        "https://www.instagram.com/colombe_jeunes/",
    ),
    DemoAccount(
        "collectif-paix-solidarite",
        Network.FACEBOOK,
        "collectif.paix.solidarite",
        "https://www.facebook.com/collectif.paix.solidarite",
    ),
]

CHARTER = [
    (
        "notre-ligne-editoriale",
        "Notre ligne éditoriale",
        "Nous parlons de **paix** et de **désarmement** avec des faits, des visages et des "
        "actions concrètes des comités.\n\n"
        "- Un message positif : ce que nous faisons, pas seulement ce que nous dénonçons.\n"
        "- Des sources pour chaque chiffre.\n"
        "- Pas d'attaque contre des personnes ; nous débattons des idées.\n"
        "- Les hashtags communs : #paix, #désarmement, #JournéeDeLaPaix.",
    ),
    (
        "regles-pratiques",
        "Règles pratiques",
        "## Noms des comptes\n\n"
        "Chaque compte suit la convention de nommage : « Colombe — Comité de … ». "
        "Colombe propose le nom, la description, l'avatar et la bannière.\n\n"
        "## Qui publie\n\n"
        "Un membre du comité rédige, la ou le responsable communication du comité ou le "
        "groupe communication relit, puis la publication est programmée.",
    ),
    (
        "accessibilite",
        "Des publications accessibles",
        "- Chaque image a une description (texte alternatif) : ce qu'on y voit, en une ou "
        "deux phrases.\n"
        "- Hashtags en CamelCase (#JournéeDeLaPaix) pour les lecteurs d'écran.\n"
        "- Pas de texte important seulement dans une image.\n"
        "- Des vidéos sous-titrées.",
    ),
    (
        "photos-et-consentement",
        "Photos et consentement",
        "On ne publie le visage d'une personne qu'avec son accord. Pour les mineurs, "
        "l'accord écrit des parents est indispensable. En manifestation, préférez les "
        "photos de dos ou de groupe.",
    ),
]

CHECKLIST = [
    "Le message respecte la ligne éditoriale (paix, faits, pas d'attaque personnelle).",
    "Chaque image a une description utile.",
    "Les chiffres cités ont une source.",
    "Les personnes visibles sur les photos ont donné leur accord.",
    "Les hashtags communs de la campagne sont présents.",
    "Le lien fonctionne et mène à une page publique.",
]


def seed_outreach(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    with transaction.atomic():
        seed_naming_rules(report)
        accounts = seed_accounts(structures, cast, report)
        seed_charter(cast, report)
        seed_team(structures, cast, report)
        seed_volunteers(cast, report)
        campaigns = seed_campaigns(cast, report)
        seed_posts(structures, cast, accounts, campaigns, report)
        seed_short_links(structures, cast, campaigns, report)


def person(cast: "Cast", name: str) -> "User":
    personas = {"Alice": cast.alice, "Bob": cast.bob, "Charlie": cast.charlie, "Dana": cast.dana}
    return personas.get(name) or cast.by_name[name]


def seed_naming_rules(report: "SeedReport") -> None:
    for kind, (label, bio) in NAMING_RULES.items():
        _rule, created = NamingRule.objects.get_or_create(
            owner_kind=kind, defaults={"label_template": label, "bio_template": bio}
        )
        report.add(NamingRule, int(created))


def conventional_label(owner: Structure) -> str:
    template = NAMING_RULES[Kind(owner.kind)][0]
    return template.format(movement="Colombe", name=owner.name, place=owner.territory.name)


def seed_accounts(
    structures: dict[str, Structure], cast: "Cast", report: "SeedReport"
) -> dict[str, SocialAccount]:
    """The registry, by handle."""
    accounts = {}
    for spec in MOVEMENT_ACCOUNTS + committee_accounts():
        owner = structures[spec.owner]
        label = spec.label or OFF_CONVENTION.get(spec.handle) or conventional_label(owner)
        dormant = spec.handle in DORMANT
        account, created = SocialAccount.objects.get_or_create(
            network=spec.network,
            handle=spec.handle,
            defaults={
                "url": spec.url,
                "label": label,
                "owner": owner,
                "status": SocialAccount.Status.DORMANT if dormant else SocialAccount.Status.ACTIVE,
            },
        )
        if created:
            report.add(SocialAccount)
            responsible = cast.alice if owner.kind == Kind.NATIONAL else owner_leader(owner)
            if responsible is not None:
                account.responsible.add(responsible)
        accounts[spec.handle] = account
    return accounts


def owner_leader(structure: Structure) -> "User | None":
    leader = structure.memberships.filter(role="leader", status="active").first()
    return leader.user if leader is not None else None


def seed_charter(cast: "Cast", report: "SeedReport") -> None:
    for position, (slug, title, body) in enumerate(CHARTER):
        _page, created = CharterPage.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "body": body,
                "body_html": render_markdown(body),
                "position": position,
                "updated_by": cast.alice,
            },
        )
        report.add(CharterPage, int(created))
    for position, text in enumerate(CHECKLIST):
        _item, created = ChecklistItem.objects.get_or_create(
            text=text, defaults={"position": position}
        )
        report.add(ChecklistItem, int(created))


def seed_team(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    """Nadia (Villeurbanne) sits in the communication group with Alice (by right);
    Karim is the Lyon committee's communication lead."""
    seats = [
        (cast.by_name["Nadia Haddad"], None),
        (cast.by_name["Karim Benali"], structures["comite-lyon"]),
    ]
    for user, structure in seats:
        _role, created = CommunicationRole.objects.get_or_create(
            user=user, structure=structure, defaults={"appointed_by": cast.alice}
        )
        report.add(CommunicationRole, int(created))


VOLUNTEERS = [
    ("Dana", True, True, True, "Instagram, TikTok", "Montage vidéo sur téléphone, sous-titres."),
    ("Inès Boukhari", True, False, True, "Instagram", "Visuels, carrousels, Canva."),
    ("Zoé Masson", False, True, True, "Mastodon, Bluesky", "Ateliers « premiers pas »."),
    ("Mamadou Sow", True, True, True, "YouTube", "Tournage et prise de son."),
    ("Salomé Blanc", False, True, True, "WhatsApp", "Aide aux aînés : visio, messagerie."),
]


def seed_volunteers(cast: "Cast", report: "SeedReport") -> None:
    for name, content, trains, young, networks, skills in VOLUNTEERS:
        _volunteer, created = OutreachVolunteer.objects.get_or_create(
            user=person(cast, name),
            defaults={
                "creates_content": content,
                "trains_others": trains,
                "is_young": young,
                "networks": networks,
                "skills": skills,
            },
        )
        report.add(OutreachVolunteer, int(created))


def seed_campaigns(cast: "Cast", report: "SeedReport") -> dict[str, Campaign]:
    today = timezone.localdate()
    specs = [
        (
            "desarmons-hiver",
            "Désarmons ! — campagne d'hiver",
            "Un mois pour faire signer la pétition nationale et parler du traité "
            "d'interdiction des armes nucléaires. #désarmement",
            today - timedelta(days=12),
            today + timedelta(days=18),
        ),
        (
            "journee-de-la-paix",
            "Journée internationale de la paix",
            "Les rassemblements du 21 septembre dans les comités. #JournéeDeLaPaix",
            today - timedelta(days=75),
            today - timedelta(days=60),
        ),
    ]
    campaigns = {}
    for slug, title, description, starts_on, ends_on in specs:
        campaign, created = Campaign.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "created_by": cast.alice,
            },
        )
        if created:
            report.add(Campaign)
            campaign.hashtags.set(get_or_create_hashtags(hashtags_in_text(description)))
        campaigns[slug] = campaign
    return campaigns


@dataclass(frozen=True)
class DemoPost:
    day: int  # days from today
    hour: int
    structure: str
    author: str
    text: str
    handles: tuple[str, ...]
    status: str
    campaign: str = "desarmons-hiver"
    link: str = ""


S = Post.Status
NATIONAL_ACCOUNTS = ("@colombe@piaille.fr", "@colombe-paix.bsky.social", "colombe.paix")
POSTS = [
    DemoPost(-14, 9, "secretariat-national", "Alice",
             "Lancement de la campagne d'hiver : un mois pour le désarmement. Signez et "
             "partagez la pétition nationale ! #désarmement #paix",
             NATIONAL_ACCOUNTS, S.PUBLISHED, link="/petitions/"),
    DemoPost(-12, 18, "comite-lyon", "Charlie",
             "Stand réussi ce samedi au marché de la Croix-Rousse : 87 signatures et de "
             "belles discussions. Merci à toutes et tous ! #paix",
             ("@colombe_lyon", "@colombe_lyon@piaille.fr"), S.PUBLISHED),
    DemoPost(-10, 12, "comite-grenoble", "Claire Dubois",
             "Conférence « Le désarmement nucléaire, où en est-on ? » jeudi à l'université. "
             "Entrée libre. #désarmement",
             ("@colombe_grenoble@piaille.fr",), S.PUBLISHED),
    DemoPost(-8, 10, "secretariat-national", "Alice",
             "10 000 signatures ! Merci. Prochain objectif : 20 000 avant la fin du mois. "
             "#désarmement",
             NATIONAL_ACCOUNTS, S.PUBLISHED, link="/petitions/"),
    DemoPost(-6, 17, "comite-toulouse", "Manon Picard",
             "Ciné-débat mardi soir : « La bombe et nous ». Venez nombreux ! #paix",
             ("@colombe_toulouse",), S.PUBLISHED),
    DemoPost(-4, 11, "gt-jeunesse", "Dana",
             "3 questions en 30 secondes sur le traité d'interdiction : notre nouvelle vidéo. "
             "#désarmement #jeunesse",
             ("@colombe_jeunes",), S.PUBLISHED),
    DemoPost(-2, 9, "comite-saint-denis", "Rachid Amrani",
             "La chorale pour la paix chante dimanche au marché. #paix",
             ("@colombe_saintdenis",), S.PUBLISHED, campaign=""),
    DemoPost(0, 18, "secretariat-national", "Alice",
             "Ce soir à 20 h, Radio Colombe reçoit les comités de Lyon et de Sète. "
             "À écouter en direct. #paix",
             NATIONAL_ACCOUNTS, S.SCHEDULED, link="/radio/"),
    DemoPost(1, 12, "comite-lyon", "Charlie",
             "Tractage samedi matin devant la gare Part-Dieu : rejoignez-nous à 10 h ! "
             "#désarmement",
             ("@colombe_lyon", "@colombe_lyon@piaille.fr"), S.SCHEDULED),
    DemoPost(3, 9, "comite-paris-11", "Anne Lemoine",
             "Permanence samedi place Léon-Blum : venez signer la pétition. #désarmement",
             ("colombe.paris11",), S.SCHEDULED),
    DemoPost(5, 18, "comite-montpellier", "Hélène Marchand",
             "Café-débat jeudi : « La paix, ça s'apprend ? ». #paix",
             ("@colombe_montpellier",), S.SCHEDULED),
    DemoPost(7, 10, "secretariat-national", "Alice",
             "Une semaine de mobilisation dans 12 comités : le programme. #désarmement",
             NATIONAL_ACCOUNTS, S.SCHEDULED),
    DemoPost(9, 12, "comite-villeurbanne", "Nadia Haddad",
             "Atelier vidéo au lycée : les élèves racontent la paix. #jeunesse #paix",
             ("@colombe_villeurbanne",), S.SCHEDULED),
    DemoPost(11, 17, "gt-jeunesse", "Dana",
             "Live Instagram jeudi 19 h : vos questions sur le désarmement. #désarmement",
             ("@colombe_jeunes",), S.SCHEDULED),
    DemoPost(14, 9, "secretariat-national", "Alice",
             "Dernière ligne droite : 4 jours pour signer. #désarmement",
             NATIONAL_ACCOUNTS, S.SCHEDULED, link="/petitions/"),
    DemoPost(2, 12, "comite-lyon", "Charlie",
             "Retour en images sur la projection-débat de mardi. #paix",
             ("@colombe_lyon",), S.IN_REVIEW),
    DemoPost(6, 12, "comite-sete", "Farid Mansouri",
             "Rassemblement sur le port dimanche à 11 h pour une Méditerranée de paix. #paix",
             ("@colombe_sete",), S.IN_REVIEW),
    DemoPost(4, 12, "comite-toulouse", "Manon Picard",
             "L'industrie d'armement à Toulouse : nos propositions de reconversion. "
             "#désarmement",
             ("@colombe_toulouse",), S.CHANGES_REQUESTED),
    DemoPost(8, 12, "comite-lyon", "Bob",
             "Brouillon : appel aux bénévoles pour la fête de quartier. #paix",
             ("@colombe_lyon",), S.DRAFT, campaign=""),
]  # fmt: skip

# Figures for the published posts on networks Colombe reads back.
METRICS = [(12, 34, 3), (4, 19, 2), (2, 9, 0), (25, 61, 7), (3, 11, 1), (8, 40, 5), (1, 6, 0)]


def post_moment(spec: DemoPost, today: date) -> datetime:
    moment = datetime.combine(today + timedelta(days=spec.day), time(spec.hour))
    return timezone.make_aware(moment)


def seed_posts(
    structures: dict[str, Structure],
    cast: "Cast",
    accounts: dict[str, SocialAccount],
    campaigns: dict[str, Campaign],
    report: "SeedReport",
) -> None:
    if Post.objects.exists():
        return
    today = timezone.localdate()
    reviewed = [S.SCHEDULED, S.PUBLISHED]
    for number, spec in enumerate(POSTS):
        moment = post_moment(spec, today)
        post = Post.objects.create(
            structure=structures[spec.structure],
            author=person(cast, spec.author),
            campaign=campaigns[spec.campaign] if spec.campaign else None,
            text=spec.text,
            link_url=absolute_url(spec.link) if spec.link else "",
            status=spec.status,
            scheduled_at=moment if spec.status != S.DRAFT else None,
            reviewed_by=cast.by_name["Nadia Haddad"] if spec.status in reviewed else None,
            submitted_at=moment - timedelta(days=2) if spec.status != S.DRAFT else None,
            published_at=moment if spec.status == S.PUBLISHED else None,
        )
        post.hashtags.set(get_or_create_hashtags(hashtags_in_text(spec.text)))
        seed_targets(post, [accounts[handle] for handle in spec.handles], number)
        seed_review(post, cast)
        report.add(Post)


def seed_targets(post: Post, accounts: list[SocialAccount], number: int) -> None:
    published = post.status == Post.Status.PUBLISHED
    for account in accounts:
        boosts, likes, replies = METRICS[number % len(METRICS)] if published else (0, 0, 0)
        PostTarget.objects.create(
            post=post,
            account=account,
            state=PostTarget.State.PUBLISHED if published else PostTarget.State.PENDING,
            published_at=post.published_at,
            remote_url=f"{account.url.rstrip('/')}/{number + 1000}" if published else "",
            boosts=boosts if account.posts_through_api else 0,
            likes=likes if account.posts_through_api else 0,
            replies=replies if account.posts_through_api else 0,
        )


def seed_review(post: Post, cast: "Cast") -> None:
    decisions = {
        Post.Status.SCHEDULED: (PostReview.Decision.APPROVED, "Parfait, programmé."),
        Post.Status.PUBLISHED: (PostReview.Decision.APPROVED, ""),
        Post.Status.CHANGES_REQUESTED: (
            PostReview.Decision.CHANGES_REQUESTED,
            "Peux-tu ajouter la source des chiffres et décrire l'image ?",
        ),
    }
    if post.status not in decisions:
        return
    decision, comment = decisions[Post.Status(post.status)]
    review = PostReview.objects.create(
        post=post, reviewer=cast.by_name["Nadia Haddad"], decision=decision, comment=comment
    )
    items = ChecklistItem.objects.all()
    review.checked_items.set(items if decision == PostReview.Decision.APPROVED else items[:3])


SHORT_LINKS = [
    ("petition", "Pétition nationale (tracts)", "/petitions/", "desarmons-hiver", 40),
    ("lyon", "Comité de Lyon (affiches)", "/comite-lyon/", "", 12),
    ("radio", "Radio Colombe (flyers)", "/radio/", "desarmons-hiver", 7),
]


def seed_short_links(
    structures: dict[str, Structure],
    cast: "Cast",
    campaigns: dict[str, Campaign],
    report: "SeedReport",
) -> None:
    today = timezone.localdate()
    for code, title, target, campaign, daily in SHORT_LINKS:
        link, created = ShortLink.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "target": target,
                "campaign": campaigns.get(campaign),
                "structure": structures["comite-lyon"] if code == "lyon" else None,
                "created_by": cast.alice,
            },
        )
        if not created:
            continue
        report.add(ShortLink)
        ShortLinkVisits.objects.bulk_create(
            ShortLinkVisits(
                link=link, day=today - timedelta(days=ago), visits=daily + (ago * 7) % 11
            )
            for ago in range(21)
        )
