"""A webinar speaker's real voice on the radio, end to end: Chromium on stage, Janus's
rtp_forward, ``run_radio_relay`` and its ffmpeg, Liquidsoap, Icecast, and a listener.

Everything runs inside a private network namespace (tests/netns.py, see
e2e/test_meeting_video.py): Janus, Colombe's ``runserver`` (SQLite file), Chromium,
Icecast, Liquidsoap, ``run_radio_relay`` and the ffmpeg it starts. Bob's microphone is
Chromium's fake capture device reading a WAV of a known tone, so that the listener can
tell his voice from the programme's (another tone) and from the jingle.

Story: Bob, who organises Lyon's public webinar and presents a radio show, goes on stage;
in the studio he relays the webinar (confirmation step). A listener of the radio's mount
sees the webinar's title as now playing and hears Bob's tone; Bob's room says the meeting
is relayed. Bob stops the relay from the studio: the programme's title and tone come back,
the stream never stopped. The studio's relay section has no axe violation. Pages are
driven in English, as in test_meeting_video.py. Needs root (CI runs as root)."""

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from colombe.mediatheque.clips import make_audio_clip
from colombe.radio.streaming import config as radio_config
from colombe.radio.streaming.config import StreamingConfig
from e2e.test_meeting_video import (
    MEDIA_ARGS,
    colombe_environment,
    enter_meeting,
    janus_candidate_addresses,
    manage,
    person,
    prepared_database,
    wait_for_http,
)
from tests.browser import CHROMIUM_ARGS, assert_accessible
from tests.janus import free_port, launch_janus
from tests.netns import Namespace, can_create_namespaces, entered, network_namespace
from tests.radio import (
    RadioProcess,
    chain_config,
    free_udp_ports,
    goertzel_power,
    icecast_url,
    launch_icecast,
    launch_liquidsoap,
    mount_status,
    require_radio_packages,
    wait_for,
)
from tests.services import chromium_path, require_service

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
MEETING_TITLE = "Assemblée « Paix » en direct"
MEETING_SLUG = "assemblee-paix"
PROGRAMME_ARTIST, PROGRAMME_TRACK = "Comité de Lyon", "Chronique de la paix"
# What Icecast shows for a track of the programme: "artist - title".
PROGRAMME_TITLE = f"{PROGRAMME_ARTIST} - {PROGRAMME_TRACK}"
# Bob's "voice" and the programme's track: two tones a listener can tell apart, neither
# a note of the jingle (523, 659, 784 Hz) nor a harmonic of the other.
VOICE_HZ = 880
PROGRAMME_HZ = 330
# A frequency nobody sends: the noise floor the tones are compared with.
REFERENCE_HZ = 2700
SAMPLE_RATE = 44100
LISTEN_SECONDS = 2.0
RELAY_PROCESS_MAX_SECONDS = 900
# Generous: two cores shared with other test runs, and Liquidsoap's start-up alone takes
# ~10 s there. Each is a bound, not a retry: the conditions are polled until then.
ON_AIR_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# An ICY metadata block: its length (in units of 16 bytes), then StreamTitle='…';
ICY_LENGTH_UNIT = 16
ICY_TITLE = re.compile(rb"StreamTitle='(.*?)';", re.DOTALL)
# The room page learns of the relay at its next poll of the room's state.
ROOM_UPDATE_TIMEOUT_MS = 30_000


# Colombe, its database and the radio, inside the namespace ------------------------------


def prepare_database() -> None:
    """Run in a subprocess against the file database: the personas, Bob presenting a
    show (he may go live, so relay the meetings he organises), Lyon's public webinar, and
    Bob's logged-in session (printed as JSON)."""
    from django.test import Client
    from django.utils import timezone

    from colombe.meetings.models import Meeting
    from colombe.radio.models import Show
    from tests.personas import build_world

    world = build_world()
    show = Show.objects.create(title="La voix des comités", slug="voix")
    show.presenters.add(world.bob)
    now = timezone.now()
    Meeting.objects.create(
        title=MEETING_TITLE,
        slug=MEETING_SLUG,
        owner=world.lyon,
        format=Meeting.Format.WEBINAR,
        audience=Meeting.Audience.PUBLIC,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        created_by=world.bob,
    )
    client = Client()
    client.force_login(world.bob)
    print(json.dumps({"sessions": {"bob": client.cookies["sessionid"].value}}))


