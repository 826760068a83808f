"""Load: many patients completing interviews and booking over the JSON API, against granian workers.

    .venv/bin/python bench/load.py [--patients 120] [--concurrency 8] [--workers N] [--threads 1]
                                   [--databases sqlite,postgres] [--no-redis]

Per database: a fresh database with the demo clinic; granian serves spinepath.config.wsgi with N worker
processes (default: one per CPU); on PostgreSQL, Redis holds the cache and cached sessions when it is
running at 127.0.0.1:6379 (as in docs/deploy.md). The load generator is this script (httpx, threads),
on the same machine. Reports, measured on the same server in the same run:

  - throughput of a trivial endpoint (GET /api/v1/health) and of a full stateless assessment
    (POST /api/v1/assess, a different vignette each time), alternated in rounds; their ratio (goal >= 0.5),
    and the server's CPU time per request of each;
  - patient journeys (start, answer every step, result, slots, book): throughput, p50/p95/p99 per step,
    error rate (a 409 "slot just taken" is a correct answer under contention, counted separately);
  - the peak resident memory of each worker process (VmHWM in /proc/<pid>/status; goal < 250 MB).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.booking_race import GRANIAN, PY, ROOT, free_port, postgres_reachable
from spinepath.evaluation import oracle_answer

POSTGRES = "postgres://postgres@127.0.0.1:5432/spinepath_load"
REDIS = "redis://127.0.0.1:6379/14"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-q", "-c"]


def _step_cell(result: dict[str, Any], *, step: str) -> str:
    """One journey step's p50 / p95 / p99 latency, for the results table."""
    return " / ".join(f"{v:,.0f}" for v in result["steps"][step]) + " ms"


def load_answer_sets() -> list[dict[str, Any]]:
    """The development and independent vignettes that are not emergencies (those never book)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spinepath.config.settings")
    from spinepath.evaluation import load_vignettes

    cases = load_vignettes(sorted((ROOT / "tests" / "vignettes").glob("*.yaml")))
    return [dict(case.answers) for case in cases if case.gold != "emergency"]


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def prepare(env: dict[str, str]) -> None:
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_demo"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)


def start(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers",
               str(workers), "--blocking-threads", str(threads), "spinepath.config.wsgi:application"]  # fmt: skip
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("server did not start")


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def workers_of(parent: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _status(int(entry.name)).get("PPid", "").strip() == str(parent)
    ]


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of one process (VmHWM), in MB."""
    return int(_status(pid).get("VmHWM", "0 kB").split()[0]) / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def hammer(
    base: str, requests: int, concurrency: int, call: Callable[[httpx.Client], int]
) -> tuple[float, int]:
    """`requests` calls spread over `concurrency` client threads: (requests per second, errors)."""
    counter = itertools.count()
    errors = [0]
    lock = threading.Lock()

    def loop() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while next(counter) < requests:
                if call(client) >= 400:
                    with lock:
                        errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return requests / (time.perf_counter() - started), errors[0]


_ADDRESSES = itertools.count(1)


@dataclass
class Journeys:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, client: httpx.Client, step: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        response = client.request(method, url, **kwargs)
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings[step].append(elapsed)
            self.statuses[f"{step} {response.status_code}"] += 1
            if response.status_code >= 400 and not (step == "book" and response.status_code == 409):
                self.failures.append(f"{step}: {response.status_code} {response.text[:200]}")
        return response

    def journey(self, client: httpx.Client, answers: dict[str, Any], address: str | None = None) -> None:
        """One patient, from their own address (the TLS proxy's X-Forwarded-For): the anti-automation
        limits count per address, and real patients do not share one."""
        number = next(_ADDRESSES)
        client.headers["X-Forwarded-For"] = address or f"10.{number // 250 % 250}.{number % 250}.1"
        step = self.timed(client, "start", "POST", "/api/v1/interviews", json={}).json()
        token = step["token"]
        for _ in range(60):
            if step["done"]:
                break
            batch = {q["link_id"]: oracle_answer(answers, q["link_id"], q["type"]) for q in step["questions"]}
            step = self.timed(
                client, "answer step", "POST", f"/api/v1/interviews/{token}/answers", json={"answers": batch}
            ).json()
        self.timed(client, "result", "GET", f"/api/v1/interviews/{token}/result")
        offer = self.timed(client, "slots", "GET", f"/api/v1/interviews/{token}/slots").json()
        if offer.get("slots"):
            slot = offer["slots"][int(uuid.uuid4()) % len(offer["slots"])]
            body = {"token": token, "clinician_id": slot["clinician_id"], "start": slot["start"],
                    "name": "Load Test", "date_of_birth": "1970-01-01", "email": "load@example.org"}  # fmt: skip
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            self.timed(client, "book", "POST", "/api/v1/bookings", json=body, headers=headers)


def ratio_rounds(
    base: str, concurrency: int, answer_sets: list[dict[str, Any]], pids: list[int]
) -> dict[str, Any]:
    """Trivial and full requests alternated in rounds (the machine's background load hits both alike)."""
    sample = itertools.cycle(answer_sets)
    calls: dict[str, tuple[int, Callable[[httpx.Client], int]]] = {
        "trivial": (800, lambda c: c.get("/api/v1/health").status_code),
        "full": (300, lambda c: c.post("/api/v1/assess", json={"answers": next(sample)}).status_code),
    }
    rates: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    errors = 0
    for _ in range(3):
        for name, (requests, call) in calls.items():
            before = cpu_seconds(pids)
            rate, failed = hammer(base, requests, concurrency, call)
            cpu[name].append((cpu_seconds(pids) - before) / requests * 1000)
            rates[name].append(rate)
            errors += failed
    trivial, full = statistics.median(rates["trivial"]), statistics.median(rates["full"])
    return {
        "trivial": trivial,
        "full": full,
        "ratio": full / trivial,
        "ratio_rounds": [f / t for f, t in zip(rates["full"], rates["trivial"], strict=True)],
        "cpu_ms": {name: statistics.median(values) for name, values in cpu.items()},
        "errors": errors,
    }


