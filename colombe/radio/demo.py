"""Demo radio for ``manage.py seed_demo``: two shows on the weekly programme — "La voix des
comités" (Tuesdays 18:00, an hour, presented by Claire and Bob) and "Paroles de paix"
(Saturdays 10:00, half an hour) — each with published episodes whose MP3 (a generated
tone with its ID3 title and artist) plays in podcast apps, a draft in preparation, square
artwork drawn in the movement's colours, the playlist played between shows, and one
episode already kept as a replay in the archive.

Shows are looked up by slug and episodes by number: seeding twice creates and changes
nothing. Air dates are the show's slots around the day of the first seeding."""

import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from colombe.accounts.models import User
from colombe.core.markdown import render_markdown
from colombe.groups.uploads import encode_without_metadata
from colombe.mediatheque.clips import make_audio_clip
from colombe.mediatheque.demo import MOVEMENT_BLUE, MOVEMENT_YELLOW, demo_font, ffmpeg_available
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.processing import probe
from colombe.radio.models import Episode, PlaylistEntry, ScheduleSlot, Show
from colombe.radio.services import archive_episode

if TYPE_CHECKING:  # core.demo imports this module: no import at run time.
    from colombe.core.demo import Cast, SeedReport

Weekday = ScheduleSlot.Weekday
ARTWORK_SIZE = 1400
TAGGING_TIMEOUT_SECONDS = 30
# Archive audio played between shows (slugs from colombe.mediatheque.demo).
PLAYLIST_ITEMS = [
    "matinale-saint-etienne",
    "chorale-saint-denis",
    "portrait-comite-toulouse",
]


@dataclass(frozen=True)
class DemoEpisode:
    number: int
    title: str
    description: str
    # Weeks from the slot of the seeding week: -1 aired last week, 1 airs next week.
    week: int
    frequency: int
    seconds: int
    published: bool = True


@dataclass(frozen=True)
class DemoShow:
    slug: str
    title: str
    description: str
    presenters: tuple[str, ...]
    weekday: int
    starts_at: time
    duration_minutes: int
    episodes: tuple[DemoEpisode, ...]


SHOWS = [
    DemoShow(
        slug="la-voix-des-comites",
        title="La voix des comités",
        description="Chaque mardi, un comité raconte ce qu'il a fait dans la semaine : "
        "stands, débats, rencontres avec les élus. **Une heure** pour s'inspirer les uns "
        "des autres.",
        presenters=("Claire Dubois", "Bob"),
        weekday=Weekday.TUESDAY,
        starts_at=time(18, 0),
        duration_minutes=60,
        episodes=(
            DemoEpisode(
                1,
                "Le comité de Lyon et son cercle de silence",
                "Bob raconte un an de cercles de silence place des Terreaux.",
                week=-3,
                frequency=440,
                seconds=6,
            ),
            DemoEpisode(
                2,
                "Saint-Étienne : la mémoire des mineurs",
                "Le comité stéphanois et les anciens du bassin minier.",
                week=-2,
                frequency=494,
                seconds=5,
            ),
            DemoEpisode(
                3,
                "Grenoble à l'université",
                "Le cycle de conférences sur le désarmement, avec des étudiantes.",
                week=-1,
                frequency=523,
                seconds=7,
            ),
            DemoEpisode(
                4,
                "Sète, une Méditerranée de paix",
                "Le comité de Sète et les pêcheurs du port.",
                week=1,
                frequency=587,
                seconds=5,
            ),
            DemoEpisode(
                5,
                "Villeurbanne dans les lycées (en préparation)",
                "À compléter après l'enregistrement de jeudi.",
                week=2,
                frequency=659,
                seconds=5,
                published=False,
            ),
        ),
    ),
    DemoShow(
        slug="paroles-de-paix",
        title="Paroles de paix",
        description="Le samedi matin, une demi-heure de lectures, de chansons et "
        "d'entretiens : celles et ceux qui font la paix au quotidien.",
        presenters=("Alice", "Dana"),
        weekday=Weekday.SATURDAY,
        starts_at=time(10, 0),
        duration_minutes=30,
        episodes=(
            DemoEpisode(
                1,
                "Lettres de la guerre de 14",
                "Des lycéens lisent des lettres de soldats.",
                week=-3,
                frequency=330,
                seconds=5,
            ),
            DemoEpisode(
                2,
                "La chorale pour la paix de Saint-Denis",
                "Trois chants et un entretien avec la cheffe de chœur.",
                week=-2,
                frequency=392,
                seconds=8,
            ),
            DemoEpisode(
                3,
                "Dana et les 18-35 ans",
                "Pourquoi les jeunes s'engagent pour la paix, et comment les aider.",
                week=-1,
                frequency=349,
                seconds=6,
            ),
            DemoEpisode(
                4,
                "Poèmes pour la paix (en préparation)",
                "Sélection en cours.",
                week=1,
                frequency=294,
                seconds=5,
                published=False,
            ),
        ),
    ),
]


