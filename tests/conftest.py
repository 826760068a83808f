"""Shared test configuration: each test starts in English; print the clinical figures after every run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import translation
from django_tasks_db.management.commands import db_worker
from hypothesis import settings as hypothesis_settings

# Property tests: random and fresh on a developer's machine (finding new counterexamples is the point);
# derandomized in CI (`HYPOTHESIS_PROFILE=ci` in .ci/run), so a CI run is reproducible to the byte by
# running the same profile locally, and a counterexample found locally is fixed before it lands.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware never deactivates),
    which would otherwise change the language of the next test's messages."""
    yield
    translation.deactivate()


# Tests that are not about the limits make many requests from one address: they run with limits far above
# what they send (the counting still happens). Tests marked `rate_limits` run with the real settings.
GENEROUS_RATE = "100000/h"
GENEROUS_RATE_ENV = {
    variable: GENEROUS_RATE for variable, _default in django_settings._RATE_LIMIT_VARIABLES.values()
}


@pytest.fixture(autouse=True)
def _generous_rate_limits(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("rate_limits"):
        yield
        return
    generous = {
        action: dict.fromkeys(limits, GENEROUS_RATE) for action, limits in django_settings.RATE_LIMITS.items()
    }
    with override_settings(RATE_LIMITS=generous):
        yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report = getattr(pytest, "vignette_report", None)
    if report is None:
        return
    terminalreporter.section("clinical vignettes")
    for line in report.lines():
        terminalreporter.write_line(line)


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the real background worker (`manage.py db_worker --batch`) in this test: every job due now,
    including retries the jobs queue for now. Returns how many jobs it ran.

    Inside a test's transaction the worker must not close the database connection between jobs, as it
    does in production; that is the only difference."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run
