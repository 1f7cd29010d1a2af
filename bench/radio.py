"""Benchmark: how many listeners one Icecast serves on this machine (`make bench-radio`).

Workload: Icecast with Colombe's own configuration (``colombe.radio.streaming.config``)
on loopback, fed by ffmpeg with a 128 kbit/s MP3 tone in real time (``-re``, as
Liquidsoap feeds it). Listeners are raw asyncio sockets in this process, each one asking
for the mount and counting what it receives, as a player would (no decoding). Their number
grows step by step (50, 100, … 6400 by default); the listeners of a step stay for
the next one. Each step is measured over a fixed window once every listener is connected
and past the initial burst Icecast sends (burst-on-connect):

- whether listeners keep up: each one should receive the bitrate times the window; a listener
  below 90 % of it is falling behind;
- Icecast's CPU (utime + stime from /proc/<pid>/stat) over the window, minus its CPU
  with the source alone, per listener; its memory (VmRSS);
- the listeners' own CPU (this process), to tell who saturates first on 2 cores.

Bounded: at most MAX_LISTENERS listeners, WINDOW_SECONDS per step (60 at most) and
TIMEOUT_SECONDS for everything. Results go to bench/results/radio.json."""

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench import harness

BITRATE_BYTES_PER_SECOND = 128_000 // 8
KEEPING_UP_RATIO = 0.9
DEFAULT_STEPS = (50, 100, 200, 400, 800, 1600, 3200, 6400)
MAX_LISTENERS = 10_000
WINDOW_SECONDS = 20.0
# After connecting: Icecast's burst (64 KiB, 4 s of audio) arrives at once, then the
# stream flows at its bitrate; the window starts after it.
SETTLE_SECONDS = 3.0
CONNECT_BATCH = 50
ANSWER_TIMEOUT_SECONDS = 30.0
BASELINE_SECONDS = 5.0
TIMEOUT_SECONDS = 300.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Listener(asyncio.Protocol):
    """One player: asks for the mount, then counts the bytes of the stream."""

    request: bytes
    received: int = 0
    headers_done: bool = False
    head: bytes = b""
    status_line: bytes = b""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        assert isinstance(transport, asyncio.Transport)
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        if self.headers_done:
            self.received += len(data)
            return
        self.head += data
        head, separator, body = self.head.partition(b"\r\n\r\n")
        if separator:
            self.headers_done = True
            self.status_line = head.split(b"\r\n", 1)[0]
            self.received += len(body)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    @property
    def playing(self) -> bool:
        return self.headers_done and b" 200 " in self.status_line and not self.closed.is_set()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def factory_of(listener: Listener) -> Callable[[], Listener]:
    return lambda: listener


async def connect(host: str, port: int, mount: str, count: int) -> list[Listener]:
    loop = asyncio.get_running_loop()
    request = f"GET {mount} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: bench\r\n\r\n"
    listeners: list[Listener] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [Listener(request.encode()) for _ in range(min(CONNECT_BATCH, count - start))]
        await asyncio.gather(
            *(loop.create_connection(factory_of(listener), host, port) for listener in batch)
        )
        listeners += batch
        await asyncio.sleep(0.05)  # players arrive over time, not in one instant
    return listeners


async def all_answered(listeners: list[Listener]) -> None:
    """Until Icecast has answered every listener (with a bound): thousands of connections
    opened within seconds wait in Icecast's accept queue, which real players, arriving
    over minutes, do not."""
    deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if all(listener.headers_done for listener in listeners):
            return
        await asyncio.sleep(0.2)


