"""Benchmark: meetings, media plane and control plane (`make bench-meetings`).

Workload, media plane: a webinar stage (headless Chromium with a fake camera and
microphone, capped at 512 kbit/s of VP8 plus Opus) publishes into a Janus VideoRoom that
forwards it to a Streaming mountpoint; audience clients (janus.js in headless Chromium
pages) watch the mountpoint, added step by step, each step measured over a fixed window.
Everything runs in a network namespace of the bench's own (needs root), so no media
leaves the machine. Control plane: 1,000 members of a committee join its webinar through
Colombe (lobby form, then the room page whose view admits the seat on a real Janus),
arriving on a fixed schedule over 60 s, against gunicorn + PostgreSQL + Redis.

It reports, per audience step: viewers decoding, their frame rate, Janus CPU (millicores)
and egress (Mbit/s), in total and per viewer, and the CPU of the client browsers that
share the machine; for the joins: throughput, p50/p95/p99 and errors.

Target (issue #4): 1,000 joins in 60 s with p99 < 300 ms; the media figures feed
docs/scaling-meetings.md.

Options: --media-only, --control-only, --steps 10,25,50 (viewer counts), --window S,
--render (viewers draw their video in a <video> element, not only decode it),
--people N (a shorter control-plane run at the same arrival rate).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import harness

PORT = 8802
MEDIA_TIMEOUT_SECONDS = 1500


def media_plane(steps: str, window: float, render: bool) -> dict[str, Any]:
    from bench.meetings_netns import network_namespace

    if os.geteuid() != 0:
        return {"skipped": "needs root (a network namespace keeps the media inside the machine)"}
    with network_namespace() as namespace, tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {
            **os.environ,
            "BENCH_JANUS_ADDRESS": namespace.janus_address,
            "BENCH_JANUS_INTERFACE": namespace.janus_interface,
        }
        command = namespace.command(
            str(harness.PYTHON),
            "-m",
            "bench.meetings_media",
            "--out",
            out.name,
            "--steps",
            steps,
            "--window",
            str(window),
            *(["--render"] if render else []),
        )
        subprocess.run(
            command, cwd=harness.ROOT, env=env, check=True, timeout=MEDIA_TIMEOUT_SECONDS
        )
        return dict(json.loads(Path(out.name).read_text()), namespace=namespace.name)


def control_plane(people: int) -> dict[str, Any]:
    from bench import meetings_control as control
    from bench.petitions import set_up_django
    from tests.janus import launch_janus

    with (
        tempfile.TemporaryDirectory() as folder,
        launch_janus(Path(folder), debug_level=3) as janus,
    ):
        env = harness.server_environment(
            {
                "JANUS_SERVERS": janus.servers_setting,
                "JANUS_ADMIN_SECRET": janus.admin_secret,
                "JANUS_ROOM_ADMIN_KEY": janus.room_admin_key,
                "JANUS_RECORDINGS_DIR": str(janus.recordings_dir),
            }
        )
        print(f"Database {harness.DATABASE_URL}: recreating and migrating…", flush=True)
        harness.recreate_database(harness.DATABASE_URL)
        harness.manage("migrate", "--noinput", env=env)
        harness.manage("collectstatic", "--noinput", env=env)
        set_up_django(env)
        from colombe.meetings import room_services

        prepared = control.prepare(
            janus.http_url, janus.admin_secret, people + control.UNLOADED_PEOPLE
        )
        serial, prepared = control.split(prepared, control.UNLOADED_PEOPLE)
        print(
            f"  {len(prepared.people)} members, webinar {prepared.slug}, stage mountpoints "
            f"{prepared.mountpoints}",
            flush=True,
        )
        seconds = control.SECONDS * people / control.PEOPLE
        result: dict[str, Any] = {
            "target": {"joins": people, "seconds": seconds, "p99_ms": control.TARGET_P99_MS}
        }
        with harness.gunicorn("colombe.wsgi:application", env, port=PORT):
            result["one_at_a_time"] = control.unloaded(PORT, serial)
            for step, figures in result["one_at_a_time"].items():
                print(f"  {step}, one at a time: p50 {figures.get('p50_ms')} ms", flush=True)
            for step in ("lobby", "join"):
                result[step] = control.run_step(PORT, step, prepared, seconds)
                print_step(step, result[step])
            polls, poll_seconds = control.polling(prepared, room_services.POLL_AUDIENCE_MS)
            result["poll"] = control.run_step(PORT, "poll", polls, poll_seconds)
            result["poll"]["offered_per_second"] = round(len(polls.people) / poll_seconds, 1)
            print_step("poll", result["poll"])
        result["audience_seats_in_room"] = (
            control.seats_in_room(prepared.meeting_id) - control.UNLOADED_PEOPLE
        )
        joins = result["join"]
        result["target_met"] = (
            joins["answered"] == people
            and joins["seconds"] <= seconds + 5
            and joins.get("p99_ms", float("inf")) < control.TARGET_P99_MS
        )
        print(f"  target met: {result['target_met']}", flush=True)
        return result


def print_step(step: str, figures: dict[str, Any]) -> None:
    print(
        f"  {step}: {figures['answered']}/{figures['requests']} in {figures['seconds']} s "
        f"({figures['per_second']}/s), p50 {figures.get('p50_ms')} ms, p95 "
        f"{figures.get('p95_ms')} ms, p99 {figures.get('p99_ms')} ms, statuses "
        f"{figures['statuses']}, machine {figures['machine_busy_percent']} % busy",
        flush=True,
    )


def earlier_planes() -> dict[str, Any]:
    """A run of one plane keeps the other plane's figures from the previous run."""
    path = harness.RESULTS / "meetings.json"
    if not path.exists():
        return {}
    earlier = json.loads(path.read_text())
    return {key: earlier[key] for key in ("media_plane", "control_plane") if key in earlier}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--media-only", action="store_true")
    parser.add_argument("--control-only", action="store_true")
    parser.add_argument("--steps", default="10,25,50,75,100,150,200,300")
    parser.add_argument("--window", type=float, default=20)
    parser.add_argument("--render", action="store_true", help="viewers draw their video")
    parser.add_argument(
        "--people", type=int, default=1000, help="joins, at the same rate as 1,000 in 60 s"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"workload": __doc__.strip().split("\n\n")[1].replace("\n", " ")}
    if not args.control_only:
        print("Media plane (audience of a webinar stage):", flush=True)
        results["media_plane"] = media_plane(args.steps, args.window, args.render)
    if not args.media_only:
        print("Control plane (1,000 joins):", flush=True)
        results["control_plane"] = control_plane(args.people)
    path = harness.write_results("meetings", {**earlier_planes(), **results})
    print(f"Written to {path.relative_to(harness.ROOT)}")


if __name__ == "__main__":
    if not Path(harness.GUNICORN).exists():
        sys.exit("Run `make install` first.")
    main()
