"""Clinical accuracy on vignettes: appropriate triage, under-triage, top-1/top-3 diagnosis, interview length.

A vignette gives the answers a person with that story would give, the expected level (`gold`), the
levels a clinician would accept (`ok`) and the conditions that count as a correct diagnosis (`dx`).
The evaluation scale has four levels; the engine's "soon" (specialist within 2 weeks) is a routine
appointment on that scale.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spinepath.engine import Assessment, Level, assess, get_knowledge, plan_interview

EVALUATION_SCALE = ("self_care", "routine", "urgent", "emergency")
# The judges' scale: "urgent" is "seen within 24-48 hours", so same-day counts as urgent.
TO_EVALUATION_SCALE: dict[str, str] = {
    Level.SELF_CARE: "self_care",
    Level.ROUTINE: "routine",
    Level.SOON: "routine",
    Level.URGENT: "urgent",
    Level.SAME_DAY: "urgent",
    Level.EMERGENCY: "emergency",
}


@dataclass(frozen=True)
class Vignette:
    id: str
    narrative: str
    answers: Mapping[str, Any]
    gold: str
    ok: tuple[str, ...]
    dx: tuple[str, ...]


@dataclass(frozen=True)
class CaseResult:
    vignette: Vignette
    level: str
    appropriate: bool
    under_triage: bool
    top1: bool
    top3: bool
    questions_asked: int
    questions_in_form: int
    interview_level: str
    top_conditions: tuple[str, ...]
    exact_level: str = ""  # the engine's own level (six steps), whole form and interview
    interview_exact_level: str = ""
    same_top_condition: bool = True
    same_must_rule_out: bool = True


@dataclass
class Report:
    cases: list[CaseResult] = field(default_factory=list)

    def _rate(self, flags: Iterable[bool]) -> float:
        values = list(flags)
        return sum(values) / len(values) if values else 0.0

    @property
    def appropriate_rate(self) -> float:
        return self._rate(c.appropriate for c in self.cases)

    def under_triage_by_gold(self) -> dict[str, tuple[int, int]]:
        counts: dict[str, tuple[int, int]] = {}
        for level in EVALUATION_SCALE:
            cases = [c for c in self.cases if c.vignette.gold == level]
            counts[level] = (sum(c.under_triage for c in cases), len(cases))
        return counts

    @property
    def emergency_under_triage(self) -> int:
        return self.under_triage_by_gold()["emergency"][0]

    @property
    def top1_rate(self) -> float:
        return self._rate(c.top1 for c in self.cases if c.vignette.dx)

    @property
    def top3_rate(self) -> float:
        return self._rate(c.top3 for c in self.cases if c.vignette.dx)

    @property
    def median_questions(self) -> float:
        return statistics.median(c.questions_asked for c in self.cases) if self.cases else 0.0

    @property
    def most_questions(self) -> int:
        return max((c.questions_asked for c in self.cases), default=0)

    @property
    def median_form_questions(self) -> float:
        return statistics.median(c.questions_in_form for c in self.cases) if self.cases else 0.0

    @property
    def interview_agreement(self) -> float:
        """How often the shortened interview reaches the same level as the whole form."""
        return self._rate(c.interview_level == c.level for c in self.cases)

    @property
    def interview_exact_agreement(self) -> float:
        """The same, on the engine's own six levels (same day is not urgent, soon is not routine)."""
        return self._rate(c.interview_exact_level == c.exact_level for c in self.cases)

    @property
    def interview_top_agreement(self) -> float:
        return self._rate(c.same_top_condition for c in self.cases)

    @property
    def interview_must_rule_out_agreement(self) -> float:
        return self._rate(c.same_must_rule_out for c in self.cases)

    def lines(self) -> list[str]:
        under = self.under_triage_by_gold()
        lines = [
            f"cases: {len(self.cases)}",
            f"appropriate triage: {self.appropriate_rate:.1%}",
            "under-triage by gold level: "
            + ", ".join(f"{level} {n}/{total}" for level, (n, total) in under.items()),
            f"emergency under-triage: {self.emergency_under_triage}",
            f"top-1 diagnosis: {self.top1_rate:.1%}",
            f"top-3 diagnosis: {self.top3_rate:.1%}",
            f"adaptive interview: median {self.median_questions:g} questions asked, "
            f"at most {self.most_questions} "
            f"(whole form for the same people: median {self.median_form_questions:g}); "
            f"same level as the whole form: {self.interview_agreement:.1%} "
            f"(on the engine's six levels: {self.interview_exact_agreement:.1%})",
            "adaptive interview against the whole form: "
            f"same top condition {self.interview_top_agreement:.1%}, "
            f"same conditions to rule out {self.interview_must_rule_out_agreement:.1%}",
        ]
        return lines

    def failures(self) -> list[str]:
        out = []
        for case in self.cases:
            problems = []
            if not case.appropriate:
                problems.append(f"level {case.level} not in {list(case.vignette.ok)}")
            if case.vignette.dx and not case.top3:
                problems.append(f"dx {list(case.vignette.dx)} not in top 3 {list(case.top_conditions)}")
            if problems:
                out.append(f"{case.vignette.id}: " + "; ".join(problems))
        return out


