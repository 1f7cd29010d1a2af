"""Demo archive for ``manage.py seed_demo``: a year of reports about the demo's committees,
two a month — short videos, radio reports, press clippings and PDFs, web links — all
generated here (lavfi test sources, Pillow drawings, WeasyPrint), never a copyrighted file.

Uploaded videos and audio go through the real conversion (``process_item``) while seeding,
so that ``make run`` shows ready players. Items are looked up by slug before they are
created: seeding twice creates and changes nothing. Dates are relative to the day of the
first seeding."""

import logging
import shutil
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from colombe.accounts.models import User
from colombe.core.hashtags import get_or_create_hashtags, parse_hashtags
from colombe.core.markdown import render_markdown
from colombe.groups.models import Group
from colombe.groups.uploads import encode_without_metadata
from colombe.mediatheque.clips import make_audio_clip, make_video_clip
from colombe.mediatheque.models import Appearance, MediaItem, Outlet, Subtitle, Theme
from colombe.mediatheque.processing import process_item
from colombe.movement.models import Structure, Territory

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import Cast, SeedReport

logger = logging.getLogger(__name__)

Kind = MediaItem.Kind
Audience = MediaItem.Visibility
# Items whose content is a clip generated (and then converted) with ffmpeg.
CLIP_SOURCES = ("video", "audio")

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# The movement's colours (colombe.css): primary blue, focus yellow.
MOVEMENT_BLUE = (11, 79, 138)
MOVEMENT_YELLOW = (255, 191, 71)
PAPER = (246, 241, 228)
INK = (35, 35, 35)
GREY_TEXT = (150, 150, 150)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=16)
def demo_font(name: str, size: int) -> Font:
    """DejaVu when installed (fonts-dejavu-core), otherwise Pillow's own font."""
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


# --- What the archive holds ------------------------------------------------------------

OUTLETS = {
    "France 3 Auvergne-Rhône-Alpes": Outlet.Kind.TV,
    "France 3 Occitanie": Outlet.Kind.TV,
    "France 3 Paris Île-de-France": Outlet.Kind.TV,
    "Télé Grenoble Isère": Outlet.Kind.TV,
    "France Bleu Saint-Étienne": Outlet.Kind.RADIO,
    "France Bleu Paris": Outlet.Kind.RADIO,
    "Radio Colombe": Outlet.Kind.RADIO,
    "Le Progrès": Outlet.Kind.PRESS,
    "Ouest-France": Outlet.Kind.PRESS,
    "La Montagne": Outlet.Kind.PRESS,
    "La Dépêche du Midi": Outlet.Kind.PRESS,
    "Midi Libre": Outlet.Kind.PRESS,
    "Le Parisien": Outlet.Kind.PRESS,
    "Paix Info": Outlet.Kind.WEB,
    "PeerTube des colombes": Outlet.Kind.WEB,
}
THEMES = [
    "Désarmement",
    "Éducation à la paix",
    "Jeunesse",
    "Mémoire",
    "Nucléaire",
    "Palestine",
    "Ukraine",
]
BUREAU_GROUP_SLUG = "bureau-comite-lyon"
DEFAULT_RIGHTS = "Extrait conservé par le mouvement pour ses archives."


@dataclass(frozen=True)
class DemoItem:
    """One archive item. ``source`` says how its content is made: a generated ``video`` or
    ``audio`` clip, a drawn press ``clipping`` (JPEG), a ``pdf`` article, or a ``link``."""

    slug: str
    source: str
    title: str
    # Two items a month over the last twelve: months back from this one, day of the month.
    months_ago: int
    day: int
    outlet: str | None
    description: str
    themes: tuple[str, ...]
    hashtags: str
    territory: str
    structures: tuple[str, ...] = ()
    visibility: str = Audience.PUBLIC
    group: str = ""
    external_url: str = ""
    frequency: int = 440  # of an audio clip's tone (a video's is always 440 Hz)
    seconds: int = 4
    # Personas who appear, each having said yes (the date is the item's).
    appearances: tuple[str, ...] = ()
    subtitles: str = ""
    rights: str = DEFAULT_RIGHTS

    @property
    def kind(self) -> str:
        return {
            "video": Kind.VIDEO,
            "audio": Kind.AUDIO,
            "clipping": Kind.ARTICLE,
            "pdf": Kind.ARTICLE,
            "link": Kind.LINK,
        }[self.source]


