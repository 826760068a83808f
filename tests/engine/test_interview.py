"""The adaptive interview: core first, the whole red-flag screen, then only questions worth asking."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinepath.engine import Level, assess, get_questionnaire, plan_interview
from spinepath.evaluation import complete_answers, oracle_answer, simulate_interview

from .helpers import baseline, sciatica
from .strategies import answers

QUESTIONNAIRE = get_questionnaire()


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


# ------------------------------------------------------------ issue #13: fewer questions, same result
def interview(person: dict[str, Any], oracle: Any = None) -> dict[str, Any]:
    """The answers the interview collects from a person who answers from `person` (a skipped question
    stays skipped)."""
    given_answers: dict[str, Any] = {}
    for _ in range(100):
        step = plan_interview(given_answers)
        if step.done:
            return given_answers
        for question in step.questions:
            given_answers[question.link_id] = (oracle or (lambda p, q: p.get(q.link_id)))(person, question)
    raise AssertionError("the interview did not end")


def applying(answer_set: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions that apply: what a person filling in the whole form could give (a
    generated set may answer a follow-up whose question it follows was skipped; no form shows it)."""
    kept = dict(answer_set)
    while True:
        hanging = [k for k in kept if QUESTIONNAIRE.is_enabled(QUESTIONNAIRE.by_id[k], kept) is not True]
        if not hanging:
            return kept
        for link_id in hanging:
            del kept[link_id]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_set=answers(), unmentioned_means_none=st.booleans())
def test_the_interview_ends_at_the_level_of_the_whole_form(
    answer_set: dict[str, Any], unmentioned_means_none: bool
) -> None:
    """For any answers, the interview's level is the whole form's: never lower (issue #10: it never stops
    while an unasked question could still raise the level), and never higher."""
    if unmentioned_means_none:  # as the vignettes are played: an unmentioned checklist is "none of these"
        person = complete_answers(applying(answer_set))
        given_answers = interview(person, lambda p, q: oracle_answer(p, q.link_id, q.type))
    else:  # an unanswered question is skipped when asked
        person = applying(answer_set)
        given_answers = interview(person)
    assert assess(given_answers).triage.level is assess(person).triage.level
    assert len(given_answers) <= len(QUESTIONNAIRE.enabled_questions(person)) + 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_set=answers())
def test_the_interview_is_never_less_urgent_even_for_answers_no_form_would_collect(
    answer_set: dict[str, Any],
) -> None:
    """Answers to follow-ups whose question was skipped (the API accepts them) are never asked by the
    interview; where the whole set is urgent or more, the interview is still at least as urgent."""
    whole = assess(answer_set).triage.level
    level = assess(interview(answer_set)).triage.level
    assert level.rank >= whole.rank or whole.rank < Level.URGENT.rank, (level, whole)


def test_once_the_level_is_settled_at_urgent_nothing_is_asked_that_could_not_change_it() -> None:
    """Shingles signs make it urgent for certain; what eases the pain, morning stiffness, or habits could
    not change that: they are not asked. The warning-sign screen is still completed."""
    person = baseline(
        age=45, pain_regions=["lower_back", "flank_right"], belly_and_urine=["rash", "burning_band"]
    )
    given_answers = interview(person, lambda p, q: oracle_answer(p, q.link_id, q.type))
    assert assess(given_answers).triage.level is Level.URGENT
    assert not {"better_with", "stiffness", "habits", "worries", "hip_signs"} & set(given_answers)
    screen = {q.link_id for q in QUESTIONNAIRE.enabled_questions(given_answers) if q.phase == "red_flag"}
    assert screen <= set(given_answers)


def test_the_result_lists_nothing_as_not_ruled_out_for_want_of_a_question_it_did_not_ask() -> None:
    """A person at urgent is not told that cancer or a kidney stone "cannot be ruled out" because the
    interview chose not to ask about night pain or waves of pain: the reasons are the whole form's."""
    for person in (
        baseline(age=58, pain_score=7, medical_history=["weak_immunity"], general_health=["night_pain_constant"],
                 course="worse"),
        baseline(age=45, pain_regions=["lower_back", "flank_right"], belly_and_urine=["rash", "burning_band"]),
        sciatica(leg_weakness=["cannot_tiptoe"], weakness_change="new_stable"),
    ):  # fmt: skip
        given_answers = interview(person, lambda p, q: oracle_answer(p, q.link_id, q.type))
        result, whole = assess(given_answers), assess(person)
        unsure = {
            hit.rule for hit in result.triage.reasons if hit.rule.startswith(("possible:", "unscreened"))
        }
        assert not unsure - {hit.rule for hit in whole.triage.reasons}
        assert result.triage.level is whole.triage.level and not result.triage.unscreened


def test_an_emergency_is_reached_within_a_few_questions() -> None:
    """Warning signs come before detail questions (issue #13): new numbness between the legs is an
    emergency after who you are and two more questions at most."""
    person = sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    given_answers = interview(person, lambda p, q: oracle_answer(p, q.link_id, q.type))
    assert plan_interview(given_answers).emergency is not None
    assert len(given_answers) <= 5, list(given_answers)
