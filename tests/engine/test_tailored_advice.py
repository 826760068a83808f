"""Advice fits the answers and keeps the clinic guide's promises."""

from __future__ import annotations

from spinepath.engine import Level, assess

from .helpers import baseline
from .test_treatments import stenosis


def ids(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.id for item in items]


def test_pain_worse_bending_forward_leads_with_a_stretch_the_other_way_and_says_why() -> None:
    plan = assess(baseline(worse_with=["bending_forward"])).plan
    offered = ids(plan.self_care)
    assert "childs_pose" not in offered and "knee_to_chest" not in offered
    stretches = [item for item in plan.self_care if item.kind == "stretch"]
    assert (
        stretches[0].id == "prone_press_up" and "Bending forward makes your pain worse" in stretches[0].text
    )
    why = {item.id: item.why for item in plan.avoid}
    assert "bending forward makes your pain worse" in why["childs_pose"]
    cat_cow = next(item for item in plan.self_care if item.id == "cat_cow")
    assert cat_cow.caution and "skip rounding your back" in cat_cow.caution


def test_without_that_answer_the_usual_stretches_are_offered_and_not_the_press_up() -> None:
    offered = ids(assess(baseline()).plan.self_care)
    assert "childs_pose" in offered and "prone_press_up" not in offered


def test_the_press_up_is_withheld_when_leaning_back_hurts_too_or_in_pregnancy() -> None:
    plan = assess(baseline(worse_with=["bending_forward", "bending_back"])).plan
    assert "prone_press_up" not in ids(plan.self_care) and "prone_press_up" in ids(plan.avoid)


def test_narrowed_canal_wording_appears_only_when_that_condition_is_shown() -> None:
    plain = next(item for item in assess(baseline()).plan.self_care if item.id == "knee_to_chest")
    assert "narrowed spinal canal" not in plain.text
    result = assess(stenosis())
    knees = next(item for item in result.plan.self_care if item.id == "knee_to_chest")
    assert "narrowed spinal canal" in knees.text


def test_a_child_gets_parent_advice_and_no_adult_medicine_or_doses() -> None:
    result = assess(baseline(age=10))
    offered = ids(result.plan.self_care)
    assert "for_parents" in offered and "nsaids_over_the_counter" not in offered
    paracetamol = next((item for item in result.plan.self_care if item.id == "paracetamol_note"), None)
    assert paracetamol is None or (paracetamol.caution and "children's paracetamol" in paracetamol.caution)
    assert "for_parents" not in ids(assess(baseline()).plan.self_care)


def test_walking_pain_is_explained_by_tired_muscles_and_shoes_unless_it_is_claudication() -> None:
    walking = assess(baseline(worse_with=["walking"], walking_pain="no")).plan
    item = next(item for item in walking.self_care if item.id == "walking_pain_causes")
    assert "tired muscles" in item.text and "Shoes" in item.text
    claudication = assess(stenosis()).plan
    assert "walking_pain_causes" not in ids(claudication.self_care)


def test_women_are_told_about_hormonal_causes_and_men_are_not() -> None:
    women = assess(baseline(sex="female", age=52, pregnancy="no")).plan
    hormones = next(item for item in women.contributing if item.id == "hormones")
    assert "period" in hormones.text and "menopause" in hormones.text
    assert "hormones" not in ids(assess(baseline()).plan.contributing)


def test_lifestyle_answers_are_shown_as_contributing_causes_as_well_as_prevention() -> None:
    plan = assess(baseline(habits=["sit_long", "smoker", "unsupportive_shoes"])).plan
    assert {"sitting", "smoking", "footwear"} <= set(ids(plan.contributing))
    assert "stop_smoking" in ids(plan.prevention)
    assert not assess(baseline(habits=[])).plan.contributing


def test_pain_that_stops_daily_life_is_the_trigger_for_seeing_a_specialist() -> None:
    calm = assess(baseline(daily_activities="some"))
    assert calm.triage.level is Level.SELF_CARE
    limited = assess(baseline(daily_activities="a_lot"))
    assert limited.triage.level is Level.ROUTINE
    assert limited.next_step.clinician == "spine_physician"
    assert any(hit.rule == "daily_life_limited" for hit in limited.triage.reasons)