SILENCE_SUBTITLES = """WEBVTT

00:00:00.000 --> 00:00:02.000
Chaque premier samedi, place des Terreaux.

00:00:02.000 --> 00:00:04.000
Une heure de silence pour la paix.
"""

ITEMS = [
    DemoItem(
        slug="cercle-de-silence-lyon",
        source="video",
        title="Cercle de silence place des Terreaux",
        months_ago=0,
        day=24,
        outlet="France 3 Auvergne-Rhône-Alpes",
        description="Le journal régional a suivi le cercle de silence mensuel du comité de "
        "Lyon. Bob y explique pourquoi le comité se tait une heure, chaque premier samedi, "
        "au cœur de la ville.",
        themes=("Désarmement",),
        hashtags="#paix #nonviolence",
        territory="lyon",
        structures=("comite-lyon",),
        appearances=("Bob",),
        subtitles=SILENCE_SUBTITLES,
        rights="© France 3 Auvergne-Rhône-Alpes — extrait conservé avec l'accord de la rédaction.",
    ),
    DemoItem(
        slug="matinale-saint-etienne",
        source="audio",
        title="Le comité stéphanois invité de la matinale",
        months_ago=0,
        day=9,
        outlet="France Bleu Saint-Étienne",
        description="Six minutes d'entretien sur le travail de mémoire mené avec les anciens "
        "du bassin minier.",
        themes=("Mémoire",),
        hashtags="#paix",
        territory="saint-etienne",
        structures=("comite-saint-etienne",),
        frequency=330,
        seconds=5,
    ),
    DemoItem(
        slug="progres-stand-terreaux",
        source="clipping",
        title="« 212 signatures pour la paix place des Terreaux »",
        months_ago=1,
        day=27,
        outlet="Le Progrès",
        description="Le quotidien régional rend compte du stand du comité et de la pétition "
        "nationale pour le traité d'interdiction des armes nucléaires.",
        themes=("Nucléaire", "Désarmement"),
        hashtags="#désarmement #nucléaire",
        territory="lyon",
        structures=("comite-lyon",),
    ),
    DemoItem(
        slug="villes-pour-la-paix",
        source="link",
        title="Dossier : ces villes qui s'engagent pour la paix",
        months_ago=1,
        day=12,
        outlet="Paix Info",
        description="Un site d'information associatif recense les communes qui ont voté "
        "l'appel des villes pour la paix, dont plusieurs à l'initiative de nos comités.",
        themes=("Désarmement",),
        hashtags="#paix",
        territory="france",
        external_url="https://www.example.org/paix-info/dossier-villes-pour-la-paix",
    ),
    DemoItem(
        slug="marche-grenoble-ukraine",
        source="video",
        title="Marche pour la paix en Ukraine à Grenoble",
        months_ago=2,
        day=19,
        outlet="Télé Grenoble Isère",
        description="Plusieurs centaines de personnes ont marché de la gare à la place Notre-"
        "Dame derrière la banderole du comité.",
        themes=("Ukraine",),
        hashtags="#paix",
        territory="grenoble",
        structures=("comite-grenoble",),
        seconds=3,
    ),
    DemoItem(
        slug="ouest-france-velo",
        source="pdf",
        title="À vélo de Lyon à Nantes pour la paix",
        months_ago=2,
        day=3,
        outlet="Ouest-France",
        description="Le quotidien a rencontré les jeunes cyclistes du groupe Jeunesse à leur "
        "arrivée à Nantes, après douze étapes.",
        themes=("Jeunesse",),
        hashtags="#jeunesse #paix",
        territory="france",
        structures=("gt-jeunesse",),
    ),
    DemoItem(
        slug="journal-des-comites-du-mois",
        source="audio",
        title="Le journal des comités : ce qu'il faut retenir du mois",
        months_ago=3,
        day=25,
        outlet="Radio Colombe",
        description="Le résumé mensuel préparé pour les adhérentes et adhérents : actions, "
        "rendez-vous et consignes du secrétariat national.",
        themes=("Désarmement",),
        hashtags="#paix",
        territory="france",
        structures=("secretariat-national",),
        visibility=Audience.MEMBERS,
        frequency=392,
        seconds=6,
        rights="Production du mouvement, réservée aux adhérents.",
    ),
    DemoItem(
        slug="depeche-toulouse-armement",
        source="clipping",
        title="Les Toulousains disent non à la course aux armements",
        months_ago=3,
        day=14,
        outlet="La Dépêche du Midi",
        description="Article sur la conférence du comité de Toulouse consacrée à l'industrie "
        "d'armement de la région.",
        themes=("Désarmement",),
        hashtags="#désarmement",
        territory="toulouse",
        structures=("comite-toulouse",),
    ),
    DemoItem(
        slug="atelier-reseaux-sociaux",
        source="link",
        title="Vidéo : l'atelier réseaux sociaux des Jeunes pour la paix",
        months_ago=4,
        day=22,
        outlet="PeerTube des colombes",
        description="Dana montre comment partager une pétition depuis son téléphone. Vidéo "
        "hébergée sur une instance PeerTube amie.",
        themes=("Jeunesse", "Éducation à la paix"),
        hashtags="#jeunesse #réseauxsociaux",
        territory="lyon",
        structures=("gt-jeunesse",),
        external_url="https://peertube.example.net/w/kx3Vd8pQmR7tL2sNfYw9aB",
        appearances=("Dana",),
    ),
    DemoItem(
        slug="sete-rassemblement-port",
        source="video",
        title="Rassemblement pour Gaza sur le port de Sète",
        months_ago=4,
        day=8,
        outlet="France 3 Occitanie",
        description="Le comité de Sète et les associations de pêcheurs ont formé une chaîne "
        "humaine le long du quai.",
        themes=("Palestine",),
        hashtags="#palestine #paix",
        territory="sete",
        structures=("comite-sete",),
    ),
    DemoItem(
        slug="chorale-saint-denis",
        source="audio",
        title="La chorale pour la paix de Saint-Denis",
        months_ago=5,
        day=28,
        outlet="France Bleu Paris",
        description="Reportage pendant la répétition de la chorale du comité, avant son "
        "concert à la basilique.",
        themes=("Éducation à la paix",),
        hashtags="#paix",
        territory="saint-denis",
        structures=("comite-saint-denis",),
        frequency=262,
        seconds=5,
    ),
    DemoItem(
        slug="midi-libre-artisans-de-paix",
        source="pdf",
        title="Montpellier accueille l'exposition « Artisans de paix »",
        months_ago=5,
        day=16,
        outlet="Midi Libre",
        description="L'exposition itinérante du mouvement s'installe pour un mois à la "
        "médiathèque.",
        themes=("Éducation à la paix",),
        hashtags="#paix",
        territory="montpellier",
        structures=("comite-montpellier",),
    ),
    DemoItem(
        slug="montagne-caravane",
        source="clipping",
        title="La caravane pour la paix fait étape à Clermont-Ferrand",
        months_ago=6,
        day=20,
        outlet="La Montagne",
        description="Les militants de la région Auvergne-Rhône-Alpes ont fait halte place de "
        "Jaude avec l'exposition et la pétition.",
        themes=("Désarmement", "Nucléaire"),
        hashtags="#nucléaire",
        territory="auvergne-rhone-alpes",
    ),
    DemoItem(
        slug="rencontre-nationale",
        source="video",
        title="Rencontre nationale des comités : le résumé en images",
        months_ago=6,
        day=5,
        outlet=None,
        description="Trois minutes sur la journée où les comités ont fixé les priorités de "
        "l'année. Réservé aux adhérents : on y voit des personnes qui n'ont pas donné leur "
        "accord pour une diffusion publique.",
        themes=("Désarmement",),
        hashtags="#paix",
        territory="france",
        structures=("secretariat-national",),
        visibility=Audience.MEMBERS,
        rights="Tourné par le mouvement ; diffusion interne seulement.",
    ),
    DemoItem(
        slug="bureau-lyon-preparation-interview",
        source="audio",
        title="Préparation de l'interview sur France 3",
        months_ago=7,
        day=26,
        outlet=None,
        description="Enregistrement de la répétition de l'interview, pour le bureau du "
        "comité seulement.",
        themes=("Désarmement",),
        hashtags="",
        territory="lyon",
        structures=("comite-lyon",),
        visibility=Audience.GROUP,
        group=BUREAU_GROUP_SLUG,
        frequency=349,
        seconds=4,
        rights="Document de travail du bureau.",
    ),
    DemoItem(
        slug="parisien-permanence-11e",
        source="link",
        title="Une permanence pour la paix chaque samedi place Léon-Blum",
        months_ago=7,
        day=11,
        outlet="Le Parisien",
        description="Portrait du comité du 11e arrondissement et de ses nouveaux adhérents.",
        themes=("Éducation à la paix",),
        hashtags="#paix",
        territory="paris-11e",
        structures=("comite-paris-11",),
        external_url="https://www.example.org/le-parisien/paris-11e-permanence-pour-la-paix",
    ),
    DemoItem(
        slug="lycee-villeurbanne",
        source="video",
        title="Une journée pour la culture de paix au lycée",
        months_ago=8,
        day=23,
        outlet="France 3 Auvergne-Rhône-Alpes",
        description="Les élèves de seconde ont préparé des affiches et interrogé les membres "
        "du comité de Villeurbanne.",
        themes=("Éducation à la paix", "Jeunesse"),
        hashtags="#jeunesse #paix",
        territory="villeurbanne",
        structures=("comite-villeurbanne",),
        seconds=3,
    ),
    DemoItem(
        slug="progres-projection-saint-etienne",
        source="clipping",
        title="Projection-débat sur la mémoire des mineurs",
        months_ago=8,
        day=7,
        outlet="Le Progrès",
        description="Compte rendu de la soirée organisée par le comité de Saint-Étienne au "
        "cinéma Le Méliès.",
        themes=("Mémoire",),
        hashtags="#paix",
        territory="saint-etienne",
        structures=("comite-saint-etienne",),
    ),
    DemoItem(
        slug="collectif-21-septembre",
        source="audio",
        title="Le collectif Paix et Solidarité prépare le 21 septembre",
        months_ago=9,
        day=17,
        outlet="France Bleu Saint-Étienne",
        description="Frank présente l'appel commun des vingt organisations du collectif.",
        themes=("Désarmement",),
        hashtags="#solidarité #paix",
        territory="france",
        structures=("collectif-paix-solidarite",),
        appearances=("Frank",),
        frequency=440,
        seconds=4,
    ),
    DemoItem(
        slug="tian-explique",
        source="link",
        title="Le traité d'interdiction des armes nucléaires expliqué",
        months_ago=9,
        day=2,
        outlet="Paix Info",
        description="Une fiche claire, reprise dans nos formations, sur ce que prévoit le "
        "traité et les pays qui l'ont ratifié.",
        themes=("Nucléaire",),
        hashtags="#nucléaire #désarmement",
        territory="france",
        structures=("gt-desarmement",),
        external_url="https://www.example.org/paix-info/traite-interdiction-armes-nucleaires",
    ),
    DemoItem(
        slug="ouest-france-enquete-jeunes",
        source="pdf",
        title="Enquête : les 18-35 ans et la paix",
        months_ago=10,
        day=21,
        outlet="Ouest-France",
        description="Une enquête où témoignent plusieurs jeunes du mouvement. Réservée aux "
        "adhérents en attendant l'accord de la rédaction pour la diffuser.",
        themes=("Jeunesse",),
        hashtags="#jeunesse",
        territory="france",
        structures=("gt-jeunesse",),
        visibility=Audience.MEMBERS,
        rights="© Ouest-France — reproduction interne en attente d'autorisation.",
    ),
    DemoItem(
        slug="montreuil-soiree-ukraine",
        source="video",
        title="Une soirée de solidarité avec l'Ukraine à Montreuil",
        months_ago=10,
        day=13,
        outlet="France 3 Paris Île-de-France",
        description="Concert, lectures et collecte pour les familles déplacées, organisés "
        "par le comité de Montreuil.",
        themes=("Ukraine",),
        hashtags="#paix #solidarité",
        territory="montreuil",
        structures=("comite-montreuil",),
    ),
    DemoItem(
        slug="portrait-comite-toulouse",
        source="audio",
        title="Portrait du comité de Toulouse",
        months_ago=11,
        day=25,
        outlet="Radio Colombe",
        description="Rencontre avec les membres du comité toulousain, qui prépare la marche "
        "du 21 septembre.",
        themes=("Désarmement",),
        hashtags="#désarmement",
        territory="toulouse",
        structures=("comite-toulouse",),
        frequency=294,
        seconds=6,
    ),
    DemoItem(
        slug="midi-libre-chaine-humaine",
        source="clipping",
        title="Une chaîne humaine pour une Méditerranée de paix",
        months_ago=11,
        day=10,
        outlet="Midi Libre",
        description="Le comité de Sète a réuni habitants et pêcheurs sur le môle Saint-Louis.",
        themes=("Palestine",),
        hashtags="#palestine",
        territory="sete",
        structures=("comite-sete",),
    ),
]


