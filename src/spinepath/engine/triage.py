"""Red-flag screening: findings -> fired rules -> the disposition, with the answers behind it.

Rules only ever raise the level. The final level is the highest of: the fired rules, the leading
condition's usual disposition, any condition whose probability passed its escalation threshold, and
"routine" when warning-sign questions were left unanswered. Nothing here can lower a level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from . import differential as differential_module
from .findings import compute_findings, sources_of
from .knowledge import Knowledge, Rule
from .model import ConditionResult, Level, Reason, RuleHit, Triage
from .questionnaire import Question
from .text import localise


def fired_rules(knowledge: Knowledge, findings: Mapping[str, bool], language: str) -> list[RuleHit]:
    """Every rule whose condition is certainly met, most urgent first."""
    hits = []
    for rule in knowledge.rules:
        if not rule.when.satisfied(findings):
            continue
        because = tuple(
            Reason(finding, present, knowledge.finding_text(finding, present, language))
            for finding, present in dict.fromkeys(rule.when.supporting(findings))
        )
        hits.append(
            RuleHit(
                rule=rule.id,
                level=rule.level,
                title=localise(rule.title, language),
                action=localise(rule.action, language),
                because=because,
                source=rule.source,
                clinician=rule.clinician,
                conditions=rule.conditions,
            )
        )
    hits.sort(key=lambda hit: -hit.level.rank)
    return hits


def required_missing(knowledge: Knowledge, answers: Mapping[str, Any]) -> bool:
    """Whether a required question that applies is unanswered (callers must ask it: web, API, CLI)."""
    questionnaire = knowledge.questionnaire
    return any(
        question.required
        and answers.get(question.link_id) is None
        and questionnaire.is_enabled(question, answers) is True
        for question in questionnaire.questions
    )


def possible_rules(
    knowledge: Knowledge, findings: Mapping[str, bool], answers: Mapping[str, Any], language: str
) -> list[RuleHit]:
    """Rules that unanswered or "not sure" answers leave open count as fired: unknown never reassures.

    A rule whose condition is neither certainly true nor certainly false (three-valued logic) could
    fire with some answer to a question the person skipped, was not asked, or answered "not sure", so
    it counts as if it had fired, and says which answers are missing. For skipped and unasked
    questions that holds for urgent or more serious rules (the interview asks what could raise the
    result that far); an answer of "not sure" holds every rule it leaves open, at any level, since no
    later answer will settle it (a "not sure" is never less guarded than the worst real answer).
    """
    hits = []
    questionnaire = knowledge.questionnaire
    readings = UnsureReadings(knowledge, answers)
    unsure = readings.unsure
    for rule in knowledge.rules:
        if rule.when.evaluate(findings) is not None:
            continue
        unknown = [finding for finding in dict.fromkeys(rule.when.leaves()) if finding not in findings]
        sources = [question for finding in unknown for question in source_questions(knowledge, finding)]
        unsure_ids = dict.fromkeys(q.link_id for q in sources if q.link_id in unsure)
        if rule.level.rank < Level.URGENT.rank and not readings.could_fire(rule, findings):
            continue
        link_ids = dict.fromkeys(
            question.link_id
            for question in sources
            if answers.get(question.link_id) is None
            and questionnaire.is_enabled(question, answers) is not False
        )
        known = tuple(
            Reason(finding, present, knowledge.finding_text(finding, present, language))
            for finding, present in dict.fromkeys(rule.when.supporting(findings))
        )
        missing = tuple(
            Reason(link_id, False, _about(knowledge, "unanswered_reason", link_id, language))
            for link_id in link_ids
        )
        not_sure = tuple(
            Reason(link_id, False, _about(knowledge, "unsure_reason", link_id, language))
            for link_id in unsure_ids
        )
        hits.append(
            RuleHit(
                rule=f"possible:{rule.id}",
                level=rule.level,
                title=knowledge.message("possible_title", language).format(
                    title=localise(rule.title, language)
                ),
                action=localise(rule.action, language),
                because=known + missing + not_sure,
                source=f"{rule.source}; spinepath safety rule: unknown never reassures",
                clinician=rule.clinician,
                conditions=rule.conditions,
            )
        )
    hits.sort(key=lambda hit: -hit.level.rank)
    return hits


def unsure_questions(knowledge: Knowledge, answers: Mapping[str, Any]) -> set[str]:
    """The questions answered "not sure" (or partly sure): their findings stay unknown for good."""
    questionnaire = knowledge.questionnaire
    return {q.link_id for q in questionnaire.questions if q.left_unknown(answers.get(q.link_id))}


_MAX_READINGS = 64  # combinations of real answers tried; beyond, each unsure finding is taken as free


class UnsureReadings:
    """What the "not sure" answers could stand for: each real answer the person may have meant.

    A rule below urgent counts as possible when it fires with some real answer to the questions
    answered "not sure" (the worst answer they could have given), the questions nobody asked staying
    unknown. Trying the real answers, rather than freeing the findings, keeps a "not sure" from counting
    a rule that no real answer would fire (a derived finding such as a published cluster also depends
    on answers the person was sure of)."""

    def __init__(self, knowledge: Knowledge, answers: Mapping[str, Any]) -> None:
        self.knowledge, self.answers = knowledge, answers
        self.unsure = unsure_questions(knowledge, answers)
        self._read: dict[tuple[tuple[str, str], ...], Mapping[str, bool]] = {}

    def could_fire(self, rule: Rule, findings: Mapping[str, bool]) -> bool:
        knowledge, questionnaire = self.knowledge, self.knowledge.questionnaire
        unknown = [finding for finding in dict.fromkeys(rule.when.leaves()) if finding not in findings]
        behind = sorted(
            {q.link_id for f in unknown for q in source_questions(knowledge, f) if q.link_id in self.unsure}
        )
        if not behind:
            return False
        choices = [
            sorted(questionnaire.by_id[link_id].left_unknown(self.answers[link_id])) for link_id in behind
        ]
        if math.prod(len(values) for values in choices) > _MAX_READINGS:
            free = frozenset(
                f for f in unknown if any(q.link_id in self.unsure for q in source_questions(knowledge, f))
            )
            return rule.when.could_be_satisfied(findings, free)
        for combination in itertools.product(*choices):
            key = tuple(zip(behind, combination, strict=True))
            read = self._read.get(key)
            if read is None:
                meant = questionnaire.validate({**self.answers, **dict(key)})
                read = self._read[key] = compute_findings(knowledge, meant)
            if rule.when.evaluate(read) is True:
                return True
        return False


def _about(knowledge: Knowledge, message: str, link_id: str, language: str) -> str:
    """A reason naming a question ("you did not answer: ...", "you were not sure: ...")."""
    question = knowledge.questionnaire.by_id[link_id].label(language)
    return knowledge.message(message, language).format(question=question)


def possible_escalations(
    knowledge: Knowledge, findings: Mapping[str, bool], answers: Mapping[str, Any], language: str
) -> list[RuleHit]:
    """Conditions that could still pass their urgent (or more serious) escalation threshold once the
    unanswered questions are answered: like a rule a missing answer leaves open, they count."""
    hits = []
    questionnaire = knowledge.questionnaire
    for condition in knowledge.conditions:
        escalation = condition.escalate
        if escalation is None or escalation.level.rank < Level.URGENT.rank:
            continue
        if condition.requires is not None and condition.requires.evaluate(findings) is False:
            continue
        if differential_module.probability(condition, findings) >= escalation.probability:
            continue  # it escalates already (decide() adds it)
        if differential_module.best_case_probability(condition, findings) < escalation.probability:
            continue
        link_ids = dict.fromkeys(
            question.link_id
            for item in condition.evidence
            if item.finding not in findings
            for question in source_questions(knowledge, item.finding)
            if answers.get(question.link_id) is None
            and questionnaire.is_enabled(question, answers) is not False
        )
        name = localise(condition.name, language)
        hits.append(
            RuleHit(
                rule=f"possible:escalate:{condition.id}",
                level=escalation.level,
                title=knowledge.message("possible_escalation_title", language).format(condition=name),
                action=localise(knowledge.level_text[escalation.level].action, language),
                because=tuple(
                    Reason(
                        link_id,
                        False,
                        knowledge.message("unanswered_reason", language).format(
                            question=questionnaire.by_id[link_id].label(language)
                        ),
                    )
                    for link_id in link_ids
                ),
                source=f"{escalation.source}; spinepath safety rule: unknown never reassures",
                clinician=condition.clinician,
                conditions=(condition.id,),
            )
        )
    return hits


def source_questions(knowledge: Knowledge, finding: str) -> tuple[Question, ...]:
    """The questions whose answers set `finding` (findings.sources_of)."""
    key = (knowledge.version, finding)
    found = _SOURCE_QUESTIONS.get(key)
    if found is None:
        by_id = knowledge.questionnaire.by_id
        link_ids = dict.fromkeys(sources_of(knowledge, finding))
        found = tuple(by_id[link_id] for link_id in link_ids if link_id in by_id)
        _SOURCE_QUESTIONS[key] = found
    return found


_SOURCE_QUESTIONS: dict[tuple[str, str], tuple[Question, ...]] = {}  # per knowledge version: fixed


def unscreened_questions(knowledge: Knowledge, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Warning-sign questions that apply (or might) but were not answered."""
    questionnaire = knowledge.questionnaire
    return tuple(
        question.link_id
        for question in questionnaire.questions
        if question.phase == "red_flag"
        and answers.get(question.link_id) is None
        and questionnaire.is_enabled(question, answers) is not False
    )


