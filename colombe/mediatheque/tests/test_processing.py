"""The ffmpeg pipeline on generated clips: web renditions, posters, durations, progress,
timeouts, failures that say why and keep the original, radio episodes made MP3."""

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.utils import timezone
from PIL import Image

from colombe.mediatheque import processing
from colombe.mediatheque.clips import make_audio_clip, make_corrupt_clip, make_video_clip
from colombe.mediatheque.models import MediaItem
from colombe.mediatheque.processing import (
    ProcessingError,
    fail_interrupted_items,
    process_episode,
    process_item,
    progress_writer,
    requeue_forgotten_conversions,
    run_ffmpeg,
    start_episode_processing,
    start_processing,
    store_episode_audio,
)
from colombe.mediatheque.tests.media_helpers import (
    ffprobe,
    item_with_original,
    streams_by_type,
)
from colombe.radio.models import Episode, Show
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

Processing = MediaItem.Processing


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored files go to the test's folder, never to var/."""
    require_ffmpeg()
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def english(english_pages: None) -> None:
    """Failure reasons are asserted in English (the source language)."""


def moov_before_mdat(path: Path) -> bool:
    """ "Fast start": the index comes first, so playback starts before the download ends."""
    head = path.read_bytes()
    return head.index(b"moov") < head.index(b"mdat")


# Archive items -------------------------------------------------------------------------


def test_a_video_becomes_a_fast_start_h264_aac_mp4_with_poster_and_duration(
    media_root: Path,
) -> None:
    clip = make_video_clip(media_root / "reportage.webm", seconds=2)
    item = item_with_original(clip, content_type="video/webm")
    original_bytes = Path(item.original.path).read_bytes()

    process_item(item)

    assert item.processing == Processing.READY, item.processing_error
    assert (item.processing_progress, item.duration_seconds) == (100, 2)
    rendition = Path(item.rendition.path)
    streams = streams_by_type(rendition)
    assert streams["video"]["codec_name"] == "h264"
    assert streams["video"]["pix_fmt"] == "yuv420p"
    assert streams["audio"]["codec_name"] == "aac"
    assert ffprobe(rendition)["format"]["format_name"].startswith("mov,mp4")
    assert moov_before_mdat(rendition)
    assert item.rendition_content_type == "video/mp4"
    assert item.rendition_size == rendition.stat().st_size
    with Image.open(item.poster.path) as poster:
        assert (poster.format, poster.size) == ("JPEG", (320, 240))
    # The original is kept as it was received.
    assert Path(item.original.path).read_bytes() == original_bytes


def test_a_large_video_is_scaled_down_to_720p(media_root: Path) -> None:
    clip = make_video_clip(media_root / "hd.mp4", seconds=1, size="1920x1080")
    item = item_with_original(clip)

    process_item(item)

    video = streams_by_type(item.rendition.path)["video"]
    assert (video["width"], video["height"]) == (1280, 720)


def test_odd_dimensions_become_even_and_portrait_keeps_its_shape(media_root: Path) -> None:
    clip = make_video_clip(media_root / "phone.webm", seconds=1, size="361x641")
    item = item_with_original(clip)

    process_item(item)

    video = streams_by_type(item.rendition.path)["video"]
    assert (video["width"], video["height"]) == (360, 640)


def test_the_sources_metadata_does_not_reach_the_rendition(media_root: Path) -> None:
    clip = make_video_clip(media_root / "titled.mp4", seconds=1, title="Tourné place Bellecour")
    assert ffprobe(clip)["format"]["tags"]["title"] == "Tourné place Bellecour"
    item = item_with_original(clip)

    process_item(item)

    assert "title" not in ffprobe(item.rendition.path)["format"].get("tags", {})


def test_audio_becomes_mp3_without_poster(media_root: Path) -> None:
    clip = make_audio_clip(media_root / "interview.ogg", seconds=2, fmt="ogg")
    item = item_with_original(clip, kind=MediaItem.Kind.AUDIO, content_type="audio/ogg")

    process_item(item)

    assert item.processing == Processing.READY, item.processing_error
    assert set(streams_by_type(item.rendition.path)) == {"audio"}
    assert streams_by_type(item.rendition.path)["audio"]["codec_name"] == "mp3"
    assert (item.rendition_content_type, item.duration_seconds) == ("audio/mpeg", 2)
    assert not item.poster


