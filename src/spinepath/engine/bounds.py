"""What the questions not asked yet could still do to the triage level: a floor and a ceiling.

The adaptive interview stops only when every way of answering the remaining questions gives the same
level (issue #13: fewer questions, same result; issue #10: it never stops while an unasked question
could still raise the level). These bounds are what it checks, and they say which open questions could
still move the level, and how far.

A finding is *settled* when no question it comes from (findings.DERIVED_FROM, or the questions that list
it as an option) is still open: later answers cannot change it. An unsettled finding may end up present,
absent or unknown (skipped, "not sure"). Rules are evaluated over those sets of possible values, and
conditions' scores over their most and least favourable completions (`_Scores`). Every approximation
only widens the bounds, so they may be loose but never wrong: every completion of the answers is
assessed somewhere between the floor and the ceiling.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import differential as differential_module
from .expressions import Expr
from .findings import ALSO_FROM, CLUSTER_PARTS, DERIVED_FROM, PRESENT_STAYS, compute_findings, sources_of
from .knowledge import Condition, EvidenceItem, Knowledge
from .model import Level
from .triage import UnsureReadings

Possible = frozenset[bool | None]
_ANY: Possible = frozenset({True, False, None})
_ONE: Mapping[bool | None, Possible] = {value: frozenset({value}) for value in (True, False, None)}
_COUNTS = frozenset({True, None})  # an urgent rule counts when certainly met, or left open (unknown)
_DOMINATORS = 4  # the likeliest unpinned conditions tried as the ones that outrank a would-be leader


@dataclass(frozen=True)
class Prospect:
    """What answering one open question could still decide."""

    level: Level  # the most serious level among the undecided things it feeds
    deciding: bool  # it feeds a rule that the answers so far meet, but that a later answer could undo
    share: float  # its share of what is undecided: each undecided thing above the floor, weighted by
    # its level (x10 per level), divided among the open questions behind it


@dataclass(frozen=True)
class Bounds:
    """The lowest and highest level any completion of the answers can be assessed at, and the open
    questions that could move it (with the questions that must come first to make them apply)."""

    floor: Level
    ceiling: Level
    open: Mapping[str, Prospect]

    @property
    def settled(self) -> bool:
        return self.floor is self.ceiling


def bounds(
    knowledge: Knowledge, answers: Mapping[str, Any], findings: Mapping[str, bool] | None = None
) -> Bounds:
    """Floor and ceiling of the level over every way the open questions could be answered (`answers`
    must be validated; `findings`, if given, are theirs). A question that was asked and skipped (None)
    stays unknown in every completion."""
    return _Bounder(knowledge, answers, findings).run()


def sources(knowledge: Knowledge) -> Mapping[str, frozenset[str]]:
    """Finding -> the questions whose answers set it (built once per knowledge version)."""
    table = _SOURCES.get(knowledge.version)
    if table is None:
        findings = {*knowledge.option_of_finding, *DERIVED_FROM, *ALSO_FROM}
        findings |= {*knowledge.thresholds, *knowledge.counts, *CLUSTER_PARTS}  # through other findings
        table = {finding: frozenset(sources_of(knowledge, finding)) for finding in findings}
        _SOURCES[knowledge.version] = table
    return table


_SOURCES: dict[str, Mapping[str, frozenset[str]]] = {}


def open_questions(knowledge: Knowledge, answers: Mapping[str, Any]) -> frozenset[str]:
    """Questions whose answer could still come in: not asked yet and not certainly inapplicable, and
    answers to questions that might yet stop applying (validation would then drop them). A follow-up
    whose applying hangs only on answers already given (a skipped question it follows) is not open:
    it stays unknown for good."""
    questionnaire = knowledge.questionnaire
    pending: set[str] = set()
    for _ in range(2):  # a follow-up may come before the question it follows; twice settles both
        for q in questionnaire.questions:
            enabled = questionnaire.is_enabled(q, answers)
            hanging = enabled is None and any(
                source not in answers or source in pending for source in _enable_sources(q.enable_when)
            )
            if hanging or (enabled is True and q.link_id not in answers):
                pending.add(q.link_id)
    return frozenset(pending)


@dataclass
class _Item:
    """Something not yet decided that would put the level at `level`."""

    level: Level
    findings: frozenset[str]  # the findings it depends on
    fired: bool = False  # it is met by the answers as they stand (but a later answer could undo it)
    questions: tuple[str, ...] = ()  # open questions it depends on directly, whatever their findings


@dataclass
class _Feed:
    level: Level = Level.SELF_CARE
    deciding: bool = False
    share: float = 0.0


class _Bounder:
    def __init__(
        self, knowledge: Knowledge, answers: Mapping[str, Any], findings: Mapping[str, bool] | None
    ) -> None:
        self.kb = knowledge
        self.answers = answers
        self.pending = open_questions(knowledge, answers)
        self.findings = compute_findings(knowledge, answers) if findings is None else findings
        self.table = sources(knowledge)
        # A symptom ticked anywhere stays ticked ("present wins", findings.py): no later answer undoes it.
        ticked = _ticked(knowledge, answers)
        self.unsettled = frozenset(
            f
            for f, link_ids in self.table.items()
            if link_ids & self.pending
            and f not in ticked
            and not (
                self.findings.get(f) is True and link_ids & self.pending <= set(PRESENT_STAYS.get(f, ()))
            )
        )
        self.readings = UnsureReadings(knowledge, answers)
        self.unsure = self.readings.unsure
        self.unsure_able = _unsure_able(knowledge)
        self.floor = Level.SELF_CARE
        self.ceiling = Level.SELF_CARE
        self.items: list[_Item] = []

    def _could_be_unsure(self, leaves: frozenset[str]) -> bool:
        """Whether some of these findings are, or could end up, unknown because of a "not sure" answer."""
        for finding in leaves:
            if self.findings.get(finding) is not None and finding not in self.unsettled:
                continue
            link_ids = self.table.get(finding, frozenset())
            if link_ids & self.unsure or any(
                link_id in self.unsure_able for link_id in link_ids & self.pending
            ):
                return True
        return False

    def raise_floor(self, level: Level) -> None:
        self.floor = self.floor.at_least(level)
        self.ceiling = self.ceiling.at_least(level)

    def raise_ceiling(self, level: Level) -> None:
        self.ceiling = self.ceiling.at_least(level)

    # ------------------------------------------------------------------ possible values of expressions
    def possible(self, expr: Expr) -> Possible:
        """Every value `expr` could take in some completion (findings taken as independent)."""
        if self.unsettled.isdisjoint(expr.leaf_set):  # nothing it reads can change: its value now
            return _ONE[expr.evaluate(self.findings)]
        op = expr.op
        if op == "finding":
            return _ANY
        sets = [self.possible(arg) for arg in expr.args]
        out: set[bool | None] = set()
        if op in {"all", "any"}:
            decisive, other = (False, True) if op == "all" else (True, False)
            if any(decisive in s for s in sets):
                out.add(decisive)
            if all(other in s for s in sets):
                out.add(other)
            if all(s - {decisive} for s in sets) and any(None in s for s in sets):
                out.add(None)
        elif op == "not":
            out.update(None if v is None else not v for v in sets[0])
        elif op == "unless":
            if sets[0] - {True}:
                out.add(True)
            if True in sets[0]:
                out.add(False)
        elif op == "at_least":
            n = expr.n
            if sum(True in s for s in sets) >= n:
                out.add(True)
            if sum(False not in s for s in sets) < n:
                out.add(False)
            if any(None in s for s in sets) and sum(s == {True} for s in sets) < n <= sum(
                bool(s - {False}) for s in sets
            ):
                out.add(None)
        else:  # pragma: no cover - the loader accepts no other form
            raise AssertionError(op)
        return frozenset(out)

    # ------------------------------------------------------------------ the parts of the level
    def run(self) -> Bounds:
        pinned_possible: set[str] = set()
        pinned_certain: set[str] = set()
        for rule in self.kb.rules:
            values = self.possible(rule.when)
            urgent = rule.level.rank >= Level.URGENT.rank
            if urgent:
                if True in values:
                    pinned_possible.update(rule.conditions)
                    if values == {True}:
                        pinned_certain.update(rule.conditions)
                certain, maybe = values <= _COUNTS, bool(values & _COUNTS)
            else:
                # Below urgent, an unknown counts only when a "not sure" answer leaves the rule open
                # (triage.possible_rules): for certain when its findings are settled, perhaps when a
                # question behind it could still be answered "not sure".
                certain = values == {True} or (
                    values == {None}
                    and self.unsettled.isdisjoint(rule.when.leaf_set)
                    and self.readings.could_fire(rule, self.findings)
                )
                maybe = True in values or (None in values and self._could_be_unsure(rule.when.leaf_set))
            if certain:
                self.raise_floor(rule.level)
            elif maybe:
                self.raise_ceiling(rule.level)
                fired = rule.when.evaluate(self.findings) is True
                self.items.append(_Item(rule.level, rule.when.leaf_set, fired))
        self._conditions(pinned_possible, pinned_certain)
        self._unscreened()
        return Bounds(floor=self.floor, ceiling=self.ceiling, open=self._prospects())

    def _conditions(self, pinned_possible: set[str], pinned_certain: set[str]) -> None:
        """Escalations (a condition probable enough to raise the level) and the leading condition's
        usual disposition."""
        scores = _Scores(self)
        by_id: dict[str, Condition] = {}
        included_certain: set[str] = set()
        for condition in self.kb.conditions:
            requires = (
                self.possible(condition.requires) if condition.requires is not None else frozenset({True})
            )
            if requires - {False}:
                by_id[condition.id] = condition
                if False not in requires:
                    included_certain.add(condition.id)
        low = {c: scores.low(by_id[c]) for c in by_id}
        high = {c: scores.high(by_id[c]) for c in by_id}
        total_high = sum(_sigmoid(x) for x in high.values()) or 1.0
        unpinned = sorted(
            (c for c in by_id if c in included_certain and c not in pinned_possible), key=lambda c: -low[c]
        )[:_DOMINATORS]

        def escalation(condition_id: str, log_odds: float) -> int:
            escalate = by_id[condition_id].escalate
            return escalate.level.rank if escalate and log_odds >= _logit(escalate.probability) else -1

        def certainly_listed(condition_id: str) -> bool:
            if condition_id not in included_certain:
                return False
            if condition_id in pinned_certain:
                return True
            above = sum(
                1
                for d in by_id
                if d != condition_id and d not in pinned_certain and high[d] > low[condition_id]
            )
            share = _sigmoid(low[condition_id]) / total_high
            return (
                share >= differential_module.MIN_SHARE
                and above < differential_module.MOST_LIKELY_ALWAYS_SHOWN
            )

        # An escalation counts when the condition is listed and probable enough (decide), or when its best
        # case over the answers still unknown at the end passes the threshold (possible_escalations): the
        # skipped ones among them are taken at their most favourable in every completion.
        for condition_id, condition in by_id.items():
            escalate = condition.escalate
            if escalate is None:
                continue
            threshold = _logit(escalate.probability)
            best_low, best_high = scores.escalation_range(condition)
            if best_high < threshold:
                continue
            if best_low >= threshold and (high[condition_id] < threshold or certainly_listed(condition_id)):
                self.raise_floor(escalate.level)
            else:
                self.raise_ceiling(escalate.level)
                self.items.append(_Item(escalate.level, _evidence(condition)))

        # The leading condition: the first one listed that no rule pinned (escalated ones first, then the
        # most probable). A condition d that is certainly unpinned, certainly more probable than c and
        # escalated at least as high ranks above c in every completion, and is listed whenever c is. Only
        # leaders whose usual disposition is above the floor so far can change anything.
        outranked_cache: dict[str, bool] = {}

        def outranked(c: str) -> bool:
            if c not in outranked_cache:
                outranked_cache[c] = any(
                    d != c
                    and escalation(d, low[d]) >= escalation(c, high[c])
                    and (low[d] > high[c] or scores.lower_bound({d: 1.0, c: -1.0}) > 0)
                    for d in unpinned
                )
            return outranked_cache[c]

        def covered(c: str) -> bool:
            """Leading adds nothing to c's own escalation if c could lead only while probable enough to
            escalate: below its threshold, a condition that is not would outrank it."""
            escalate = by_id[c].escalate
            if escalate is None or escalate.level.rank < by_id[c].disposition.rank:
                return False
            threshold = _logit(escalate.probability)
            return any(
                low[d] >= threshold or scores.lower_bound({d: 0.75, c: -0.5}) > 0.25 * threshold
                for d in unpinned
                if d != c
            )

        listed_cache: list[bool] = []

        def someone_listed() -> bool:
            """Whether some unpinned condition is certainly listed (if not, the first pinned one leads)."""
            if not listed_cache:
                enough = _logit(differential_module.MIN_SHARE * total_high)
                listed_cache.append(
                    any(scores.lower_bound({d: 1.0}) >= enough for d in unpinned)
                    or any(
                        scores.lower_bound({d: 0.5, e: 0.5}) >= enough
                        for i, d in enumerate(unpinned)
                        for e in unpinned[i + 1 :]
                    )
                )
            return listed_cache[0]

        candidates = sorted(
            (c for c in by_id if c not in pinned_certain), key=lambda c: by_id[c].disposition.rank
        )
        low_leader = next((by_id[c].disposition for c in candidates if not outranked(c)), Level.SELF_CARE)
        if low_leader.rank > self.floor.rank and someone_listed():
            self.raise_floor(low_leader)
        # The most serious would-be leaders only: the ceiling is theirs, and once answers rule them out,
        # the next call finds the next ones.
        leaders: list[str] = []
        pinned_above = [
            c for c in by_id if c in pinned_possible and by_id[c].disposition.rank > self.floor.rank
        ]
        if pinned_above and not someone_listed():
            leaders += pinned_above
        for c in reversed(candidates):
            rank = by_id[c].disposition.rank
            if rank <= self.floor.rank or (
                leaders and rank < max(by_id[x].disposition.rank for x in leaders)
            ):
                break
            if not outranked(c) and not covered(c):
                leaders.append(c)
        if leaders:
            high_leader = max((by_id[c].disposition for c in leaders), key=lambda level: level.rank)
            self.raise_ceiling(high_leader)
            leaves: set[str] = set()
            for c in (*leaders, *unpinned):
                leaves |= _evidence(by_id[c])
            self.items.append(_Item(high_leader, frozenset(leaves)))

    def _unscreened(self) -> None:
        """A warning-sign question left unanswered keeps the level at routine or above (triage.py): for
        good if it was skipped (or hangs on a skipped question), perhaps if it is still open."""
        questionnaire = self.kb.questionnaire
        pending = []
        for q in questionnaire.questions:
            if q.phase != "red_flag":
                continue
            if q.link_id in self.pending:
                pending.append(q.link_id)
            elif (
                self.answers.get(q.link_id) is None and questionnaire.is_enabled(q, self.answers) is not False
            ):
                self.raise_floor(Level.ROUTINE)
        if pending:
            self.raise_ceiling(Level.ROUTINE)
            self.items.append(_Item(Level.ROUTINE, frozenset(), questions=tuple(pending)))

    # ------------------------------------------------------------------ what each open question could do
    def _prospects(self) -> dict[str, Prospect]:
        feeds: dict[str, _Feed] = {}
        for item in self.items:
            if item.level.rank <= self.floor.rank:
                continue
            behind = set(item.questions)
            for finding in item.findings & self.unsettled:
                behind |= self.table[finding] & self.pending
            for link_id in behind:
                entry = feeds.setdefault(link_id, _Feed())
                entry.level = entry.level.at_least(item.level)
                entry.deciding = entry.deciding or item.fired
                entry.share += 10.0**item.level.rank / len(behind)
        return self._askable(feeds)

    def _askable(self, feeds: Mapping[str, _Feed]) -> dict[str, Prospect]:
        """The open questions that could move the level; for a follow-up that does not apply yet, the
        questions it follows instead (they come first)."""
        questionnaire = self.kb.questionnaire
        askable: dict[str, _Feed] = {}
        stack = list(feeds.items())
        while stack:
            link_id, entry = stack.pop()
            question = questionnaire.by_id[link_id]
            enabled = questionnaire.is_enabled(question, self.answers)
            if enabled is True and link_id not in self.answers:
                merged = askable.setdefault(link_id, _Feed())
                merged.level = merged.level.at_least(entry.level)
                merged.deciding = merged.deciding or entry.deciding
                merged.share += entry.share
            elif enabled is None:
                stack.extend((parent, entry) for parent in _enable_sources(question.enable_when))
        return {link_id: Prospect(e.level, e.deciding, e.share) for link_id, e in askable.items()}


def _unsure_able(knowledge: Knowledge) -> frozenset[str]:
    """The questions some answer to which leaves findings unknown ("not sure", "yes, but not sure how")."""
    found = _UNSURE_ABLE.get(knowledge.version)
    if found is None:
        found = _UNSURE_ABLE[knowledge.version] = frozenset(
            q.link_id
            for q in knowledge.questionnaire.questions
            if any(q.left_unknown(option.value) for option in q.options)
        )
    return found


_UNSURE_ABLE: dict[str, frozenset[str]] = {}  # per knowledge version: fixed


def _ticked(knowledge: Knowledge, answers: Mapping[str, Any]) -> set[str]:
    """Option findings chosen in answers to questions that certainly apply."""
    questionnaire = knowledge.questionnaire
    ticked: set[str] = set()
    for link_id, value in answers.items():
        question = questionnaire.by_id[link_id]
        if value is None or question.type not in {"choice", "multi"}:
            continue
        if questionnaire.is_enabled(question, answers) is not True:
            continue
        chosen = {value} if question.type == "choice" else set(value)
        ticked.update(
            option.finding for option in question.options if option.finding and option.value in chosen
        )
    return ticked


def _enable_sources(rule: Any) -> set[str]:
    if rule is None:
        return set()
    if "all" in rule or "any" in rule:
        return {s for item in rule.get("all") or rule["any"] for s in _enable_sources(item)}
    return {str(rule["question"])}


def _evidence(condition: Condition) -> frozenset[str]:
    """The findings a condition's score, and whether it is listed at all, depend on."""
    leaves = {item.finding for item in condition.evidence}
    if condition.requires is not None:
        leaves.update(condition.requires.leaves())
    return frozenset(leaves)


