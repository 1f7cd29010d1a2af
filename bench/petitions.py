"""Benchmark: petition signatures under load (`make bench-petitions`).

Workload: a production-like server (gunicorn, DEBUG off, PostgreSQL, Redis cache) receives
signatures of one published petition from a load generator in another process on
127.0.0.1, each with a unique email, a valid CSRF token and a solved ALTCHA proof-of-work
(at a low bench difficulty: the server checks every proof exactly as in production; only
the work asked of the client is smaller). Rate limits are lifted for 127.0.0.1 only, by
the PETITION_RATE_LIMIT_EXEMPT_IPS setting.

It reports, at 16, 64 and 256 concurrent clients: signatures accepted per second, latency
percentiles, and whether the database holds exactly the signatures that were answered
"accepted" (none lost, none duplicated); the same load against a bare view that inserts
one row (the ceiling of this stack here) and the ratio; the same load against a view that
only stores a signature through the signing service (no request checks, no page: what
the ceiling leaves to a signature); the petition page's latency under 200 requests/s; and
how long a confirmation takes to show in the counter. Each server is warmed up first, and
the CPU per response of the server, the database and the load generator is reported too:
it holds when other work shares the machine, when throughput does not.

Targets (issue #3): >= 400 signatures/s, p99 < 200 ms at 64 clients, >= 70 % of the bare
insert ceiling, 0 lost, 0 duplicated; petition page p95 < 30 ms.
"""

import json
import os
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench import harness

CONCURRENCY = (16, 64, 256)
SECONDS = 15
PAGE_RATE = 200
PAGE_SECONDS = 10
PORT = 8801
# Enough for SECONDS at 800 signatures/s; a run that uses them all simply ends early.
SIGNATURES_PER_RUN = 12_000
# Before measuring, each server answers this many requests (or for this long): the first
# requests of a worker load templates and fill its caches.
WARM_UP_REQUESTS = 400
WARM_UP_SECONDS = 10
BENCH_DOMAIN = "bench.example.org"
# Only the "check your mailbox" page counts as an acceptance ("already signed" does not).
ACCEPTED_TEXT = 'id="check-your-mailbox"'
# Its own database: other benchmarks may be using harness.DATABASE_URL at the same time.
DATABASE_URL = os.environ.get(
    "BENCH_PETITIONS_DATABASE_URL",
    harness.DATABASE_URL.rsplit("/", 1)[0] + "/colombe_bench_petitions",
)


def set_up_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def create_petition() -> Any:
    from colombe.accounts.models import User
    from colombe.movement.models import Structure, Territory
    from colombe.petitions import services

    organiser = User.objects.create_user(f"organiser@{BENCH_DOMAIN}", is_national_admin=True)

    france = Territory.objects.create(name="France", slug="france", level=Territory.Level.NATIONAL)
    office = Structure.objects.create(
        kind=Structure.Kind.NATIONAL, name="Secrétariat national", slug="national", territory=france
    )
    petition = services.create_petition(
        actor=organiser,
        owner=office,
        title="Pétition de mesure",
        body="Un texte **court**.",
        addressee="Le banc d’essai",
        goal=1000,
    )
    return services.publish(actor=organiser, petition=petition)


