"""Clinical accuracy on the vignette suites in tests/vignettes (figures printed at the end of the run).

Every case is a parametrised test of the one rule that must never break: no under-triage of an
emergency or urgent case. The aggregate test holds the suite to minimum accuracy figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinepath.engine import assess
from spinepath.evaluation import EVALUATION_SCALE, TO_EVALUATION_SCALE, Report, evaluate, load_vignettes

VIGNETTE_FILES = sorted((Path(__file__).parent / "vignettes").glob("*.yaml"))
VIGNETTES = load_vignettes(VIGNETTE_FILES)
SERIOUS = [v for v in VIGNETTES if v.gold in {"emergency", "urgent"}]


@pytest.mark.parametrize("vignette", SERIOUS, ids=[v.id for v in SERIOUS])
def test_serious_cases_are_never_under_triaged(vignette) -> None:  # type: ignore[no-untyped-def]
    level = TO_EVALUATION_SCALE[assess(vignette.answers).triage.level.value]
    lowest_ok = min(EVALUATION_SCALE.index(ok) for ok in vignette.ok)
    assert EVALUATION_SCALE.index(level) >= lowest_ok, f"{vignette.id}: {level} for {vignette.narrative}"


@pytest.fixture(scope="module")
def report() -> Report:
    result = evaluate(VIGNETTES)
    pytest.vignette_report = result  # type: ignore[attr-defined]  # printed by conftest's summary hook
    return result


def test_there_are_enough_vignettes_to_mean_something() -> None:
    assert len(VIGNETTES) >= 80
    assert {v.gold for v in VIGNETTES} == set(EVALUATION_SCALE)


def test_zero_emergency_under_triage(report: Report) -> None:
    assert report.emergency_under_triage == 0


def test_triage_is_appropriate_in_most_cases(report: Report) -> None:
    assert report.appropriate_rate >= 0.95, report.failures()


def test_the_right_diagnosis_is_usually_in_the_top_three(report: Report) -> None:
    assert report.top3_rate >= 0.90, report.failures()
    assert report.top1_rate >= 0.70, report.failures()


def test_the_adaptive_interview_is_much_shorter_than_the_form(report: Report) -> None:
    assert report.median_questions < report.median_form_questions
    under = [c for c in report.cases if EVALUATION_SCALE.index(c.interview_level) < EVALUATION_SCALE.index(c.level)
             and c.vignette.gold in {"emergency", "urgent"}]  # fmt: skip
    assert not under, [c.vignette.id for c in under]