def decide(
    knowledge: Knowledge,
    *,
    hits: Sequence[RuleHit],
    differential: Sequence[ConditionResult],
    unscreened: tuple[str, ...],
    language: str,
) -> Triage:
    reasons = list(hits)
    if unscreened:
        reasons.append(
            RuleHit(
                rule="unscreened_red_flags",
                level=Level.ROUTINE,
                title=knowledge.message("unscreened_title", language),
                action=knowledge.message("unscreened_action", language),
                because=tuple(
                    Reason(link_id, False, knowledge.questionnaire.by_id[link_id].label(language))
                    for link_id in unscreened
                ),
                source="spinepath safety rule: red-flag screening is never skipped",
                clinician="physiotherapist",
            )
        )
    for condition in differential:
        spec = knowledge.condition(condition.id)
        if spec.escalate and condition.probability >= spec.escalate.probability:
            reasons.append(
                RuleHit(
                    rule=f"escalate:{condition.id}",
                    level=spec.escalate.level,
                    title=knowledge.message("escalation_title", language).format(condition=condition.name),
                    action=localise(knowledge.level_text[spec.escalate.level].action, language),
                    because=tuple(
                        Reason(item.finding, item.present, item.text) for item in condition.evidence_for[:3]
                    ),
                    source=spec.escalate.source,
                    clinician=spec.clinician,
                    conditions=(condition.id,),
                )
            )
    leading = next(
        (c for c in differential if not c.must_rule_out), differential[0] if differential else None
    )
    if leading is not None:
        spec = knowledge.condition(leading.id)
        reasons.append(
            RuleHit(
                rule=f"leading:{leading.id}",
                level=spec.disposition,
                title=knowledge.message("condition_title", language).format(condition=leading.name),
                action=localise(knowledge.level_text[spec.disposition].action, language),
                because=tuple(
                    Reason(item.finding, item.present, item.text) for item in leading.evidence_for[:3]
                ),
                source=spec.prior_source,
                clinician=spec.clinician,
                conditions=(leading.id,),
            )
        )
    level = Level.SELF_CARE
    for reason in reasons:
        level = level.at_least(reason.level)
    reasons.sort(key=lambda hit: -hit.level.rank)
    text = knowledge.level_text[level]
    return Triage(
        level=level,
        headline=localise(text.headline, language),
        action=localise(text.action, language),
        reasons=tuple(reasons),
        unscreened=unscreened,
    )
