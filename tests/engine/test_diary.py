"""A diary check-in triages like the interview: the same follow-up questions, the same level."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spinepath.engine import Level, Questionnaire, assess, get_knowledge
from spinepath.engine.diary import check_in, pending_follow_ups

from .helpers import baseline
from .strategies import answers as any_answers
from .strategies import value_of as _value


def questionnaire() -> Questionnaire:
    return get_knowledge().questionnaire


def test_a_new_dragging_foot_brings_the_interview_follow_up_about_getting_worse() -> None:
    asked = pending_follow_ups(
        questionnaire(), answers=baseline(), new_signs={"leg_weakness": ["foot_drop"]}, follow_up_answers={}
    )
    assert "weakness_change" in [question.link_id for question in asked]


def test_a_dragging_foot_getting_worse_in_the_diary_is_the_emergency_the_interview_says() -> None:
    answers = check_in(
        questionnaire(), answers=baseline(), new_signs={"leg_weakness": ["foot_drop"]},
        follow_up_answers={"weakness_change": "getting_worse"}, pain=5, first_pain=5,
    )  # fmt: skip
    interview = baseline(leg_weakness=["foot_drop"], weakness_change="getting_worse", pain_score=5)
    assert assess(answers).triage.level is assess(interview).triage.level is Level.EMERGENCY


def test_an_old_reassuring_timing_answer_is_not_reused_for_a_new_sign() -> None:
    before = baseline(bladder_bowel=["leaking_pee"], bladder_bowel_timing="longstanding")
    assert assess(before).triage.level is not Level.EMERGENCY
    skipped = check_in(
        questionnaire(), answers=before, new_signs={"bladder_bowel": ["numb_saddle"]},
        follow_up_answers={}, pain=None, first_pain=None,
    )  # fmt: skip
    assert skipped.get("bladder_bowel_timing") is None, "the old 'more than 2 weeks' described the old sign"
    answered = check_in(
        questionnaire(), answers=before, new_signs={"bladder_bowel": ["numb_saddle"]},
        follow_up_answers={"bladder_bowel_timing": "new_or_worse"}, pain=None, first_pain=None,
    )  # fmt: skip
    assert assess(answered).triage.level is Level.EMERGENCY


def _reads(rule: Any) -> set[str]:
    """Every question an enable_when rule mentions (written here again, independently of the engine)."""
    if isinstance(rule, dict):
        found = {rule["question"]} if isinstance(rule.get("question"), str) else set()
        return found.union(*(_reads(value) for value in rule.values()))
    if isinstance(rule, list):
        return set().union(*(_reads(item) for item in rule))
    return set()


def _hanging_on(link_id: str) -> set[str]:
    """Questions whose asking depends, directly or through others, on the answer to `link_id`."""
    found = {link_id}
    grew = True
    while grew:
        grew = False
        for question in questionnaire().questions:
            if question.link_id not in found and _reads(question.enable_when) & found:
                found.add(question.link_id)
                grew = True
    return found - {link_id}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_answers(), st.data())
def test_a_diary_entry_adding_a_warning_sign_gives_the_level_of_the_interview_with_it(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    """The interview with the sign: the person's earlier answers, the sign, and a fresh answer (or none)
    to every question that hangs on that checklist. The diary must reach the same level."""
    checklist = data.draw(st.sampled_from(questionnaire().diary_questions))
    before = answers.get(checklist.link_id) or []
    new = [option.value for option in checklist.options if option.value not in before]
    assume(new)
    sign = data.draw(st.sampled_from(new))
    fresh = {
        link_id: data.draw(st.none() | _value(questionnaire().by_id[link_id]))
        for link_id in sorted(_hanging_on(checklist.link_id))
    }
    interview = questionnaire().validate({**answers, checklist.link_id: sorted({*before, sign}), **fresh})
    diary = check_in(
        questionnaire(), answers=answers, new_signs={checklist.link_id: [sign]},
        follow_up_answers=fresh, pain=answers.get("pain_score"), first_pain=None,
    )  # fmt: skip
    assert assess(diary).triage.level is assess(interview).triage.level
