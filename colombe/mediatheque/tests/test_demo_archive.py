"""Demo archive: a year of generated items of every kind, ready to play, seeded once."""

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from PIL import Image

from colombe.core import demo as core_demo
from colombe.mediatheque.demo import seed_archive
from colombe.mediatheque.embeds import embed_for
from colombe.mediatheque.models import Appearance, MediaItem, Outlet, Subtitle, Theme
from colombe.mediatheque.policy import visible_items
from colombe.mediatheque.processing import probe
from colombe.movement.models import Structure
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

Kind = MediaItem.Kind
Movement = tuple[dict[str, Structure], core_demo.Cast]


def seed_people_and_groups(settings: Any, tmp_path: Path) -> Movement:
    """The demo movement the archive refers to (territories, committees, personas,
    groups), with files and the demo password under ``tmp_path``."""
    require_ffmpeg()
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    report = core_demo.SeedReport()
    structures = core_demo.seed_structures(core_demo.seed_territories(report), report)
    seeder = core_demo.PeopleSeeder(make_password("demo-password-123"), report)
    cast = core_demo.seed_people(structures, seeder)
    core_demo.seed_groups(structures, cast, report)
    return structures, cast


@pytest.fixture
def movement(settings: Any, tmp_path: Path) -> Movement:
    return seed_people_and_groups(settings, tmp_path)


def counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (MediaItem, Outlet, Theme, Appearance, Subtitle)
    }


def test_seeding_without_ffmpeg_then_with_it_then_again(
    settings: Any, movement: Movement, caplog: pytest.LogCaptureFixture
) -> None:
    """Without ffmpeg the clips are left out (and the log says why); the next run adds
    them; a third run creates nothing."""
    structures, cast = movement
    ffmpeg = settings.FFMPEG_BINARY
    settings.FFMPEG_BINARY = "ffmpeg-not-installed"
    seed_archive(structures, cast, core_demo.SeedReport())
    assert set(MediaItem.objects.values_list("kind", flat=True)) == {Kind.ARTICLE, Kind.LINK}
    assert "ffmpeg is not installed" in caplog.text
    settings.FFMPEG_BINARY = ffmpeg
    second = core_demo.SeedReport()
    seed_archive(structures, cast, second)
    assert second.created["mediatheque.MediaItem"] == 12
    after_second = counts()
    third = core_demo.SeedReport()
    seed_archive(structures, cast, third)
    assert counts() == after_second
    assert not third.created
    kinds = Counter(MediaItem.objects.values_list("kind", flat=True))
    assert kinds == {Kind.VIDEO: 6, Kind.AUDIO: 6, Kind.ARTICLE: 8, Kind.LINK: 4}


def test_demo_archive_is_a_varied_year_ready_to_play(movement: Movement) -> None:
    """One seeding (it converts a dozen clips), checked from every side."""
    structures, cast = movement
    seed_archive(structures, cast, core_demo.SeedReport())
    assert_two_items_a_month_for_a_year()
    assert_uploaded_media_are_converted_and_ready_to_play()
    assert_articles_are_real_images_and_pdfs()
    assert_links_point_to_example_hosts_one_a_peertube_video()
    assert_audiences(cast)


def assert_two_items_a_month_for_a_year() -> None:
    today = timezone.localdate()
    dates = list(MediaItem.objects.values_list("published_on", flat=True))
    months = Counter((day.year, day.month) for day in dates)
    assert len(months) == 12 and set(months.values()) == {2}
    assert max(dates) <= today
    assert (today - min(dates)).days <= 366
    outlet_kinds = set(MediaItem.objects.values_list("outlet__kind", flat=True))
    assert set(Outlet.Kind.values) <= outlet_kinds
    themes = set(MediaItem.objects.values_list("themes__name", flat=True))
    assert {"Désarmement", "Éducation à la paix", "Ukraine", "Nucléaire"} <= themes
    tags = set(MediaItem.objects.values_list("hashtags__name", flat=True))
    assert {"paix", "désarmement", "nucléaire"} <= tags
    assert MediaItem.objects.filter(structures__slug="comite-lyon").exists()


def assert_uploaded_media_are_converted_and_ready_to_play() -> None:
    uploaded = MediaItem.objects.filter(kind__in=[Kind.VIDEO, Kind.AUDIO])
    assert set(uploaded.values_list("processing", flat=True)) == {MediaItem.Processing.READY}
    video = MediaItem.objects.get(slug="cercle-de-silence-lyon")
    rendition = Path(video.rendition.path)
    assert rendition.stat().st_size == video.rendition_size > 0
    media = probe(rendition)
    assert media.video_codecs == ("h264",) and media.audio_codecs == ("aac",)
    assert media.duration is not None and 3 <= media.duration <= 5
    assert video.duration_seconds == 4
    with Image.open(video.poster.path) as poster:
        assert poster.format == "JPEG" and poster.size == (320, 240)
    (subtitle,) = video.subtitles.all()
    assert Path(subtitle.file.path).read_text().startswith("WEBVTT")
    assert list(video.appearances.values_list("name", flat=True)) == ["Bob"]
    for item in uploaded.filter(kind=Kind.AUDIO):
        sound = probe(Path(item.rendition.path))
        assert sound.audio_codecs == ("mp3",) and not sound.has_video
        assert sound.duration is not None and 4 <= sound.duration <= 7


def assert_articles_are_real_images_and_pdfs() -> None:
    formats: Counter[str] = Counter()
    for item in MediaItem.objects.filter(kind=Kind.ARTICLE):
        content = Path(item.original.path).read_bytes()
        assert len(content) == item.original_size
        if item.original_content_type == "application/pdf":
            assert content.startswith(b"%PDF-")
            formats["pdf"] += 1
        else:
            with Image.open(item.original.path) as clipping:
                assert clipping.format == "JPEG" and not clipping.getexif()
            formats["jpeg"] += 1
    assert formats == {"jpeg": 5, "pdf": 3}


def assert_links_point_to_example_hosts_one_a_peertube_video() -> None:
    links = MediaItem.objects.filter(kind=Kind.LINK)
    assert all(
        ".example." in url or "example.org" in url
        for url in links.values_list("external_url", flat=True)
    )
    embeds = [embed_for(link.external_url) for link in links]
    assert [embed.platform for embed in embeds if embed] == ["PeerTube"]
    assert not links.exclude(original="").exists()


def assert_audiences(cast: core_demo.Cast) -> None:
    public = MediaItem.objects.filter(visibility=MediaItem.Visibility.PUBLIC)
    assert public.count() == 20
    assert set(visible_items(AnonymousUser())) == set(public)
    assert set(visible_items(cast.eve)) == set(public)
    members_only = MediaItem.objects.filter(visibility=MediaItem.Visibility.MEMBERS)
    assert members_only.count() == 3
    (bureau,) = MediaItem.objects.filter(visibility=MediaItem.Visibility.GROUP)
    assert bureau.group is not None and bureau.group.slug == "bureau-comite-lyon"
    # Charlie is in the Lyon committee but not in its bureau.
    assert set(visible_items(cast.charlie)) == set(public) | set(members_only)
    assert bureau in visible_items(cast.bob)
