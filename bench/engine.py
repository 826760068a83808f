"""Engine speed: assessments per second and latency, side by side with a baseline, in one run.

    .venv/bin/python bench/engine.py

Prints, for the same machine and run: answer validation alone (the floor: the cost of reading the
answers), a full assessment, and one adaptive-interview step, with the ratios between them.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spinepath.engine import assess, get_knowledge, plan_interview, validate_answers
from spinepath.evaluation import load_vignettes

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
