"""Media plane of the meetings benchmark, run inside the bench's network namespace.

One headless Chromium publishes its fake camera and microphone into a Janus VideoRoom
(the webinar stage); the room forwards the stream (``rtp_forward``) to a Streaming
mountpoint; viewer pages in another headless Chromium watch the mountpoint through
janus.js, several Streaming handles per page. The viewer count grows step by step; each
step is measured over a fixed window: viewers actually decoding video, Janus CPU
(/proc/<pid>/stat), egress bytes (the namespace's /proc/net/dev, and the bytes the
viewers report receiving), and the CPU of the client browsers on the same two cores.

It drives Janus with a small client of its own rather than through Colombe's engine: no
database is reachable inside the namespace, and this part measures Janus, not Colombe
(the control plane does that). ``python -m bench.meetings_media --out FILE`` is started
by ``bench.meetings`` through ``ip netns exec``; it writes its figures as JSON to FILE."""

import argparse
import json
import os
import secrets
import statistics
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.janus import JanusServer, launch_janus

ROOT = Path(__file__).resolve().parent.parent
STATIC = Path(__file__).resolve().parent / "meetings_static"
VENDOR = {
    "janus.es.js": ROOT / "node_modules" / "janus-gateway" / "npm" / "dist" / "janus.es.js",
    "adapter.js": ROOT / "node_modules" / "webrtc-adapter" / "out" / "adapter.js",
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # Many pages in one headless browser: keep every one of them running at full rate.
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]
ROOM_ID = 4242
MOUNTPOINT_ID = 77
AUDIO_PORT, VIDEO_PORT = 5002, 5004  # inside the namespace: nothing else listens there
OPUS_PT, VP8_PT = 111, 100
STAGE_BITRATE = 512_000  # bit/s, the room's cap on the stage's video
VIEWERS_PER_PAGE = 5
MAX_VIEWERS = 400
STEP_TIMEOUT_SECONDS = 90
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class JanusApi:
    """The few server-side calls the bench needs, over Janus's HTTP and admin APIs."""

    def __init__(self, server: JanusServer) -> None:
        self.server = server

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "transaction": secrets.token_hex(6)}
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.load(response)
        if answer.get("janus") == "error":
            raise RuntimeError(f"Janus refused {body.get('janus')}: {answer}")
        return answer

    def plugin_request(self, plugin: str, message: dict[str, Any]) -> dict[str, Any]:
        """One synchronous plugin request on a short-lived session; plugin errors raise."""
        secret = {"apisecret": self.server.admin_secret}
        session = self._post(self.server.http_url, {"janus": "create", **secret})["data"]["id"]
        session_url = f"{self.server.http_url}/{session}"
        try:
            handle = self._post(session_url, {"janus": "attach", "plugin": plugin, **secret})
            answer = self._post(
                f"{session_url}/{handle['data']['id']}",
                {"janus": "message", "body": message, **secret},
            )
        finally:
            self._post(session_url, {"janus": "destroy", **secret})
        data: dict[str, Any] = answer["plugindata"]["data"]
        if "error_code" in data:
            raise RuntimeError(f"{plugin} refused {message['request']}: {data}")
        return data

    def add_token(self, token: str) -> None:
        self._post(
            self.server.admin_url,
            {
                "janus": "add_token",
                "token": token,
                "plugins": ["janus.plugin.videoroom", "janus.plugin.streaming"],
                "admin_secret": self.server.admin_secret,
            },
        )


def create_stage(api: JanusApi, room_secret: str) -> None:
    key = api.server.room_admin_key
    api.plugin_request(
        "janus.plugin.videoroom",
        {
            "request": "create",
            "admin_key": key,
            "room": ROOM_ID,
            "secret": room_secret,
            "is_private": True,
            "publishers": 1,
            "bitrate": STAGE_BITRATE,
            "fir_freq": 2,  # a key frame every 2 s, for viewers who arrive late
            "audiocodec": "opus",
            "videocodec": "vp8",
        },
    )
    api.plugin_request(
        "janus.plugin.streaming",
        {
            "request": "create",
            "admin_key": key,
            "type": "rtp",
            "id": MOUNTPOINT_ID,
            "description": "stage",
            "media": [
                {"type": "audio", "mid": "a", "port": AUDIO_PORT, "pt": OPUS_PT, "codec": "opus"},
                {
                    "type": "video",
                    "mid": "v",
                    "port": VIDEO_PORT,
                    "pt": VP8_PT,
                    "codec": "vp8",
                    "bufferkf": True,
                },
            ],
        },
    )