def radio_environment(config: StreamingConfig, rtp_base_port: int) -> dict[str, str]:
    """The settings of Colombe's processes (runserver, run_radio_relay) for this chain."""
    return {
        "RADIO_ICECAST_URL": icecast_url(config),
        "RADIO_MOUNT": config.mount,
        "RADIO_PUBLIC_STREAM_URL": config.public_stream_url,
        "RADIO_ICECAST_SOURCE_PASSWORD": config.source_password,
        "RADIO_ICECAST_ADMIN_PASSWORD": config.admin_password,
        "RADIO_STATE_DIR": str(config.state_dir),
        "RADIO_HARBOR_BIND_ADDRESS": config.harbor_bind_address,
        "RADIO_HARBOR_PORT": str(config.harbor_port),
        "RADIO_HARBOR_MOUNT": config.harbor_mount,
        "RADIO_CALLBACK_SECRET": config.callback_secret,
        "RADIO_RELAY_SLOTS": str(config.relay_slots),
        "RADIO_RELAY_HARBOR_MOUNT_PREFIX": config.relay_mount_prefix,
        "RADIO_RELAY_PASSWORD": config.relay_password,
        "RADIO_RELAY_RTP_HOST": "127.0.0.1",
        "RADIO_RELAY_RTP_BASE_PORT": str(rtp_base_port),
    }


def write_programme(config: StreamingConfig, tmp_path: Path) -> None:
    """The rotation: one track of the programme's tone, long enough for the whole test."""
    track = make_audio_clip(tmp_path / "programme.mp3", seconds=600, frequency=PROGRAMME_HZ)
    entry = f'annotate:title="{PROGRAMME_TRACK}",artist="{PROGRAMME_ARTIST}":{track}'
    (config.state_dir / radio_config.ROTATION_FILE).write_text(f"#EXTM3U\n{entry}\n")
    (config.state_dir / radio_config.ON_AIR_FILE).write_text("#EXTM3U\n")


