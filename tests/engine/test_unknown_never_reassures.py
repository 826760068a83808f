"""Unknown never reassures, as a property of the whole engine (issue #10, item 1).

For every question q and answer set A in which q is enabled and optional: assessing A without q is at
least as urgent as the most urgent result of A with any answer to q, wherever that result is urgent or
more. (Required questions are enforced by every caller instead: see test_required_questions_*.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spinepath.engine import Level, assess, get_knowledge
from spinepath.engine.questionnaire import Question

from .helpers import baseline, sciatica
from .strategies import answers, value_of

KNOWLEDGE = get_knowledge()
QUESTIONNAIRE = KNOWLEDGE.questionnaire


def candidate_values(question: Question, data: st.DataObject | None = None) -> list[Any]:
    """Every answer a choice can take; for lists, none, each item alone, all of them and a random mix."""
    if question.type == "choice":
        return [option.value for option in question.options]
    if question.type == "multi":
        values = [option.value for option in question.options]
        candidates: list[Any] = [[], values, *([value] for value in values)]
    elif question.type == "integer":
        candidates = [question.minimum or 0, question.maximum or 120]
    else:
        regions = sorted(KNOWLEDGE.body_map.region_ids)
        candidates = [
            [],
            regions,
            ["sole_left", "sole_right"],
            ["calf_left"],
            ["groin_right", "hip_outer_right"],
        ]
    if data is not None:
        candidates.append(data.draw(value_of(question)))
    return candidates


def optional_enabled(answer_set: dict[str, Any]) -> list[Question]:
    return [
        q for q in QUESTIONNAIRE.questions
        if not q.required and QUESTIONNAIRE.is_enabled(q, answer_set) is True
    ]  # fmt: skip


def check_question(answer_set: dict[str, Any], question: Question, data: st.DataObject | None = None) -> None:
    without = QUESTIONNAIRE.validate({k: v for k, v in answer_set.items() if k != question.link_id})
    skipped = assess(without).triage.level
    for value in candidate_values(question, data):
        answered = assess(QUESTIONNAIRE.validate({**without, question.link_id: value})).triage
        if answered.level.rank >= Level.URGENT.rank:
            assert skipped.rank >= answered.level.rank, (
                f"skipping {question.link_id} gives {skipped.value}, answering {value!r} gives "
                f"{answered.level.value} ({[hit.rule for hit in answered.reasons][:3]}) for {without}"
            )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(answer_set=answers(), data=st.data())
def test_skipping_an_optional_question_never_lowers_an_urgent_result(
    answer_set: dict[str, Any], data: st.DataObject
) -> None:
    questions = optional_enabled(answer_set)
    assume(questions)
    check_question(answer_set, data.draw(st.sampled_from(questions)), data)


def test_every_optional_question_on_typical_answer_sets() -> None:
    """Every question, on answer sets a clinic sees every day (the random test samples one at a time)."""
    for answer_set in (
        baseline(),
        sciatica(),
        baseline(age=72, sex="female", medical_history=["osteoporosis"]),
        baseline(age=30, sex="female", pregnancy="pregnant", pregnancy_signs=[]),
        sciatica(age=68, medical_history=["cancer"], duration="over_1_year"),
        baseline(age=55, medical_history=["diabetes"], pain_score=4),
    ):
        for question in optional_enabled(answer_set):
            check_question(answer_set, question)
