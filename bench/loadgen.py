"""A small HTTP/1.1 load generator, run as its own process so that it never shares an
interpreter with the server or with the benchmark's bookkeeping.

It keeps ``--connections`` keep-alive connections to 127.0.0.1, sends the prepared
requests (one JSON object per line: method, path, headers, body, tag) either as fast as
the server answers (closed loop) or at a fixed ``--rate`` (open loop), stops issuing at
``--seconds`` and waits for every request in flight, so that each request has a known
outcome. It prints one JSON document: status counts, latency percentiles and the tags of
the requests accepted: answered 200, with ``--accepted-text`` in the body when given."""

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

MAX_CONNECTIONS = 512
MAX_SECONDS = 60


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed by the server")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.writer = None
        return status, body


def encode(request: dict[str, Any], host: str) -> bytes:
    body = request.get("body", "").encode()
    headers = {"Host": host, "Connection": "keep-alive", **request.get("headers", {})}
    if body:
        headers["Content-Length"] = str(len(body))
    head = f"{request['method']} {request['path']} HTTP/1.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode() + b"\r\n" + body


async def run(args: argparse.Namespace, requests: list[dict[str, Any]]) -> dict[str, Any]:
    queue = iter(requests)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    accepted: list[str] = []
    errors: Counter[str] = Counter()
    started = time.monotonic()
    deadline = started + min(args.seconds, MAX_SECONDS)
    interval = 1.0 / args.rate if args.rate else 0.0
    next_slot = [started]
    accepted_text = args.accepted_text.encode()

    async def worker() -> None:
        connection = Connection(args.host, args.port)
        while time.monotonic() < deadline:
            if interval:  # open loop: requests leave on a fixed schedule
                slot = next_slot[0]
                next_slot[0] += interval
                await asyncio.sleep(max(0.0, slot - time.monotonic()))
                if time.monotonic() >= deadline:
                    return
            request = next(queue, None)
            if request is None:
                return
            sent = time.monotonic()
            try:
                status, body = await connection.request(encode(request, f"{args.host}:{args.port}"))
            except (ConnectionError, OSError, asyncio.IncompleteReadError) as error:
                errors[type(error).__name__] += 1
                connection = Connection(args.host, args.port)
                continue
            latencies.append((time.monotonic() - sent) * 1000)
            statuses[str(status)] += 1
            if status == 200 and request.get("tag") and accepted_text in body:
                accepted.append(request["tag"])

    connections = min(args.connections, MAX_CONNECTIONS)
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2)
            if latencies
            else 0.0
        )

    return {
        "connections": connections,
        "seconds": round(elapsed, 2),
        "responses": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "accepted_per_second": round(len(accepted) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "max_ms": round(latencies[-1], 2) if latencies else 0.0,
        "statuses": dict(statuses),
        "errors": dict(errors),
        "accepted_tags": accepted,
        "unused_requests": sum(1 for _ in queue),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", required=True, help="file of JSON lines")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=0, help="requests/s (open loop)")
    parser.add_argument(
        "--accepted-text", default="", help="what the body of an accepted request contains"
    )
    args = parser.parse_args()
    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit("The load generator only targets the loopback.")
    with open(args.requests) as file:
        requests = [json.loads(line) for line in file]
    print(json.dumps(asyncio.run(run(args, requests))))


if __name__ == "__main__":
    main()
