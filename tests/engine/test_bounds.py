"""The bounds the adaptive interview stops on (engine/bounds.py) hold for every completion of the answers.

If these fail, the interview could stop while an unasked question could still change the level.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinepath.engine import Level, assess, get_knowledge
from spinepath.engine.bounds import bounds, open_questions, sources
from spinepath.engine.findings import PRESENT_STAYS, compute_findings
from spinepath.engine.questionnaire import Question
from spinepath.engine.triage import source_questions

from .helpers import baseline, sciatica
from .strategies import answers, value_of

KNOWLEDGE = get_knowledge()
QUESTIONNAIRE = KNOWLEDGE.questionnaire
SLOW = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def assert_within_bounds(person: dict[str, Any], hidden: list[str]) -> None:
    """The person's level lies between the bounds of their answers with `hidden` not given yet."""
    limits = bounds(KNOWLEDGE, without(person, hidden))
    level = assess(person).triage.level
    assert limits.floor.rank <= level.rank <= limits.ceiling.rank, (
        hidden,
        limits.floor,
        level,
        limits.ceiling,
    )


def without(answer_set: dict[str, Any], hidden: list[str]) -> dict[str, Any]:
    return QUESTIONNAIRE.validate({k: v for k, v in answer_set.items() if k not in hidden})


@SLOW
@given(answer_set=answers(), data=st.data())
def test_every_completion_is_assessed_between_the_floor_and_the_ceiling(
    answer_set: dict[str, Any], data: st.DataObject
) -> None:
    """Skip some answers (they stay unknown) and hide others: the set is one way of answering the hidden
    ones, so its level lies within the bounds."""
    keys = sorted(answer_set)
    skipped = data.draw(st.lists(st.sampled_from(keys), unique=True), label="skipped") if keys else []
    person = QUESTIONNAIRE.validate({**answer_set, **dict.fromkeys(skipped)})
    hidden = (
        data.draw(st.lists(st.sampled_from(sorted(person)), unique=True), label="hidden") if person else []
    )
    assert_within_bounds(person, hidden)


@SLOW
@given(answer_set=answers(), data=st.data())
def test_a_finding_changes_only_when_a_question_it_comes_from_changes(
    answer_set: dict[str, Any], data: st.DataObject
) -> None:
    """findings.DERIVED_FROM (and the options) name every question a finding depends on: the bounds trust it.
    Changing one answer changes only findings of that question, or of questions that started or stopped
    applying because of it."""
    question = data.draw(st.sampled_from(QUESTIONNAIRE.questions), label="question")
    value = data.draw(st.one_of(st.none(), value_of(question)), label="value")
    after = QUESTIONNAIRE.validate({**answer_set, question.link_id: value})
    moved = {question.link_id} | {
        q.link_id
        for q in QUESTIONNAIRE.questions
        if QUESTIONNAIRE.is_enabled(q, answer_set) != QUESTIONNAIRE.is_enabled(q, after)
        or (q.link_id in answer_set) != (q.link_id in after)
    }
    before_findings, after_findings = (
        compute_findings(KNOWLEDGE, answer_set),
        compute_findings(KNOWLEDGE, after),
    )
    table = sources(KNOWLEDGE)
    for finding in set(before_findings) | set(after_findings):
        if before_findings.get(finding) != after_findings.get(finding):
            assert table.get(finding, frozenset()) & moved, (finding, question.link_id, value)


def test_the_bounds_are_settled_once_everything_is_answered() -> None:
    for answer_set in (baseline(), sciatica(), baseline(age=72, medical_history=["cancer"])):
        complete = QUESTIONNAIRE.validate(
            {
                **{q.link_id: None for q in QUESTIONNAIRE.questions if q.link_id not in answer_set},
                **answer_set,
            }
        )
        assert not open_questions(KNOWLEDGE, complete)
        limits = bounds(KNOWLEDGE, complete)
        assert limits.settled and limits.floor is assess(complete).triage.level


def test_a_question_no_one_has_answered_leaves_every_level_open() -> None:
    limits = bounds(KNOWLEDGE, {})
    assert limits.floor is Level.SELF_CARE and limits.ceiling is Level.EMERGENCY
    assert {"bladder_bowel", "emergency_signs"} <= set(limits.open)


def test_a_symptom_ticked_anywhere_stays_ticked() -> None:
    """Constant night pain ticked among the general warning signs settles it, though the night-waking
    question (which can also say it) is not asked yet: with weak immunity that is urgent for certain."""
    partial = without(
        baseline(age=58, medical_history=["weak_immunity"], general_health=["night_pain_constant"]),
        ["night_waking", "course"],
    )
    assert bounds(KNOWLEDGE, partial).floor.rank >= Level.URGENT.rank


