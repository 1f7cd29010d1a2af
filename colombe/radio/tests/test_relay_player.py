"""The relay's slots, the SDP and ffmpeg command built for each, and how ``RelayPlayer``
starts, restarts and stops processes (real processes standing in for ffmpeg; the real
chain is in test_relay_chain.py)."""

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from colombe.radio.streaming import control
from colombe.radio.streaming.config import StreamingConfig
from colombe.radio.streaming.relay import (
    RelayPlayer,
    RelaySlot,
    ffmpeg_command,
    harbor_host,
    relay_slots,
    slot_sdp,
)
from tests.radio import chain_config, wait_for

SLOT = RelaySlot(index=1, rtp_port=5302, harbor_mount="relay-2")


@pytest.fixture
def chain(tmp_path: Path) -> StreamingConfig:
    return chain_config(tmp_path / "radio")


def test_slots_take_even_ports_and_numbered_mounts(settings: Any) -> None:
    settings.RADIO_RELAY_SLOTS = 3
    settings.RADIO_RELAY_RTP_BASE_PORT = 6000
    settings.RADIO_RELAY_HARBOR_MOUNT_PREFIX = "direct"
    assert relay_slots() == [
        RelaySlot(index=0, rtp_port=6000, harbor_mount="direct-1"),
        RelaySlot(index=1, rtp_port=6002, harbor_mount="direct-2"),
        RelaySlot(index=2, rtp_port=6004, harbor_mount="direct-3"),
    ]


def test_the_sdp_describes_janus_opus_forward() -> None:
    sdp = slot_sdp(SLOT, "10.0.0.7")
    assert sdp.endswith("\r\n")
    lines = sdp.split("\r\n")
    assert "c=IN IP4 10.0.0.7" in lines
    assert "m=audio 5302 RTP/AVP 111" in lines
    assert "a=rtpmap:111 opus/48000/2" in lines
    assert lines[0] == "v=0"


@pytest.mark.parametrize("host", ["localhost", "::1", "10.0.0.7\r\nm=video 1 RTP/AVP 96"])
def test_the_rtp_host_must_be_an_ipv4_address(host: str) -> None:
    with pytest.raises(ValueError):
        slot_sdp(SLOT, host)


def test_ffmpeg_reads_only_the_slot_and_pushes_to_its_mount(
    chain: StreamingConfig, tmp_path: Path
) -> None:
    command = ffmpeg_command(chain, SLOT, "127.0.0.1", tmp_path / "s.sdp", tmp_path / "p")
    joined = " ".join(command)
    assert "-protocol_whitelist file,udp,rtp" in joined
    assert "-localaddr 127.0.0.1 -i " + str(tmp_path / "s.sdp") in joined
    assert "-b:a 128k -ar 44100 -ac 2" in joined
    assert command[-1] == f"icecast://relay@127.0.0.1:{chain.harbor_port}/relay-2"
    assert command[command.index("-fpre") + 1] == str(tmp_path / "p")
    assert chain.relay_password not in joined


def test_ffmpeg_reaches_a_harbor_on_every_interface_through_loopback(
    chain: StreamingConfig,
) -> None:
    assert harbor_host(chain) == "127.0.0.1"
    assert harbor_host(replace(chain, harbor_bind_address="0.0.0.0")) == "127.0.0.1"
    assert harbor_host(replace(chain, harbor_bind_address="10.1.2.3")) == "10.1.2.3"


