"""Triage stays safe when answers are partial, mixed or unusual (issue #10): one test per hazard."""

from __future__ import annotations

from typing import Any

from spinepath.engine import Level, assess, get_knowledge, plan_interview

from .helpers import baseline, sciatica


def level_of(answers: dict[str, Any]) -> Level:
    return assess(answers).triage.level


def rules_of(answers: dict[str, Any]) -> set[str]:
    return {hit.rule for hit in assess(answers).triage.reasons}


# ------------------------------------------------------------ timing per warning sign (item 2)
def test_an_old_leak_does_not_hide_a_new_numb_saddle() -> None:
    mixed = {"bladder_bowel": ["leaking_pee", "numb_saddle"], "bladder_bowel_timing": "longstanding"}
    not_asked_yet = {k: v for k, v in baseline(**mixed).items() if k != "bladder_bowel_new"}
    assert level_of(not_asked_yet) is Level.EMERGENCY  # which one is new was not asked yet
    assert level_of(baseline(**mixed, bladder_bowel_new=["numb_saddle"])) is Level.EMERGENCY
    assert level_of(baseline(**mixed, bladder_bowel_new=[])) is Level.URGENT  # both old: GIRFT urgent


def test_a_bladder_that_will_not_empty_is_an_emergency_whatever_its_timing() -> None:
    answers = baseline(
        bladder_bowel=["cannot_pee"], bladder_bowel_timing="longstanding", bladder_bowel_new=[]
    )
    assert level_of(answers) is Level.EMERGENCY
    assert "urinary_retention_any_timing" in rules_of(answers)


def test_new_genital_numbness_is_a_saddle_symptom_even_with_one_leg() -> None:
    assert (
        level_of(sciatica(bladder_bowel=["numb_genitals"], bladder_bowel_timing="new_or_worse"))
        is Level.EMERGENCY
    )
    # trouble with erections alone, with back pain only, is urgent (GIRFT: unlikely to be CES alone)
    assert (
        level_of(baseline(bladder_bowel=["sexual_numbness"], bladder_bowel_timing="new_or_worse"))
        is Level.URGENT
    )


def test_an_old_foot_drop_does_not_hide_new_weakness_in_both_legs() -> None:
    mixed = {"leg_weakness": ["foot_drop", "both_legs_weak"], "weakness_change": "longstanding"}
    assert level_of(baseline(**mixed, weakness_new=["both_legs_weak"], new_weakness_change="new_stable")) is (
        Level.EMERGENCY
    )
    old = baseline(leg_weakness=["foot_drop"], weakness_change="longstanding", weakness_new=[])
    assert level_of(old) is Level.SOON  # an old, unchanged foot drop is not re-triaged as new


def test_stable_weakness_in_both_legs_is_at_least_urgent() -> None:
    answers = baseline(leg_weakness=["both_legs_weak"], weakness_change="longstanding", weakness_new=[])
    assert level_of(answers) is Level.URGENT


def test_numbness_has_its_own_timing_and_an_old_deficit_is_not_new() -> None:
    cancer = {"medical_history": ["cancer"], "duration": "over_1_year", "course": "same"}
    assert level_of(sciatica(**cancer, numbness_change="new")) is Level.EMERGENCY
    assert level_of(sciatica(**cancer, numbness_change="getting_worse")) is Level.EMERGENCY
    assert level_of(sciatica(**cancer, numbness_change="not_sure")) is Level.EMERGENCY
    assert level_of(sciatica(**cancer, numbness_change="old_unchanged")).rank < Level.EMERGENCY.rank


def test_new_numbness_in_both_legs_is_urgent() -> None:
    answers = baseline(numb_regions=["sole_left", "sole_right"], numbness_change="new")
    assert level_of(answers).rank >= Level.URGENT.rank


# ------------------------------------------------------------ serious conditions in patients' words (item 3)
def test_an_aneurysm_does_not_need_the_word_tearing() -> None:
    sudden = {"onset": "sudden", "pain_score": 9, "pain_regions": ["lower_back", "abdomen"]}
    assert level_of(baseline(age=72, **sudden)) is Level.EMERGENCY
    assert level_of(baseline(age=58, **sudden, habits=["smoker"])) is Level.EMERGENCY
    assert level_of(baseline(age=58, **sudden, habits=[], circulation=[])).rank < Level.EMERGENCY.rank
    assert level_of(baseline(age=72, onset="lifting_or_twisting", pain_score=9)).rank < Level.EMERGENCY.rank


def test_infection_risk_with_constant_pain_is_urgent_without_fever() -> None:
    for risk in ("diabetes", "injects_drugs", "weak_immunity", "recent_spine_procedure"):
        answers = baseline(medical_history=[risk], general_health=["night_pain_constant"])
        assert level_of(answers).rank >= Level.URGENT.rank, risk


def test_with_fever_the_pain_counts_wherever_it_is() -> None:
    for region in ("buttock_left", "groin_right", "hip_outer_left"):
        answers = baseline(pain_regions=[region], general_health=["fever"], medical_history=["weak_immunity"])
        assert level_of(answers).rank >= Level.URGENT.rank, region


