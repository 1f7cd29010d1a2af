"""The whole radio chain, for real: Icecast with Colombe's configuration, fed by a test
source and by Liquidsoap with Colombe's script, playlists written by Colombe from the
database, presenters checked by Colombe (the test's live server) when they go live."""

import subprocess
import time
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from colombe.mediatheque.models import Outlet
from colombe.radio import live, programme
from colombe.radio.models import LiveSession, PlaylistEntry, Show
from colombe.radio.streaming import control
from colombe.radio.streaming.config import StreamingConfig
from colombe.radio.streaming.playlist import write_playlists
from colombe.radio.tests.radio_helpers import (
    archive_audio_item,
    make_episode,
    make_show,
    make_slot,
    mp3_clip,
)
from tests import factories
from tests.radio import (
    IcecastServer,
    RadioChain,
    harbor_url,
    mount_status,
    push_source,
    source_url,
    wait_for,
    wait_until_off_air,
)

pytestmark = pytest.mark.slow

SAMPLE_RATE = 44100
BYTES_PER_SECOND = SAMPLE_RATE * 2 * 2  # 16-bit stereo PCM
MP3_FRAME_SYNC = b"\xff\xfb"  # MPEG-1 layer III frame header, no CRC


def decoded_seconds(stream_url: str, seconds: float = 1.0) -> float:
    """Decode ``seconds`` of the stream with ffmpeg; how many seconds of sound came out."""
    result = subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-t", str(seconds)),
            *("-i", stream_url, "-f", "s16le", "-ac", "2", "-ar", str(SAMPLE_RATE), "-"),
        ],
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return len(result.stdout) / BYTES_PER_SECOND


def first_bytes(stream_url: str, size: int = 16384) -> bytes:
    with urllib.request.urlopen(stream_url, timeout=10) as response:
        assert response.headers["Content-Type"] == "audio/mpeg"
        return response.read(size)


def titles_until(
    config: StreamingConfig, done: Callable[[list[str]], bool], timeout: float
) -> list[str]:
    """The successive titles of the radio mount, polled until ``done(titles)``."""
    seen: list[str] = []

    def observe() -> bool:
        status = mount_status(config)
        title = status.title if status else ""
        if title and (not seen or seen[-1] != title):
            seen.append(title)
        return bool(seen) and done(seen)

    wait_for(observe, timeout, f"titles (seen so far: {seen})")
    return seen


def in_order(*expected: str) -> Callable[[list[str]], bool]:
    def check(seen: list[str]) -> bool:
        positions = [seen.index(title) for title in expected if title in seen]
        return len(positions) == len(expected) and positions == sorted(positions)

    return check


# 1. A source straight to Icecast --------------------------------------------------------


def test_a_source_pushed_to_icecast_is_served_as_audio(icecast_server: IcecastServer) -> None:
    config = icecast_server.config
    wait_until_off_air(config)
    with push_source(source_url(config)):
        wait_for(lambda: mount_status(config), 10, "the source")
        assert MP3_FRAME_SYNC in first_bytes(icecast_server.stream_url)
        assert decoded_seconds(icecast_server.stream_url) == pytest.approx(1.0, abs=0.05)


# 2. Liquidsoap playing what Colombe wrote -----------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.mark.django_db
def test_the_rotation_plays_in_order_with_its_titles(
    radio_chain_settings: RadioChain, media: Path
) -> None:
    config = radio_chain_settings.config
    outlet = Outlet.objects.create(name="France Bleu", slug="france-bleu", kind=Outlet.Kind.RADIO)
    for position, (slug, title, frequency) in enumerate(
        [("rotation-a", 'Reportage « A » "direct"', 330), ("rotation-b", "Interview — B", 660)]
    ):
        clip = mp3_clip(media, seconds=3, frequency=frequency)
        item = archive_audio_item(clip, slug=slug, title=title, outlet=outlet)
        PlaylistEntry.objects.create(position=position, item=item)

    write_playlists()

    titles = titles_until(
        config,
        in_order('France Bleu - Reportage « A » "direct"', "France Bleu - Interview — B"),
        timeout=30,
    )
    # Round and round: A again after B.
    titles_until(config, lambda seen: seen[-1].startswith("France Bleu - Reportage"), timeout=15)
    assert decoded_seconds(radio_chain_settings.stream_url) == pytest.approx(1.0, abs=0.05)
    assert titles


