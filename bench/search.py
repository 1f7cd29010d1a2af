"""Benchmark: search, the reports feed and a committee's page at scale
(`make bench-search`).

Workload: PostgreSQL with production settings (DEBUG off, Redis cache), filled by
``seed_demo --scale large`` plus ``--reports`` action reports (bulk-created across the
committees with varied French text, mostly public, some for members or the committee
only, some drafts), then indexed in bulk (``rebuild_search_index``). Each page is
requested ``--requests`` times in-process through Django's test client — the whole
request/response cycle with middleware, templates and database, without the HTTP server
— as an anonymous visitor and as an active member, timing each request and counting its
SQL queries (the count must be the same on every request of a page).

Target (issue 5): p95 < 100 ms for the feed, a committee page and search, with a constant
number of queries per page. Results in bench/results/search.json.

Every phase is bounded: the seed by its scale, each measured page by ``--requests`` and
by MAX_SECONDS_PER_PAGE."""

import argparse
import io
import os
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from bench import harness

# Its own database: other benchmarks may be using harness.DATABASE_URL at the same time.
DATABASE_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/colombe_bench_search"
)
REPORT_BATCH_SIZE = 5000
MAX_SECONDS_PER_PAGE = 60
WARM_UP_REQUESTS = 3
TARGET_P95_MS = 100.0
SEARCH_QUERIES = [
    "désarmement",
    "desarmement nucléaire",
    "#désarmement",
    "tracts marché",
    "vigile paix",
    "Lyon",
    "lycéens débat",
]
# A word found nowhere: the page answers after counting, without a page query.
NO_RESULT_QUERY = "ornithorynque"
KINDS = ["leaflets", "stand", "demonstration", "debate", "screening", "school", "vigil"]
TITLE_WORDS = [
    "Distribution de tracts au marché",
    "Stand pour le désarmement",
    "Vigile pour la paix",
    "Débat public sur le nucléaire",
    "Projection du film sur Hiroshima",
    "Rencontre avec les lycéens",
    "Manifestation contre les armes",
    "Rencontre avec la députée",
]
BODY_SENTENCES = [
    "Nous avons rencontré beaucoup de passants intéressés par le désarmement.",
    "Les lycéens ont posé des questions sur les armes nucléaires et la paix.",
    "Le stand a attiré des familles ; nous avons recueilli des signatures.",
    "Une vigile silencieuse devant la mairie, avec des bougies et des colombes.",
    "La projection a été suivie d'un débat animé sur la sécurité commune.",
    "Les tracts sur le traité d'interdiction ont été très bien reçus au marché.",
    "Nous referons l'action le mois prochain avec le comité voisin. #désarmement",
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--committees", type=int, default=2000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="per page and visitor")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated pages to measure (feed, search…); all by default",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of a previous run if it has reports (migrated, not re-seeded)",
    )
    return parser.parse_args()


