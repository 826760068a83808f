"""Answers become findings: present, absent or unknown, with body-map patterns and published clusters."""

from __future__ import annotations

from typing import Any

from spinepath.engine import get_knowledge
from spinepath.engine.findings import compute_findings, nerve_root

from .helpers import baseline, sciatica


def findings_of(answers: dict[str, Any]) -> dict[str, bool]:
    return compute_findings(get_knowledge(), answers)


def test_chosen_option_is_present_and_the_others_absent() -> None:
    found = findings_of({"course": "worse"})
    assert found["course_worsening"] is True and found["course_improving"] is False


def test_unanswered_question_leaves_its_findings_unknown() -> None:
    assert "fever" not in findings_of({"age": 40})


def test_question_that_does_not_apply_makes_its_findings_absent() -> None:
    assert findings_of({"age": 40, "sex": "male"})["pregnant"] is False


def test_not_sure_about_pregnancy_stays_unknown() -> None:
    assert "pregnant" not in findings_of({"age": 30, "sex": "female", "pregnancy": "not_sure"})


def test_a_finding_reported_anywhere_counts_as_present() -> None:
    found = findings_of({"general_health": ["night_pain_constant"], "night_waking": "no"})
    assert found["constant_night_pain"] is True


def test_body_map_patterns() -> None:
    found = findings_of(sciatica())
    assert found["pain_below_knee"] and found["unilateral_leg_pain"] and not found["bilateral_leg_pain"]
    assert found["numbness_below_knee"] and found["radicular_pattern"]
    assert not found["no_leg_symptoms"]


def test_both_legs_are_recognised_from_pain_or_numbness() -> None:
    found = findings_of(
        baseline(pain_regions=["lower_back", "calf_left"], numb_regions=["sole_right", "sole_left"])
    )
    assert found["bilateral_leg_symptoms"] and found["bilateral_sole_numbness"]


def test_back_pain_only_has_no_leg_symptoms() -> None:
    assert findings_of(baseline())["no_leg_symptoms"] is True


def test_asas_inflammatory_back_pain_needs_four_of_five_in_chronic_pain() -> None:
    answers = baseline(
        age=27, duration="over_1_year", onset="gradual", better_with=["moving"], worse_with=["resting"],
        night_waking="eases_on_getting_up",
    )  # fmt: skip
    assert findings_of(answers)["asas_inflammatory_back_pain"] is True
    assert findings_of({**answers, "duration": "1_to_6_weeks"})["asas_inflammatory_back_pain"] is False


def test_cook_stenosis_cluster() -> None:
    answers = baseline(
        age=73, pain_regions=["buttock_left", "buttock_right", "thigh_back_left", "thigh_back_right"],
        worse_part="leg", walking_pain="eases_sitting_or_bending",
    )  # fmt: skip
    assert findings_of(answers)["stenosis_cluster_positive"] is True
    assert findings_of(baseline())["stenosis_cluster_positive"] is False


def test_body_mass_index() -> None:
    assert findings_of({"height_cm": 170, "weight_kg": 95})["obese"] is True
    assert findings_of({"height_cm": 170, "weight_kg": 60})["overweight"] is False


def test_nerve_root_from_where_it_hurts() -> None:
    answers = sciatica()
    assert nerve_root(get_knowledge(), answers, findings_of(answers)) == "S1 (left)"
    l5 = sciatica(
        pain_regions=["lower_back", "buttock_right", "thigh_outer_right", "shin_outer_right", "foot_top_right"],
        numb_regions=["big_toe_right", "foot_top_right"], leg_weakness=["foot_drop"], weakness_change="new_stable",
    )  # fmt: skip
    assert nerve_root(get_knowledge(), l5, findings_of(l5)) == "L5 (right)"
    assert nerve_root(get_knowledge(), l5, findings_of(l5), "es") == "L5 (derecha)"


def test_no_nerve_root_without_a_clear_pattern() -> None:
    answers = baseline()
    assert nerve_root(get_knowledge(), answers, findings_of(answers)) is None
