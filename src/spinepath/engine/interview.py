"""The adaptive interview: which questions to ask next, and when to stop.

Order: the emergency warning signs marked `first` (and their follow-ups), then the core questions (who,
where, how long), then the rest of the warning-sign screen (never skipped),
then every question whose answer could still make the result urgent or more serious (a rule or an
escalation that a missing answer leaves open: the interview never stops while one is open), then
adaptive questions chosen one by one by expected information gain about the differential plus
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
from .triage import decide, fired_rules, possible_escalations, possible_rules

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
    # The emergency warning signs (`first`) come before anything else, so that a person who needs
    # emergency help is told so within a few screens (issue #13); then who, where, how long.
    first = [q for q in pending("red_flag") if q.first]
    if first:
        remaining = len(pending("core")) + len(pending("red_flag")) + 3 + len(plan_left)
        return InterviewStep(_same_section(first), False, None, asked, remaining)
    for phase in ("core", "red_flag"):
        questions = pending(phase)
        if questions:
            later = len(pending("red_flag")) if phase == "core" else 0
            remaining = len(questions) + later + 3 + len(plan_left)
            return InterviewStep(_same_section(questions), False, None, asked, remaining)

    # Never stop while an unasked question could still make the result urgent or more serious: the
    # questions behind a rule or escalation that a missing answer leaves open come first.
    could_raise = _questions_that_could_raise(kb, clean, findings, language)
    if could_raise:
        remaining = len(could_raise) + len(plan_left)
        return InterviewStep(_same_section(could_raise), False, None, asked, remaining)

    adaptive_asked = sum(1 for link_id in clean if questionnaire.by_id[link_id].phase == "adaptive")
    candidates = pending("adaptive")
    if candidates and adaptive_asked < MAX_ADAPTIVE:
        lookahead = _Lookahead(kb, findings)
        gains = sorted(
            ((lookahead.gain(q), q) for q in candidates),
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


def _questions_that_could_raise(
    kb: Knowledge, answers: Mapping[str, Any], findings: Mapping[str, bool], language: str
) -> list[Question]:
    """Unasked questions whose answer could fire an urgent or more serious rule or escalation."""
    questionnaire = kb.questionnaire
    open_hits = possible_rules(kb, findings, answers, language) + possible_escalations(
        kb, findings, answers, language
    )
    wanted = {reason.finding for hit in open_hits for reason in hit.because if not reason.present}
    return [
        q
        for q in questionnaire.questions
        if q.link_id in wanted and q.link_id not in answers and questionnaire.is_enabled(q, answers) is True
    ]


def _could_stand_down(kb: Knowledge, answers: Mapping[str, Any], question: Question, depth: int = 3) -> bool:
    """Whether some answer to `question` (and to the warning-sign follow-ups it opens, such as "which of
    these is new?") would leave no emergency rule firing."""
    questionnaire = kb.questionnaire
    for _, value in _possible_answers(question):
        after = {**answers, question.link_id: value}
        findings = compute_findings(kb, after)
        if not any(r.level is Level.EMERGENCY and r.when.satisfied(findings) for r in kb.rules):
            return True
        if depth > 1:
            opened = [
                q
                for q in questionnaire.questions
                if q.phase == "red_flag"
                and q.link_id not in after
                and questionnaire.is_enabled(q, answers) is not True
                and questionnaire.is_enabled(q, after) is True
            ]
            if any(_could_stand_down(kb, after, q, depth - 1) for q in opened):
                return True
    return False


def _same_section(questions: Sequence[Question]) -> tuple[Question, ...]:
    first = questions[0]
    return tuple(q for q in questions if q.section == first.section)[:QUESTIONS_PER_STEP]


@dataclass(frozen=True)
class _Tables:
    """Per-finding lookups for the lookahead, built once per knowledge version."""

    evidence: Mapping[str, tuple[tuple[int, float, float], ...]]  # finding -> (condition, log LR+, log LR-)
    rules: Mapping[str, tuple[int, ...]]  # finding -> indexes of rules that mention it


_TABLES: dict[str, _Tables] = {}


def _tables(kb: Knowledge) -> _Tables:
    tables = _TABLES.get(kb.version)
    if tables is None:
        evidence: dict[str, list[tuple[int, float, float]]] = {}
        for index, condition in enumerate(kb.conditions):
            for item in condition.evidence:
                evidence.setdefault(item.finding, []).append((index, item.log_lr_pos, item.log_lr_neg))
        rules: dict[str, list[int]] = {}
        for index, rule in enumerate(kb.rules):
            for finding in set(rule.when.leaves()):
                rules.setdefault(finding, []).append(index)
        tables = _Tables(
            evidence={k: tuple(v) for k, v in evidence.items()}, rules={k: tuple(v) for k, v in rules.items()}
        )
        _TABLES[kb.version] = tables
    return tables


class _Lookahead:
    """Scores hypothetical answers against the current state without recomputing everything.

    An approximation, on purpose: a hypothetical answer moves each condition by the likelihood
    ratios of the option findings it would settle (without group damping or re-derived clusters),
    and only the rules that mention those findings are re-evaluated. The full engine, not this,
    decides the result; the lookahead only ranks which question to ask next.
    """

    def __init__(self, kb: Knowledge, findings: Mapping[str, bool]) -> None:
        self.kb = kb
        self.findings = findings
        self.tables = _tables(kb)
        self.log_odds = []
        for condition in kb.conditions:
            if condition.requires is not None and condition.requires.evaluate(findings) is False:
                self.log_odds.append(-math.inf)
            else:
                self.log_odds.append(score(condition, findings)[0])
        self.entropy = _entropy(self.log_odds)
        self.rule_fired = [rule.when.satisfied(findings) for rule in kb.rules]
        self.rank = max(
            (r.level.rank for r, f in zip(kb.rules, self.rule_fired, strict=True) if f), default=0
        )

    def _settles(self, question: Question, value: Any) -> dict[str, bool]:
        chosen = {value} if question.type == "choice" else set(value)
        return {
            option.finding: option.value in chosen
            for option in question.options
            if option.finding and self.findings.get(option.finding) is None
        }

    def gain(self, question: Question) -> float:
        expected_entropy = 0.0
        triage_value = 0.0
        for probability, value in _possible_answers(question):
            settled = self._settles(question, value)
            if not settled:
                expected_entropy += probability * self.entropy
                continue
            log_odds = list(self.log_odds)
            for finding, present in settled.items():
                for index, log_lr_pos, log_lr_neg in self.tables.evidence.get(finding, ()):
                    log_odds[index] += log_lr_pos if present else log_lr_neg
            expected_entropy += probability * _entropy(log_odds)
            rise = self._rank_after(settled) - self.rank
            if rise > 0:
                triage_value += probability * rise * TRIAGE_WEIGHT_BITS
        return max(0.0, self.entropy - expected_entropy) + triage_value

    def _rank_after(self, settled: Mapping[str, bool]) -> int:
        touched = {index for finding in settled for index in self.tables.rules.get(finding, ())}
        if not touched:
            return self.rank
        findings = {**self.findings, **settled}
        rank = 0
        for index, rule in enumerate(self.kb.rules):
            fired = rule.when.satisfied(findings) if index in touched else self.rule_fired[index]
            if fired:
                rank = max(rank, rule.level.rank)
        return rank


def _entropy(log_odds: Sequence[float]) -> float:
    """Entropy (bits) of the conditions' posteriors, normalised into shares."""
    probabilities = [
        0.0 if x == -math.inf else 1 / (1 + math.exp(-max(min(x, 50.0), -50.0))) for x in log_odds
    ]
    total = sum(probabilities) or 1.0
    return -sum(p / total * math.log2(p / total) for p in probabilities if p > 0)


def _possible_answers(question: Question) -> list[tuple[float, Any]]:
    if question.type == "choice":
        share = 1 / len(question.options)
        return [(share, option.value) for option in question.options]
    if question.type == "multi":
        share = 0.5 / len(question.options)
        return [(0.5, [])] + [(share, [option.value]) for option in question.options]
    return []  # numbers and body maps are core questions, never adaptive


def expected_gain(kb: Knowledge, findings: Mapping[str, bool], question: Question) -> float:
    """Expected bits of information about the differential, plus the value of a possible triage rise."""
    return _Lookahead(kb, findings).gain(question)