def _sigmoid(log_odds: float) -> float:
    return 1 / (1 + math.exp(-max(min(log_odds, 50.0), -50.0)))


def _logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


@dataclass(frozen=True)
class _Group:
    """One evidence group of a condition (the unit of damping), for the answers so far."""

    open: frozenset[str]  # its unsettled findings
    low: float  # its damped contribution in the least favourable completion (exact for the group alone)
    high: float  # ... and in the most favourable one
    linear_low: float  # the constant parts of the linear bounds (see _Scores)
    linear_high: float
    terms: Mapping[str, tuple[float, float, float, float]]  # finding -> lower/upper if present/absent
    best_low: float  # the best case at the end (answers still unknown then at their most favourable),
    best_high: float  # in the least and the most favourable completion


class _Scores:
    """Bounds on conditions' log-odds over every completion of the unsettled findings.

    `low`/`high`: the damped score of the least and most favourable completion, each finding on its own
    (as differential.best_case_probability). `lower_bound` bounds a weighted sum of several conditions'
    scores at once, which is how "c never outscores d" is shown. A group whose open findings no other
    condition in the sum depends on is taken at its exact extreme. The others are relaxed into something
    linear in each finding: adding a finding to a group moves its damped sum by at most its full log
    ratio, and by at least that ratio times the smallest weight it could get. Then each finding (or the
    options of one single-choice question, which exclude each other) is minimised on its own: treating
    everything else as independent only loosens the bound.
    """

    def __init__(self, bounder: _Bounder) -> None:
        self.bounder = bounder
        self.exclusive = _exclusive_choices(bounder)
        self.cache: dict[tuple[tuple[str, float], ...], float] = {}
        self.conditions = {condition.id: condition for condition in bounder.kb.conditions}
        self.groups: dict[str, tuple[_Group, ...]] = {}
        # What is known of each finding, as a group's cache key reads it: 2 for "could still change".
        self.state: dict[str, bool | int] = {**bounder.findings, **dict.fromkeys(bounder.unsettled, 2)}

    def low(self, condition: Condition) -> float:
        return condition.prior_log_odds + sum(group.low for group in self._groups(condition))

    def high(self, condition: Condition) -> float:
        return condition.prior_log_odds + sum(group.high for group in self._groups(condition))

    def escalation_range(self, condition: Condition) -> tuple[float, float]:
        """The lowest and highest best case the condition can have once the interview ends (what
        possible_escalations looks at): answers still unknown then count at their most favourable."""
        groups = self._groups(condition)
        return (
            condition.prior_log_odds + sum(group.best_low for group in groups),
            condition.prior_log_odds + sum(group.best_high for group in groups),
        )

    def _groups(self, condition: Condition) -> tuple[_Group, ...]:
        cached = self.groups.get(condition.id)
        if cached is None:
            cached = self.groups[condition.id] = tuple(
                self._group(items, names) for items, names in _groups(condition)
            )
        return cached

    def _group(self, items: tuple[EvidenceItem, ...], names: tuple[str, ...]) -> _Group:
        # A group's bounds depend only on what is known of its own findings: shared across calls (the
        # same person a step later, other people with the same answers to these questions).
        # A one-item group has four states at most, so those are kept apart, never crowded out.
        cache, size = (_GROUP_CACHE, _GROUP_CACHE_SIZE) if len(items) > 1 else (_ONE_ITEM, _ONE_ITEM_SIZE)
        key = (id(items), tuple(map(self.state.get, names)))
        cached = cache.get(key)
        if cached is not None and cached[0] is items:
            return cached[1]
        if len(cache) > size:
            cache.clear()
        group = self._compute_group(items)
        cache[key] = (items, group)
        return group

    def _compute_group(self, items: tuple[EvidenceItem, ...]) -> _Group:
        findings, unsettled = self.bounder.findings, self.bounder.unsettled
        known: list[float] = []
        skipped: list[float] = []  # unknown for good, each at its most favourable (for the best case)
        open_items: list[EvidenceItem] = []
        for item in items:
            if item.finding in unsettled:
                open_items.append(item)
                continue
            value = findings.get(item.finding)
            if value is not None:
                known.append(item.log_lr_pos if value else item.log_lr_neg)
            elif max(item.log_lr_pos, item.log_lr_neg) > 0:
                skipped.append(max(item.log_lr_pos, item.log_lr_neg))
        if not open_items:  # settled: one value, and one best case (the common case: compute each once)
            score = _damped_both(known)
            best = _damped_both([*known, *skipped]) if skipped else score
            return _Group(frozenset(), score, score, score, score, {}, best, best)
        extremes = []
        for sign in (-1.0, 1.0):  # each open finding takes the value whose ratio counts most that way
            values = list(known)
            for item in open_items:
                yes, no = sign * item.log_lr_pos, sign * item.log_lr_neg
                if yes > max(0.0, no):
                    values.append(item.log_lr_pos)
                elif no > 0.0:
                    values.append(item.log_lr_neg)
            extremes.append(_damped_both(values))
        # Best case at the end: an open finding answered at its less favourable value (left unknown it
        # would count at its most favourable), or at its most favourable; skipped ones at theirs.
        best_low = _damped_both([*known, *skipped, *(min(i.log_lr_pos, i.log_lr_neg) for i in open_items)])
        best_high = _damped_both(
            [*known, *skipped, *(max(i.log_lr_pos, i.log_lr_neg, 0.0) for i in open_items)]
        )
        n_pos = sum(x > 0 for x in known) + sum(max(i.log_lr_pos, i.log_lr_neg) > 0 for i in open_items)
        n_neg = sum(x < 0 for x in known) + sum(min(i.log_lr_pos, i.log_lr_neg) < 0 for i in open_items)
        shrink_pos, shrink_neg = 0.5 ** max(n_pos - 1, 0), 0.5 ** max(n_neg - 1, 0)
        terms = {
            item.finding: (
                item.log_lr_pos * shrink_pos if item.log_lr_pos > 0 else item.log_lr_pos,
                item.log_lr_neg * shrink_pos if item.log_lr_neg > 0 else item.log_lr_neg,
                item.log_lr_pos if item.log_lr_pos > 0 else item.log_lr_pos * shrink_neg,
                item.log_lr_neg if item.log_lr_neg > 0 else item.log_lr_neg * shrink_neg,
            )
            for item in open_items
        }
        return _Group(
            open=frozenset(terms),
            low=extremes[0],
            high=extremes[1],
            linear_low=sum(x * shrink_pos if x > 0 else x for x in known),
            linear_high=sum(x if x > 0 else x * shrink_neg for x in known),
            terms=terms,
            best_low=best_low,
            best_high=best_high,
        )

    def lower_bound(self, weights: Mapping[str, float]) -> float:
        """A lower bound on the weighted sum of the conditions' log-odds over every completion."""
        key = tuple(sorted(weights.items()))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        groups = {c: self._groups(self.conditions[c]) for c in weights}
        depends = {c: frozenset().union(*(g.open for g in groups[c])) for c in weights}
        total = 0.0
        present_absent: dict[str, tuple[float, float]] = {}
        for condition_id, weight in weights.items():
            others = frozenset().union(*(depends[c] for c in weights if c != condition_id))
            total += weight * self.conditions[condition_id].prior_log_odds
            for group in groups[condition_id]:
                if not group.open & others:  # on its own: its exact extreme
                    total += weight * (group.low if weight >= 0 else group.high)
                    continue
                total += weight * (group.linear_low if weight >= 0 else group.linear_high)
                for finding, (low_yes, low_no, high_yes, high_no) in group.terms.items():
                    yes, no = (low_yes, low_no) if weight >= 0 else (high_yes, high_no)
                    before = present_absent.get(finding, (0.0, 0.0))
                    present_absent[finding] = (before[0] + weight * yes, before[1] + weight * no)
        for option_findings in self.exclusive:
            involved = [f for f in option_findings if f in present_absent]
            if not involved:
                continue
            none_chosen = sum(present_absent[f][1] for f in involved)
            total += min(
                0.0,  # skipped, or "not sure"
                none_chosen,  # an option with no finding of its own
                *(none_chosen - present_absent[f][1] + present_absent[f][0] for f in involved),
            )
            for f in involved:
                del present_absent[f]
        total += sum(min(0.0, yes, no) for yes, no in present_absent.values())
        self.cache[key] = total
        return total


