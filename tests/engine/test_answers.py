"""Answers are validated at the boundary: every problem names the field and says what is wrong."""

from __future__ import annotations

import pytest

from spinepath.engine import AnswerError, validate_answers


def problems(answers: object, *, complete: bool = False) -> dict[str, str]:
    with pytest.raises(AnswerError) as error:
        validate_answers(answers, complete=complete)  # type: ignore[arg-type]
    return {problem.link_id: problem.message for problem in error.value.problems}


def test_unknown_link_id_is_named() -> None:
    assert "no question" in problems({"agee": 40})["agee"]


def test_wrong_type_is_named() -> None:
    assert "whole number" in problems({"age": "forty"})["age"]
    assert "whole number" in problems({"age": True})["age"]


def test_out_of_range_number_says_the_limit() -> None:
    assert "at most 120" in problems({"age": 400})["age"]
    assert "at least 0" in problems({"pain_score": -1})["pain_score"]


def test_unknown_option_lists_the_choices() -> None:
    message = problems({"duration": "forever"})["duration"]
    assert "forever" in message and "under_1_week" in message


def test_unknown_body_region_is_named() -> None:
    assert "elbow_left" in problems({"pain_regions": ["lower_back", "elbow_left"]})["pain_regions"]


def test_several_problems_are_reported_together() -> None:
    assert set(problems({"age": -3, "sex": "x", "nope": 1})) == {"age", "sex", "nope"}


def test_answers_must_be_an_object() -> None:
    assert problems(["age", 3])


def test_complete_answers_need_every_required_question() -> None:
    missing = problems({"age": 40}, complete=True)
    assert {"sex", "pain_regions", "duration", "bladder_bowel"} <= set(missing)


def test_answers_to_questions_that_do_not_apply_are_dropped() -> None:
    clean = validate_answers({"age": 40, "sex": "male", "pregnancy": "pregnant"})
    assert "pregnancy" not in clean


def test_null_means_skipped_and_is_kept() -> None:
    assert validate_answers({"pain_score": None}) == {"pain_score": None}


def test_checklists_are_normalised() -> None:
    assert validate_answers({"habits": ["smoker", "inactive", "smoker"]})["habits"] == ["inactive", "smoker"]
