"""Which advice guards fire for a person: certainly, or possibly because an answer is missing.

Unknown never reassures: a guard that carries an `unknown_text` also fires while an answer that could
make it true was skipped or never asked, and then says so ("you did not tell us ... ask first").

A guard can watch findings (`when`) or *concerns*: conditions that an urgent or emergency triage rule
names (the ones a clinician must rule out; weaker "soon" flags such as age over 50 alone do not count)
or that passed their escalation threshold. A concern is *possible* when a rule naming it could still
fire on the missing answers, or when the condition's probability could still pass its threshold: the
known score plus, for every unknown finding, its stronger likelihood ratio in full. Damping within a
group only ever shrinks what an added finding contributes, so this is a true upper bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .differential import score
from .knowledge import Condition, Guard, Knowledge
from .model import Level


@dataclass(frozen=True)
class Concerns:
    """Conditions that must be ruled out before some advice is safe."""

    raised: frozenset[str]
    possible: frozenset[str]  # not raised, but a missing answer could raise them


class Firing(Enum):
    CERTAIN = "certain"
    POSSIBLE = "possible"


def _probability(log_odds: float) -> float:
    return 1 / (1 + math.exp(-log_odds))


def _best_case_log_odds(condition: Condition, findings: Mapping[str, bool], known: float) -> float:
    """The highest log-odds the condition could reach once every unknown finding is answered."""
    unknown_gain = sum(
        max(0.0, item.log_lr_pos, item.log_lr_neg)
        for item in condition.evidence
        if item.finding not in findings
    )
    return known + unknown_gain


def concerns(knowledge: Knowledge, findings: Mapping[str, bool]) -> Concerns:
    raised: set[str] = set()
    possible: set[str] = set()
    for rule in knowledge.rules:
        if rule.level.rank < Level.URGENT.rank:
            continue
        value = rule.when.evaluate(findings)
        if value is True:
            raised.update(rule.conditions)
        elif value is None:
            possible.update(rule.conditions)
    for condition in knowledge.conditions:
        if condition.escalate is None or condition.id in raised:
            continue
        if condition.requires is not None and condition.requires.evaluate(findings) is False:
            continue
        log_odds, _ = score(condition, findings)
        threshold = condition.escalate.probability
        if _probability(log_odds) >= threshold:
            raised.add(condition.id)
        elif _probability(_best_case_log_odds(condition, findings, log_odds)) >= threshold:
            possible.add(condition.id)
    return Concerns(raised=frozenset(raised), possible=frozenset(possible - raised))


def firing(guard: Guard, *, findings: Mapping[str, bool], raised: Concerns) -> Firing | None:
    """Whether the guard fires: certainly, possibly (only for guards that act on unknowns), or not."""
    value = guard.when.evaluate(findings) if guard.when is not None else False
    if value is True or guard.concerns & raised.raised:
        return Firing.CERTAIN
    if guard.unknown_text is not None and (value is None or guard.concerns & raised.possible):
        return Firing.POSSIBLE
    return None


def first_firing(
    guards: tuple[Guard, ...], *, findings: Mapping[str, bool], raised: Concerns
) -> tuple[Guard, Firing] | None:
    """The guard that decides: a certain one first (its reason is about the person), else a possible one."""
    states = [(guard, firing(guard, findings=findings, raised=raised)) for guard in guards]
    for wanted in (Firing.CERTAIN, Firing.POSSIBLE):
        for guard, state in states:
            if state is wanted:
                return guard, wanted
    return None
