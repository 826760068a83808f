"""Engine speed: assessments per second and latency, side by side with a baseline, in one run.

    .venv/bin/python bench/engine.py                  # this checkout, against the floor
    .venv/bin/python bench/engine.py --against 6e77004   # ... and an earlier commit's engine, interleaved

Prints, for the same machine and run: answer validation alone (the floor: the cost of reading the
answers), a full assessment, and adaptive-interview steps, with the ratios between them. The steps are
timed two ways: one step after the warning signs (every adaptive question to weigh), and every step of
the interview played through for each vignette person, as a server meets them: people one after another
(the engine's memos as a running process has them), and each person on a fresh process (memos empty:
the worst case, after a restart).

With --against, that commit's engine (src/spinepath/engine, pure Python) is exported into a temporary
directory and imported as a second package; every call is timed on both engines in random order, so a
machine that speeds up or slows down during the run affects both alike (this machine's speed varies
by 2x within minutes).
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spinepath import engine as current_engine  # noqa: E402
from spinepath.evaluation import load_vignettes, oracle_answer  # noqa: E402

VIGNETTES = sorted((ROOT / "tests" / "vignettes").glob("*.yaml"))
Call = Callable[[ModuleType, dict[str, Any]], object]


def baseline_engine(rev: str, into: Path) -> ModuleType:
    """The engine package as it was at `rev`, importable beside the current one."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "src/spinepath/engine"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    tar_path = into / "engine.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    (into / "src" / "spinepath" / "engine").rename(into / "baseline_engine")
    sys.path.insert(0, str(into))
    return importlib.import_module("baseline_engine")


def forget(engine: ModuleType) -> None:
    """Empty the engine's memos (engines before they had `forget_remembered_results` had fewer)."""
    if hasattr(engine, "forget_remembered_results"):
        engine.forget_remembered_results()
    else:
        importlib.import_module(engine.__name__ + ".bounds")._GROUP_CACHE.clear()


def timed(
    engines: dict[str, ModuleType], call: Call, answers: dict[str, Any], out: dict[str, list[float]]
) -> None:
    order = list(engines.items())
    random.shuffle(order)
    for name, engine in order:
        start = time.perf_counter()
        call(engine, answers)
        out[name].append(time.perf_counter() - start)


def measure(
    engines: dict[str, ModuleType], call: Call, cases: list[dict[str, Any]], rounds: int
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for answers in cases:
            timed(engines, call, answers, out)
    return out


def interview_prefixes(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For each person, the answers given before each step of this checkout's interview."""
    people = []
    for answers in cases:
        given: dict[str, Any] = {}
        steps = []
        while True:
            steps.append(dict(given))
            step = current_engine.plan_interview(given)
            if step.done:
                break
            for question in step.questions:
                given[question.link_id] = oracle_answer(answers, question.link_id, question.type)
        people.append(steps)
    return people


def played(
    engines: dict[str, ModuleType], people: list[list[dict[str, Any]]], *, fresh: bool
) -> dict[str, list[float]]:
    """Every step of each person's interview, person after person."""
    out: dict[str, list[float]] = {name: [] for name in engines}
    for steps in people:
        if fresh:  # what a newly started process has: nothing remembered
            for engine in engines.values():
                forget(engine)
        for answers in steps:
            timed(engines, lambda engine, given: engine.plan_interview(given), answers, out)
    return out


def summary(timings: list[float]) -> tuple[float, float, float]:
    timings = sorted(timings)
    return (
        len(timings) / sum(timings),
        statistics.median(timings) * 1000,
        timings[int(len(timings) * 0.99) - 1] * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", metavar="REV", help="also time this commit's engine, interleaved")
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        engines: dict[str, ModuleType] = {"this checkout": current_engine}
        if options.against:
            engines[options.against] = baseline_engine(options.against, Path(scratch))
        for engine in engines.values():
            engine.get_knowledge()  # load once, outside the timings
        cases = [dict(v.answers) for v in load_vignettes(VIGNETTES)]
        questionnaire = current_engine.get_knowledge().questionnaire
        # After the core and red-flag questions: the step that has to weigh every adaptive question.
        partial = [
            {k: v for k, v in answers.items() if questionnaire.by_id[k].phase in {"core", "red_flag"}}
            for answers in cases
        ]
        people = interview_prefixes(cases)
        rows = [
            ("validate answers (floor)", measure(engines, lambda e, a: e.validate_answers(a), cases, options.rounds)),
            ("assess (full result)", measure(engines, lambda e, a: e.assess(a), cases, options.rounds)),
            ("interview step (after red flags)", measure(engines, lambda e, a: e.plan_interview(a), partial, 3)),
            ("interview steps, people in turn", played(engines, people, fresh=False)),
            ("interview steps, fresh process each", played(engines, people, fresh=True)),
        ]  # fmt: skip

    steps = sum(len(person) for person in people)
    print(
        f"{len(cases)} vignette answer sets ({steps} interview steps), {options.rounds} rounds;"
        f" Python {sys.version.split()[0]}"
    )
    header = f"{'operation':36} {'engine':>14} {'per second':>11} {'p50 ms':>8} {'p99 ms':>8} {'vs floor':>9}"
    if options.against:
        header += f" {'speed vs ' + options.against:>18}"
    print(header)
    for label, timings in rows:
        floor = {name: summary(rows[0][1][name])[0] for name in engines}
        for name in engines:
            per_second, p50, p99 = summary(timings[name])
            line = f"{label:36} {name:>14} {per_second:11.0f} {p50:8.3f} {p99:8.3f} {per_second / floor[name]:9.3f}"
            if options.against:
                line += f" {per_second / summary(timings[options.against])[0]:18.2f}"
            print(line)


if __name__ == "__main__":
    main()