@pytest.mark.django_db
def test_the_scheduled_episode_cuts_into_the_rotation_then_the_rotation_resumes(
    radio_chain_settings: RadioChain, media: Path
) -> None:
    config = radio_chain_settings.config
    long_clip = mp3_clip(media, seconds=30, frequency=220)
    PlaylistEntry.objects.create(position=0, item=archive_audio_item(long_clip, title="Long"))
    write_playlists()
    titles_until(config, lambda seen: seen[-1] == "Radio Colombe - Long", timeout=20)

    now = timezone.localtime()
    show = make_show("Paroles de paix", "paroles")
    slot_start = (now - timedelta(minutes=5)).replace(second=0, microsecond=0)
    make_slot(show, slot_start.weekday(), slot_start.time(), minutes=60)
    episode = make_episode(
        show, 1, audio_file=mp3_clip(media, seconds=4, frequency=880), airs_at=slot_start
    )
    assert programme.current_episode(timezone.now()) == episode
    write_playlists()

    # Well before the 30-second track ends: the episode does not wait for it.
    titles_until(config, lambda seen: seen[-1] == "Paroles de paix - Épisode 1", timeout=10)
    titles_until(config, lambda seen: seen[-1] == "Radio Colombe - Long", timeout=15)


# 3. Going live --------------------------------------------------------------------------


@pytest.fixture
def presenter_show(transactional_db: None) -> Show:
    show = make_show("La voix des comités", "voix")
    show.presenters.add(factories.UserFactory.create(display_name="Claire Martin"))
    return show


def session_open() -> bool | None:
    """Whether a live session is open; None while the live server writes (SQLite's shared
    in-memory test database locks a table being written instead of making readers wait)."""
    try:
        return live.current_session() is not None
    except OperationalError:
        return None


def test_a_presenter_goes_live_and_the_fallback_takes_over_when_they_stop(
    radio_chain_settings: RadioChain, presenter_show: Show
) -> None:
    config = radio_chain_settings.config
    presenter = presenter_show.presenters.get()
    credential, password = live.issue_credential(presenter)
    assert credential.username.startswith("claire-martin-")
    before = mount_status(config)
    assert before is not None and before.title != "La voix des comités"

    with push_source(harbor_url(config, credential.username, password), frequency=550):
        titles_until(config, lambda seen: seen[-1] == "La voix des comités", timeout=20)
        wait_for(session_open, 5, "the live session")
        assert LiveSession.objects.get().credential == credential
        # Listeners hear the live source through the radio's own mount.
        assert decoded_seconds(radio_chain_settings.stream_url) == pytest.approx(1.0, abs=0.05)

    wait_for(lambda: session_open() is False, 10, "the live session to end")
    titles_until(config, lambda seen: seen[-1] != "La voix des comités", timeout=20)
    # The stream never stopped: the same mount plays the fallback.
    assert mount_status(config) is not None
    assert decoded_seconds(radio_chain_settings.stream_url) == pytest.approx(1.0, abs=0.05)
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def refused(url: str) -> bool:
    """ffmpeg gives up at once when the harbor refuses the login."""
    with push_source(url, seconds=20) as source:
        started = time.monotonic()
        source.wait(timeout=15)
        assert time.monotonic() - started < 15
        return source.returncode != 0


def test_a_wrong_or_revoked_login_is_refused(
    radio_chain_settings: RadioChain, presenter_show: Show
) -> None:
    config = radio_chain_settings.config
    presenter = presenter_show.presenters.get()
    credential, password = live.issue_credential(presenter)

    assert refused(harbor_url(config, credential.username, "not-the-password"))
    assert refused(harbor_url(config, "nobody-here", password))
    live.revoke_credential(credential, by=presenter)
    assert refused(harbor_url(config, credential.username, password))

    assert LiveSession.objects.count() == 0
    credential.refresh_from_db()
    assert credential.last_used_at is None


def test_revoking_credentials_in_use_takes_their_holder_off_air(
    radio_chain_settings: RadioChain, presenter_show: Show
) -> None:
    """Lost credentials may be in someone else's hands: revoking them cuts the broadcast
    made with them, and the programme takes over."""
    config = radio_chain_settings.config
    presenter = presenter_show.presenters.get()
    credential, password = live.issue_credential(presenter)

    with push_source(harbor_url(config, credential.username, password), frequency=550) as source:
        titles_until(config, lambda seen: seen[-1] == "La voix des comités", timeout=20)
        wait_for(session_open, 5, "the live session")
        # Only the credentials on air are cut, never whoever went live since.
        assert control.cut_live("someone-else") is False
        assert session_open() is not False

        live.revoke_credential(credential, by=presenter)

        wait_for(lambda: session_open() is False, 10, "the live session to end")
        titles_until(config, lambda seen: seen[-1] != "La voix des comités", timeout=20)
        # The presenter's software lost its connection (and may not come back).
        source.wait(timeout=15)
        assert source.returncode != 0
    assert decoded_seconds(radio_chain_settings.stream_url) == pytest.approx(1.0, abs=0.05)