async def measure_step(
    listeners: list[Listener], icecast_pid: int, window: float, baseline_cores: float
) -> dict[str, Any]:
    await all_answered(listeners)
    await asyncio.sleep(SETTLE_SECONDS)
    before = [listener.received for listener in listeners]
    icecast_before, clients_before = process_cpu_seconds(icecast_pid), process_cpu_seconds("self")
    started = time.monotonic()
    await asyncio.sleep(window)
    elapsed = time.monotonic() - started
    icecast_cores = (process_cpu_seconds(icecast_pid) - icecast_before) / elapsed
    clients_cores = (process_cpu_seconds("self") - clients_before) / elapsed
    rates = [
        (listener.received - start) / elapsed
        for listener, start in zip(listeners, before, strict=True)
    ]
    expected = BITRATE_BYTES_PER_SECOND
    count = len(listeners)
    return {
        "listeners": count,
        "playing": sum(listener.playing for listener in listeners),
        "keeping_up": sum(rate >= KEEPING_UP_RATIO * expected for rate in rates),
        "median_kbit_s": round(statistics.median(rates) * 8 / 1000, 1),
        "min_kbit_s": round(min(rates) * 8 / 1000, 1),
        "egress_mbit_s": round(sum(rates) * 8 / 1e6, 1),
        "icecast_cores": round(icecast_cores, 3),
        "icecast_millicores_per_listener": round(
            (icecast_cores - baseline_cores) * 1000 / count, 3
        ),
        "icecast_rss_mb": round(resident_megabytes(icecast_pid), 1),
        "clients_cores": round(clients_cores, 3),
        "window_seconds": round(elapsed, 1),
    }


async def run_steps(
    host: str, port: int, mount: str, icecast_pid: int, steps: list[int], window: float
) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    cpu_before = process_cpu_seconds(icecast_pid)
    await asyncio.sleep(BASELINE_SECONDS)
    baseline_cores = (process_cpu_seconds(icecast_pid) - cpu_before) / BASELINE_SECONDS
    results: dict[str, Any] = {
        "baseline": {
            "icecast_cores": round(baseline_cores, 4),
            "icecast_rss_mb": round(resident_megabytes(icecast_pid), 1),
        },
        "steps": [],
    }
    listeners: list[Listener] = []
    try:
        for target in steps:
            if time.monotonic() + window + SETTLE_SECONDS > deadline:
                results["stopped"] = "time bound reached"
                break
            listeners += await connect(host, port, mount, target - len(listeners))
            step = await measure_step(listeners, icecast_pid, window, baseline_cores)
            results["steps"].append(step)
            print(
                f"{step['listeners']:>5} listeners: {step['keeping_up']} keeping up "
                f"(median {step['median_kbit_s']} kbit/s, min {step['min_kbit_s']}), "
                f"Icecast {step['icecast_cores']} cores "
                f"({step['icecast_millicores_per_listener']} millicores/listener), "
                f"{step['icecast_rss_mb']} MB; listeners' own CPU {step['clients_cores']} cores",
                flush=True,
            )
            if step["keeping_up"] < step["listeners"]:
                results["stopped"] = "listeners fell behind"
                break
    finally:
        for listener in listeners:
            listener.close()
    return results


def run(steps: list[int], window: float) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colombe.settings")
    django.setup()
    from tests.radio import (
        chain_config,
        launch_icecast,
        mount_status,
        push_source,
        source_url,
        wait_for,
    )

    with tempfile.TemporaryDirectory(prefix="colombe-bench-radio-") as work:
        # Room for the largest step: the mount's own limit would refuse listeners first.
        config = replace(chain_config(Path(work) / "radio"), max_listeners=max(steps) + 10)
        with launch_icecast(config) as icecast, push_source(source_url(config)):
            wait_for(lambda: mount_status(config), 15, "the source")
            figures = asyncio.run(
                run_steps(
                    config.icecast_host,
                    config.icecast_port,
                    config.mount,
                    icecast.process.pid,
                    steps,
                    window,
                )
            )
    return {
        "workload": {
            "bitrate_kbit_s": BITRATE_BYTES_PER_SECOND * 8 / 1000,
            "window_seconds": window,
            "keeping_up_ratio": KEEPING_UP_RATIO,
            "steps": steps,
        },
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default=",".join(str(step) for step in DEFAULT_STEPS))
    parser.add_argument("--window", type=float, default=WINDOW_SECONDS)
    args = parser.parse_args()
    steps = sorted({min(int(count), MAX_LISTENERS) for count in args.steps.split(",")})
    results = run(steps, min(args.window, 60.0))
    path = harness.RESULTS / "radio.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": harness.machine(), **results}, indent=2) + "\n")
    print(f"Written to {path}.")


if __name__ == "__main__":
    main()