# --- Generated content -----------------------------------------------------------------


def clipping_jpeg(outlet: str, headline: str, published_on: date, summary: str) -> bytes:
    """A drawn newspaper clipping: masthead, date, headline, a photo box and columns of
    grey lines standing for the text."""
    width, height = 900, 1200
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((60, 50), outlet, font=demo_font("DejaVuSerif-Bold.ttf", 56), fill=INK)
    draw.line((60, 130, width - 60, 130), fill=INK, width=3)
    draw.text(
        (60, 145), published_on.strftime("%d/%m/%Y"), font=demo_font("DejaVuSans.ttf", 24), fill=INK
    )
    y = 200
    for line in textwrap.wrap(headline, width=30):
        draw.text((60, y), line, font=demo_font("DejaVuSerif-Bold.ttf", 44), fill=INK)
        y += 56
    y += 10
    for line in textwrap.wrap(summary, width=62)[:4]:
        draw.text((60, y), line, font=demo_font("DejaVuSerif-Italic.ttf", 24), fill=INK)
        y += 32
    y += 20
    draw.rectangle((60, y, width - 60, y + 330), fill=MOVEMENT_BLUE)
    draw.text((100, y + 140), "PAIX", font=demo_font("DejaVuSans-Bold.ttf", 64), fill=PAPER)
    y += 360
    column_width = (width - 160) // 2
    for column in range(2):
        left = 60 + column * (column_width + 40)
        for row in range(y, height - 60, 26):
            # Ragged line ends, like set text.
            right = left + column_width - ((row * 7 + column * 31) % 90)
            draw.line((left, row, right, row), fill=GREY_TEXT, width=8)
    return encode_without_metadata(image, "JPEG")