@SLOW
@given(answer_set=answers(), data=st.data())
def test_a_finding_that_stays_present_is_not_taken_back_by_a_later_answer(
    answer_set: dict[str, Any], data: st.DataObject
) -> None:
    """findings.PRESENT_STAYS: once such a finding is present, answering one of its listed questions later
    (any answer, or none) leaves it present. The bounds count it as settled on that promise."""
    finding = data.draw(st.sampled_from(sorted(PRESENT_STAYS)), label="finding")
    question = QUESTIONNAIRE.by_id[data.draw(st.sampled_from(PRESENT_STAYS[finding]), label="question")]
    before = without(answer_set, [question.link_id])
    if compute_findings(KNOWLEDGE, before).get(finding) is not True:
        return  # nothing promised (the example below makes sure the promise is exercised)
    value = data.draw(st.one_of(st.none(), value_of(question)), label="value")
    after = QUESTIONNAIRE.validate({**before, question.link_id: value})
    assert compute_findings(KNOWLEDGE, after).get(finding) is True, (finding, value)


def test_a_numb_saddle_ticked_on_the_checklist_stays_whatever_the_map_says() -> None:
    ticked = without(
        baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"), ["numb_regions"]
    )
    assert all(compute_findings(KNOWLEDGE, ticked).get(finding) is True for finding in PRESENT_STAYS)
    for numb in ([], ["saddle"], ["foot_top_left", "sole_right"]):
        after = QUESTIONNAIRE.validate({**ticked, "numb_regions": numb})
        assert all(compute_findings(KNOWLEDGE, after).get(finding) is True for finding in PRESENT_STAYS)
    assert bounds(KNOWLEDGE, ticked).floor is Level.EMERGENCY


def _quiet(question: Question) -> st.SearchStrategy[Any]:
    """An answer with few symptoms ticked: a low level, where a rule held open by "not sure" shows."""
    if question.type == "regions":
        return st.just([])
    if question.link_id == "age":  # an adult: children have rules of their own
        return st.integers(20, 90)
    if question.type == "multi":
        return st.lists(st.sampled_from([o.value for o in question.options]), max_size=1)
    return value_of(question)


UNSURE_ABLE = sorted(
    q.link_id for q in QUESTIONNAIRE.questions if any(q.left_unknown(option.value) for option in q.options)
)


@settings(SLOW, max_examples=500)  # tighter bounds, rarer failures: more examples
@given(data=st.data())
def test_not_sure_answers_and_completions_stay_between_the_floor_and_the_ceiling(data: st.DataObject) -> None:
    """As above, for a person who answered every question, several of them "not sure" (or partly sure):
    those hold rules open at any level (triage.possible_rules), asked or still to be asked. A few answers
    are hidden, so the bounds are tight enough for a wrong one to show."""
    changed = {q.link_id: data.draw(_quiet(q), label=q.link_id) for q in QUESTIONNAIRE.questions}
    unsure = data.draw(st.lists(st.sampled_from(UNSURE_ABLE), unique=True, min_size=1), label="unsure")
    for link_id in unsure:
        question = QUESTIONNAIRE.by_id[link_id]
        choices = [option.value for option in question.options if question.left_unknown(option.value)]
        changed[link_id] = data.draw(st.sampled_from(choices), label=f"{link_id} unsure")
    person = QUESTIONNAIRE.validate(changed)
    hidden = data.draw(st.lists(st.sampled_from(sorted(person)), unique=True, max_size=3), label="hidden")
    assert_within_bounds(person, hidden)


def test_the_reasons_and_the_bounds_name_the_same_questions_behind_a_finding() -> None:
    """A 'could not be ruled out' reason names every question the bounds wait for, and no other: both
    read findings.sources_of (before, 'no injury' and the body map's mid back were missing from it)."""
    table = sources(KNOWLEDGE)
    for finding, link_ids in table.items():
        named = {question.link_id for question in source_questions(KNOWLEDGE, finding)}
        assert named == link_ids & set(KNOWLEDGE.questionnaire.by_id), finding
    assert {q.link_id for q in source_questions(KNOWLEDGE, "onset_injury")} == {"onset", "injury"}
    assert {q.link_id for q in source_questions(KNOWLEDGE, "thoracic_pain")} >= {
        "general_health",
        "pain_regions",
    }