# --- Generated content -----------------------------------------------------------------


def artwork_jpeg(title: str) -> bytes:
    """Square podcast artwork: the show's title on the movement's blue, a yellow band
    with the radio's name, a paper dove."""
    image = Image.new("RGB", (ARTWORK_SIZE, ARTWORK_SIZE), MOVEMENT_BLUE)
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255)
    # The dove: body, wing and tail as three triangles.
    draw.polygon([(420, 330), (980, 430), (560, 560)], fill=white)
    draw.polygon([(560, 560), (700, 160), (820, 470)], fill=(225, 232, 240))
    draw.polygon([(420, 330), (300, 250), (330, 420)], fill=white)
    title_font = demo_font("DejaVuSans-Bold.ttf", 120)
    y = 700
    for line in textwrap.wrap(title, width=16):
        draw.text((120, y), line, font=title_font, fill=white)
        y += 150
    draw.rectangle((0, 1180, ARTWORK_SIZE, ARTWORK_SIZE), fill=MOVEMENT_YELLOW)
    draw.text(
        (120, 1240), "Radio Colombe", font=demo_font("DejaVuSans-Bold.ttf", 90), fill=MOVEMENT_BLUE
    )
    return encode_without_metadata(image, "JPEG")


def tagged_mp3(path: Path, title: str, artist: str) -> Path:
    """A copy of the MP3 with its ID3 title and artist, as podcast apps and the stream's
    "now playing" read them."""
    tagged = path.with_name(f"{path.stem}-tagged.mp3")
    command = [
        *(settings.FFMPEG_BINARY, "-nostdin", "-loglevel", "error", "-y", "-i", str(path)),
        # The tone's own metadata goes; only the two tags podcast apps show are written.
        *("-map_metadata", "-1", "-c", "copy", "-id3v2_version", "3"),
        *("-metadata", f"title={title}", "-metadata", f"artist={artist}", str(tagged)),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=TAGGING_TIMEOUT_SECONDS)
    return tagged


def slot_moment(show: DemoShow, week: int, today: date) -> datetime:
    """The show's slot ``week`` weeks from this week's (negative: in the past)."""
    this_week = today + timedelta(days=(show.weekday - today.weekday()) % 7)
    day = this_week + timedelta(weeks=week)
    return timezone.make_aware(datetime.combine(day, show.starts_at))


# --- Seeding ---------------------------------------------------------------------------


def seed_radio(cast: "Cast", report: "SeedReport") -> None:
    people = {"Alice": cast.alice, "Bob": cast.bob, "Dana": cast.dana, **cast.by_name}
    shows = {spec.slug: seed_show(spec, people, report) for spec in SHOWS}
    missing = [
        (shows[spec.slug], spec, episode)
        for spec in SHOWS
        for episode in spec.episodes
        if not shows[spec.slug].episodes.filter(number=episode.number).exists()
    ]
    if missing and ffmpeg_available():
        seed_episodes(missing, report)
    archive_first_episode(shows[SHOWS[0].slug], report)
    seed_playlist(report)


