"""Load: many patients completing interviews and booking, against granian with several workers.

    .venv/bin/python bench/load.py [--patients 60] [--concurrency 12] [--workers 3] [--databases sqlite,postgres]

Per database: a fresh database with the demo clinic; granian serves the WSGI app with N worker
processes. Reports, measured in the same run on the same server:
  - throughput of a trivial endpoint (GET /api/v1/health) and of a full assessment (POST /api/v1/assess),
    and their ratio (goal >= 0.5);
  - patient journeys (start, answer every step, result, slots, book): p50/p95/p99 per step, error rate;
  - peak resident memory of each worker process (VmHWM from /proc; goal < 250 MB).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.booking_race import GRANIAN, PY, ROOT, free_port, postgres_reachable


def load_answer_sets() -> list[dict[str, Any]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spinepath.config.settings")
    from spinepath.evaluation import load_vignettes

    cases = load_vignettes(sorted((ROOT / "tests" / "vignettes").glob("*.yaml")))
    return [dict(case.answers) for case in cases if case.gold != "emergency"]


def prepare(env: dict[str, str]) -> None:
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_demo"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)


def start(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            GRANIAN,
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "8",
            "spinepath.config.wsgi:application",
        ],
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


def worker_peaks(parent: int) -> list[int]:
    """Peak RSS (KiB) of each child process of the server."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(parent) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]))
    return peaks


def hammer(
    base: str, requests: int, concurrency: int, call: Callable[[httpx.Client], int]
) -> tuple[float, int]:
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


def journey(
    client: httpx.Client, answers: dict[str, Any], timings: dict[str, list[float]], failures: list[str]
) -> None:
    def timed(step: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        response = client.request(method, url, **kwargs)
        timings[step].append(time.perf_counter() - started)
        if response.status_code >= 400 and not (step == "book" and response.status_code == 409):
            failures.append(f"{step}: {response.status_code}")
        return response

    step = timed("start", "POST", "/api/v1/interviews", json={}).json()
    token = step["token"]
    for _ in range(40):
        if step["done"]:
            break
        batch = {}
        for question in step["questions"]:
            value = answers.get(question["link_id"])
            batch[question["link_id"]] = (
                [] if value is None and question["type"] in {"multi", "regions"} else value
            )
        step = timed(
            "answer step", "POST", f"/api/v1/interviews/{token}/answers", json={"answers": batch}
        ).json()
    timed("result", "GET", f"/api/v1/interviews/{token}/result")
    offer = timed("slots", "GET", f"/api/v1/interviews/{token}/slots").json()
    if offer.get("slots"):
        slot = offer["slots"][hash(token) % len(offer["slots"])]
        body = {
            "token": token,
            "clinician_id": slot["clinician_id"],
            "start": slot["start"],
            "name": "Load Test",
            "date_of_birth": "1970-01-01",
            "email": "load@example.org",
        }
        timed("book", "POST", "/api/v1/bookings", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


def measure(name: str, env: dict[str, str], patients: int, concurrency: int, workers: int) -> dict[str, Any]:
    prepare(env)
    answer_sets = load_answer_sets()
    port = free_port()
    server = start(env, port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        trivial, trivial_errors = hammer(
            base, 1500, concurrency, lambda c: c.get("/api/v1/health").status_code
        )
        sample = itertools.cycle(answer_sets)
        full, full_errors = hammer(
            base,
            600,
            concurrency,
            lambda c: c.post("/api/v1/assess", json={"answers": next(sample)}).status_code,
        )
        timings: dict[str, list[float]] = defaultdict(list)
        failures: list[str] = []
        queue = iter(range(patients))
        lock = threading.Lock()

        def patient_loop() -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                while True:
                    with lock:
                        number = next(queue, None)
                    if number is None:
                        return
                    journey(client, answer_sets[number % len(answer_sets)], timings, failures)

        started = time.perf_counter()
        threads = [threading.Thread(target=patient_loop) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        journey_seconds = time.perf_counter() - started
        peaks = worker_peaks(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)
    requests = sum(len(v) for v in timings.values())
    return {
        "name": name,
        "trivial": trivial,
        "full": full,
        "ratio": full / trivial,
        "errors_simple": trivial_errors + full_errors,
        "journeys_per_s": patients / journey_seconds,
        "requests": requests,
        "failures": len(failures),
        "error_rate": len(failures) / max(requests, 1),
        "steps": {
            k: (statistics.median(v), statistics.quantiles(v, n=20)[-1], statistics.quantiles(v, n=100)[-1])
            for k, v in timings.items()
            if len(v) > 1
        },
        "peak_mb": [round(p / 1024, 1) for p in peaks],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.databases.split(","):
            env = {**os.environ, "SPINEPATH_LOG_LEVEL": "ERROR"}
            if name == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{folder}/load.sqlite3"
            elif name == "postgres" and postgres_reachable():
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-d",
                        "test",
                        "-c",
                        "DROP DATABASE IF EXISTS spinepath_load",
                    ],
                    capture_output=True,
                    check=False,
                )
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-d",
                        "test",
                        "-c",
                        "CREATE DATABASE spinepath_load",
                    ],
                    capture_output=True,
                    check=False,
                )
                env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/spinepath_load"
            else:
                continue
            results.append(measure(name, env, args.patients, args.concurrency, args.workers))
    for r in results:
        print(
            f"== {r['name']}: {args.workers} granian workers, {args.concurrency} concurrent clients, {args.patients} patients"
        )
        print(
            f"   trivial GET /health: {r['trivial']:.0f} req/s; full POST /assess: {r['full']:.0f} req/s; "
            f"ratio {r['ratio']:.2f}; errors {r['errors_simple']}"
        )
        print(
            f"   journeys: {r['journeys_per_s']:.2f}/s, {r['requests']} requests, error rate {r['error_rate']:.2%}"
        )
        for step, (p50, p95, p99) in r["steps"].items():
            print(
                f"   {step:12} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms"
            )
        print(f"   peak RSS per worker (MB): {r['peak_mb']}")


if __name__ == "__main__":
    main()