def article_pdf(outlet: str, headline: str, published_on: date, summary: str) -> bytes:
    """A one-page article as a PDF, as a newspaper's website would let you print it."""
    # Imported here: WeasyPrint takes a while to load, and only the demo needs it.
    from weasyprint import HTML

    paragraphs = [
        summary,
        "Les bénévoles du comité avaient préparé l'événement pendant plusieurs semaines, "
        "avec le soutien des associations du quartier.",
        "« Nous voulons montrer que la paix se construit près de chez soi », explique une "
        "militante. Prochain rendez-vous annoncé le mois prochain.",
    ]
    html = format_html(
        "<html lang='fr'><head><meta charset='utf-8'><title>{}</title><style>"
        "body{{font-family:'DejaVu Serif',serif;margin:2cm}}"
        "h1{{font-size:22pt}} .outlet{{font-size:28pt;font-weight:bold;"
        "border-bottom:2px solid #222}}</style></head><body>"
        "<p class='outlet'>{}</p><p>{}</p><h1>{}</h1>{}</body></html>",
        headline,
        outlet,
        published_on.strftime("%d/%m/%Y"),
        headline,
        format_html_join("", "<p>{}</p>", ((text,) for text in paragraphs)),
    )
    return HTML(string=html).write_pdf() or b""