def test_cancer_with_worsening_or_night_pain_has_no_one_year_exemption() -> None:
    chronic = {"medical_history": ["cancer"], "duration": "over_1_year"}
    assert level_of(baseline(**chronic, course="worse")).rank >= Level.URGENT.rank
    assert level_of(baseline(**chronic, course="same", general_health=["night_pain_constant"])).rank >= (
        Level.URGENT.rank
    )


def test_pain_in_waves_ticked_anywhere_in_pregnancy_is_maternity_now() -> None:
    answers = baseline(
        age=30, sex="female", pregnancy="pregnant", pregnancy_signs=[], belly_and_urine=["waves"]
    )
    assert level_of(answers) is Level.EMERGENCY
    maybe = baseline(
        age=24, sex="female", pregnancy="not_sure", pregnancy_signs=[], belly_and_urine=["waves"]
    )
    assert level_of(maybe).rank >= Level.SAME_DAY.rank


def test_young_people_with_constant_night_pain_are_seen_soon() -> None:
    assert level_of(baseline(age=17, general_health=["night_pain_constant"])).rank >= Level.SOON.rank


# ------------------------------------------------------------ mimics (item 4)
def test_a_swollen_painful_leg_is_a_possible_clot_seen_today() -> None:
    answers = sciatica(leg_swelling=["one_leg_swollen"])
    assert level_of(answers) is Level.SAME_DAY
    assert "deep_vein_thrombosis" in {c.id for c in assess(answers).differential[:3]}
    assert level_of(sciatica(leg_swelling=["one_leg_swollen", "breathless"])) is Level.EMERGENCY


def test_a_fall_with_hip_pain_is_a_possible_broken_hip() -> None:
    fall = {"age": 80, "sex": "female", "injury": "minor", "pain_regions": ["groin_right", "hip_outer_right"]}
    assert level_of(baseline(**fall, fall_hip=["cannot_bear_weight"])) is Level.EMERGENCY
    walking = assess(baseline(**fall, fall_hip=[]))
    assert walking.triage.level is Level.SAME_DAY
    assert "hip_fracture" in {c.id for c in walking.differential[:3]}


# ------------------------------------------------------------ unknown never reassures (item 1)
def test_a_skipped_answer_that_could_make_it_an_emergency_keeps_the_emergency_open() -> None:
    skipped = {
        k: v
        for k, v in baseline(age=72, pain_score=9, pain_regions=["lower_back", "abdomen"]).items()
        if k != "onset"
    }
    result = assess(skipped)
    assert result.triage.level is Level.EMERGENCY
    hit = next(h for h in result.triage.reasons if h.rule == "possible:aortic_aneurysm_signs")
    assert "onset" in {reason.finding for reason in hit.because}  # it says which answer is missing


def test_the_interview_asks_a_question_that_could_raise_the_level_before_it_stops() -> None:
    answers: dict[str, Any] = {}
    person = baseline(
        age=72, pain_score=9, pain_regions=["lower_back", "abdomen"], onset="lifting_or_twisting"
    )
    asked = []
    for _ in range(60):
        step = plan_interview(answers)
        if step.done:
            break
        for question in step.questions:
            asked.append(question.link_id)
            answers[question.link_id] = person.get(question.link_id, [] if question.type == "multi" else None)
    assert "onset" in asked
    assert assess(answers).triage.level.rank < Level.EMERGENCY.rank


def test_every_question_that_can_alone_make_it_urgent_is_required() -> None:
    """Checklists whose options alone fire an urgent rule are required (asked of everyone who they apply to)."""
    kb = get_knowledge()
    alone = {
        finding
        for rule in kb.rules
        if rule.level.rank >= Level.URGENT.rank
        for expression in (rule.when.args if rule.when.op == "any" else (rule.when,))
        if expression.op == "finding"
        for finding in [expression.finding]
    }
    for question in kb.questionnaire.questions:
        if question.type == "multi" and any(option.finding in alone for option in question.options):
            assert question.required, question.link_id


# ------------------------------------------------------------ known diagnoses and earlier episodes (item 5)
def test_a_known_diagnosis_shapes_the_likely_causes_but_never_switches_off_a_warning_sign() -> None:
    def disc_share(answers: dict[str, Any]) -> float:
        return next(c.relative for c in assess(answers).differential if c.id == "lumbar_disc_herniation")

    plain = sciatica(known_conditions=[], episode_history="like_before")
    known = sciatica(known_conditions=["slipped_disc"], episode_history="like_before")
    assert disc_share(known) > disc_share(plain)
    flare_with_saddle = sciatica(
        known_conditions=["slipped_disc"], episode_history="like_before",
        bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse",
    )  # fmt: skip
    assert level_of(flare_with_saddle) is Level.EMERGENCY


def test_an_episode_unlike_the_usual_ones_in_a_known_condition_is_seen_soon() -> None:
    answers = sciatica(known_conditions=["stenosis"], episode_history="different")
    assert "known_condition_different_episode" in rules_of(answers)
    assert level_of(answers).rank >= Level.SOON.rank
