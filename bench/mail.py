"""Benchmark: a circular to 10,000 people through the outbox (`make bench-mail`).

Workload: production settings on PostgreSQL; 10,000 personalised messages (a greeting,
a personal unsubscribe link, a List-Unsubscribe header, text and HTML) queued with
``outbox.enqueue`` in two transactions, as a circular's send does: first the 400 to relays
(relay priority), then the rest to members. ``run_outbox`` workers, already running and idle as
under the Procfile, sign each message with DKIM (RSA-2048) and deliver it over SMTP to an
aiosmtpd sink in a separate process on 127.0.0.1, which records each message's arrival
time. When a fifth of the bulk has arrived, an urgent circular to 400 relays is queued
in its own transaction: it must overtake the bulk. Measured with 1, 2 and 4 workers.

It reports the time to queue, the time from "send" (the start of the queueing
transaction) until the sink has every message, messages per second, when the first relay
message reached the sink, the workers' CPU time per message, and the CPU cost of one
DKIM signature with the ``cryptography`` signer used here and with dkimpy's pure-Python
RSA. It checks that every message arrived exactly once, DKIM-signed.

Targets (issue #6): 10,000 messages in <= 60 s on this 2-core machine; the first relay
message <= 5 s after "send".
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import harness

MESSAGES = 10_000
RELAYS = 400
WORKER_COUNTS = (1, 2, 4)
TIMEOUT_SECONDS = 300
SIGNATURE_SAMPLES = 300
DKIMPY_SAMPLES = 30
BENCH_DOMAIN = "bench.example.org"
DATABASE_URL = os.environ.get(
    "BENCH_MAIL_DATABASE_URL",
    harness.DATABASE_URL.rsplit("/", 1)[0] + "/colombe_bench_mail",
)


def start_sink(out: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [str(harness.PYTHON), "-m", "tests.smtp_sink", "--port", "0", "--out", str(out)],
        cwd=harness.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        raise RuntimeError(f"The SMTP sink did not start: {line!r}")
    return process, int(line.rsplit(":", 1)[1])


def write_dkim_key(directory: Path) -> Path:
    from colombe.mailing.dkim_signing import generate_private_key, private_key_pem

    key_file = directory / "dkim.pem"
    key_file.write_bytes(private_key_pem(generate_private_key()))
    return key_file


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for_lines(path: Path, count: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        lines = read_lines(path)
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def personalised_emails(run: str) -> list[Any]:
    from colombe.mailing.models import OutboxMessage
    from colombe.mailing.outbox import OutgoingEmail

    paragraph = (
        "Le secrétariat national vous informe de la journée d'action du 12 décembre : "
        "rassemblements devant les préfectures, tracts disponibles, visio de préparation "
        "mardi à 20 h. Merci de relayer auprès de votre comité. "
    )
    emails = []
    for number in range(MESSAGES):
        relay = number < RELAYS
        token = f"{run}-{number:05d}-unsubscribe-token"
        link = f"https://{BENCH_DOMAIN}/listes/desinscription/{token}/"
        emails.append(
            OutgoingEmail(
                key=f"bench:{run}:{number}",
                to=f"person{number}@{BENCH_DOMAIN}",
                subject="Journée d'action du 12 décembre",
                body_text=(
                    f"Bonjour Personne {number},\n\n{paragraph * 4}\n\nSe désinscrire : {link}\n"
                ),
                body_html=(
                    f"<p>Bonjour <strong>Personne {number}</strong>,</p>"
                    f"<p>{paragraph * 4}</p><p><a href='{link}'>Se désinscrire</a></p>"
                ),
                category=OutboxMessage.Category.CIRCULAR,
                priority=OutboxMessage.PRIORITY_RELAYS if relay else OutboxMessage.PRIORITY_NORMAL,
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    return emails


def urgent_emails(run: str) -> list[Any]:
    """A short urgent circular to the relays, queued while the bulk is being delivered."""
    from colombe.mailing.models import OutboxMessage
    from colombe.mailing.outbox import OutgoingEmail

    return [
        OutgoingEmail(
            key=f"urgent:{run}:{number}",
            to=f"urgent-relay{number}@{BENCH_DOMAIN}",
            subject="URGENT : rassemblement ce soir",
            body_text=f"Bonjour relais {number}, rassemblement ce soir à 18 h.\n",
            category=OutboxMessage.Category.CIRCULAR,
            priority=OutboxMessage.PRIORITY_URGENT,
        )
        for number in range(RELAYS)
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [str(harness.PYTHON), "manage.py", "run_outbox"],
            cwd=harness.ROOT,
            env=env,
        )
        for _ in range(count)
    ]


def run(workers_count: int, env: dict[str, str], sink_file: Path) -> dict[str, Any]:
    from django.db import transaction

    from colombe.mailing.models import OutboxMessage
    from colombe.mailing.outbox import OutgoingEmail, enqueue

    OutboxMessage.objects.all().delete()
    already = len(read_lines(sink_file))
    workers = start_workers(workers_count, env)
    try:
        # Warm-up: one message per worker proves they are up and idle, as in production.
        enqueue(
            OutgoingEmail(
                key=f"warmup:{workers_count}:{n}",
                to=f"warmup{n}@{BENCH_DOMAIN}",
                subject="warm-up",
                body_text="warm-up",
                category=OutboxMessage.Category.NOTICE,
            )
            for n in range(workers_count)
        )
        warm = wait_for_lines(sink_file, already + workers_count, 60)
        if len(warm) < already + workers_count:
            raise RuntimeError("The workers did not start.")
        time.sleep(1)
        emails = personalised_emails(f"w{workers_count}")
        cpu_before = sum(cpu_seconds(worker.pid) for worker in workers)

        # Two transactions, as a circular's send does: the relays' rows first, then the
        # members' (a task committed with the first step writes them).
        send_at = time.time()
        with transaction.atomic():
            enqueue(emails[:RELAYS])
        with transaction.atomic():
            enqueue(emails[RELAYS:])
        enqueued_at = time.time()

        # Mid-way, an urgent circular to the relays: it must overtake the bulk.
        wait_for_lines(sink_file, already + workers_count + MESSAGES // 5, TIMEOUT_SECONDS)
        urgent_at = time.time()
        with transaction.atomic():
            enqueue(urgent_emails(f"w{workers_count}"))
        expected = already + workers_count + MESSAGES + RELAYS
        lines = wait_for_lines(sink_file, expected, TIMEOUT_SECONDS)
        cpu_after = sum(cpu_seconds(worker.pid) for worker in workers)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)

    urgent = [line for line in lines[already:] if line["rcpt"][0].startswith("urgent")]
    received = [line for line in lines[already:] if line["rcpt"][0].startswith("person")]
    ids = Counter(line["message_id"] for line in received)
    expected_ids = set(
        OutboxMessage.objects.filter(key__startswith="bench:").values_list("message_id", flat=True)
    )
    relay_addresses = {f"person{n}@{BENCH_DOMAIN}" for n in range(RELAYS)}
    relay_times = [line["received_at"] for line in received if line["rcpt"][0] in relay_addresses]
    last = max(line["received_at"] for line in received) if received else float("nan")
    total = last - send_at
    result = {
        "workers": workers_count,
        "messages": MESSAGES,
        "received": len(received),
        "duplicates": sum(count - 1 for count in ids.values()),
        "missing": len(expected_ids - set(ids)),
        "all_dkim_signed": all(line["dkim"] for line in received),
        "mean_size_bytes": round(sum(line["size"] for line in received) / max(len(received), 1)),
        "enqueue_seconds": round(enqueued_at - send_at, 2),
        "total_seconds": round(total, 2),
        "messages_per_second": round(len(received) / total, 1),
        "first_relay_seconds": round(min(relay_times) - send_at, 2) if relay_times else None,
        "last_relay_seconds": round(max(relay_times) - send_at, 2) if relay_times else None,
        "urgent_relays_received": len(urgent),
        "urgent_first_seconds": round(min(u["received_at"] for u in urgent) - urgent_at, 2)
        if urgent
        else None,
        "urgent_last_seconds": round(max(u["received_at"] for u in urgent) - urgent_at, 2)
        if urgent
        else None,
        "worker_cpu_ms_per_message": round(
            (cpu_after - cpu_before) * 1000 / (MESSAGES + RELAYS), 2
        ),
        "outbox_states": dict(
            Counter(
                OutboxMessage.objects.filter(key__startswith="bench:").values_list(
                    "state", flat=True
                )
            )
        ),
    }
    print(f"  {workers_count} worker(s): {json.dumps(result)}", flush=True)
    return result


def signing_cost(key_file: Path) -> dict[str, float]:
    """CPU per signature: the cryptography signer used here, and dkimpy alone."""
    import dkim

    from colombe.mailing.dkim_signing import DkimSigner, load_private_key

    message = (
        b"From: national@bench.example.org\r\nTo: person1@bench.example.org\r\n"
        b"Subject: Journee d'action\r\nMessage-ID: <1@bench.example.org>\r\n\r\n"
        + b"Bonjour, voici la circulaire.\r\n"
        * 60
    )
    signer = DkimSigner(BENCH_DOMAIN, "bench", load_private_key(key_file.read_bytes()))
    started = time.process_time()
    for _ in range(SIGNATURE_SAMPLES):
        signer.sign(message)
    ours = (time.process_time() - started) * 1000 / SIGNATURE_SAMPLES
    pem = key_file.read_bytes()
    started = time.process_time()
    for _ in range(DKIMPY_SAMPLES):
        dkim.sign(message, b"bench", BENCH_DOMAIN.encode(), pem)
    theirs = (time.process_time() - started) * 1000 / DKIMPY_SAMPLES
    print(f"  DKIM signature: {ours:.2f} ms (cryptography), {theirs:.2f} ms (dkimpy)", flush=True)
    return {"cryptography_ms": round(ours, 2), "dkimpy_ms": round(theirs, 2)}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="colombe-bench-mail-"))
    sink_file = work / "received.jsonl"
    sink, port = start_sink(sink_file)
    try:
        env = harness.server_environment(
            {
                "DATABASE_URL": DATABASE_URL,
                "MAILING_DOMAIN": BENCH_DOMAIN,
                "DEFAULT_FROM_EMAIL": f"Colombe <national@{BENCH_DOMAIN}>",
                "MAILING_TRANSPORT": "smtp",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
                "EMAIL_USE_TLS": "false",
                "MAILING_RATE_PER_SECOND": "0",
                "DKIM_DOMAIN": BENCH_DOMAIN,
                "DKIM_SELECTOR": "bench",
            }
        )
        print(f"Database {DATABASE_URL}: recreating and migrating…", flush=True)
        harness.recreate_database(DATABASE_URL)
        harness.manage("migrate", "--noinput", env=env)
        os.environ.update(env)
        import django

        django.setup()
        key_file = write_dkim_key(work)
        env["DKIM_PRIVATE_KEY_FILE"] = str(key_file)
        os.environ["DKIM_PRIVATE_KEY_FILE"] = str(key_file)
        results: dict[str, Any] = {
            "workload": __doc__.strip().split("\n\n")[1].replace("\n", " "),
            # Other work on the machine shares its 2 cores: say how busy it was.
            "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
            "targets": {"total_seconds": 60, "first_relay_seconds": 5},
        }
        print("Signing cost:", flush=True)
        results["dkim_signature_cpu"] = signing_cost(key_file)
        print("Delivery:", flush=True)
        results["runs"] = [run(count, env, sink_file) for count in WORKER_COUNTS]
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
    results["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    path = harness.write_results("mail", results)
    print(json.dumps(results["runs"], indent=1))
    print(f"Written to {path.relative_to(harness.ROOT)}")


if __name__ == "__main__":
    if not Path(harness.PYTHON).exists():
        sys.exit("Run `make install` first.")
    main()