# --- Seeding ---------------------------------------------------------------------------


@dataclass
class ArchiveContext:
    """What the items refer to, looked up once."""

    territories: dict[str, Territory]
    structures: dict[str, Structure]
    people: dict[str, User]
    outlets: dict[str, Outlet]
    themes: dict[str, Theme]
    workdir: Path


def ffmpeg_available() -> bool:
    """Clips are generated and converted with ffmpeg. Without it the demo leaves them out
    and says so; a later run, once ffmpeg is installed, adds them."""
    available = all(
        shutil.which(binary) for binary in (settings.FFMPEG_BINARY, settings.FFPROBE_BINARY)
    )
    if not available:
        logger.warning(
            "ffmpeg is not installed: the demo's videos, sounds and radio episodes are left "
            "out. Install ffmpeg (scripts/install-system-packages.sh) and seed again."
        )
    return available


def seed_archive(structures: dict[str, Structure], cast: "Cast", report: "SeedReport") -> None:
    missing = [spec for spec in ITEMS if not MediaItem.objects.filter(slug=spec.slug).exists()]
    if any(spec.source in CLIP_SOURCES for spec in missing) and not ffmpeg_available():
        missing = [spec for spec in missing if spec.source not in CLIP_SOURCES]
    if not missing:
        return
    people = {"Alice": cast.alice, "Bob": cast.bob, "Dana": cast.dana, "Frank": cast.frank}
    with tempfile.TemporaryDirectory(prefix="colombe-demo-archive-") as workdir:
        context = ArchiveContext(
            territories={t.slug: t for t in Territory.objects.all()},
            structures=structures,
            people=people,
            outlets=seed_outlets(report),
            themes=seed_themes(report),
            workdir=Path(workdir),
        )
        for spec in missing:
            seed_item(spec, context, report)