def csrf_pair(base: str, path: str) -> tuple[str, str]:
    """A CSRF cookie and a form token, as a browser gets them from the petition page."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + path, timeout=10).read().decode()
    cookie = next(c.value for c in jar if c.name == "csrftoken" and c.value)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the petition page"
    assert cookie is not None
    return cookie, match.group(1)


def solved_altcha_payload() -> str:
    import altcha

    from colombe.petitions import altcha as petition_altcha

    challenge = altcha.Challenge.from_dict(petition_altcha.create_challenge())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def signature_requests(
    count: int, run: str, slug: str, csrf: tuple[str, str]
) -> Iterable[dict[str, Any]]:
    cookie, token = csrf
    for number in range(count):
        email = f"signer-{run}-{number}@{BENCH_DOMAIN}"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "first_name": "Camille",
                "last_name": f"Essai {number}",
                "email": email,
                "postcode": "69001",
                "town": "Lyon",
                "altcha": solved_altcha_payload(),
                "source": "bench",
            }
        )
        yield {
            "method": "POST",
            "path": f"/petitions/{slug}/signer/",
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "Accept-Language": "fr",
            },
            "body": body,
            "tag": email,
        }


def bare_requests(
    count: int, run: str, path: str = "/insert/", **fields: str
) -> Iterable[dict[str, Any]]:
    for number in range(count):
        email = f"bare-{run}-{number}@{BENCH_DOMAIN}"
        yield {
            "method": "POST",
            "path": path,
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": urllib.parse.urlencode({"email": email, **fields}),
            "tag": email,
        }


def page_requests(count: int, slug: str) -> Iterable[dict[str, Any]]:
    for _ in range(count):
        yield {"method": "GET", "path": f"/petitions/{slug}/", "headers": {"Accept-Language": "fr"}}


def cpu_seconds_of(is_counted: Callable[[bytes], bool]) -> float:
    """CPU time used so far by the running processes whose command line ``is_counted``,
    with their children that ended (a database backend that closed its connection, a
    gunicorn worker): their parent collects their time, so the sum never goes back."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes()
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if is_counted(command):
            ticks += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def is_bench_server(command: bytes) -> bool:
    """The gunicorn serving PORT (its master and workers): per request, its CPU measures
    the server's cost even when other work shares the machine."""
    return b"gunicorn" in command and f"127.0.0.1:{PORT}".encode() in command


def is_database(command: bytes) -> bool:
    """PostgreSQL's processes: the server (by its program's path) and its backends and
    background workers (named "postgres: …")."""
    program = command.split(b"\0", 1)[0]
    return program.startswith(b"postgres") or program.endswith(b"/postgres")