def load_vignettes(paths: Sequence[Path]) -> list[Vignette]:
    vignettes = []
    for path in paths:
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            vignettes.append(
                Vignette(
                    id=str(raw["id"]),
                    narrative=str(raw.get("narrative", "")),
                    answers=complete_answers(raw["answers"]),
                    gold=str(raw["gold"]),
                    ok=tuple(raw["ok"]),
                    dx=tuple(raw.get("dx") or ()),
                )
            )
    return vignettes


def complete_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """'Anything not mentioned is absent': unanswered checklists and body maps become empty lists."""
    questionnaire = get_knowledge().questionnaire
    filled = dict(answers)
    for question in questionnaire.questions:
        unanswered_list = question.link_id not in filled and question.type in {"multi", "regions"}
        if unanswered_list and questionnaire.is_enabled(question, filled) is not False:
            filled[question.link_id] = []
    return questionnaire.validate(filled)


def diagnosis_matches(condition: Any, dx: Iterable[str]) -> bool:
    """A condition matches a dx label by id, name, clinical name or any alias (case-insensitive)."""
    knowledge_condition = get_knowledge().condition(condition.id)
    names = {
        condition.id.lower(),
        condition.id.replace("_", " ").lower(),
        knowledge_condition.clinical_name.lower(),
        *(alias.lower() for alias in knowledge_condition.aliases),
    }
    return any(label.strip().lower() in names for label in dx)


def oracle_answer(answers: Mapping[str, Any], link_id: str, question_type: str) -> Any:
    """How a vignette's person answers an asked question: their answer, or for a checklist or body map
    they never mentioned, "none of these" (an empty list)."""
    value = answers.get(link_id)
    return [] if value is None and question_type in {"multi", "regions"} else value


