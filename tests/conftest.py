"""Shared test configuration: each test starts in English; print the clinical figures after every run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware never deactivates),
    which would otherwise change the language of the next test's messages."""
    yield
    translation.deactivate()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report = getattr(pytest, "vignette_report", None)
    if report is None:
        return
    terminalreporter.section("clinical vignettes")
    for line in report.lines():
        terminalreporter.write_line(line)