def client_cpu_seconds() -> float:
    """CPU time of this process's finished children: the load generators run so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def per_response_ms(seconds: float, responses: int) -> float | None:
    return round(seconds * 1000 / responses, 2) if responses else None


def load(
    requests: Iterable[dict[str, Any]],
    *,
    connections: int,
    seconds: float,
    rate: float = 0,
    accepted_text: str = "",
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
        for request in requests:
            file.write(json.dumps(request) + "\n")
    command = [
        str(harness.PYTHON),
        "-m",
        "bench.loadgen",
        "--port",
        str(PORT),
        "--requests",
        file.name,
        "--connections",
        str(connections),
        "--seconds",
        str(seconds),
        "--rate",
        str(rate),
        "--accepted-text",
        accepted_text,
    ]
    # Where the machine's CPU goes: the server, the database and the load generator.
    before = (cpu_seconds_of(is_bench_server), cpu_seconds_of(is_database), client_cpu_seconds())
    output = subprocess.run(
        command, cwd=harness.ROOT, capture_output=True, text=True, check=True
    ).stdout
    after = (cpu_seconds_of(is_bench_server), cpu_seconds_of(is_database), client_cpu_seconds())
    os.unlink(file.name)
    result: dict[str, Any] = json.loads(output)
    server, database, client = (end - start for start, end in zip(before, after, strict=True))
    result["server_cpu_ms_per_response"] = per_response_ms(server, result["responses"])
    result["database_cpu_ms_per_response"] = per_response_ms(database, result["responses"])
    result["client_cpu_ms_per_response"] = per_response_ms(client, result["responses"])
    return result


def signatures_in_database(emails: list[str]) -> dict[str, int]:
    """Of the signatures answered "accepted", how many the database holds, and how many
    rows it holds in all for this run."""
    from colombe.petitions.crypto import email_hash
    from colombe.petitions.models import Signature

    hashes = [email_hash(email) for email in emails]
    stored = set(
        Signature.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True)
    )
    return {"accepted": len(emails), "stored": len(stored), "lost": len(set(hashes) - stored)}


def cpu_split(result: dict[str, Any]) -> str:
    return (
        f"CPU per response: server {result['server_cpu_ms_per_response']} ms, "
        f"database {result['database_cpu_ms_per_response']} ms, "
        f"load generator {result['client_cpu_ms_per_response']} ms"
    )


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "accepted_tags"}


def bench_signatures(slug: str, base: str) -> list[dict[str, Any]]:
    from colombe.petitions.models import Signature

    csrf = csrf_pair(base, f"/petitions/{slug}/")
    # Warm every worker up (templates, URL resolver, cached pages), as in production.
    load(page_requests(WARM_UP_REQUESTS, slug), connections=16, seconds=WARM_UP_SECONDS)
    load(
        signature_requests(WARM_UP_REQUESTS, "warm-up", slug, csrf),
        connections=16,
        seconds=WARM_UP_SECONDS,
    )
    runs = []
    for connections in CONCURRENCY:
        run = secrets.token_hex(3)
        before = Signature.objects.count()
        requests = list(signature_requests(SIGNATURES_PER_RUN, run, slug, csrf))
        result = load(
            requests, connections=connections, seconds=SECONDS, accepted_text=ACCEPTED_TEXT
        )
        check = signatures_in_database(result["accepted_tags"])
        rows_added = Signature.objects.count() - before
        check["duplicated"] = rows_added - check["stored"]
        runs.append({**summarise(result), **check, "rows_added": rows_added})
        print(
            f"  {connections:>3} clients: {result['accepted_per_second']:>7.1f} accepted/s, "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
            f"lost {check['lost']}, duplicated {check['duplicated']}, "
            f"{cpu_split(result)}",
            flush=True,
        )
    return runs


def bench_bare(env: dict[str, str], slug: str) -> dict[str, list[dict[str, Any]]]:
    """The bare insert's runs, then the signature's storage alone (bench.bare)."""
    from bench import bare

    bare.create_table()
    runs: dict[str, list[dict[str, Any]]] = {"bare_insert": [], "storage_only": []}
    with harness.gunicorn("bench.bare:wsgi_application()", env, port=PORT) as _base:
        load(bare_requests(WARM_UP_REQUESTS, "warm-up"), connections=16, seconds=WARM_UP_SECONDS)
        for connections in CONCURRENCY:
            before = bare.count_rows()
            result = load(
                bare_requests(30_000, secrets.token_hex(3)),
                connections=connections,
                seconds=SECONDS,
            )
            rows = bare.count_rows() - before
            runs["bare_insert"].append(
                {**summarise(result), "rows_added": rows, "accepted": len(result["accepted_tags"])}
            )
            print(
                f"  {connections:>3} clients: {result['accepted_per_second']:>7.1f} inserts/s, "
                f"p99 {result['p99_ms']} ms, rows {rows} for {len(result['accepted_tags'])} 200s, "
                f"{cpu_split(result)}",
                flush=True,
            )
        print("A signature's storage alone (no request checks, no page):", flush=True)
        for connections in CONCURRENCY:
            result = load(
                bare_requests(30_000, secrets.token_hex(3), "/store-signature/", petition=slug),
                connections=connections,
                seconds=SECONDS,
            )
            runs["storage_only"].append(summarise(result))
            print(
                f"  {connections:>3} clients: {result['accepted_per_second']:>7.1f} stored/s, "
                f"p99 {result['p99_ms']} ms, {cpu_split(result)}",
                flush=True,
            )
    return runs


def counter_freshness(slug: str, base: str) -> dict[str, Any]:
    """Sign, confirm through the real page, then poll the counter until it shows it."""
    from colombe.petitions import services
    from colombe.petitions.models import Petition

    petition = Petition.objects.get(slug=slug)
    samples = []
    for number in range(5):
        signed = services.sign(
            petition=petition,
            first_name="Lou",
            last_name=f"Fraîcheur {number}",
            email=f"fresh-{secrets.token_hex(4)}@{BENCH_DOMAIN}",
        )
        before = read_counter(base, slug)
        cookie, token = csrf_pair(base, f"/petitions/confirmer/{signed.token}/")
        request = urllib.request.Request(
            f"{base}/petitions/confirmer/{signed.token}/",
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={"Cookie": f"csrftoken={cookie}"},
        )
        urllib.request.urlopen(request, timeout=10).read()
        confirmed_at = time.monotonic()
        while read_counter(base, slug) <= before and time.monotonic() - confirmed_at < 5:
            time.sleep(0.05)
        samples.append(round((time.monotonic() - confirmed_at) * 1000, 1))
    return {"samples_ms": samples, "max_ms": max(samples), "target_ms": 2000}


def read_counter(base: str, slug: str) -> int:
    html = urllib.request.urlopen(f"{base}/petitions/{slug}/compteur/", timeout=10).read().decode()
    digits = re.search(r"(\d[\d\s\u202f\u00a0.,]*)", re.sub(r"<[^>]+>", " ", html))
    assert digits, html
    return int(re.sub(r"\D", "", digits.group(1)))


def ratio(
    sign: dict[str, Any], bare_run: dict[str, Any], storage: dict[str, Any]
) -> dict[str, Any]:
    """Signatures against bare inserts: in throughput, and in the server's CPU per
    response and the whole machine's (server, database and load generator); and what the
    storage of a signature alone reaches against the same bare inserts."""
    sign_cpu, bare_cpu = sign["server_cpu_ms_per_response"], bare_run["server_cpu_ms_per_response"]
    return {
        "connections": sign["connections"],
        "signatures_per_second": sign["accepted_per_second"],
        "bare_inserts_per_second": bare_run["accepted_per_second"],
        "ratio": throughput_ratio(sign, bare_run),
        "storage_only_per_second": storage["accepted_per_second"],
        "storage_only_ratio": throughput_ratio(storage, bare_run),
        "server_cpu_ms_per_signature": sign_cpu,
        "server_cpu_ms_per_bare_insert": bare_cpu,
        "server_cpu_ratio": round(bare_cpu / sign_cpu, 2) if sign_cpu and bare_cpu else None,
        "machine_cpu_ms_per_signature": machine_cpu(sign),
        "machine_cpu_ms_per_bare_insert": machine_cpu(bare_run),
    }


def throughput_ratio(run: dict[str, Any], bare_run: dict[str, Any]) -> float | None:
    if not bare_run["accepted_per_second"]:
        return None
    return round(run["accepted_per_second"] / bare_run["accepted_per_second"], 2)


def machine_cpu(run: dict[str, Any]) -> float | None:
    """Server, database and load generator CPU per response: on a machine left to the
    benchmark, the throughput is what its cores give at this cost."""
    parts = [run[f"{part}_cpu_ms_per_response"] for part in ("server", "database", "client")]
    return round(sum(parts), 2) if None not in parts else None


def main() -> None:
    env = harness.server_environment(
        {"DATABASE_URL": DATABASE_URL, "PETITION_RATE_LIMIT_EXEMPT_IPS": "127.0.0.1"}
    )
    print(f"Database {DATABASE_URL}: recreating and migrating…", flush=True)
    harness.recreate_database(DATABASE_URL)
    harness.manage("migrate", "--noinput", env=env)
    harness.manage("collectstatic", "--noinput", env=env)
    set_up_django(env)
    from django.conf import settings

    # Only the work asked of the bench client is small; the server verifies every proof.
    settings.PETITION_ALTCHA_MAX_NUMBER = 10
    petition = create_petition()
    results: dict[str, Any] = {"workload": __doc__.strip().split("\n\n")[1].replace("\n", " ")}
    with harness.gunicorn("colombe.wsgi:application", env, port=PORT) as base:
        print("Signatures:", flush=True)
        results["signatures"] = bench_signatures(petition.slug, base)
        print("Petition page at 200 requests/s:", flush=True)
        page = load(
            page_requests(PAGE_RATE * PAGE_SECONDS, petition.slug),
            connections=32,
            seconds=PAGE_SECONDS,
            rate=PAGE_RATE,
        )
        results["petition_page"] = summarise(page)
        print(
            f"  p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, p99 {page['p99_ms']} ms",
            flush=True,
        )
        results["counter_freshness"] = counter_freshness(petition.slug, base)
        print(
            f"  counter fresh after at most {results['counter_freshness']['max_ms']} ms", flush=True
        )
    print("Bare insert ceiling:", flush=True)
    results.update(bench_bare(env, petition.slug))
    results["ratios"] = [
        ratio(*runs)
        for runs in zip(
            results["signatures"], results["bare_insert"], results["storage_only"], strict=True
        )
    ]
    path = harness.write_results("petitions", results)
    print(json.dumps(results["ratios"], indent=1))
    print(f"Written to {path.relative_to(harness.ROOT)}")


if __name__ == "__main__":
    if not Path(harness.GUNICORN).exists():
        sys.exit("Run `make install` first.")
    main()