_Groups = tuple[tuple[tuple[EvidenceItem, ...], tuple[str, ...]], ...]
_GROUPS: dict[int, tuple[Condition, _Groups]] = {}
_GROUP_CACHE: dict[tuple[int, tuple[bool | int | None, ...]], tuple[tuple[EvidenceItem, ...], _Group]] = {}
_GROUP_CACHE_SIZE = 50_000  # entries of a few hundred bytes: cleared, not grown, past this
_ONE_ITEM: dict[tuple[int, tuple[bool | int | None, ...]], tuple[tuple[EvidenceItem, ...], _Group]] = {}
_ONE_ITEM_SIZE = 10_000  # four per one-item group of a knowledge version (a few hundred groups)


def forget() -> None:
    _GROUP_CACHE.clear()
    _ONE_ITEM.clear()


def _groups(condition: Condition) -> _Groups:
    """A condition's evidence items by group (the unit of damping in differential.score), each with
    its items' findings."""
    cached = _GROUPS.get(id(condition))
    if cached is not None and cached[0] is condition:  # holding the condition keeps its id from reuse
        return cached[1]
    by_group: dict[str, list[EvidenceItem]] = {}
    for item in condition.evidence:
        by_group.setdefault(item.group, []).append(item)
    groups = tuple((tuple(items), tuple(item.finding for item in items)) for items in by_group.values())
    _GROUPS[id(condition)] = (condition, groups)
    return groups


def _damped_both(values: list[float]) -> float:
    """Log ratios of one group, damped as differential.score does: in each direction on its own, the
    strongest in full and each further one at half the weight of the one before (1, 1/2, 1/4 ...)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    for_, against, up, down = 0.0, 0.0, 1.0, 1.0
    for value in sorted(values, key=abs, reverse=True):
        if value > 0:
            for_ += up * value
            up /= 2
        elif value < 0:
            against += down * value
            down /= 2
    return for_ + against


def _exclusive_choices(bounder: _Bounder) -> list[tuple[str, ...]]:
    """For each open single-choice question, its option findings that no other question sets: at most
    one of them is present."""
    groups = []
    for link_id in bounder.pending:
        question = bounder.kb.questionnaire.by_id[link_id]
        if question.type != "choice":
            continue
        own = tuple(
            option.finding
            for option in question.options
            if option.finding and bounder.table.get(option.finding) == frozenset({link_id})
        )
        if len(own) > 1:
            groups.append(own)
    return groups
