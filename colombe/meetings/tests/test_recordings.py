"""Recording processing on real .mjr files written by a real Janus.

The files are produced the way Janus writes any recording: ffmpeg sends Opus and VP8 over
RTP into a Streaming mountpoint and the Streaming plugin's ``recording`` request records
them (the same recorder code the VideoRoom uses). Two "seats" are recorded, the second
starting a second later, so the mix, the grid and the delays are exercised."""

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from colombe.meetings.engines.janus import STREAMING, JanusClient, JanusInstance
from colombe.meetings.models import Meeting, Recording
from colombe.meetings.recordings import process_recording, process_recording_task
from tests.factories import StructureFactory
from tests.janus import JanusServer
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SECONDS_PER_SEAT = 3


def record_seat(server: JanusServer, directory: Path, name: str, mountpoint_id: int) -> None:
    """Feed a mountpoint with 3 s of tone and test pattern and let Janus record it."""
    instance = JanusInstance(server.http_url, server.http_url, server.admin_url)
    client = JanusClient(instance, secret=server.admin_secret)
    created = client.plugin_request(
        STREAMING,
        {
            "request": "create",
            "type": "rtp",
            "id": mountpoint_id,
            "admin_key": server.room_admin_key,
            "media": [
                {"type": "audio", "mid": "a", "port": 0, "pt": 111, "codec": "opus"},
                {"type": "video", "mid": "v", "port": 0, "pt": 96, "codec": "vp8"},
            ],
        },
    )
    ports = {port["mid"]: port["port"] for port in created["stream"]["ports"]}
    files = [
        {"mid": "a", "filename": str(directory / f"{name}-audio")},
        {"mid": "v", "filename": str(directory / f"{name}-video")},
    ]
    client.plugin_request(
        STREAMING, {"request": "recording", "action": "start", "id": mountpoint_id, "media": files}
    )
    tone = f"sine=frequency=440:duration={SECONDS_PER_SEAT}"
    pattern = f"testsrc=size=320x240:rate=15:duration={SECONDS_PER_SEAT}"
    audio = ["-map", "0:a", "-c:a", "libopus", "-b:a", "48k", "-payload_type", "111"]
    video = ["-map", "1:v", "-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime"]
    subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-re"),
            *("-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", pattern),
            *(*audio, "-f", "rtp", f"rtp://127.0.0.1:{ports['a']}"),
            *(*video, "-payload_type", "96", "-f", "rtp", f"rtp://127.0.0.1:{ports['v']}"),
        ],
        check=True,
        timeout=30,
    )
    client.plugin_request(
        STREAMING,
        {"request": "recording", "action": "stop", "id": mountpoint_id, "media": files},
    )
    client.plugin_request(STREAMING, {"request": "destroy", "id": mountpoint_id})


@pytest.fixture(scope="module")
def raw_recording(janus_server: JanusServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_ffmpeg()
    directory = tmp_path_factory.mktemp("raw-recording")
    record_seat(janus_server, directory, "seat-1", 9001)
    record_seat(janus_server, directory, "seat-2", 9002)
    return directory


def make_recording(raw_directory: Path) -> Recording:
    starts_at = timezone.now()
    meeting = Meeting.objects.create(
        owner=StructureFactory.create(),
        title="Palestine, international meeting",
        slug=f"palestine-{raw_directory.name}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    return Recording.objects.create(meeting=meeting, raw_directory=str(raw_directory))


def probe(path: str) -> dict[str, Any]:
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def test_raw_janus_files_become_one_webm_with_the_grid_and_the_mixed_sound(
    raw_recording: Path, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    raw = tmp_path / "raw"
    shutil.copytree(raw_recording, raw)
    recording = make_recording(raw)

    process_recording(recording)

    recording.refresh_from_db()
    assert recording.status == Recording.Status.READY, recording.error
    assert recording.file.name.endswith(".webm")
    info = probe(recording.file.path)
    assert info["format"]["format_name"].startswith("matroska,webm")
    streams = {stream["codec_type"]: stream for stream in info["streams"]}
    assert streams["audio"]["codec_name"] == "opus"
    assert streams["video"]["codec_name"] == "vp8"
    assert (streams["video"]["width"], streams["video"]["height"]) == (1280, 360)  # two tiles
    # Two seats of 3 s, the second starting a few seconds after the first.
    assert recording.duration_seconds is not None
    assert SECONDS_PER_SEAT <= recording.duration_seconds <= 3 * SECONDS_PER_SEAT + 2
    assert sorted(p.name for p in raw.glob("*.mjr")) == [
        "seat-1-audio.mjr",
        "seat-1-video.mjr",
        "seat-2-audio.mjr",
        "seat-2-video.mjr",
    ]


def test_a_folder_without_raw_files_fails_with_a_readable_error(settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"
    recording = make_recording(tmp_path)

    process_recording(recording)

    recording.refresh_from_db()
    assert recording.status == Recording.Status.FAILED
    assert "No raw recording files" in recording.error
    assert not recording.file


def test_a_damaged_file_fails_and_keeps_the_raw_files(
    raw_recording: Path, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    raw = tmp_path / "raw"
    raw.mkdir()
    original = (raw_recording / "seat-1-video.mjr").read_bytes()
    (raw / "seat-1-video.mjr").write_bytes(original[:200])  # a recording cut short
    recording = make_recording(raw)

    process_recording(recording)

    recording.refresh_from_db()
    assert recording.status == Recording.Status.FAILED
    assert recording.error
    assert (raw / "seat-1-video.mjr").exists()


def test_the_task_processes_a_recording_once(raw_recording: Path, settings: Any, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    raw = tmp_path / "raw"
    shutil.copytree(raw_recording, raw)
    recording = make_recording(raw)

    first = process_recording_task.enqueue(recording.pk)
    second = process_recording_task.enqueue(recording.pk)

    assert first.return_value == Recording.Status.READY
    assert second.return_value == "nothing to do"