def measure(name: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    prepare(env)
    answer_sets = load_answer_sets()
    port = free_port()
    server = start(env, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        pids = workers_of(server.pid)
        # Warm up: every worker loads the knowledge base and opens its database connections.
        warm = itertools.cycle(answer_sets)
        hammer(
            base,
            40 * args.workers,
            args.concurrency,
            lambda c: c.post("/api/v1/assess", json={"answers": next(warm)}).status_code,
        )
        ratio = ratio_rounds(base, args.concurrency, answer_sets, pids)
        journeys = Journeys()
        queue = iter(range(args.patients))
        lock = threading.Lock()

        def patient_loop() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while True:
                    with lock:
                        number = next(queue, None)
                    if number is None:
                        return
                    journeys.journey(client, answer_sets[number % len(answer_sets)])

        started = time.perf_counter()
        threads = [threading.Thread(target=patient_loop) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        journey_seconds = time.perf_counter() - started
        peaks = [round(peak_rss_mb(pid), 1) for pid in pids]
    finally:
        server.terminate()
        server.wait(timeout=15)
    requests = sum(len(v) for v in journeys.timings.values())
    return {
        "name": name,
        "redis": "SPINEPATH_REDIS_URL" in env,
        **ratio,
        "journeys_per_s": args.patients / journey_seconds,
        "requests": requests,
        "requests_per_s": requests / journey_seconds,
        "failures": journeys.failures,
        "error_rate": len(journeys.failures) / max(requests, 1),
        "taken": journeys.statuses["book 409"],
        "booked": journeys.statuses["book 201"],
        "steps": {
            step: tuple(1000 * q for q in (statistics.median(v), *statistics.quantiles(v, n=100)[94::4]))
            for step, v in journeys.timings.items()
            if len(v) > 1
        },
        "peak_mb": peaks,
    }


def database_env(name: str, folder: str, use_redis: bool) -> dict[str, str] | None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SPINEPATH_REDIS_URL"}}
    env["SPINEPATH_LOG_LEVEL"] = "ERROR"
    env["SPINEPATH_PROXY_COUNT"] = "1"  # as behind the TLS proxy: each patient's own address counts
    if name == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder}/load.sqlite3"
        return env
    if name == "postgres" and postgres_reachable():
        subprocess.run([*PSQL, "DROP DATABASE IF EXISTS spinepath_load"], capture_output=True, check=False)
        subprocess.run([*PSQL, "CREATE DATABASE spinepath_load"], capture_output=True, check=True)
        env["DATABASE_URL"] = POSTGRES
        if use_redis and redis_running():
            env["SPINEPATH_REDIS_URL"] = REDIS
            subprocess.run(
                ["redis-cli", "-n", REDIS.rsplit("/", 1)[1], "flushdb"], capture_output=True, check=False
            )
        return env
    print(f"skipping {name}: not reachable", file=sys.stderr)
    return None


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"granian: {args.workers} workers x {args.threads} blocking thread(s); {args.concurrency} client threads; "
          f"{args.patients} patients; {os.cpu_count()} CPUs shared with the load generator\n")  # fmt: skip
    names = [r["name"] + (" + Redis" if r["redis"] else "") for r in results]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(results))

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        print(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "trivial `GET /api/v1/health`",
        lambda r: f"{r['trivial']:.0f} req/s ({r['cpu_ms']['trivial']:.2f} ms CPU)",
    )
    row("full `POST /api/v1/assess`", lambda r: f"{r['full']:.0f} req/s ({r['cpu_ms']['full']:.2f} ms CPU)")
    row("**ratio full / trivial** (goal ≥ 0.5)",
        lambda r: f"**{r['ratio']:.2f}** (rounds " + ", ".join(f"{x:.2f}" for x in r["ratio_rounds"]) + ")")  # fmt: skip
    row("patient journeys", lambda r: f"{r['journeys_per_s']:.1f}/s ({r['requests_per_s']:.0f} req/s)")
    row("requests; error rate", lambda r: f"{r['requests']}; {r['error_rate']:.2%}")
    row("bookings made; slot just taken (409)", lambda r: f"{r['booked']}; {r['taken']}")
    for step in results[0]["steps"]:
        row(f"{step} p50 / p95 / p99", functools.partial(_step_cell, step=step))
    row("peak RSS per worker (goal < 250 MB)", lambda r: ", ".join(f"{p:.0f}" for p in r["peak_mb"]) + " MB")
    for r in results:
        for failure in r["failures"][:5]:
            print(f"  {r['name']} failure: {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--patients", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=1, help="granian blocking threads per worker")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-redis", dest="redis", action="store_false")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.databases.split(","):
            env = database_env(name, folder, args.redis)
            if env is not None:
                results.append(measure(name, env, args))
    subprocess.run([*PSQL, "DROP DATABASE IF EXISTS spinepath_load"], capture_output=True, check=False)
    report(results, args)


if __name__ == "__main__":
    main()
