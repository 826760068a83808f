"""Every patient can answer truthfully (issue #13, item 1): "not sure", exclusive ranges, the missing
options and body regions, each read the way the guidelines ask. The property tests over every "not sure"
answer are in test_unknown_never_reassures.py and test_advice_guards.py."""

from __future__ import annotations

import re
from typing import Any

import pytest

from spinepath.engine import Assessment, Level, assess, get_knowledge
from spinepath.engine.findings import compute_findings
from spinepath.engine.questionnaire import NOT_SURE

from .helpers import baseline, sciatica

QUESTIONNAIRE = get_knowledge().questionnaire


def findings_of(answers: dict[str, Any]) -> dict[str, bool]:
    return compute_findings(get_knowledge(), QUESTIONNAIRE.validate(answers))


def level_of(answers: dict[str, Any]) -> Level:
    return assess(answers).triage.level


def rules_of(answers: dict[str, Any]) -> set[str]:
    return {hit.rule for hit in assess(answers).triage.reasons}


# ---------------------------------------------------------------- "not sure"
@pytest.mark.parametrize(
    "link_id",
    ["duration", "onset", "course", "bladder_bowel_timing", "weakness_change", "new_weakness_change",
     "both_legs_timing", "numbness_change", "stiffness"],
)  # fmt: skip
def test_a_question_a_person_may_not_be_able_to_answer_offers_not_sure(link_id: str) -> None:
    assert NOT_SURE in QUESTIONNAIRE.by_id[link_id].option_values


def test_not_sure_how_long_leaves_every_duration_unknown() -> None:
    found = findings_of(baseline(duration=NOT_SURE, course="same"))
    assert not {f for f in found if f.startswith("duration_")}
    assert "not_improving_6_weeks" not in found  # not known: it might have lasted 6 weeks


def test_not_sure_how_long_is_held_at_the_level_of_its_worst_answer_and_says_why() -> None:
    result = assess(baseline(duration=NOT_SURE))
    assert result.triage.level is Level.ROUTINE  # a year or more would be persistent pain: routine
    hit = next(r for r in result.triage.reasons if r.rule == "possible:persistent_pain")
    assert "you were not sure: How long have you had this pain?" in [reason.text for reason in hit.because]
    assert "not sure" in hit.title


def test_not_sure_when_the_bladder_change_started_is_an_emergency() -> None:
    answers = baseline(bladder_bowel=["hard_to_start_peeing"], bladder_bowel_timing=NOT_SURE)
    assert level_of(answers) is Level.EMERGENCY and "cauda_equina_new" in rules_of(answers)


def test_not_sure_whether_weakness_is_getting_worse_counts_as_getting_worse() -> None:
    answers = sciatica(leg_weakness=["foot_drop"], weakness_change=NOT_SURE)
    assert level_of(answers) is Level.EMERGENCY and "possible:progressive_weakness" in rules_of(answers)


def test_an_improving_pain_is_not_unimproved_however_long_it_has_lasted() -> None:
    assert findings_of(baseline(duration=NOT_SURE, course="better"))["not_improving_6_weeks"] is False


def test_not_sure_how_it_started_after_no_fall_still_means_no_injury() -> None:
    assert findings_of(baseline(onset=NOT_SURE, injury="none"))["onset_injury"] is False


def test_not_sure_how_it_started_keeps_a_fracture_open_for_thin_bones() -> None:
    answers = baseline(age=76, sex="female", medical_history=["osteoporosis"], onset=NOT_SURE)
    assert level_of(answers).rank >= Level.URGENT.rank


# ---------------------------------------------------------------- exclusive ranges, pain of any age
def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def test_how_long_names_each_edge_once() -> None:
    labels = {o.value: o.label("en") for o in QUESTIONNAIRE.by_id["duration"].options}
    assert labels["1_to_6_weeks"] == "1 week or more, but less than 6 weeks"
    assert labels["6_to_12_weeks"] == "6 weeks or more, but less than 3 months"
    assert labels["3_to_12_months"] == "3 months or more, but less than a year"
    assert labels["over_1_year"] == "A year or more"
    # "6 weeks" and "a year" each belong to one option only: "or more" on one side, "less than" on the other.
    assert sum("6 weeks or more" in text for text in labels.values()) == 1
    assert sum("a year or more" in text.lower() for text in labels.values()) == 1


