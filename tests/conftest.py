"""Shared test configuration: print the clinical figures after every run."""

from __future__ import annotations

from typing import Any

import pytest


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report = getattr(pytest, "vignette_report", None)
    if report is None:
        return
    terminalreporter.section("clinical vignettes")
    for line in report.lines():
        terminalreporter.write_line(line)
