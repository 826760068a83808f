"""A pain-diary check-in, merged into the answers exactly as the interview would have taken it.

A new warning sign ticked in the diary brings the follow-up questions the interview asks about it
("is the weakness getting worse?", "when did these changes start?"): every question that applies now
and hangs, directly or through another follow-up, on a checklist that changed. Their old answers
described the old symptoms, so they are asked again, and an unanswered one is left unknown (never the
old, possibly reassuring, answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .questionnaire import Question, Questionnaire

# A rise of this many points (0-10) over the first diary entry counts as "getting worse".
WORSENING_POINTS = 2


def _sources(rule: Any) -> set[str]:
    """The questions an enable_when rule reads."""
    if not isinstance(rule, Mapping):
        return set()
    if "all" in rule or "any" in rule:
        return set().union(*(_sources(item) for item in rule.get("all") or rule["any"]))
    return {rule["question"]} if "question" in rule else set()


def with_new_signs(answers: Mapping[str, Any], new_signs: Mapping[str, list[str]]) -> dict[str, Any]:
    """The answers with each newly ticked checklist option added to what was ticked before."""
    merged = dict(answers)
    for link_id, values in new_signs.items():
        if values:
            merged[link_id] = sorted({*(answers.get(link_id) or []), *values})
    return merged


def follow_up_questions(
    questionnaire: Questionnaire, *, answers: Mapping[str, Any], changed: Iterable[str]
) -> tuple[Question, ...]:
    """Questions that apply to `answers` and depend on a changed question, in questionnaire order."""
    affected = set(changed)
    follow_ups: list[Question] = []
    for question in questionnaire.questions:  # in order: a follow-up's own follow-ups come after it
        if question.link_id in affected or not _sources(question.enable_when) & affected:
            continue
        if questionnaire.is_enabled(question, answers) is True:
            follow_ups.append(question)
            affected.add(question.link_id)
    return tuple(follow_ups)


def _merge(
    questionnaire: Questionnaire,
    *,
    answers: Mapping[str, Any],
    new_signs: Mapping[str, list[str]],
    follow_up_answers: Mapping[str, Any],
) -> tuple[dict[str, Any], tuple[Question, ...]]:
    """New signs and fresh follow-up answers merged in, and the follow-ups that now apply.

    Repeated until nothing changes, because a follow-up's answer can switch on a further follow-up.
    """
    merged = with_new_signs(answers, new_signs)
    changed = [link_id for link_id, values in new_signs.items() if values]
    follow_ups: tuple[Question, ...] = ()
    for _ in range(len(questionnaire.questions) + 1):
        follow_ups = follow_up_questions(questionnaire, answers=merged, changed=changed)
        fresh = {question.link_id: follow_up_answers.get(question.link_id) for question in follow_ups}
        if all(merged.get(link_id) == value for link_id, value in fresh.items()):
            break
        merged.update(fresh)
    return merged, follow_ups


def pending_follow_ups(
    questionnaire: Questionnaire,
    *,
    answers: Mapping[str, Any],
    new_signs: Mapping[str, list[str]],
    follow_up_answers: Mapping[str, Any],
) -> tuple[Question, ...]:
    """The follow-up questions still to put to the person (not yet asked in this check-in)."""
    _, follow_ups = _merge(
        questionnaire, answers=answers, new_signs=new_signs, follow_up_answers=follow_up_answers
    )
    return tuple(question for question in follow_ups if question.link_id not in follow_up_answers)


def check_in(
    questionnaire: Questionnaire,
    *,
    answers: Mapping[str, Any],
    new_signs: Mapping[str, list[str]],
    follow_up_answers: Mapping[str, Any],
    pain: int | None,
    first_pain: int | None,
) -> dict[str, Any]:
    """The answers after a diary check-in: new signs, fresh follow-up answers, today's pain.

    A follow-up that applies but was not answered is left unknown, never at its old answer.
    """
    merged, _ = _merge(
        questionnaire, answers=answers, new_signs=new_signs, follow_up_answers=follow_up_answers
    )
    if pain is not None:
        if first_pain is not None and pain - first_pain >= WORSENING_POINTS:
            merged["course"] = "worse"
        merged["pain_score"] = pain
    return merged