def test_how_the_pain_is_going_fits_pain_that_started_today() -> None:
    course = QUESTIONNAIRE.by_id["course"]
    assert "last week" not in course.label("en").lower()
    assert "started less than a week ago" in course.help_text("en")
    assert "today" in (course.option(NOT_SURE) or pytest.fail("no 'not sure'")).label("en")


# ---------------------------------------------------------------- the missing options
def test_a_plain_yes_to_night_waking_leaves_the_kind_of_night_pain_unknown() -> None:
    found = findings_of(baseline(night_waking="yes"))
    assert found["night_waking"] is True and found["no_night_waking"] is False
    assert "night_pain_eases_on_rising" not in found and "constant_night_pain" not in found


def test_walking_pain_without_knowing_what_eases_it_asks_where_and_keeps_both_patterns_open() -> None:
    answers = sciatica(walking_pain="yes_not_sure")
    found = findings_of(answers)
    assert found["walking_leg_symptoms"] is True and found["no_walking_leg_symptoms"] is False
    assert "neurogenic_claudication" not in found and "vascular_claudication_pattern" not in found
    assert QUESTIONNAIRE.is_enabled(QUESTIONNAIRE.by_id["walking_where"], answers) is True


def test_stiffness_is_not_only_in_the_morning() -> None:
    values = QUESTIONNAIRE.by_id["stiffness"].option_values
    assert {"after_rest", "all_day"} <= values
    assert findings_of(baseline(stiffness="after_rest"))["stiffness_after_rest"] is True


def test_rest_that_helps_counts_against_inflammatory_back_pain() -> None:
    """ASAS (Sieper 2009): 'no improvement with rest' is one of the five items."""
    ibp = {"age": 28, "duration": "over_1_year", "night_waking": "eases_on_getting_up"}  # 3 items, with
    # "better with moving" 4: "not better with rest" decides
    moving = baseline(**ibp, better_with=["moving"])
    assert findings_of(moving)["asas_inflammatory_back_pain"] is True
    assert (
        findings_of(baseline(**ibp, better_with=["moving", "resting"]))["asas_inflammatory_back_pain"]
        is False
    )


def test_a_new_heavy_leg_is_new_weakness() -> None:
    answers = sciatica(leg_weakness=["heavy_leg"], weakness_change="new_stable")
    assert level_of(answers) is Level.URGENT and "new_motor_deficit" in rules_of(answers)
    worse = sciatica(leg_weakness=["heavy_leg"], weakness_change="getting_worse")
    assert level_of(worse) is Level.EMERGENCY
    old = sciatica(leg_weakness=["heavy_leg"], weakness_change="longstanding", weakness_new=[])
    assert level_of(old) is Level.SOON


def test_creeping_numbness_over_days_with_weakness_is_an_emergency_over_months_a_routine_check() -> None:
    fast = baseline(
        nerve_symptoms=["creeping_numbness"], leg_weakness=["both_legs_weak"], weakness_change="new_stable"
    )
    assert level_of(fast) is Level.EMERGENCY
    feet = {"age": 64, "pain_regions": ["lower_back"], "numb_regions": ["sole_left", "sole_right"],
            "numbness_change": "old_unchanged", "both_legs_timing": "longstanding"}  # fmt: skip
    slow = assess(baseline(**feet, nerve_symptoms=["creeping_numbness_slow"]))
    assert "leg_nerve_symptoms" in {r.rule for r in slow.triage.reasons}
    assert slow.triage.level is Level.ROUTINE

    def neuropathy(result: Assessment) -> float:
        return next(c.probability for c in result.differential if c.id == "peripheral_neuropathy")

    assert neuropathy(slow) > 1.5 * neuropathy(assess(baseline(**feet)))  # NICE NG127: think of neuropathy


