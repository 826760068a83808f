"""The differential: prior odds x likelihood ratios -> ranked posteriors, each with its explanation.

Each condition is scored on its own (present vs absent), as in the clinical-decision literature:
posterior log-odds = prior log-odds + the sum of log likelihood ratios of known findings. Findings
that measure the same thing (a `group` in the knowledge base) are not independent, so within a
group the strongest ratio counts in full and each further one at half the weight of the one before
(1, 1/2, 1/4 ...): a cluster of overlapping items cannot multiply its way to certainty.

Conditions that a fired urgent or emergency rule asks a clinician to rule out are pinned first:
probabilities never push a red flag's concern down the list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from .knowledge import Condition, Knowledge
from .likelihood import shown_likelihood
from .model import ConditionResult, Evidence, Level, RuleHit, ShownLikelihood
from .text import localise

MIN_SHARE = 0.002  # conditions below 0.2 % of the total are left out of the list
MAX_SHOWN = 12
MOST_LIKELY_ALWAYS_SHOWN = 3  # however many conditions must be ruled out, the likeliest causes still show


# log-odds, and per evidence item used: (index, weighted log LR, present)
Score = tuple[float, tuple[tuple[int, float, bool], ...]]


def _sigmoid(log_odds: float) -> float:
    if log_odds >= 0:
        return 1 / (1 + math.exp(-log_odds))
    odds = math.exp(log_odds)
    return odds / (1 + odds)


def score(condition: Condition, findings: Mapping[str, bool]) -> Score:
    """Posterior log-odds and, per evidence item used, (index, weighted log LR, present)."""
    # The same condition is scored on the same findings several times per assessment (the ranking,
    # the care plan's concerns, the escalations) and per interview step: remember recent results by
    # what is known of the condition's own findings.
    key = (id(condition), tuple(map(findings.get, condition.evidence_findings)))
    cached = _SCORES.get(key)
    if cached is not None and cached[0] is condition:  # holding the condition keeps its id from reuse
        return cached[1]
    if len(_SCORES) > _SCORES_SIZE:
        _SCORES.clear()
    result = _score(condition, findings)
    _SCORES[key] = (condition, result)
    return result


_SCORES: dict[tuple[int, tuple[bool | None, ...]], tuple[Condition, Score]] = {}
_SCORES_SIZE = 20_000  # cleared, not grown, past this


def forget() -> None:
    _SCORES.clear()


def _score(condition: Condition, findings: Mapping[str, bool]) -> Score:
    by_group: dict[str, list[tuple[int, float, bool]]] = {}
    get = findings.get
    for index, finding, group, log_lr_pos, log_lr_neg in condition.scoring:
        value = get(finding)
        if value is None:
            continue
        log_lr = log_lr_pos if value else log_lr_neg
        if log_lr:
            by_group.setdefault(group, []).append((index, log_lr, value))
    total = condition.prior_log_odds
    used: list[tuple[int, float, bool]] = []
    for items in by_group.values():
        if len(items) == 1:  # the usual case: nothing to damp
            total += items[0][1]
            used.append(items[0])
            continue
        # Damp separately in each direction so a strong "for" is not halved by a weak "against".
        for sign in (1, -1):
            same_way = sorted((i for i in items if i[1] * sign > 0), key=lambda i: -abs(i[1]))
            weight = 1.0
            for index, log_lr, present in same_way:
                total += weight * log_lr
                used.append((index, weight * log_lr, present))
                weight /= 2
    return total, tuple(used)


def probability(condition: Condition, findings: Mapping[str, bool]) -> float:
    return _sigmoid(score(condition, findings)[0])


def rank(
    knowledge: Knowledge,
    findings: Mapping[str, bool],
    *,
    language: str,
    hits: Iterable[RuleHit] = (),
    nerve_root: str | None = None,
) -> tuple[ConditionResult, ...]:
    pinned: dict[str, int] = {}
    for hit in hits:
        if hit.level.rank >= Level.URGENT.rank:
            for condition_id in hit.conditions:
                pinned[condition_id] = max(pinned.get(condition_id, 0), hit.level.rank)

    scored = []
    for condition in knowledge.conditions:
        if condition.requires is not None and condition.requires.evaluate(findings) is False:
            continue
        log_odds, used = score(condition, findings)
        scored.append((condition, _sigmoid(log_odds), used))
    total = sum(probability for _, probability, _ in scored) or 1.0

    # A condition probable enough to raise the urgency itself (its `escalate` threshold) ranks with the
    # rule-named ones at that level, the most probable first, but is not marked "must rule out": it is
    # a likely cause, not only one to exclude.
    def urgency_rank(condition: Condition, probability: float) -> int:
        escalation = condition.escalate
        escalated = escalation.level.rank if escalation and probability >= escalation.probability else -1
        return max(pinned.get(condition.id, -1), escalated)

    # Conditions with a negligible share are noise to a reader; pinned ones are always kept, and so are
    # the likeliest causes: many warning signs at once must not crowd the most probable cause off the
    # list. Only the conditions shown get their explanations built (most of the cost of a result).
    scored.sort(key=lambda item: (-urgency_rank(item[0], item[1]), -item[1]))
    must_check = [item for item in scored if item[0].id in pinned]
    likely = sorted(
        (item for item in scored if item[0].id not in pinned and item[1] / total >= MIN_SHARE),
        key=lambda item: -item[1],
    )
    room = max(MAX_SHOWN - len(must_check), MOST_LIKELY_ALWAYS_SHOWN)
    chosen = {item[0].id for item in must_check + likely[:room]}
    kept = [item for item in scored if item[0].id in chosen]

    def display(condition: Condition, probability: float) -> ShownLikelihood:
        must_check = urgency_rank(condition, probability) >= Level.URGENT.rank
        return shown_likelihood(
            knowledge, condition_id=condition.id, must_check=must_check, findings=findings, language=language
        )

    shown = [
        _result(knowledge, condition, probability, used, total=total, pinned=condition.id in pinned,
                language=language, nerve_root=nerve_root, shown=display(condition, probability))
        for condition, probability, used in kept
    ]  # fmt: skip
    return tuple(shown)


def _result(
    knowledge: Knowledge,
    condition: Condition,
    probability: float,
    used: tuple[tuple[int, float, bool], ...],
    *,
    total: float,
    pinned: bool,
    language: str,
    nerve_root: str | None,
    shown: ShownLikelihood,
) -> ConditionResult:
    evidence = [
        Evidence(
            finding=condition.evidence[index].finding,
            present=present,
            text=knowledge.finding_text(condition.evidence[index].finding, present, language),
            likelihood_ratio=condition.evidence[index].lr_pos
            if present
            else condition.evidence[index].lr_neg,
            weight=round(math.exp(weighted), 3),
            source=condition.evidence[index].source,
        )
        for index, weighted, present in sorted(used, key=lambda u: -abs(u[1]))
    ]
    return ConditionResult(
        id=condition.id,
        name=localise(condition.name, language),
        probability=round(probability, 4),
        relative=round(probability / total, 4),
        must_rule_out=pinned,
        summary=localise(condition.summary, language),
        explanation=localise(condition.explanation, language),
        evidence_for=tuple(e for e in evidence if e.weight > 1),
        evidence_against=tuple(e for e in evidence if e.weight < 1),
        nerve_root=nerve_root if condition.radicular else None,
        clinician=condition.clinician,
        aliases=condition.aliases,
        shown=shown,
    )


def best_case_probability(condition: Condition, findings: Mapping[str, bool]) -> float:
    """The highest probability the condition could reach once every unknown finding it uses is answered.

    Each unknown finding takes the value that counts most in the condition's favour; with the group
    damping of `score`, that is the largest score any completion of the answers can give.
    """
    completed = dict(findings)
    for item in condition.evidence:
        if item.finding in findings:
            continue
        if item.log_lr_pos > max(0.0, item.log_lr_neg):
            completed[item.finding] = True
        elif item.log_lr_neg > 0.0:
            completed[item.finding] = False
    return _sigmoid(score(condition, completed)[0])