def test_an_mp3_with_an_album_cover_is_copied_without_the_cover(media_root: Path) -> None:
    clip = make_audio_clip(media_root / "chanson.mp3", seconds=2, cover_art=True)
    item = item_with_original(clip, kind=MediaItem.Kind.AUDIO, content_type="audio/mpeg")

    process_item(item)

    assert item.processing == Processing.READY, item.processing_error
    assert set(streams_by_type(item.rendition.path)) == {"audio"}


def test_a_corrupt_file_fails_with_the_reason_and_keeps_the_original(
    media_root: Path, english: None
) -> None:
    clip = make_corrupt_clip(media_root / "broken.mp4")
    item = item_with_original(clip)

    process_item(item)

    assert item.processing == Processing.FAILED
    assert item.processing_error.startswith(
        "The file could not be decoded: it may be damaged or in a format ffmpeg does not know."
    )
    assert "(ffmpeg: " in item.processing_error  # and what ffmpeg said last
    assert not item.rendition and not item.poster
    assert Path(item.original.path).read_bytes() == clip.read_bytes()


def test_ffmpegs_words_name_the_file_without_the_servers_folders(
    media_root: Path, english: None
) -> None:
    notes = media_root / "notes.mp4"
    notes.write_text("Ceci n'est pas une vidéo.")
    item = item_with_original(notes)

    process_item(item)

    assert item.processing == Processing.FAILED
    stored_name = Path(item.original.name).name
    assert f"(ffmpeg: {stored_name}: " in item.processing_error
    assert str(media_root) not in item.processing_error


