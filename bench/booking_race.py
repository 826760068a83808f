"""Booking race: 200 concurrent clients book the same slot on a real server; then a mixed load.

    .venv/bin/python bench/booking_race.py [--clients 200] [--databases sqlite,postgres]

For each database: a fresh database is migrated and loaded with the demo clinic; granian serves the
app with 2 worker processes; 200 clients (threads, one HTTP connection each) first load the booking
page, then all post a booking for the same slot at the same moment. Exactly one must succeed; every
other must get a clear 409; zero 5xx. Then 60 clients book 60 different slots at once: bookings per
second and p95 latency. PostgreSQL runs only if it is reachable at 127.0.0.1:5432 (database `test`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GRANIAN = str(ROOT / ".venv" / "bin" / "granian")
SETUP = """
import json
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import record_assessment
from tests.engine.helpers import sciatica
tokens = []
for _ in range({n}):
    interview = Interview.objects.create(answers=sciatica())
    record_assessment(interview=interview, language="en")
    tokens.append(interview.token)
print(json.dumps(tokens))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def prepare(env: dict[str, str], people: int) -> list[str]:
    subprocess.run(
        [PY, "manage.py", "flush", "--noinput"], cwd=ROOT, env=env, check=False, capture_output=True
    )
    subprocess.run(
        [PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run([PY, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", SETUP.format(n=people)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
         "--blocking-threads", "16", "spinepath.config.wsgi:application"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT / "src")}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def load_offer(client: httpx.Client, token: str) -> tuple[str, list[str]]:
    page = client.get(f"/booking/{token}/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    slots = re.findall(r'name="slot" value="([^"]+)"', page)
    if not csrf or not slots:
        raise RuntimeError("no booking form on the offer page")
    return csrf.group(1), slots


def post_booking(client: httpx.Client, token: str, csrf: str, slot: str) -> tuple[int, float]:
    data = {"csrfmiddlewaretoken": csrf, "slot": slot, "idempotency_key": uuid.uuid4().hex, "name": "Race Client",
            "date_of_birth": "1980-01-01", "email": "race@example.org"}  # fmt: skip
    started = time.perf_counter()
    status = client.post(
        f"/booking/{token}/", data=data, headers={"Referer": str(client.base_url)}
    ).status_code
    return status, time.perf_counter() - started


def run_clients(base: str, tokens: list[str], pick_slot: object) -> list[tuple[int, float]]:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens))

    def client_thread(index: int, token: str) -> None:
        with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
            try:
                csrf, slots = load_offer(client, token)
                slot = pick_slot(index, slots)  # type: ignore[operator]
                barrier.wait()
                outcome = post_booking(client, token, csrf, slot)
            except Exception as error:
                print(f"client {index}: {error!r}", file=sys.stderr)
                outcome = (599, 0.0)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client_thread, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def measure(name: str, env: dict[str, str], clients: int) -> dict[str, object]:
    tokens = prepare(env, clients)
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        race = run_clients(base, tokens, lambda _i, slots: slots[0])
        spread = 60
        started = time.perf_counter()
        mixed = run_clients(base, tokens[:spread], lambda i, slots: slots[(i + 1) % len(slots)])
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    codes = [code for code, _ in race]
    mixed_ok = [latency for code, latency in mixed if code == 302]
    return {
        "database": name,
        "race_clients": clients,
        "race_winners": codes.count(302),
        "race_409": codes.count(409),
        "race_5xx": sum(1 for c in codes if c >= 500),
        "mixed_booked": len(mixed_ok),
        "mixed_bookings_per_s": round(len(mixed_ok) / elapsed, 1) if elapsed else 0.0,
        "mixed_p95_ms": round(statistics.quantiles(mixed_ok, n=20)[-1] * 1000, 1)
        if len(mixed_ok) > 1
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.databases.split(","):
            # 200 clients from one address: this bench measures the race, not the anti-automation limits.
            env = {**os.environ, "SPINEPATH_DEBUG": "false", "SPINEPATH_LOG_LEVEL": "ERROR",
                   "SPINEPATH_RATE_LIMITS_ENABLED": "false"}  # fmt: skip
            if name == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{folder}/race.sqlite3"
            elif name == "postgres" and postgres_reachable():
                env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/spinepath_bench"
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                                "CREATE DATABASE spinepath_bench"], capture_output=True, check=False)  # fmt: skip
            else:
                print(f"skipping {name}: not reachable")
                continue
            rows.append(measure(name, env, args.clients))
    print(
        f"{'database':9} {'clients':>7} {'winners':>7} {'409s':>5} {'5xx':>4} {'mixed ok':>8} {'bookings/s':>10} {'p95 ms':>7}"
    )
    for row in rows:
        print(f"{row['database']:9} {row['race_clients']:>7} {row['race_winners']:>7} {row['race_409']:>5} {row['race_5xx']:>4} "
              f"{row['mixed_booked']:>8} {row['mixed_bookings_per_s']:>10} {row['mixed_p95_ms']!s:>7}")  # fmt: skip
    if any(row["race_winners"] != 1 or row["race_5xx"] for row in rows):
        raise SystemExit("double booking or server errors: see the table above")


if __name__ == "__main__":
    main()