def seed_show(spec: DemoShow, people: dict[str, User], report: "SeedReport") -> Show:
    show, created = Show.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "description": spec.description,
            "description_html": render_markdown(spec.description),
        },
    )
    if created:
        report.add(Show)
        show.presenters.set([people[name] for name in spec.presenters])
        show.artwork.save(f"{spec.slug}.jpg", ContentFile(artwork_jpeg(spec.title)), save=True)
        ScheduleSlot.objects.create(
            show=show,
            weekday=spec.weekday,
            starts_at=spec.starts_at,
            duration_minutes=spec.duration_minutes,
        )
        report.add(ScheduleSlot)
    return show


def seed_episodes(missing: list[tuple[Show, DemoShow, DemoEpisode]], report: "SeedReport") -> None:
    today = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="colombe-demo-radio-") as workdir:
        for show, show_spec, spec in missing:
            seed_episode(show, show_spec, spec, today, Path(workdir), report)


def seed_episode(
    show: Show,
    show_spec: DemoShow,
    spec: DemoEpisode,
    today: date,
    workdir: Path,
    report: "SeedReport",
) -> Episode:
    airs_at = slot_moment(show_spec, spec.week, today)
    episode = Episode(
        show=show,
        number=spec.number,
        title=spec.title,
        description=spec.description,
        description_html=render_markdown(spec.description),
        status=Episode.Status.PUBLISHED if spec.published else Episode.Status.DRAFT,
        airs_at=airs_at,
        published_at=min(airs_at, timezone.now()) if spec.published else None,
    )
    raw = make_audio_clip(workdir / "tone.mp3", spec.seconds, frequency=spec.frequency)
    tagged = tagged_mp3(raw, f"{show.title} #{spec.number} — {spec.title}", show.author)
    attach_ready_mp3(episode, tagged)
    report.add(Episode)
    return episode


def attach_ready_mp3(episode: Episode, mp3: Path) -> None:
    """Store an MP3 as the episode's ready audio. ``process_episode`` would only copy it
    (it is an MP3 already) and drop its ID3 tags with the rest of the metadata."""
    media = probe(mp3)
    with mp3.open("rb") as handle:
        episode.audio.save(f"{episode.show.slug}-{episode.number}.mp3", File(handle), save=False)
    episode.audio_content_type = "audio/mpeg"
    episode.audio_size = episode.audio.size
    episode.duration_seconds = round(media.duration or 0)
    episode.processing = MediaItem.Processing.READY
    episode.save()


def archive_first_episode(show: Show, report: "SeedReport") -> None:
    """The first episode's replay, kept in the archive in one click by a presenter."""
    episode = show.episodes.filter(number=1).first()
    if episode is None:  # no ffmpeg to make it
        return
    presenter = show.presenters.order_by("pk").first()
    _item, created = archive_episode(presenter, episode)
    if created:
        report.add(MediaItem)


def seed_playlist(report: "SeedReport") -> None:
    """Archive audio and past episodes, alternating, when the playlist is still empty."""
    if PlaylistEntry.objects.exists():
        return
    items = list(MediaItem.objects.filter(slug__in=PLAYLIST_ITEMS).order_by("published_on"))
    episodes = list(
        Episode.objects.filter(
            status=Episode.Status.PUBLISHED, airs_at__lte=timezone.now()
        ).order_by("airs_at")
    )
    alternating: list[Episode | MediaItem] = []
    for index in range(max(len(items), len(episodes))):
        alternating.extend(episodes[index : index + 1])
        alternating.extend(items[index : index + 1])
    entries = [
        PlaylistEntry(position=position, episode=thing)
        if isinstance(thing, Episode)
        else PlaylistEntry(position=position, item=thing)
        for position, thing in enumerate(alternating)
    ]
    PlaylistEntry.objects.bulk_create(entries)
    report.add(PlaylistEntry, len(entries))