def forward_stage(api: JanusApi, room_secret: str, published: dict[str, Any]) -> None:
    ports = {"audio": (AUDIO_PORT, OPUS_PT), "video": (VIDEO_PORT, VP8_PT)}
    streams = [
        {"mid": stream["mid"], "port": ports[stream["type"]][0], "pt": ports[stream["type"]][1]}
        for stream in published["streams"]
        if stream.get("type") in ports
    ]
    api.plugin_request(
        "janus.plugin.videoroom",
        {
            "request": "rtp_forward",
            "room": ROOM_ID,
            "publisher_id": published["id"],
            "host": "127.0.0.1",
            "secret": room_secret,
            "admin_key": api.server.room_admin_key,
            "streams": streams,
        },
    )


@contextmanager
def static_server() -> Iterator[str]:
    """The bench pages and janus.js, over HTTP on the namespace's loopback (a secure
    context for getUserMedia)."""
    with tempfile.TemporaryDirectory() as folder:
        for page in STATIC.iterdir():
            (Path(folder) / page.name).symlink_to(page)
        for name, source in VENDOR.items():
            (Path(folder) / name).symlink_to(source)

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=folder))
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


# --- what the kernel says -------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat from the state on (the command name may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except FileNotFoundError:  # a renderer that went away during the window
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat_fields(int(entry.name))[1])
            except (FileNotFoundError, ProcessLookupError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def transmitted_bytes() -> dict[str, int]:
    """Bytes sent per interface of this namespace (both ends of the media are local
    addresses here, so the kernel carries them over ``lo``)."""
    counters = {}
    for line in Path("/proc/net/dev").read_text().splitlines()[2:]:
        name, _, numbers = line.partition(":")
        counters[name.strip()] = int(numbers.split()[8])
    return counters


# --- the browsers -----------------------------------------------------------------------


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_for(page: Page, expression: str, timeout_s: float) -> Any:
    page.wait_for_function(expression, timeout=timeout_s * 1000)
    return page.evaluate(expression)


def open_viewer_page(
    browser: Browser, base: str, janus_url: str, token: str, *, render: bool
) -> Page:
    page = browser.new_page()
    page.goto(
        f"{base}/viewer.html?server={janus_url}&token={token}"
        f"&mountpoint={MOUNTPOINT_ID}&count={VIEWERS_PER_PAGE}&render={int(render)}"
    )
    return page


def viewer_stats(pages: list[Page]) -> list[dict[str, Any]]:
    stats: list[dict[str, Any]] = []
    for page in pages:
        stats.extend(page.evaluate("window.benchStats()"))
    return stats


def all_playing(pages: list[Page]) -> bool:
    stats = viewer_stats(pages)
    return len(stats) == len(pages) * VIEWERS_PER_PAGE and all(s["width"] > 0 for s in stats)


def publisher_fps(page: Page) -> float:
    return float(
        page.evaluate(
            """async () => {
              const report = await window.benchHandle.webrtcStuff.pc.getStats();
              let fps = 0;
              report.forEach((e) => {
                if (e.type === "outbound-rtp" && e.kind === "video") fps = e.framesPerSecond || 0;
              });
              return fps;
            }"""
        )
    )


# --- one measurement window --------------------------------------------------------------


def snapshot(janus_pid: int, viewer_pages: list[Page]) -> dict[str, Any]:
    clients = [pid for pid in descendants(os.getpid()) if pid != janus_pid]
    busy, total = machine_busy_seconds()
    return {
        "at": time.monotonic(),
        "janus_cpu": cpu_seconds([janus_pid]),
        "clients_cpu": cpu_seconds([*clients, os.getpid()]),
        "machine_busy": busy,
        "machine_total": total,
        "tx": transmitted_bytes(),
        "viewers": viewer_stats(viewer_pages),
    }


def measure(janus_pid: int, viewer_pages: list[Page], seconds: float) -> dict[str, Any]:
    before = snapshot(janus_pid, viewer_pages)
    time.sleep(seconds)
    after = snapshot(janus_pid, viewer_pages)
    elapsed = after["at"] - before["at"]
    fps = [
        (late["frames"] - early["frames"]) / elapsed
        for early, late in zip(before["viewers"], after["viewers"], strict=True)
    ]
    received = sum(late["bytes"] for late in after["viewers"]) - sum(
        early["bytes"] for early in before["viewers"]
    )
    tx = {name: after["tx"][name] - before["tx"].get(name, 0) for name in after["tx"]}
    cores = os.cpu_count() or 1
    return {
        "seconds": round(elapsed, 1),
        "viewers": len(fps),
        "viewers_decoding": sum(
            1 for f, s in zip(fps, after["viewers"], strict=True) if f >= 1 and s["width"] > 0
        ),
        "viewer_fps_median": round(statistics.median(fps), 1) if fps else 0.0,
        "viewer_fps_min": round(min(fps), 1) if fps else 0.0,
        "janus_millicores": round((after["janus_cpu"] - before["janus_cpu"]) / elapsed * 1000),
        "clients_millicores": round(
            (after["clients_cpu"] - before["clients_cpu"]) / elapsed * 1000
        ),
        "machine_busy_percent": round(
            100
            * (after["machine_busy"] - before["machine_busy"])
            / (after["machine_total"] - before["machine_total"]),
            1,
        ),
        "machine_cores": cores,
        "namespace_tx_mbit_s": round(sum(tx.values()) * 8 / elapsed / 1e6, 2),
        "viewers_received_mbit_s": round(received * 8 / elapsed / 1e6, 2),
        "errors": sorted({s["error"] for s in after["viewers"] if s["error"]}),
    }


def per_viewer(step: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """What each viewer adds, against the same stage with no viewer at all."""
    viewers = step["viewers"]
    janus = step["janus_millicores"] - baseline["janus_millicores"]
    egress = step["namespace_tx_mbit_s"] - baseline["namespace_tx_mbit_s"]
    return {
        "janus_millicores_per_viewer": round(janus / viewers, 2),
        "egress_mbit_s_per_viewer": round(egress / viewers, 3),
        "received_mbit_s_per_viewer": round(step["viewers_received_mbit_s"] / viewers, 3),
        "clients_millicores_per_viewer": round(
            (step["clients_millicores"] - baseline["clients_millicores"]) / viewers, 1
        ),
    }


def saturated(step: dict[str, Any], stage_fps: float) -> bool:
    """The clients fall behind: viewers stop decoding or decode far fewer frames than the
    stage sends. (Machine busy time is recorded, not used: other work shares the cores.)"""
    return (
        step["viewers_decoding"] < 0.9 * step["viewers"]
        or step["viewer_fps_median"] < 0.75 * stage_fps
    )


def run(steps: list[int], window: float, *, render: bool) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as folder,
        launch_janus(
            Path(folder),
            interface=os.environ["BENCH_JANUS_ADDRESS"],
            ice_enforce_list=os.environ["BENCH_JANUS_INTERFACE"],
            debug_level=3,
        ) as janus,
        static_server() as base,
        sync_playwright() as playwright,
    ):
        api = JanusApi(janus)
        room_secret, token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        api.add_token(token)
        create_stage(api, room_secret)
        stage_browser = launch(playwright)
        stage = stage_browser.new_page()
        stage.goto(f"{base}/publisher.html?server={janus.http_url}&token={token}&room={ROOM_ID}")
        published = wait_for(stage, "window.benchPublished || window.benchError", 30)
        if not isinstance(published, dict):
            raise RuntimeError(f"The stage could not publish: {published}")
        forward_stage(api, room_secret, published)
        time.sleep(3)  # the encoder ramps up to the room's bitrate
        print(f"  stage publishing at {publisher_fps(stage):.0f} fps", flush=True)
        results: dict[str, Any] = {
            "stage": {"bitrate_cap_bit_s": STAGE_BITRATE, "fps": publisher_fps(stage)},
            "viewers_per_page": VIEWERS_PER_PAGE,
            "viewers_draw_video": render,
        }
        baseline = measure(janus.process.pid, [], window)
        results["baseline_no_viewer"] = baseline
        print(
            f"  no viewer: Janus {baseline['janus_millicores']} mcores, "
            f"namespace {baseline['namespace_tx_mbit_s']} Mbit/s",
            flush=True,
        )
        audience = launch(playwright)
        pages: list[Page] = []
        results["steps"] = []
        for target in steps:
            if target > MAX_VIEWERS:
                break
            while len(pages) * VIEWERS_PER_PAGE < target:
                pages.append(open_viewer_page(audience, base, janus.http_url, token, render=render))
            deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
            while not all_playing(pages) and time.monotonic() < deadline:
                time.sleep(1)
            time.sleep(3)  # let the new peer connections settle before measuring
            step = measure(janus.process.pid, pages, window)
            step.update(per_viewer(step, baseline))
            results["steps"].append(step)
            print(
                f"  {step['viewers']:>3} viewers: {step['viewers_decoding']} decoding "
                f"(median {step['viewer_fps_median']} fps), Janus {step['janus_millicores']} "
                f"mcores ({step['janus_millicores_per_viewer']}/viewer), egress "
                f"{step['namespace_tx_mbit_s']} Mbit/s ({step['egress_mbit_s_per_viewer']}"
                f"/viewer), clients {step['clients_millicores']} mcores, machine "
                f"{step['machine_busy_percent']} % busy",
                flush=True,
            )
            if saturated(step, results["stage"]["fps"]):
                break
        results["stage"]["fps_at_end"] = publisher_fps(stage)
        audience.close()
        stage_browser.close()
        return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", default="10,25,50,100,150,200,300")
    parser.add_argument("--window", type=float, default=20)
    parser.add_argument(
        "--render", action="store_true", help="draw each viewer's video in a <video> element"
    )
    args = parser.parse_args()
    steps = [int(count) for count in args.steps.split(",")]
    Path(args.out).write_text(json.dumps(run(steps, min(args.window, 60), render=args.render)))


if __name__ == "__main__":
    main()
