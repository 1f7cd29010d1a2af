"""Shared machinery of the benchmarks: a production-like server (gunicorn, DEBUG off,
PostgreSQL, Redis cache) started in its own processes, and wrk as the load generator in
another process, all on 127.0.0.1. Every load is bounded in time and in connections."""

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/colombe_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
MAX_SECONDS_PER_RUN = 30
# Same for the application and the bare view, so the comparison stays fair.
GUNICORN_WORKERS = int(os.environ.get("BENCH_WORKERS", "5"))
GUNICORN_WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
GUNICORN_THREADS = int(os.environ.get("BENCH_THREADS", "1"))
MAX_CONNECTIONS = 256

# wrk prints this JSON at the end of a run (Lua `done` callback): latency percentiles in
# microseconds, and every kind of error it saw.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write("WRK_JSON " .. string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, '
    .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, '
    .. '"timeouts": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end
"""


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def server() -> dict[str, Any]:
    return {
        "gunicorn_workers": GUNICORN_WORKERS,
        "worker_class": GUNICORN_WORKER_CLASS,
        "threads": GUNICORN_THREADS,
    }


def server_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production settings, over plain HTTP on the loopback."""
    env = dict(os.environ)
    env.update(
        {
            "COLOMBE_ENV": "production",
            "SECRET_KEY": "bench-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "COLOMBE_SIGNATURE_KEYS": "ZmFrZS1iZW5jaC1rZXktMzItYnl0ZXMtbG9uZy0xMjM=",
            "OUTREACH_SECRET_KEYS": "ZmFrZS1iZW5jaC1rZXktMzItYnl0ZXMtbG9uZy0xMjM=",
            "COLOMBE_EMAIL_HASH_KEY": "bench-email-hash-key-" + "h" * 20,
            # Benchmarks without video leave Janus unreachable; bench.meetings sets its own.
            "JANUS_ADMIN_SECRET": "bench-janus-admin-secret-" + "j" * 20,
            "JANUS_ROOM_ADMIN_KEY": "bench-janus-room-admin-key-" + "r" * 20,
            # Benchmarks without the radio never reach Icecast; bench.radio sets its own.
            "RADIO_ICECAST_SOURCE_PASSWORD": "bench-radio-source-password-" + "s" * 20,
            "RADIO_ICECAST_ADMIN_PASSWORD": "bench-radio-admin-password-" + "a" * 20,
            "RADIO_CALLBACK_SECRET": "bench-radio-callback-secret-" + "c" * 20,
            "RADIO_RELAY_PASSWORD": "bench-radio-relay-password-" + "p" * 20,
            "COLOMBE_VAR_DIR": str(Path(tempfile.gettempdir()) / "colombe-bench"),
            "DJANGO_SETTINGS_MODULE": "colombe.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra or {})
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], port: int = 8801) -> Iterator[str]:
    process = subprocess.Popen(
        [
            str(GUNICORN),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-class",
            GUNICORN_WORKER_CLASS,
            "--threads",
            str(GUNICORN_THREADS),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2)
            return
        time.sleep(0.3)
    raise RuntimeError(f"The server did not answer at {url}.")


def wrk(url: str, *, connections: int, seconds: int, lua: str = "") -> dict[str, Any]:
    """Run wrk against ``url`` with an optional Lua script (request generation), plus the
    report callback. Returns requests/s and latency percentiles in milliseconds."""
    if shutil.which("wrk") is None:
        sys.exit(
            "wrk is missing: apt-get install wrk (scripts/install-system-packages.sh does it)."
        )
    connections = min(connections, MAX_CONNECTIONS)
    seconds = min(seconds, MAX_SECONDS_PER_RUN)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + "\n" + WRK_REPORT)
    threads = max(1, min(2, connections))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script.name,
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(raw[key] for key in raw if key.endswith("errors") or key == "timeouts")
    return {
        "connections": connections,
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50"] / 1000,
        "p95_ms": raw["p95"] / 1000,
        "p99_ms": raw["p99"] / 1000,
        "max_ms": raw["max"] / 1000,
        "errors": errors,
        "status_errors": raw["status_errors"],
    }


def recreate_database(database_url: str) -> None:
    """An empty PostgreSQL database for a benchmark (dropped first if it exists)."""
    import psycopg

    url = urllib.parse.urlparse(database_url)
    name = url.path.lstrip("/")
    admin = f"host={url.hostname} port={url.port or 5432} user={url.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(
        json.dumps(
            {"machine": machine(), "server": server(), **results}, indent=2, ensure_ascii=False
        )
        + "\n"
    )
    return path
