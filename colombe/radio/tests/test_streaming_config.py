"""The configuration of Icecast and Liquidsoap written from the settings: what it says,
that the real programs accept it (as root, which CI is, and as an ordinary user), and the
``radio_config`` command."""

import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from colombe.radio.models import HarborCredential, LiveSession
from colombe.radio.streaming import config
from colombe.radio.streaming.config import StreamingConfig
from tests import factories
from tests.radio import (
    chain_config,
    icecast_url,
    launch_icecast,
    read_icecast,
    require_radio_packages,
    wait_for,
)


@pytest.fixture
def chain(tmp_path: Path) -> StreamingConfig:
    return chain_config(tmp_path / "radio")


@pytest.fixture
def as_ordinary_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config.os, "geteuid", lambda: 1000)


@pytest.fixture
def as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config.os, "geteuid", lambda: 0)


def icecast_xml(chain: StreamingConfig) -> ET.Element:
    return ET.fromstring(config.render_icecast(chain))


def test_icecast_listens_on_loopback_with_the_settings_passwords_and_limits(
    chain: StreamingConfig,
) -> None:
    root = icecast_xml(chain)
    assert root.findtext("listen-socket/port") == str(chain.icecast_port)
    assert root.findtext("listen-socket/bind-address") == "127.0.0.1"
    assert root.findtext("authentication/source-password") == chain.source_password
    assert root.findtext("authentication/admin-password") == chain.admin_password
    assert root.findtext("mount/mount-name") == "/radio.mp3"
    assert root.findtext("mount/max-listeners") == str(chain.max_listeners)
    assert int(root.findtext("limits/clients") or 0) > chain.max_listeners
    assert root.findtext("security/chroot") == "0"
    assert root.findtext("paths/pidfile") == str(chain.state_dir / "icecast.pid")


def test_icecast_keeps_no_listener_addresses(chain: StreamingConfig) -> None:
    root = icecast_xml(chain)
    assert (root.findtext("paths/logdir"), root.findtext("logging/accesslog")) == ("/dev", "null")
    assert root.findtext("logging/errorlog") == "-"  # to the process manager


def test_as_root_icecast_is_told_to_drop_to_an_unprivileged_user(
    chain: StreamingConfig, as_root: None
) -> None:
    user = icecast_xml(chain).findtext("security/changeowner/user")
    assert user in config.ICECAST_USERS


def test_as_an_ordinary_user_icecast_keeps_its_user(
    chain: StreamingConfig, as_ordinary_user: None
) -> None:
    assert icecast_xml(chain).find("security/changeowner") is None
    assert "allow_root" not in config.render_liquidsoap(chain)


def test_as_root_liquidsoap_is_allowed_to_run(chain: StreamingConfig, as_root: None) -> None:
    assert "settings.init.allow_root.set(true)" in config.render_liquidsoap(chain)


def test_special_characters_are_escaped_in_icecast_xml(chain: StreamingConfig) -> None:
    tricky = replace(chain, admin_password="a<b&c>'\"")
    assert icecast_xml(tricky).findtext("authentication/admin-password") == "a<b&c>'\""


@pytest.mark.parametrize("value", ['pass"word', "back\\slash", "#{interpolated}", "two\nlines"])
def test_a_value_that_would_break_the_liquidsoap_script_is_refused(
    chain: StreamingConfig, value: str
) -> None:
    with pytest.raises(ValueError):
        config.render_liquidsoap(replace(chain, source_password=value))


def test_liquidsoap_calls_colombe_at_the_callback_urls_with_the_secret(
    chain: StreamingConfig,
) -> None:
    script = config.render_liquidsoap(replace(chain, callback_base_url="http://10.0.0.5:8000/"))
    for path in ("/radio/liquidsoap/connexion/", "/radio/liquidsoap/direct-ouvert/"):
        assert f'"http://10.0.0.5:8000{path}"' in script
    assert f"Bearer {chain.callback_secret}" in script
    assert f'input.harbor(\n  "{chain.harbor_mount}",\n  port={chain.harbor_port},' in script
    assert str(chain.state_dir / config.ON_AIR_FILE) in script
    assert str(chain.state_dir / config.ROTATION_FILE) in script


def test_the_relay_slots_are_harbor_mounts_for_colombe_only(chain: StreamingConfig) -> None:
    script = config.render_liquidsoap(replace(chain, relay_slots=3, relay_mount_prefix="direct"))
    assert "list.init(3, relay_input)" in script
    assert '"/direct-#{index + 1}"' in script
    assert f'user="relay",\n    password="{chain.relay_password}"' in script
    assert f"port={chain.harbor_port},\n    buffer={config.RELAY_HARBOR_BUFFER_SECONDS}," in script
    assert "add(normalize=false," in script
    assert '"relay_title",\n  set_relay_title' in script


