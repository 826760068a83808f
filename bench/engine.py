"""Engine speed: assessments per second and latency, side by side with a baseline, in one run.

    .venv/bin/python bench/engine.py

Prints, for the same machine and run: answer validation alone (the floor: the cost of reading the
answers), a full assessment, and adaptive-interview steps, with the ratios between them. The steps are
timed two ways: one step after the warning signs (every adaptive question to weigh), and every step of
the interview played through for each vignette person, as a server meets them: people one after another
(the engine's caches as a running process has them), and each person on a fresh process (caches empty:
the worst case, after a restart).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spinepath.engine import (
    assess,
    forget_remembered_results,
    get_knowledge,
    plan_interview,
    validate_answers,
)
from spinepath.evaluation import load_vignettes, oracle_answer

VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "tests" / "vignettes").glob("*.yaml"))


def measure(
    name: str, call: Callable[[dict[str, Any]], object], cases: list[dict[str, Any]], rounds: int
) -> dict[str, float]:
    timings = []
    for _ in range(rounds):
        for answers in cases:
            start = time.perf_counter()
            call(answers)
            timings.append(time.perf_counter() - start)
    return summary(name, timings)


def played(name: str, cases: list[dict[str, Any]], *, fresh: bool) -> dict[str, float]:
    """Every step of the interview, played through for each person (answering from their story)."""
    timings = []
    for answers in cases:
        if fresh:  # what a newly started process has: nothing remembered
            forget_remembered_results()
        given: dict[str, Any] = {}
        while True:
            start = time.perf_counter()
            step = plan_interview(given)
            timings.append(time.perf_counter() - start)
            if step.done:
                break
            for question in step.questions:
                given[question.link_id] = oracle_answer(answers, question.link_id, question.type)
    return summary(name, timings)


def summary(name: str, timings: list[float]) -> dict[str, float]:
    timings.sort()
    return {
        "name": name,  # type: ignore[dict-item]
        "per_second": len(timings) / sum(timings),
        "p50_ms": statistics.median(timings) * 1000,
        "p99_ms": timings[int(len(timings) * 0.99) - 1] * 1000,
    }


def main() -> None:
    get_knowledge()  # load once, outside the timings
    cases = [dict(v.answers) for v in load_vignettes(VIGNETTES)]
    questionnaire = get_knowledge().questionnaire
    # After the core and red-flag questions: the step that has to weigh every adaptive question.
    partial = [
        {k: v for k, v in answers.items() if questionnaire.by_id[k].phase in {"core", "red_flag"}}
        for answers in cases
    ]
    rounds = 20
    rows = [
        measure("validate answers (floor)", validate_answers, cases, rounds),
        measure("assess (full result)", assess, cases, rounds),
        measure("interview step (after red flags)", plan_interview, partial, 3),
        played("interview steps, people in turn", cases, fresh=False),
        played("interview steps, fresh process each", cases, fresh=True),
    ]
    floor = rows[0]["per_second"]
    print(f"{len(cases)} vignette answer sets, {rounds} rounds; Python {sys.version.split()[0]}")
    print(f"{'operation':36} {'per second':>11} {'p50 ms':>8} {'p99 ms':>8} {'vs floor':>9}")
    for row in rows:
        print(
            f"{row['name']:36} {row['per_second']:11.0f} {row['p50_ms']:8.3f} {row['p99_ms']:8.3f}"
            f" {row['per_second'] / floor:9.3f}"
        )


if __name__ == "__main__":
    main()
