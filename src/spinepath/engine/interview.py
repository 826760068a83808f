"""The adaptive interview: which questions to ask next, and when to stop.

Order: the core questions (who, where, how long), then the whole warning-sign screen (never skipped),
then adaptive questions chosen one by one by expected information gain about the differential plus
the chance that the answer raises the triage level, until no question is worth asking; then the
care-plan questions (medicine safety, habits). Any answer that already means "emergency" stops the
interview at once.

Answer model for the expected gain: each possible answer is taken as equally likely (for a
checklist: "none of these" half the time, otherwise one item). It is deliberately simple; the
gain only has to rank questions, and the red-flag screen does not depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .differential import score
from .findings import compute_findings
from .knowledge import Knowledge, get_knowledge
from .model import Level, Triage
from .questionnaire import Question
from .triage import decide, fired_rules

QUESTIONS_PER_STEP = 3
MIN_GAIN_BITS = 0.04  # below this, a question is not worth the person's time
MAX_ADAPTIVE = 8
TRIAGE_WEIGHT_BITS = 0.75  # value of a possible one-level rise in urgency, in bits


@dataclass(frozen=True)
class InterviewStep:
    questions: tuple[Question, ...]
    done: bool
    emergency: Triage | None
    asked: int
    remaining: int


def plan_interview(
    answers: Mapping[str, Any], *, language: str = "en", knowledge: Knowledge | None = None
) -> InterviewStep:
    """The next questions to ask (same section, at most three), or done / emergency."""
    kb = knowledge or get_knowledge()
    questionnaire = kb.questionnaire
    clean = questionnaire.validate(answers)
    asked = len(clean)
    findings = compute_findings(kb, clean)
    hits = fired_rules(kb, findings, language)

    def pending(phase: str) -> list[Question]:
        return [
            q
            for q in questionnaire.questions
            if q.phase == phase and q.link_id not in clean and questionnaire.is_enabled(q, clean) is True
        ]

    if hits and hits[0].level is Level.EMERGENCY:
        # One follow-up can still change the picture (e.g. "stable for more than 2 weeks"): ask it
        # first. Anything that cannot turn the emergency off is not worth a moment's delay.
        deciding = next((q for q in pending("red_flag") if _could_stand_down(kb, clean, q)), None)
        if deciding is not None:
            return InterviewStep((deciding,), False, None, asked, 1)
        triage = decide(kb, hits=hits, differential=(), unscreened=(), language=language)
        return InterviewStep((), True, triage, asked, 0)

    plan_left = pending("plan")
    for phase in ("core", "red_flag"):
        questions = pending(phase)
        if questions:
            later = len(pending("red_flag")) if phase == "core" else 0
            remaining = len(questions) + later + 3 + len(plan_left)
            return InterviewStep(_same_section(questions), False, None, asked, remaining)

    adaptive_asked = sum(1 for link_id in clean if questionnaire.by_id[link_id].phase == "adaptive")
    candidates = pending("adaptive")
    if candidates and adaptive_asked < MAX_ADAPTIVE:
        gains = sorted(
            ((expected_gain(kb, clean, findings, q), q) for q in candidates),
            key=lambda pair: -pair[0],
        )
        worth = [q for gain, q in gains if gain >= MIN_GAIN_BITS]
        if worth:
            best = worth[0]
            chosen = [best, *[q for q in worth[1:] if q.section == best.section][: QUESTIONS_PER_STEP - 1]]
            chosen.sort(key=questionnaire.questions.index)
            remaining = min(len(worth), MAX_ADAPTIVE - adaptive_asked) + len(plan_left)
            return InterviewStep(tuple(chosen), False, None, asked, remaining)

    if plan_left:
        return InterviewStep(_same_section(plan_left), False, None, asked, len(plan_left))
    return InterviewStep((), True, None, asked, 0)


def _could_stand_down(kb: Knowledge, answers: Mapping[str, Any], question: Question) -> bool:
    """Whether some answer to `question` would leave no emergency rule firing."""
    for _, value in _possible_answers(question):
        findings = compute_findings(kb, {**answers, question.link_id: value})
        if not any(r.level is Level.EMERGENCY and r.when.satisfied(findings) for r in kb.rules):
            return True
    return False


def _same_section(questions: Sequence[Question]) -> tuple[Question, ...]:
    first = questions[0]
    return tuple(q for q in questions if q.section == first.section)[:QUESTIONS_PER_STEP]


def _condition_findings(kb: Knowledge) -> list[frozenset[str]]:
    """For each condition, the findings its score depends on (cached per knowledge version)."""
    cached = _FINDINGS_BY_CONDITION.get(kb.version)
    if cached is None:
        cached = [
            frozenset(item.finding for item in c.evidence)
            | frozenset(c.requires.leaves() if c.requires else ())
            for c in kb.conditions
        ]
        _FINDINGS_BY_CONDITION[kb.version] = cached
    return cached


_FINDINGS_BY_CONDITION: dict[str, list[frozenset[str]]] = {}


def _probabilities(
    kb: Knowledge, findings: Mapping[str, bool], base: tuple[Mapping[str, bool], list[float]] | None = None
) -> list[float]:
    """Unnormalised posterior per condition; with `base`, only conditions touched by a change are rescored."""
    changed: set[str] | None = None
    if base is not None:
        base_findings, _ = base
        changed = {
            k for k in findings.keys() | base_findings.keys() if findings.get(k) != base_findings.get(k)
        }
    probabilities = []
    for index, (condition, depends_on) in enumerate(zip(kb.conditions, _condition_findings(kb), strict=True)):
        if base is not None and changed is not None and not (depends_on & changed):
            probabilities.append(base[1][index])
            continue
        if condition.requires is not None and condition.requires.evaluate(findings) is False:
            probabilities.append(0.0)
            continue
        log_odds, _ = score(condition, findings)
        probabilities.append(1 / (1 + math.exp(-max(min(log_odds, 50.0), -50.0))))
    return probabilities


def _entropy(probabilities: Sequence[float]) -> float:
    total = sum(probabilities) or 1.0
    return -sum(p / total * math.log2(p / total) for p in probabilities if p > 0)


def _rule_rank(kb: Knowledge, findings: Mapping[str, bool]) -> int:
    return max((rule.level.rank for rule in kb.rules if rule.when.satisfied(findings)), default=0)


def _possible_answers(question: Question) -> list[tuple[float, Any]]:
    if question.type == "choice":
        share = 1 / len(question.options)
        return [(share, option.value) for option in question.options]
    if question.type == "multi":
        share = 0.5 / len(question.options)
        return [(0.5, [])] + [(share, [option.value]) for option in question.options]
    return []  # numbers and body maps are core questions, never adaptive


def expected_gain(
    kb: Knowledge, answers: Mapping[str, Any], findings: Mapping[str, bool], question: Question
) -> float:
    """Expected bits of information about the differential, plus the value of a possible triage rise."""
    base = (findings, _probabilities(kb, findings))
    base_entropy = _entropy(base[1])
    base_rank = _rule_rank(kb, findings)
    expected_entropy = 0.0
    triage_value = 0.0
    for probability, value in _possible_answers(question):
        hypothetical = compute_findings(kb, {**answers, question.link_id: value})
        expected_entropy += probability * _entropy(_probabilities(kb, hypothetical, base))
        rise = _rule_rank(kb, hypothetical) - base_rank
        if rise > 0:
            triage_value += probability * rise * TRIAGE_WEIGHT_BITS
    return max(0.0, base_entropy - expected_entropy) + triage_value