def test_the_relay_comes_after_a_presenter_and_before_the_programme(
    chain: StreamingConfig,
) -> None:
    script = config.render_liquidsoap(chain)
    assert (
        'fallback(id="radio", track_sensitive=false, [live, relay, on_air, rotation, safe])'
        in script
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"relay_mount_prefix": "relay/1"},
        {"relay_mount_prefix": ""},
        {"relay_mount_prefix": "é"},
        {"relay_slots": 0},
        {"relay_password": 'pass"word'},
    ],
)
def test_relay_settings_that_would_break_the_script_or_the_urls_are_refused(
    chain: StreamingConfig, changes: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        config.render_liquidsoap(replace(chain, **changes))


def test_settings_are_read(settings: Any, tmp_path: Path) -> None:
    settings.RADIO_ICECAST_URL = "http://127.0.0.1:8123"
    settings.RADIO_PUBLIC_STREAM_URL = "https://radio.example.org/radio.mp3"
    settings.RADIO_CALLBACK_BASE_URL = "http://127.0.0.1:8000"
    settings.RADIO_HARBOR_BIND_ADDRESS = "0.0.0.0"
    settings.RADIO_RELAY_SLOTS = 6
    settings.RADIO_RELAY_HARBOR_MOUNT_PREFIX = "direct"
    settings.RADIO_RELAY_PASSWORD = "relay-secret"
    from_settings = config.from_settings(tmp_path)
    assert (from_settings.icecast_host, from_settings.icecast_port) == ("127.0.0.1", 8123)
    assert (from_settings.relay_slots, from_settings.relay_mount_prefix) == (6, "direct")
    assert from_settings.relay_password == "relay-secret"
    assert from_settings.state_dir == tmp_path.resolve()
    root = ET.fromstring(config.render_icecast(from_settings))
    assert root.findtext("hostname") == "radio.example.org"
    assert 'settings.harbor.bind_addrs.set(["0.0.0.0"])' in config.render_liquidsoap(from_settings)


@pytest.mark.slow
def test_the_files_are_private_and_the_jingle_is_a_real_mp3(chain: StreamingConfig) -> None:
    require_radio_packages()
    state_dir = config.write_config(chain)
    assert state_dir.stat().st_mode & 0o777 == 0o700
    for name in (config.ICECAST_FILE, config.LIQUIDSOAP_FILE):
        assert (state_dir / name).stat().st_mode & 0o777 == 0o600
    probe = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-show_entries", "format=duration,format_name"),
            *("-of", "default=noprint_wrappers=1", str(state_dir / config.JINGLE_FILE)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert "format_name=mp3" in probe
    assert 19 < float(probe.split("duration=")[1].split()[0]) < 21


@pytest.mark.slow
def test_liquidsoap_accepts_the_script(chain: StreamingConfig) -> None:
    require_radio_packages()
    state_dir = config.write_config(chain)
    result = subprocess.run(
        ["liquidsoap", "--check", str(state_dir / config.LIQUIDSOAP_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # No warning either (an unused variable, a deprecated function…).
    assert "Warning" not in result.stdout + result.stderr


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.mark.slow
def test_icecast_starts_from_the_config_on_loopback_only(chain: StreamingConfig) -> None:
    require_radio_packages()
    with launch_icecast(chain):
        assert read_icecast(chain)["icestats"]["server_id"].startswith("Icecast 2")
        assert listening_addresses(chain.icecast_port) == {"127.0.0.1"}
        assert (chain.state_dir / "icecast.pid").exists()


@pytest.fixture
def folder_for_nobody() -> Iterator[Path]:
    """A folder the user nobody may use (pytest's own folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="colombe-radio-"))
    if os.geteuid() == 0:
        os.chown(folder, 65534, 65534)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.slow
def test_icecast_runs_as_an_ordinary_user_from_a_config_written_by_one(
    folder_for_nobody: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI runs as root, so the fixtures' Icecast runs from the root configuration; this
    one runs it as an ordinary user (nobody, when the tests run as root) from the
    configuration written for one."""
    require_radio_packages()
    running_as_root = os.geteuid() == 0
    monkeypatch.setattr(config.os, "geteuid", lambda: 65534)
    chain = chain_config(folder_for_nobody / "radio")
    config.write_config(chain)
    command = ["icecast2", "-c", str(chain.state_dir / config.ICECAST_FILE)]
    if running_as_root:
        for path in [chain.state_dir, *chain.state_dir.iterdir()]:
            os.chown(path, 65534, 65534)
        command = ["runuser", "-u", "nobody", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: read_icecast(chain, 0.5), 15, f"Icecast at {icecast_url(chain)}")
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_radio_config_command_writes_the_folder(tmp_path: Path, settings: Any) -> None:
    require_radio_packages()
    call_command("radio_config", str(tmp_path / "radio"))
    assert (tmp_path / "radio" / config.ICECAST_FILE).exists()
    assert (tmp_path / "radio" / config.LIQUIDSOAP_FILE).exists()


@pytest.mark.django_db
def test_radio_config_when_starting_ends_a_live_session_left_open(
    tmp_path: Path, settings: Any
) -> None:
    require_radio_packages()
    settings.MEDIA_ROOT = tmp_path / "media"
    presenter = factories.UserFactory.create()
    credential = HarborCredential.objects.create(user=presenter, username="x-1", password_hash="!")
    LiveSession.objects.create(credential=credential)
    call_command("radio_config", str(tmp_path / "radio"), "--starting")
    assert not LiveSession.objects.filter(ended_at__isnull=True).exists()
    assert (tmp_path / "radio" / config.ROTATION_FILE).read_text() == "#EXTM3U\n"