def test_a_file_cut_short_fails_instead_of_giving_a_shorter_video(
    media_root: Path, english: None
) -> None:
    clip = make_video_clip(media_root / "long.mp4", seconds=6)
    indexed_first = media_root / "indexed.mp4"
    run_ffmpeg(["-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(indexed_first)])
    cut = media_root / "cut.mp4"
    cut.write_bytes(indexed_first.read_bytes()[: indexed_first.stat().st_size // 4])
    item = item_with_original(cut)

    process_item(item)

    assert item.processing == Processing.FAILED
    assert "seems cut short or damaged" in item.processing_error
    assert "of the 6 s announced" in item.processing_error


def test_a_missing_ffmpeg_is_reported_as_a_server_problem(
    media_root: Path, settings: Any, english: None
) -> None:
    item = item_with_original(make_audio_clip(media_root / "a.mp3", 1), kind="audio")
    settings.FFPROBE_BINARY = str(media_root / "no-such-ffprobe")

    process_item(item)

    assert item.processing == Processing.FAILED
    assert "not installed on the server" in item.processing_error


def test_an_item_that_is_not_pending_is_left_alone(media_root: Path) -> None:
    item = item_with_original(make_video_clip(media_root / "clip.mp4", 1))
    MediaItem.objects.filter(pk=item.pk).update(processing=Processing.RUNNING)

    process_item(item)

    assert item.processing == Processing.RUNNING
    assert not item.rendition


def test_processing_again_replaces_the_previous_files(media_root: Path) -> None:
    item = item_with_original(make_video_clip(media_root / "clip.mp4", 1))
    process_item(item)
    first_rendition, first_poster = Path(item.rendition.path), Path(item.poster.path)

    start_processing(item)
    process_item(item)

    assert item.processing == Processing.READY
    assert Path(item.rendition.path).exists() and Path(item.poster.path).exists()
    assert not first_rendition.exists() and not first_poster.exists()


def test_start_processing_queues_the_conversion_once_the_transaction_commits(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    item = item_with_original(make_audio_clip(media_root / "a.wav", 1, fmt="wav"), kind="audio")
    MediaItem.objects.filter(pk=item.pk).update(processing=Processing.FAILED, processing_error="x")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        start_processing(item)
        assert MediaItem.objects.get(pk=item.pk).processing == Processing.PENDING

    assert len(callbacks) == 1
    item.refresh_from_db()
    assert (item.processing, item.processing_error) == (Processing.READY, "")


def test_start_processing_leaves_a_running_conversion_alone(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    item = item_with_original(make_audio_clip(media_root / "a.mp3", 1), kind="audio")
    MediaItem.objects.filter(pk=item.pk).update(processing=Processing.RUNNING)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        start_processing(item)

    assert callbacks == []
    assert MediaItem.objects.get(pk=item.pk).processing == Processing.RUNNING


# Progress and time limit ---------------------------------------------------------------


def test_ffmpeg_progress_is_reported_as_it_goes(media_root: Path) -> None:
    clip = make_video_clip(media_root / "clip.mp4", seconds=8)
    reported: list[int] = []

    processing.convert_video(clip, media_root / "out.mp4", 8.0, reported.append)

    assert len(reported) >= 2
    assert reported == sorted(reported)
    assert reported[-1] >= 90
    assert all(0 <= percent <= 99 for percent in reported)


def test_progress_is_written_at_most_every_two_seconds(media_root: Path) -> None:
    item = item_with_original(make_audio_clip(media_root / "a.mp3", 1), kind="audio")
    MediaItem.objects.filter(pk=item.pk).update(processing=Processing.RUNNING)
    write = progress_writer(item.pk)

    write(10)
    write(20)  # too soon: skipped
    assert MediaItem.objects.get(pk=item.pk).processing_progress == 10
    time.sleep(processing.PROGRESS_INTERVAL_SECONDS + 0.1)
    write(30)

    assert MediaItem.objects.get(pk=item.pk).processing_progress == 30


def test_a_conversion_over_the_time_limit_is_killed(settings: Any, english: None) -> None:
    endless_tone = ["-f", "lavfi", "-i", "sine=frequency=440", "-f", "null", "-"]
    started = time.monotonic()

    with pytest.raises(ProcessingError) as caught:
        run_ffmpeg(endless_tone, timeout=1)

    assert time.monotonic() - started < 10
    assert caught.value.message == "The conversion took more than 1 second and was stopped."


def test_items_left_running_by_a_dead_worker_are_failed(settings: Any, english: None) -> None:
    settings.MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS = 3600
    long_ago = timezone.now() - timedelta(hours=2)
    stuck, working = (
        MediaItem.objects.create(
            kind=MediaItem.Kind.VIDEO,
            title=slug,
            slug=slug,
            published_on=long_ago.date(),
            processing=Processing.RUNNING,
        )
        for slug in ("stuck", "working")
    )
    MediaItem.objects.filter(pk=stuck.pk).update(updated_at=long_ago)

    assert fail_interrupted_items() == 1

    stuck.refresh_from_db()
    assert stuck.processing == Processing.FAILED
    assert "interrupted" in stuck.processing_error
    assert MediaItem.objects.get(pk=working.pk).processing == Processing.RUNNING


def test_episodes_left_running_by_a_dead_worker_are_failed(settings: Any, english: None) -> None:
    settings.MEDIATHEQUE_PROCESSING_TIMEOUT_SECONDS = 3600
    show = Show.objects.create(title="La voix de la paix", slug="voix-de-la-paix")
    stuck, working = (
        Episode.objects.create(
            show=show,
            number=number,
            title=f"n°{number}",
            processing=Processing.RUNNING,
            processing_started_at=timezone.now() - timedelta(hours=hours),
        )
        for number, hours in ((1, 2), (2, 0))
    )

    assert fail_interrupted_items() == 1

    stuck.refresh_from_db()
    assert (stuck.processing, "interrupted" in stuck.processing_error) == (Processing.FAILED, True)
    assert Episode.objects.get(pk=working.pk).processing == Processing.RUNNING


def test_a_conversion_whose_task_was_lost_is_queued_again(media_root: Path) -> None:
    """The process died between the upload's commit and the enqueue: the sweep finds the
    item still pending long after and queues it again (the immediate backend of the tests
    then converts it); a recent pending item is left to its own task."""
    audio = make_audio_clip(media_root / "entretien.mp3", 1)
    forgotten = item_with_original(audio, kind=MediaItem.Kind.AUDIO, slug="oublie")
    recent = item_with_original(audio, kind=MediaItem.Kind.AUDIO, slug="recent")
    MediaItem.objects.filter(pk=forgotten.pk).update(updated_at=timezone.now() - timedelta(hours=1))

    assert requeue_forgotten_conversions() == 1

    assert MediaItem.objects.get(pk=forgotten.pk).processing == Processing.READY
    assert MediaItem.objects.get(pk=recent.pk).processing == Processing.PENDING


# Radio episodes ------------------------------------------------------------------------


def episode_with_audio(path: Path) -> Episode:
    show = Show.objects.create(title="La voix de la paix", slug="voix-de-la-paix")
    episode = Episode(show=show, number=3, title="Désarmement", processing=Processing.PENDING)
    with path.open("rb") as content:
        episode.audio.save(path.name, File(content), save=False)
    episode.audio_size = path.stat().st_size
    episode.save()
    return episode


def test_an_episode_becomes_the_mp3_the_podcast_feed_encloses(media_root: Path) -> None:
    episode = episode_with_audio(make_audio_clip(media_root / "emission.wav", 3, fmt="wav"))
    uploaded = Path(episode.audio.path)

    process_episode(episode)

    assert episode.processing == Processing.READY, episode.processing_error
    mp3 = Path(episode.audio.path)
    assert mp3.suffix == ".mp3"
    assert streams_by_type(mp3)["audio"]["codec_name"] == "mp3"
    assert (episode.audio_content_type, episode.audio_size) == ("audio/mpeg", mp3.stat().st_size)
    assert episode.duration_seconds == 3
    assert not uploaded.exists()  # replaced by the MP3
    tags = ffprobe(mp3)["format"]["tags"]
    assert (tags["title"], tags["artist"]) == ("Désarmement", "La voix de la paix")


def test_a_broken_episode_fails_and_keeps_its_file(media_root: Path, english: None) -> None:
    broken = media_root / "emission.mp3"
    broken.write_bytes(b"ID3" + b"\x00" * 20 + b"not sound at all" * 100)
    episode = episode_with_audio(broken)

    process_episode(episode)

    assert episode.processing == Processing.FAILED
    assert "could not be decoded" in episode.processing_error
    assert Path(episode.audio.path).read_bytes() == broken.read_bytes()


def test_a_conversion_overtaken_by_a_new_upload_writes_nothing(media_root: Path) -> None:
    episode = episode_with_audio(make_audio_clip(media_root / "first.wav", 1, fmt="wav"))
    Episode.objects.filter(pk=episode.pk).update(processing=Processing.RUNNING)
    # While the first file is converted, the presenter uploads another one.
    Episode.objects.filter(pk=episode.pk).update(
        audio="radio/episodes/second.ogg", processing=Processing.PENDING
    )
    episodes_folder = Path(episode.audio.path).parent
    before = sorted(episodes_folder.iterdir())

    store_episode_audio(episode, make_audio_clip(media_root / "first.mp3", 1), 1.0)

    episode.refresh_from_db()
    assert (episode.audio.name, episode.processing) == (
        "radio/episodes/second.ogg",
        Processing.PENDING,
    )
    assert sorted(episodes_folder.iterdir()) == before  # the outdated MP3 was not kept


def test_start_episode_processing_runs_the_task_after_commit(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    episode = episode_with_audio(make_audio_clip(media_root / "e.m4a", 1, fmt="m4a"))
    Episode.objects.filter(pk=episode.pk).update(processing=Processing.NONE)

    with django_capture_on_commit_callbacks(execute=True):
        start_episode_processing(episode)

    episode.refresh_from_db()
    assert (episode.processing, episode.audio_content_type) == (Processing.READY, "audio/mpeg")
