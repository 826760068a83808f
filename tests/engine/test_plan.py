"""The care plan fits the person: contraindications withhold advice, habits pick prevention."""

from __future__ import annotations

from spinepath.engine import Level, assess

from .helpers import baseline, sciatica


def ids(items) -> set[str]:  # type: ignore[no-untyped-def]
    return {item.id for item in items}


def test_self_care_includes_staying_active_and_stretches() -> None:
    plan = assess(baseline()).plan
    assert {"stay_active", "childs_pose", "cat_cow", "heat"} <= ids(plan.self_care)


def test_nsaids_are_withheld_from_20_weeks_of_pregnancy_with_the_reason() -> None:
    answers = baseline(sex="female", age=30, pregnancy="pregnant", pregnancy_weeks=24, pregnancy_signs=[])
    plan = assess(answers).plan
    assert "nsaids_over_the_counter" not in ids(plan.self_care)
    assert "nsaids_over_the_counter" in ids(plan.avoid)


def test_nsaids_are_withheld_with_kidney_disease_and_cautioned_at_65() -> None:
    assert "nsaids_over_the_counter" in ids(assess(baseline(medicine_safety=["kidney"])).plan.avoid)
    plan = assess(baseline(age=68)).plan
    nsaids = next(item for item in plan.self_care if item.id == "nsaids_over_the_counter")
    assert nsaids.caution and "65" in nsaids.caution


def test_prevention_follows_habits() -> None:
    assert "stop_smoking" in ids(assess(baseline(habits=["smoker"])).plan.prevention)
    assert "stop_smoking" not in ids(assess(baseline(habits=[])).plan.prevention)


def test_an_emergency_gets_no_home_remedies_but_does_get_the_safety_net() -> None:
    result = assess(baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"))
    assert result.triage.level is Level.EMERGENCY
    assert not result.plan.self_care and result.plan.safety_net
    assert result.next_step.clinician == "emergency_department" and result.next_step.within_hours == 0


def test_every_result_says_it_does_not_replace_a_clinician() -> None:
    assert "clinician" in assess(baseline()).disclaimer
    assert "profesional" in assess(baseline(), language="es").disclaimer


def test_spanish_result_is_in_spanish() -> None:
    result = assess(baseline(), language="es")
    assert result.language == "es" and "casa" in result.triage.headline


def test_spanish_next_step_names_the_clinician_in_a_whole_sentence() -> None:
    step = assess(sciatica(), language="es").next_step
    assert step.clinician_name in step.text
    assert ": " + step.clinician_name in step.text and "con:" not in step.text and "a:" not in step.text
