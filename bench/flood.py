"""Flood: while one client floods the API, does a normal patient's journey still complete in time?

    .venv/bin/python bench/flood.py [--journeys 12] [--flooders 6] [--workers 2] [--databases sqlite,postgres]

Per database: a fresh database with the demo clinic, granian with N workers behind a pretend TLS proxy
(SPINEPATH_PROXY_COUNT=1; each client sends its own X-Forwarded-For), and the real anti-automation
limits (settings.SPINEPATH_RATE_LIMITS). Two runs on the same server:

  1. unflooded: the normal patients' journeys (start, answer every step, result, slots, book), one after
     another, each from its own address;
  2. flooded: the same journeys while `--flooders` threads from ONE address start interviews and book
     with one token as fast as they can (what issue #12 found: 408 fake cases in 30 s, 201 bookings).

Reports each run's journey time (median, p95), the ratio flooded / unflooded (goal <= 2), every step
of every normal journey that failed, and how the flooder was answered (201 vs 429).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.booking_race import free_port
from bench.load import Journeys, database_env, load_answer_sets, prepare, start

FLOODER = "203.0.113.66"


def journeys(
    base: str, answer_sets: list[dict[str, Any]], count: int, offset: int
) -> tuple[list[float], Journeys]:
    """`count` patient journeys one after another, each from its own address: seconds per journey."""
    record = Journeys()
    seconds = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for number in range(count):
            started = time.perf_counter()
            record.journey(client, answer_sets[(offset + number) % len(answer_sets)],
                           address=f"10.20.{(offset + number) // 250}.{(offset + number) % 250 + 1}")  # fmt: skip
            seconds.append(time.perf_counter() - started)
    return seconds, record


def flood(base: str, stop: threading.Event, answers: Counter[str], lock: threading.Lock) -> None:
    """One abusive client: new interviews and bookings with one token, no pause, one address."""
    headers = {"X-Forwarded-For": FLOODER}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        token = client.post("/api/v1/interviews", json={}).json().get("token", "x" * 43)
        body = {"token": token, "clinician_id": 1, "start": "2030-01-07T09:00:00+00:00", "name": "Flood",
                "date_of_birth": "1970-01-01", "email": "flood@example.org"}  # fmt: skip
        while not stop.is_set():
            for method, url, kwargs in (
                ("POST", "/api/v1/interviews", {"json": {}}),
                (
                    "POST",
                    "/api/v1/bookings",
                    {"json": body, "headers": {"Idempotency-Key": uuid.uuid4().hex}},
                ),
            ):
                status = client.request(method, url, **kwargs).status_code
                with lock:
                    answers[f"{url.rsplit('/', 1)[1]} {status}"] += 1


def summary(seconds: list[float]) -> tuple[float, float]:
    return statistics.median(seconds), statistics.quantiles(seconds, n=20)[-1] if len(
        seconds
    ) > 1 else seconds[0]


def measure(name: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    prepare(env)
    answer_sets = load_answer_sets()
    port = free_port()
    server = start(env, port, args.workers, 1)
    base = f"http://127.0.0.1:{port}"
    try:
        journeys(base, answer_sets, 3, 1000)  # warm every worker
        calm, calm_record = journeys(base, answer_sets, args.journeys, 0)
        stop, lock, answers = threading.Event(), threading.Lock(), Counter[str]()
        flooders = [
            threading.Thread(target=flood, args=(base, stop, answers, lock)) for _ in range(args.flooders)
        ]
        for thread in flooders:
            thread.start()
        time.sleep(1)  # the flood is under way (and over its limits) before the patients arrive
        started = time.perf_counter()
        stormy, stormy_record = journeys(base, answer_sets, args.journeys, args.journeys)
        flood_seconds = time.perf_counter() - started + 1
        stop.set()
        for thread in flooders:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=15)
    return {
        "name": name,
        "redis": "SPINEPATH_REDIS_URL" in env,
        "calm": summary(calm),
        "stormy": summary(stormy),
        "ratio": statistics.median(stormy) / statistics.median(calm),
        "failures": calm_record.failures + stormy_record.failures,
        "booked": (calm_record.statuses["book 201"], stormy_record.statuses["book 201"]),
        "flood": dict(answers),
        "flood_rate": sum(answers.values()) / flood_seconds,
    }


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"granian: {args.workers} workers; {args.journeys} normal journeys per run (one after another); "
          f"{args.flooders} flooding threads from one address\n")  # fmt: skip
    names = [r["name"] + (" + Redis" if r["redis"] else "") for r in results]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(results))

    def row(label: str, cell: Any) -> None:
        print(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "journey unflooded, median / p95",
        lambda r: f"{r['calm'][0] * 1000:,.0f} / {r['calm'][1] * 1000:,.0f} ms",
    )
    row(
        "journey flooded, median / p95",
        lambda r: f"{r['stormy'][0] * 1000:,.0f} / {r['stormy'][1] * 1000:,.0f} ms",
    )
    row("**ratio flooded / unflooded** (goal ≤ 2)", lambda r: f"**{r['ratio']:.2f}**")
    row("normal journeys failed steps", lambda r: str(len(r["failures"])))
    row("normal bookings made (unflooded, flooded)", lambda r: f"{r['booked'][0]}, {r['booked'][1]}")
    row("flooder requests (rate)", lambda r: f"{sum(r['flood'].values())} ({r['flood_rate']:.0f}/s)")
    row("flooder answers", lambda r: ", ".join(f"{k}: {v}" for k, v in sorted(r["flood"].items())))
    for r in results:
        for failure in r["failures"][:5]:
            print(f"  {r['name']} failure: {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--journeys", type=int, default=12)
    parser.add_argument("--flooders", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-redis", dest="redis", action="store_false")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.databases.split(","):
            env = database_env(name, folder, args.redis)
            if env is not None:
                results.append(measure(name, env, args))
    report(results, args)


if __name__ == "__main__":
    main()
