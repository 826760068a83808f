"""Faults against the real server (granian, in a subprocess):

- SIGKILL during a burst of writes (new interviews, answers, bookings), then a restart: every write that
  was confirmed to a client is there, and no row is half-written. Runs on the configured database
  (SQLite file by default; a fresh PostgreSQL database when DATABASE_URL points to PostgreSQL).
- The database unreachable: requests get a clear 503 JSON answer, never a 500.
- PostgreSQL restarted under the running app: it recovers without being restarted, and the requests
  that failed meanwhile got 503 JSON (only with DATABASE_URL on PostgreSQL and `pg_ctlcluster`).
- SQLite runs in WAL mode with a busy timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.booking_race import GRANIAN, ROOT, SETUP, free_port

from tests.conftest import GENEROUS_RATE_ENV
from tests.engine.helpers import sciatica

pytestmark = pytest.mark.slow
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-q", "-c"]

# Everything stored, read back through the ORM (so the same check works on SQLite and PostgreSQL).
CHECK = """
import json
from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.intake.models import AssessmentRecord, Interview
booked = {}
for a in Appointment.objects.filter(status="booked").order_by("clinician_id", "start"):
    booked.setdefault(a.clinician_id, []).append((a.start, a.end))
overlaps = sum(1 for spans in booked.values() for (s1, e1), (s2, e2) in zip(spans, spans[1:]) if s2 < e1)
print(json.dumps({
    "appointments": {str(a.public_id): {"whole": a.start < a.end and a.assessment_id is not None and bool(a.person_name),
                                        "status": a.status} for a in Appointment.objects.all()},
    "interviews": {i.token: i.answers for i in Interview.objects.all()},
    "records_whole": all(isinstance(r.result, dict) and "triage" in r.result and r.knowledge_version
                         for r in AssessmentRecord.objects.all()),
    "overlaps": overlaps,
}))
"""


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=database_url, SPINEPATH_LOG_LEVEL="ERROR", PYTHONPATH=f"{ROOT / 'src'}:{ROOT}")
    env.update(GENEROUS_RATE_ENV)  # these tests are about faults, not limits: 200 clients share one address
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout


def _prepare(env: dict[str, str], people: int) -> list[str]:
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo")
    return list(json.loads(_manage(env, "shell", "-c", SETUP.format(n=people)).strip().splitlines()[-1]))


def _fresh_postgres(name: str) -> str:
    subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {name}"], check=False, capture_output=True)
    subprocess.run([*PSQL, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _serve(env: dict[str, str], port: int, *, wait: bool = True) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([GRANIAN, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                               "--blocking-threads", "8", "spinepath.config.wsgi:application"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # fmt: skip
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=15)


class Burst:
    """Writers in threads; each write is recorded only once the server has confirmed it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.bookings: list[str] = []
        self.interviews: dict[str, dict[str, Any]] = {}  # token -> answers confirmed so far

    def book(self, token: str) -> None:
        # Generous: on a busy shared machine one slot list can take over 10 s; a timeout is not a fault.
        with httpx.Client(base_url=self.base, timeout=60) as client:
            slots = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"]
            for slot in slots[:3]:
                if self.stop.is_set():
                    return
                body = {"token": token, "clinician_id": slot["clinician_id"], "start": slot["start"],
                        "name": "Fault Test", "date_of_birth": "1970-01-01", "email": "f@example.org"}  # fmt: skip
                response = client.post(
                    "/api/v1/bookings", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
                )
                if response.status_code == 201:
                    with self.lock:
                        self.bookings.append(response.json()["id"])
                    return

    def interview(self) -> None:
        answers = sciatica()
        # Generous: on a busy shared machine one slot list can take over 10 s; a timeout is not a fault.
        with httpx.Client(base_url=self.base, timeout=60) as client:
            response = client.post("/api/v1/interviews", json={})
            if response.status_code != 201:
                return
            step = response.json()
            confirmed: dict[str, Any] = {}
            with self.lock:
                self.interviews[step["token"]] = dict(confirmed)
            while not step["done"] and not self.stop.is_set():
                batch = {q["link_id"]: answers.get(q["link_id"]) for q in step["questions"]}
                response = client.post(f"/api/v1/interviews/{step['token']}/answers", json={"answers": batch})
                if response.status_code != 200:
                    return
                confirmed.update(batch)
                with self.lock:
                    self.interviews[step["token"]] = dict(confirmed)
                step = response.json()

    def run(self, tokens: list[str], interviews: int) -> threading.Thread:
        def safely(target: Any, *args: Any) -> None:
            try:
                target(*args)
            except (httpx.HTTPError, ValueError, KeyError):
                return  # the server died under us: only confirmed writes count

        threads = [threading.Thread(target=safely, args=(self.book, t)) for t in tokens]
        threads += [threading.Thread(target=safely, args=(self.interview,)) for _ in range(interviews)]

        def all_of_them() -> None:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        runner = threading.Thread(target=all_of_them)
        runner.start()
        return runner


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Path | None]]:
    if ON_POSTGRES:
        yield _fresh_postgres("spinepath_faults_kill"), None
        subprocess.run(
            [*PSQL, "DROP DATABASE IF EXISTS spinepath_faults_kill"], check=False, capture_output=True
        )
    else:
        yield f"sqlite:///{tmp_path / 'faults.sqlite3'}", tmp_path / "faults.sqlite3"