def seed(arguments: argparse.Namespace) -> dict[str, float]:
    from django.core.management import call_command

    timings: dict[str, float] = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command(
        "seed_demo",
        scale="large",
        committees=arguments.committees,
        members=arguments.members,
        stdout=io.StringIO(),
    )
    timings["seed_demo_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    create_reports(arguments.reports)
    timings["reports_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    call_command("rebuild_search_index", stdout=io.StringIO())
    timings["index_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["analyze_s"] = round(time.monotonic() - started, 1)
    return timings


def create_reports(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from colombe.movement.models import Structure
    from colombe.reports.models import ActionReport

    chooser = random.Random(5)
    committees = list(Structure.objects.committees().values_list("pk", "name"))
    now = timezone.now()
    batch: list[ActionReport] = []
    for number in range(count):
        structure_id, name = chooser.choice(committees)
        body = " ".join(chooser.sample(BODY_SENTENCES, 3))
        draft = number % 20 == 0
        batch.append(
            ActionReport(
                structure_id=structure_id,
                kind=chooser.choice(KINDS),
                title=f"{chooser.choice(TITLE_WORDS)} — {name}",
                slug=f"bench-{number}",
                happened_on=date(2026, 11, 1) - timedelta(days=number % 365),
                town=name.removeprefix("Comité de ").removeprefix("Comité "),
                people_reached=chooser.randint(5, 300),
                body=body,
                body_html=f"<p>{body}</p>",
                visibility=chooser.choices(["public", "movement", "committee"], [80, 15, 5])[0],
                status="draft" if draft else "published",
                published_at=None if draft else now,
            )
        )
        if len(batch) == REPORT_BATCH_SIZE:
            with transaction.atomic():
                ActionReport.objects.bulk_create(batch)
            batch = []
    with transaction.atomic():
        ActionReport.objects.bulk_create(batch)


def measure(client: Any, paths: list[str], requests: int) -> dict[str, Any]:
    """Time ``requests`` GETs cycling over ``paths``; every one must answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for path in paths[:WARM_UP_REQUESTS]:
        client.get(path)
    durations: list[float] = []
    queries: set[int] = set()
    deadline = time.monotonic() + MAX_SECONDS_PER_PAGE
    for number in range(requests):
        path = paths[number % len(paths)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            durations.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        queries.add(len(captured))
        if time.monotonic() > deadline:
            break
    durations.sort()
    return {
        "requests": len(durations),
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(durations[max(0, int(len(durations) * 0.95) - 1)], 1),
        "max_ms": round(durations[-1], 1),
        "queries": sorted(queries),
    }


def pages() -> dict[str, list[str]]:
    from urllib.parse import urlencode

    from django.db.models import Count
    from django.urls import reverse

    from colombe.movement.models import Structure

    busy = (
        Structure.objects.committees()
        .annotate(reports=Count("action_reports"))
        .order_by("-reports")
        .values_list("slug", flat=True)[:20]
    )
    search = reverse("core:search")
    return {
        "feed": [reverse("reports:feed"), reverse("reports:feed") + "?page=40"],
        "committee": [reverse("reports:committee", args=[slug]) for slug in busy],
        "search": [f"{search}?{urlencode({'q': query})}" for query in SEARCH_QUERIES],
        "search_no_result": [f"{search}?{urlencode({'q': NO_RESULT_QUERY})}"],
        "search_filtered_page_3": [
            f"{search}?{urlencode({'q': query, 'type': 'report', 'page': 3})}"
            for query in SEARCH_QUERIES[:5]
        ],
    }


def visitors() -> dict[str, Any]:
    from django.test import Client

    from colombe.movement.models import Membership

    member = (
        Membership.objects.filter(status=Membership.Status.ACTIVE, structure__kind="committee")
        .select_related("user")
        .first()
    )
    anonymous = Client(SERVER_NAME="127.0.0.1")
    logged_in = Client(SERVER_NAME="127.0.0.1")
    if member is not None:
        logged_in.force_login(member.user)
    return {"anonymous": anonymous, "member": logged_in}


def set_up_django() -> None:
    os.environ.update(harness.server_environment({"DATABASE_URL": DATABASE_URL}))
    import django

    django.setup()


def database_has_reports() -> bool:
    """Whether a previous run left a seeded database behind."""
    import psycopg

    try:
        with psycopg.connect(DATABASE_URL) as connection:
            row = connection.execute("SELECT EXISTS (SELECT 1 FROM reports_actionreport)")
            found = row.fetchone()
    except psycopg.Error:
        return False
    return bool(found and found[0])


def prepare_database(arguments: argparse.Namespace) -> dict[str, float]:
    """Seed a new database, or with --reuse only migrate the one a previous run left
    (its scale is then that run's, whatever the arguments say)."""
    if arguments.reuse and database_has_reports():
        set_up_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print("Reusing the seeded database.", flush=True)
        return {}
    harness.recreate_database(DATABASE_URL)
    set_up_django()
    print(f"Seeding {arguments.committees} committees, {arguments.members} members, ", end="")
    print(f"{arguments.reports} reports…", flush=True)
    timings = seed(arguments)
    print(f"Seeded: {timings}", flush=True)
    return timings


def main() -> None:
    arguments = parse_arguments()
    timings = prepare_database(arguments)
    from colombe.core import search_index
    from colombe.reports.models import ActionReport

    results: dict[str, Any] = {
        "scale": vars(arguments),
        # With --reuse, the database's own figures, whatever the arguments say.
        "reports_in_database": ActionReport.objects.count(),
        "index_rows": search_index.count_documents(),
        "seed": timings,
        "target_p95_ms": TARGET_P95_MS,
        "pages": {},
    }
    for who, client in visitors().items():
        for name, paths in pages().items():
            if arguments.only and name not in arguments.only.split(","):
                continue
            figures = measure(client, paths, arguments.requests)
            figures["constant_queries"] = len(figures["queries"]) == 1
            figures["meets_target"] = figures["p95_ms"] < TARGET_P95_MS
            results["pages"][f"{name} ({who})"] = figures
            print(f"{name:>24} {who:>9}: {figures}", flush=True)
    path = harness.write_results("search", results)
    print(f"Results in {path}")


if __name__ == "__main__":
    main()