def test_numbness_without_pain_needs_no_pain_marked() -> None:
    answers = baseline(pain_regions=[], pain_score=0, numb_regions=["foot_top_left"], numbness_change="new")
    result = assess(answers)
    assert result.findings["back_pain"] is False and result.findings["numbness_leg"] is True
    assert result.triage.level is not Level.SELF_CARE


# ---------------------------------------------------------------- the new body regions
def test_the_body_map_has_the_regions_people_could_not_mark() -> None:
    ids = get_knowledge().body_map.region_ids
    for side in ("left", "right"):
        assert {f"upper_back_side_{side}", f"mid_back_side_{side}", f"lower_back_side_{side}",
                f"chest_ribs_{side}", f"ankle_outer_{side}", f"ankle_inner_{side}"} <= ids  # fmt: skip
    assert {"upper_back", "saddle"} <= ids


def test_sides_of_the_upper_and_middle_back_are_thoracic_pain() -> None:
    assert findings_of(baseline(pain_regions=["upper_back_side_left"]))["thoracic_pain"] is True
    assert findings_of(baseline(pain_regions=["lower_back_side_right"]))["lower_back_pain"] is True


def test_numbness_marked_between_the_legs_is_saddle_numbness_and_asks_when_it_started() -> None:
    answers = baseline(numb_regions=["saddle"], numbness_change="new")
    assert findings_of(answers)["saddle_numbness"] is True
    timing = QUESTIONNAIRE.by_id["bladder_bowel_timing"]
    assert QUESTIONNAIRE.is_enabled(timing, answers) is True
    assert level_of(answers) is Level.EMERGENCY  # not timed yet: counted as new
    assert level_of({**answers, "bladder_bowel_timing": "new_or_worse"}) is Level.EMERGENCY
    old = {**answers, "bladder_bowel_timing": "longstanding", "bladder_bowel_new": []}
    assert level_of(old) is Level.URGENT and "cauda_equina_longstanding" in rules_of(old)


def test_pain_between_the_legs_is_never_self_care_alone() -> None:
    answers = baseline(pain_regions=["lower_back", "saddle"])
    assert findings_of(answers)["saddle_pain"] is True
    assert level_of(answers) is Level.ROUTINE and "saddle_pain" in rules_of(answers)


def test_a_band_around_the_front_of_the_ribs_counts_for_shingles() -> None:
    shingles = get_knowledge().condition("shingles")
    assert "chest_wall_pain" in {item.finding for item in shingles.evidence}
    answers = baseline(
        age=67, pain_regions=["chest_ribs_left", "mid_back_side_left"], belly_and_urine=["burning_band"]
    )
    assert assess(answers).differential[0].id == "shingles"


def test_not_sure_counts_only_what_a_real_answer_to_it_could_fire() -> None:
    """'Not sure how long' could be 6 weeks or more, but the night-pain rule also needs constant night
    pain, which nobody asked: a real answer would not fire it either, so 'not sure' does not."""
    reasons = rules_of(baseline(duration=NOT_SURE))
    assert "possible:persistent_pain" in reasons and "possible:constant_night_pain" not in reasons


def test_could_be_satisfied_chooses_only_the_free_findings() -> None:
    from spinepath.engine.expressions import parse

    rule = parse({"all": ["a", {"any": ["b", "c"]}]})
    assert rule.could_be_satisfied({"a": True}, frozenset({"b"}))
    assert not rule.could_be_satisfied({}, frozenset({"b"}))  # "a" stays unknown
    assert not rule.could_be_satisfied({"a": False}, frozenset({"b", "c"}))
    assert parse({"unless": "x"}).could_be_satisfied({}, frozenset({"x"}))
    assert parse({"at_least": {"n": 2, "of": ["a", "b", "c"]}}).could_be_satisfied(
        {"a": True}, frozenset({"c"})
    )


def test_pain_at_the_front_of_the_ribs_says_when_chest_pain_is_an_emergency() -> None:
    """NICE CG95: chest pain may be the heart; the safety-net says which chest pain needs an ambulance."""
    chest = assess(baseline(pain_regions=["chest_ribs_left"])).plan.safety_net
    assert any("chest pain feels heavy, tight or crushing" in text for text in chest)
    assert not any("chest pain" in text for text in assess(baseline()).plan.safety_net)