def play_interview(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the adaptive interview collects from a person who answers from `answers`."""
    given: dict[str, Any] = {}
    for _ in range(100):
        step = plan_interview(given)
        if step.done:
            break
        for question in step.questions:
            given[question.link_id] = oracle_answer(answers, question.link_id, question.type)
    return given


def simulate_interview(answers: Mapping[str, Any]) -> tuple[int, str]:
    """Play the adaptive interview with an oracle that answers from `answers`. Returns (asked, level)."""
    given = play_interview(answers)
    return len(given), assess(given).triage.level.value


def must_rule_out(result: Assessment) -> frozenset[str]:
    return frozenset(condition.id for condition in result.differential if condition.must_rule_out)


def evaluate(vignettes: Sequence[Vignette]) -> Report:
    report = Report()
    questionnaire = get_knowledge().questionnaire
    for vignette in vignettes:
        result: Assessment = assess(vignette.answers)
        level = TO_EVALUATION_SCALE[result.triage.level.value]
        lowest_ok = min(EVALUATION_SCALE.index(level_ok) for level_ok in vignette.ok)
        top = result.differential[:3]
        given = play_interview(vignette.answers)
        interview = assess(given)
        report.cases.append(
            CaseResult(
                vignette=vignette,
                level=level,
                appropriate=level in vignette.ok,
                under_triage=EVALUATION_SCALE.index(level) < lowest_ok,
                top1=bool(top) and diagnosis_matches(top[0], vignette.dx),
                top3=any(diagnosis_matches(condition, vignette.dx) for condition in top),
                questions_asked=len(given),
                questions_in_form=len(questionnaire.enabled_questions(vignette.answers)),
                interview_level=TO_EVALUATION_SCALE[interview.triage.level.value],
                top_conditions=tuple(condition.id for condition in top),
                exact_level=result.triage.level.value,
                interview_exact_level=interview.triage.level.value,
                same_top_condition=_top(result) == _top(interview),
                same_must_rule_out=must_rule_out(result) == must_rule_out(interview),
            )
        )
    return report


def _top(result: Assessment) -> str | None:
    return result.differential[0].id if result.differential else None


# ---------------------------------------------------------------- reliability of the displayed numbers
RELIABILITY_BINS = (0.0, 0.01, 0.05, 0.15, 0.30, 0.50, 0.70, 0.90, 1.0001)
SHOWN_PER_RESULT = 5  # the result page shows the top 5 causes


@dataclass
class ReliabilityRow:
    label: str
    shown: int = 0
    displayed_sum: float = 0.0
    confirmed: int = 0

    @property
    def mean_displayed(self) -> float | None:
        return self.displayed_sum / self.shown if self.shown else None

    @property
    def observed(self) -> float:
        return self.confirmed / self.shown if self.shown else 0.0


def reliability(vignettes: Sequence[Vignette]) -> list[ReliabilityRow]:
    """How often a cause shown with a given number turns out to be the vignette's diagnosis.

    Each of the top 5 causes of each vignette with a `dx` counts once: a share falls into its bin; a
    calibrated range counts at its midpoint in its own row; "must be checked" (no number) has its own row.
    """
    bins = [
        ReliabilityRow(f"{low:.0%}–{high if high < 1 else 1:.0%}")
        for low, high in itertools.pairwise(RELIABILITY_BINS)
    ]
    calibrated = ReliabilityRow("calibrated range (midpoint)")
    no_number = ReliabilityRow("no number: must be checked")
    for vignette in vignettes:
        if not vignette.dx:
            continue
        for condition in assess(vignette.answers).differential[:SHOWN_PER_RESULT]:
            shown = condition.shown
            if shown.kind == "share":
                displayed: float | None = condition.relative
                index = next(i for i, high in enumerate(RELIABILITY_BINS[1:]) if condition.relative < high)
                row = bins[index]
            elif shown.low is not None and shown.high is not None:
                displayed, row = (shown.low + shown.high) / 2, calibrated
            else:
                displayed, row = None, no_number
            row.shown += 1
            row.displayed_sum += displayed or 0.0
            row.confirmed += diagnosis_matches(condition, vignette.dx)
    return [*bins, calibrated, no_number]


def reliability_lines(rows: Sequence[ReliabilityRow]) -> list[str]:
    lines = [
        "| displayed | causes shown | mean displayed | confirmed (vignette dx) |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        no_number = row.mean_displayed is None or row is rows[-1]
        mean = "—" if no_number else f"{row.mean_displayed:.1%}"
        lines.append(f"| {row.label} | {row.shown} | {mean} | {row.confirmed} ({row.observed:.1%}) |")
    return lines


# ---------------------------------------------------------------- adversarial answer sets (issue #10)
ADVERSARIAL_FILE = Path(__file__).resolve().parents[2] / "tests" / "adversarial" / "answer_sets.yaml"


@dataclass(frozen=True)
class AnswerSet:
    """Answers exactly as a hurried, confused or atypical person gave them (nothing is filled in)."""

    id: str
    pattern: str
    story: str
    source: str
    minimum: str
    maximum: str | None
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class AnswerSetResult:
    answer_set: AnswerSet
    level: str
    under_triage: bool
    over_triage: bool


def _level_rank(name: str) -> int:
    """Rank on the engine's scale. A level the engine does not (yet) have counts as the next one below."""
    from spinepath.engine import Level

    names = [level.value for level in sorted(Level, key=lambda level: level.rank)]
    if name in names:
        return names.index(name)
    if name == "same_day":
        return names.index("urgent")
    raise ValueError(f"unknown level {name!r}")


@dataclass
class AdversarialReport:
    results: list[AnswerSetResult] = field(default_factory=list)

    @property
    def under_triage(self) -> int:
        return sum(r.under_triage for r in self.results)

    @property
    def over_triage(self) -> int:
        return sum(r.over_triage for r in self.results)

    def lines(self) -> list[str]:
        patterns = sorted({r.answer_set.pattern for r in self.results})
        by_pattern = ", ".join(
            f"{p} {sum(r.under_triage for r in self.results if r.answer_set.pattern == p)}"
            f"/{sum(r.answer_set.pattern == p for r in self.results)}"
            for p in patterns
        )
        bounded = sum(r.answer_set.maximum is not None for r in self.results)
        return [
            f"adversarial answer sets: {len(self.results)}",
            f"adversarial under-triage: {self.under_triage} ({by_pattern})",
            f"adversarial over-triage (above the set's maximum): {self.over_triage}/{bounded}",
        ]

    def failures(self) -> list[str]:
        out = []
        for r in self.results:
            if r.under_triage or r.over_triage:
                bound = r.answer_set.minimum if r.under_triage else r.answer_set.maximum
                word = "below minimum" if r.under_triage else "above maximum"
                out.append(f"{r.answer_set.id} ({r.answer_set.pattern}): {r.level} {word} {bound}")
        return out


def load_answer_sets(path: Path = ADVERSARIAL_FILE) -> list[AnswerSet]:
    sets = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        sets.append(
            AnswerSet(
                id=str(raw["id"]),
                pattern=str(raw["pattern"]),
                story=str(raw["story"]),
                source=str(raw["source"]),
                minimum=str(raw["min"]),
                maximum=str(raw["max"]) if raw.get("max") else None,
                answers=dict(raw["answers"]),
            )
        )
    return sets


def evaluate_answer_sets(answer_sets: Sequence[AnswerSet]) -> AdversarialReport:
    report = AdversarialReport()
    for answer_set in answer_sets:
        level = assess(answer_set.answers).triage.level.value
        rank = _level_rank(level)
        report.results.append(
            AnswerSetResult(
                answer_set=answer_set,
                level=level,
                under_triage=rank < _level_rank(answer_set.minimum),
                over_triage=answer_set.maximum is not None and rank > _level_rank(answer_set.maximum),
            )
        )
    return report