def test_sigkill_during_a_burst_of_writes_loses_nothing_confirmed(database: tuple[str, Path | None]) -> None:
    url, sqlite_file = database
    env = _env(url)
    tokens = _prepare(env, 40)
    port = free_port()
    server = _serve(env, port)
    burst = Burst(f"http://127.0.0.1:{port}")
    runner = burst.run(tokens, interviews=20)
    deadline = time.time() + 120  # it kills as soon as some writes are confirmed; slow machines need longer
    while time.time() < deadline:  # kill mid-burst: some writes confirmed, others in flight
        with burst.lock:
            progressed = len(burst.bookings) >= 3 and sum(1 for a in burst.interviews.values() if a) >= 3
        if progressed:
            break
        time.sleep(0.01)
    os.killpg(server.pid, signal.SIGKILL)  # no chance to finish anything or clean up
    server.wait(timeout=10)
    burst.stop.set()
    runner.join(timeout=120)
    restarted = _serve(env, port)
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/interviews/{tokens[0]}/result").status_code == 200
    finally:
        _stop(restarted)

    assert burst.bookings and burst.interviews, (
        "nothing was confirmed before the kill: the test proves nothing"
    )
    stored = json.loads(_manage(env, "shell", "-c", CHECK).strip().splitlines()[-1])
    missing = set(burst.bookings) - set(stored["appointments"])
    assert not missing, f"bookings confirmed to a client are missing: {missing}"
    assert all(a["whole"] and a["status"] in {"booked", "cancelled"} for a in stored["appointments"].values())
    assert stored["overlaps"] == 0 and stored["records_whole"]
    for token, confirmed in burst.interviews.items():
        assert token in stored["interviews"], "an interview confirmed to a client is missing"
        kept = stored["interviews"][token]
        assert all(kept.get(link_id) == value for link_id, value in confirmed.items() if value is not None), (
            token
        )
    if sqlite_file is not None:
        with sqlite3.connect(sqlite_file) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_unreachable_database_gives_a_clear_503_not_a_500() -> None:
    env = _env("postgres://postgres@127.0.0.1:1/nowhere")  # nothing listens on port 1
    port = free_port()
    server = _serve(env, port)  # /health needs no database
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for response in (
            httpx.get(f"{base}/interviews/{'a' * 43}", timeout=10),
            httpx.post(f"{base}/interviews", json={}, timeout=10),
            httpx.post(f"{base}/interviews/{'a' * 43}/answers", json={"answers": {"age": 40}}, timeout=10),
        ):
            assert response.status_code == 503, response.text
            assert (
                response.headers["Retry-After"] and "unavailable" in response.json()["detail"][0]["message"]
            )
    finally:
        _stop(server)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: Any) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


@pytest.mark.skipif(
    not (ON_POSTGRES and shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir()),
    reason="needs DATABASE_URL on PostgreSQL and pg_ctlcluster (restarts that PostgreSQL server)",
)
def test_postgres_restart_is_survived_without_restarting_the_app() -> None:
    env = _env(_fresh_postgres("spinepath_faults_restart"))
    tokens = _prepare(env, 3)
    port = free_port()
    server = _serve(env, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        assert httpx.get(f"{base}/interviews/{tokens[0]}/result", timeout=10).status_code == 200
        version = sorted(os.listdir("/etc/postgresql"))[0]
        restart = subprocess.Popen(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        during: list[httpx.Response] = []
        created: list[str] = []
        deadline = time.time() + 60
        while restart.poll() is None and time.time() < deadline:
            for method, url in (
                ("GET", f"{base}/interviews/{tokens[1]}/result"),
                ("POST", f"{base}/interviews"),
            ):
                try:
                    response = httpx.request(method, url, json={} if method == "POST" else None, timeout=5)
                except httpx.HTTPError:
                    continue  # refused while the server itself was starting: no answer, not a wrong one
                during.append(response)
                if response.status_code == 201:
                    created.append(response.json()["token"])
            time.sleep(0.02)
        restart.wait(timeout=60)
        assert restart.returncode == 0, "pg_ctlcluster restart failed"
        assert during, "no request was made during the restart"
        for response in during:
            assert response.status_code in {200, 201, 503}, response.text  # never a 500
            if response.status_code == 503:
                assert response.json()["detail"][0]["message"] and response.headers["Retry-After"]
        recovered = [
            httpx.get(f"{base}/interviews/{tokens[2]}/result", timeout=10).status_code for _ in range(3)
        ]
        assert recovered == [200, 200, 200], recovered  # the same app process, reconnected
        for token in created:  # every interview confirmed during the restart was kept
            assert httpx.get(f"{base}/interviews/{token}", timeout=10).status_code == 200
    finally:
        _stop(server)
        from django.db import connections

        connections.close_all()  # this test process's own connections died with the restart
        subprocess.run(
            [*PSQL, "DROP DATABASE IF EXISTS spinepath_faults_restart"], check=False, capture_output=True
        )