def voice_file(tmp_path: Path) -> Path:
    """What Bob's fake microphone captures, looped by Chromium: the voice tone, in short
    bursts, as speech comes: WebRTC's noise suppression may damp a steady tone."""
    path = tmp_path / "voice.wav"
    tone = f"sine=frequency={VOICE_HZ}:duration=10"
    bursts = "volume='if(lt(mod(t,0.5),0.35),1,0)':eval=frame"
    subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", tone),
            *("-af", bursts, "-ac", "1", "-ar", "48000", "-c:a", "pcm_s16le", str(path)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


@pytest.fixture
def namespace() -> Iterator[Namespace]:
    require_service("root (network namespaces)", can_create_namespaces(), "run as root")
    require_service("Janus", shutil.which("janus") is not None, "apt-get install janus")
    require_service("Chromium", chromium_path() is not None, "apt-get install chromium")
    require_radio_packages()
    with network_namespace() as created, entered(created):
        yield created


@pytest.fixture
def radio(namespace: Namespace, tmp_path: Path) -> Iterator[StreamingConfig]:
    """Icecast fed by Liquidsoap, the programme's track in rotation, both in the
    namespace; ready once the programme is on air and is all a new listener hears:
    Icecast's burst-on-connect (64 KiB, about 4 s) first replays what went out before,
    the jingle, whose 784 Hz note spreads into the voice's 880 Hz."""
    config = chain_config(tmp_path / "radio")
    radio_config.write_config(config)  # the state folder, where the playlists go
    write_programme(config, tmp_path)
    with launch_icecast(config), launch_liquidsoap(config) as liquidsoap:
        wait_for(lambda: now_playing(config) == PROGRAMME_TITLE, 30, "the programme", liquidsoap)
        wait_for(lambda: tones_heard(config) == {PROGRAMME_HZ}, 30, "its sound", liquidsoap)
        yield config


@pytest.fixture
def colombe(
    namespace: Namespace, radio: StreamingConfig, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    """Janus, Colombe's runserver and run_radio_relay, all inside the namespace, on one
    SQLite file; yields URLs, Bob's session and the logs."""
    with launch_janus(
        tmp_path, interface=namespace.address, ice_enforce_list=namespace.interface
    ) as janus:
        rtp_base_port = free_udp_ports(2 * radio.relay_slots)
        environment = {
            **colombe_environment(tmp_path, janus),
            **radio_environment(radio, rtp_base_port),
        }
        manage(environment, "migrate", "--noinput")
        data = prepared_database(environment, "e2e.test_meeting_radio_relay")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log, relay_log = tmp_path / "runserver.log", tmp_path / "relay.log"
        runserver = ["runserver", f"127.0.0.1:{port}", "--noreload"]
        relay_command = ["run_radio_relay", "--max-seconds", str(RELAY_PROCESS_MAX_SECONDS)]
        with (
            running(environment, runserver, server_log) as server,
            running(environment, relay_command, relay_log) as relay,
        ):
            wait_for_http(f"{base}/", server.process, server_log)
            yield {
                "url": base,
                "janus": janus,
                "log": server_log,
                "relay": relay,
                "rtp_base_port": rtp_base_port,
                **data,
            }


@contextmanager
def running(environment: dict[str, str], arguments: list[str], log: Path) -> Iterator[RadioProcess]:
    """``manage.py <arguments>`` as a subprocess writing to ``log``; stopped afterwards
    (SIGTERM: run_radio_relay then stops its forwards and its ffmpeg)."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield RadioProcess(process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def chromium(colombe: dict[str, Any], tmp_path: Path) -> Iterator[Browser]:
    microphone = f"--use-file-for-fake-audio-capture={voice_file(tmp_path)}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=[*CHROMIUM_ARGS, *MEDIA_ARGS, microphone]
        )
        yield browser
        browser.close()


# What a listener gets -------------------------------------------------------------------


def now_playing(config: StreamingConfig) -> str:
    status = mount_status(config)
    return status.title if status else ""


def stream_url(config: StreamingConfig) -> str:
    return icecast_url(config) + config.mount


def stream_titles_until(config: StreamingConfig, title: str, timeout: float) -> list[str]:
    """What a listener's player shows, read as one listener does: the ICY metadata blocks
    Icecast puts in the stream every ``icy-metaint`` bytes (empty when the title did not
    change), until ``title`` comes or ``timeout`` seconds have passed. A new listener
    first gets the few seconds Icecast keeps, with the title they had."""
    request = urllib.request.Request(stream_url(config), headers={"Icy-MetaData": "1"})
    titles: list[str] = []
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(request, timeout=10) as response:
        interval = int(response.headers["icy-metaint"])
        while title not in titles and time.monotonic() < deadline:
            response.read(interval)
            found = ICY_TITLE.search(response.read(response.read(1)[0] * ICY_LENGTH_UNIT))
            if found:
                # Icecast keeps an MP3 mount's titles in Latin-1 (as does its status page).
                titles.append(found.group(1).decode("latin-1"))
    return titles


def listen(config: StreamingConfig) -> Any:
    """A few seconds of the radio as a listener gets them, decoded: the left channel's
    16-bit samples."""
    done = subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-t", str(LISTEN_SECONDS)),
            *("-i", stream_url(config), "-f", "s16le", "-ac", "2", "-ar", str(SAMPLE_RATE), "-"),
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert len(done.stdout) >= LISTEN_SECONDS * SAMPLE_RATE * 4 * 0.95, "the stream stalled"
    return memoryview(done.stdout).cast("h")[::2]


def tones_heard(config: StreamingConfig) -> set[int]:
    """Which of the voice and programme tones stand well above the noise floor."""
    samples = listen(config)
    floor = max(goertzel_power(samples, REFERENCE_HZ), 1.0)
    return {
        frequency
        for frequency in (VOICE_HZ, PROGRAMME_HZ)
        if goertzel_power(samples, frequency) > 100 * floor
    }


def udp_port_free(port: int) -> bool:
    """Whether nothing receives on 127.0.0.1:``port`` (the relay's ffmpeg binds there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# The story -------------------------------------------------------------------------------


def open_studio(page: Page, base: str) -> None:
    response = page.goto(f"{base}/radio/studio/")
    assert response is not None and response.status == 200
    expect(page.locator("#relay-title")).to_be_visible()


def confirm(page: Page, link: str, button: str) -> None:
    """Follow the studio's link to a confirmation page (checked with axe), confirm."""
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert page.url.endswith("/radio/studio/#relay-title"), page.url


def test_a_speaker_on_stage_is_heard_on_the_radio_until_the_relay_stops(
    colombe: dict[str, Any], radio: StreamingConfig, chromium: Browser, namespace: Namespace
) -> None:
    base, janus = colombe["url"], colombe["janus"]
    assert tones_heard(radio) == {PROGRAMME_HZ}
    room = person(chromium, colombe, "bob", audit=True)
    enter_meeting(room, base, MEETING_SLUG)
    relay_notice = room.locator("#relay-notice")
    expect(relay_notice).to_be_hidden(timeout=ROOM_UPDATE_TIMEOUT_MS)

    studio = room.context.new_page()
    open_studio(studio, base)
    assert_accessible(studio)  # the relay section, offering the webinar
    confirm(studio, f"Relay on the radio ({MEETING_TITLE})", "Relay the meeting on the radio")
    expect(studio.locator("#relay-title ~ .live-on")).to_contain_text(MEETING_TITLE)
    assert_accessible(studio)  # the relay section, relaying

    relay = colombe["relay"]
    wait_for(lambda: now_playing(radio) == MEETING_TITLE, ON_AIR_TIMEOUT, "the title", relay)
    titles = stream_titles_until(radio, MEETING_TITLE, ON_AIR_TIMEOUT)
    assert titles[-1:] == [MEETING_TITLE], titles
    wait_for(lambda: tones_heard(radio) == {VOICE_HZ}, ON_AIR_TIMEOUT, "Bob's voice", relay)
    expect(relay_notice).to_be_visible(timeout=ROOM_UPDATE_TIMEOUT_MS)
    slot_port = colombe["rtp_base_port"]  # the first slot's: its ffmpeg receives Bob
    assert not udp_port_free(slot_port)
    addresses = janus_candidate_addresses(janus)
    assert addresses and all(namespace.owns(address) for address in addresses), addresses

    confirm(studio, f"Stop the radio relay ({MEETING_TITLE})", "Stop the radio relay")
    wait_for(lambda: now_playing(radio) == PROGRAMME_TITLE, STOP_TIMEOUT, "the programme", relay)
    titles = stream_titles_until(radio, PROGRAMME_TITLE, ON_AIR_TIMEOUT)
    assert titles[-1:] == [PROGRAMME_TITLE], titles
    wait_for(lambda: tones_heard(radio) == {PROGRAMME_HZ}, ON_AIR_TIMEOUT, "its sound", relay)
    expect(relay_notice).to_be_hidden(timeout=ROOM_UPDATE_TIMEOUT_MS)
    # The slot's ffmpeg is gone: its RTP port is free for the next relay.
    wait_for(lambda: udp_port_free(slot_port), STOP_TIMEOUT, "the slot's ffmpeg to stop", relay)