def test_the_title_is_not_sent_when_liquidsoap_is_not_running(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.RADIO_STATE_DIR = tmp_path
    assert control.set_relay_title("Assemblée") is False
    assert "Could not give Liquidsoap the relay's title" in caplog.text


# RelayPlayer with stand-ins for ffmpeg --------------------------------------------------


def stand_in(tmp_path: Path, name: str, body: str) -> str:
    """An executable script that ignores ffmpeg's arguments and runs ``body``."""
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def player(chain: StreamingConfig, settings: Any, tmp_path: Path) -> Iterator[RelayPlayer]:
    settings.RADIO_RELAY_RTP_HOST = "127.0.0.1"
    relay = RelayPlayer(chain, tmp_path / "relay")
    try:
        yield relay
    finally:
        relay.stop_all()


def test_play_starts_once_and_silence_stops(
    player: RelayPlayer, settings: Any, tmp_path: Path
) -> None:
    settings.FFMPEG_BINARY = stand_in(tmp_path, "ffmpeg", "exec sleep 60")
    player.play(SLOT)
    first = player._processes[SLOT.index]
    player.play(SLOT)
    assert player._processes[SLOT.index] is first
    assert player.playing() == {1}
    assert (player.work_dir / "relay-2.sdp").read_bytes() == slot_sdp(SLOT, "127.0.0.1").encode()
    preset = player.work_dir / "relay-password.ffpreset"
    assert preset.read_text() == f"password={player.config.relay_password}\n"
    assert preset.stat().st_mode & 0o777 == 0o600
    player.silence(SLOT)
    player.silence(SLOT)
    assert player.playing() == set()
    assert first.returncode is not None


def test_a_process_that_died_is_restarted_and_its_log_quoted(
    player: RelayPlayer, settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.FFMPEG_BINARY = stand_in(tmp_path, "ffmpeg", "echo 'Address already in use' >&2")
    player.play(SLOT)
    wait_for(lambda: not player.playing(), 5, "the stand-in to exit")
    player.play(SLOT)
    assert "Relay slot 2: ffmpeg exited with status 0" in caplog.text
    assert "Address already in use" in caplog.text


def test_a_speaker_silent_too_long_is_waited_for_again_without_a_warning(
    player: RelayPlayer, settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What ffmpeg does when no RTP came for RTP_TIMEOUT_SECONDS (a muted speaker)."""
    caplog.set_level(logging.INFO, logger="colombe.radio.streaming.relay")
    settings.FFMPEG_BINARY = stand_in(
        tmp_path, "ffmpeg", "echo 'relay-2.sdp: Connection timed out' >&2"
    )
    player.play(SLOT)
    wait_for(lambda: not player.playing(), 5, "the stand-in to exit")
    player.play(SLOT)
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "Relay slot 2: no audio for 5 s; listening again." in caplog.text


def test_a_process_ignoring_sigterm_is_killed(
    player: RelayPlayer, settings: Any, tmp_path: Path
) -> None:
    deaf = tmp_path / "ignoring-sigterm"
    settings.FFMPEG_BINARY = stand_in(
        tmp_path, "ffmpeg", f"trap '' TERM\ntouch {deaf}\nexec sleep 60"
    )
    player.play(SLOT)
    process = player._processes[SLOT.index]
    wait_for(deaf.exists, 5, "the stand-in to ignore SIGTERM")
    started = time.monotonic()
    player.stop_all()
    assert process.returncode == -signal.SIGKILL
    assert 2 < time.monotonic() - started < 10
    assert player.playing() == set()


def test_ffmpeg_ends_when_the_process_driving_it_is_killed(tmp_path: Path) -> None:
    """A killed run_radio_relay leaves no ffmpeg behind holding a slot's port."""
    sleeper = stand_in(tmp_path, "ffmpeg", "exec sleep 60")
    driver = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, django; django.setup()\n"
            "from django.conf import settings\n"
            "from colombe.radio.streaming.config import from_settings\n"
            "from colombe.radio.streaming.relay import RelayPlayer, relay_slots\n"
            f"settings.FFMPEG_BINARY = {sleeper!r}\n"
            f"player = RelayPlayer(from_settings({str(tmp_path / 'radio')!r}), "
            f"__import__('pathlib').Path({str(tmp_path / 'relay')!r}))\n"
            "player.play(relay_slots()[0])\n"
            "print(player._processes[0].pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "colombe.settings",
            "RADIO_RELAY_PASSWORD": "not-a-secret",
        },
    )
    try:
        assert driver.stdout is not None
        ffmpeg_pid = int(driver.stdout.readline())
        assert process_alive(ffmpeg_pid)
        driver.kill()
        driver.wait(timeout=10)
        wait_for(lambda: not process_alive(ffmpeg_pid), 10, "the stand-in to end")
    finally:
        driver.kill()
        driver.wait(timeout=10)
        if driver.stdout:
            driver.stdout.close()


def process_alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent that is gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