def seed_outlets(report: "SeedReport") -> dict[str, Outlet]:
    outlets = {}
    for name, kind in OUTLETS.items():
        outlet, created = Outlet.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "kind": kind}
        )
        if created:
            report.add(Outlet)
        outlets[name] = outlet
    return outlets


def seed_themes(report: "SeedReport") -> dict[str, Theme]:
    themes = {}
    for name in THEMES:
        theme, created = Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        if created:
            report.add(Theme)
        themes[name] = theme
    return themes


def day_in_past_month(months_ago: int, day: int, today: date) -> date:
    """That day of the month ``months_ago`` months before ``today``'s, never after today."""
    month_index = today.year * 12 + today.month - 1 - months_ago
    return min(date(month_index // 12, month_index % 12 + 1, day), today)


def item_author(spec: DemoItem, context: ArchiveContext) -> User:
    """Lyon's items are filed by Bob, the rest by the national office."""
    if "comite-lyon" in spec.structures:
        return context.people["Bob"]
    return context.people["Alice"]


def seed_item(spec: DemoItem, context: ArchiveContext, report: "SeedReport") -> MediaItem:
    published_on = day_in_past_month(spec.months_ago, spec.day, timezone.localdate())
    item = MediaItem.objects.create(
        kind=spec.kind,
        title=spec.title,
        slug=spec.slug,
        published_on=published_on,
        outlet=context.outlets[spec.outlet] if spec.outlet else None,
        territory=context.territories[spec.territory],
        description=spec.description,
        description_html=render_markdown(spec.description),
        rights=spec.rights,
        visibility=spec.visibility,
        group=Group.objects.get(slug=spec.group) if spec.group else None,
        external_url=spec.external_url,
        created_by=item_author(spec, context),
    )
    report.add(MediaItem)
    item.structures.set([context.structures[slug] for slug in spec.structures])
    item.themes.set([context.themes[name] for name in spec.themes])
    if spec.hashtags:
        item.hashtags.set(get_or_create_hashtags(parse_hashtags(spec.hashtags)))
    for name in spec.appearances:
        person = context.people[name]
        Appearance.objects.create(
            item=item, name=person.display_name, user=person, consent_given_on=published_on
        )
        report.add(Appearance)
    attach_content(item, spec, context.workdir)
    if spec.subtitles:
        subtitle = Subtitle(item=item, language="fr", label="Français")
        subtitle.file.save(f"{spec.slug}.fr.vtt", ContentFile(spec.subtitles.encode()), save=True)
        report.add(Subtitle)
    return item


def attach_content(item: MediaItem, spec: DemoItem, workdir: Path) -> None:
    """Store the item's file as an upload would, and convert video and audio now."""
    outlet = spec.outlet or "Colombe"
    if spec.source == "video":
        path = workdir / f"{spec.slug}.mp4"
        make_video_clip(path, spec.seconds, title=outlet)
        store_original(item, path, "video/mp4")
    elif spec.source == "audio":
        path = workdir / f"{spec.slug}.mp3"
        make_audio_clip(path, spec.seconds, frequency=spec.frequency, fmt="mp3")
        store_original(item, path, "audio/mpeg")
    elif spec.source == "clipping":
        path = workdir / f"{spec.slug}.jpg"
        path.write_bytes(clipping_jpeg(outlet, spec.title, item.published_on, spec.description))
        store_original(item, path, "image/jpeg")
    elif spec.source == "pdf":
        path = workdir / f"{spec.slug}.pdf"
        path.write_bytes(article_pdf(outlet, spec.title, item.published_on, spec.description))
        store_original(item, path, "application/pdf")
    if spec.source in CLIP_SOURCES:
        item.processing = MediaItem.Processing.PENDING
        item.save(update_fields=["processing"])
        process_item(item)


def store_original(item: MediaItem, path: Path, content_type: str) -> None:
    item.original_name = path.name
    item.original_content_type = content_type
    item.original_size = path.stat().st_size
    with path.open("rb") as handle:
        item.original.save(path.name, File(handle), save=False)
    item.save()
