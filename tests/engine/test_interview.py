"""The adaptive interview: core first, the whole red-flag screen, then only questions worth asking."""

from __future__ import annotations

from typing import Any

from spinepath.engine import Level, get_questionnaire, plan_interview
from spinepath.evaluation import simulate_interview

from .helpers import baseline, sciatica


def test_the_interview_starts_with_the_emergency_warning_signs_then_who_you_are() -> None:
    step = plan_interview({})
    assert [q.link_id for q in step.questions] == ["bladder_bowel", "leg_weakness", "emergency_signs"]
    assert all(q.first and q.phase == "red_flag" for q in step.questions)
    assert not step.done and step.remaining > 5
    after = plan_interview({"bladder_bowel": [], "leg_weakness": [], "emergency_signs": []})
    assert [q.link_id for q in after.questions] == ["age", "sex"]


def test_a_follow_up_of_the_first_screen_comes_before_who_you_are() -> None:
    step = plan_interview({"bladder_bowel": [], "leg_weakness": ["foot_drop"], "emergency_signs": []})
    assert [q.link_id for q in step.questions] == ["weakness_change"]


def test_the_red_flag_screen_comes_before_any_adaptive_question() -> None:
    given: dict[str, Any] = {}
    phases = []
    while True:
        step = plan_interview(given)
        if step.done:
            break
        for question in step.questions:
            phases.append(question.phase)
            given[question.link_id] = sciatica().get(
                question.link_id, [] if question.type in {"multi", "regions"} else None
            )
    assert phases.index("red_flag") < phases.index("adaptive") if "adaptive" in phases else True
    red_flags = {q.link_id for q in get_questionnaire().questions if q.phase == "red_flag" and q.required
                 and get_questionnaire().is_enabled(q, given)}  # fmt: skip
    assert red_flags <= set(given)


def test_a_follow_up_that_could_change_an_emergency_is_asked_first() -> None:
    step = plan_interview({"age": 47, "sex": "female", "bladder_bowel": ["numb_saddle"]})
    assert [q.link_id for q in step.questions] == ["bladder_bowel_timing"] and not step.done


def test_an_emergency_answer_stops_the_interview_at_once() -> None:
    answers = {
        "age": 47,
        "sex": "female",
        "bladder_bowel": ["numb_saddle"],
        "bladder_bowel_timing": "new_or_worse",
    }
    step = plan_interview(answers)
    assert step.done and step.emergency is not None
    assert step.emergency.level is Level.EMERGENCY
    assert step.questions == ()


def test_steps_hold_at_most_three_questions_from_one_section() -> None:
    step = plan_interview({"age": 40, "sex": "male"})
    assert 1 <= len(step.questions) <= 3
    assert len({q.section for q in step.questions}) == 1


def test_a_typical_case_needs_fewer_questions_than_the_whole_form() -> None:
    asked, level = simulate_interview(baseline())
    assert asked < len(get_questionnaire().enabled_questions(baseline()))
    assert level == "self_care"


def test_the_interview_reaches_the_same_level_as_the_whole_form_for_sciatica() -> None:
    _, level = simulate_interview(sciatica())
    assert level == "routine"
