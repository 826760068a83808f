"""Answers -> findings: what the person told us, as present (True), absent (False) or unknown (missing).

Option findings: answering a choice or checklist question makes the chosen options' findings present
and the others absent; a question that does not apply to the person (e.g. pregnancy for a man) makes
its findings absent; an unanswered question leaves them unknown. When two questions speak to the same
finding, "present" wins: a symptom reported anywhere is reported.

Derived findings (ages, body-map patterns, published clusters) are computed here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .knowledge import Knowledge
from .questionnaire import LEG_ZONES, Question

Findings = dict[str, bool]

_BACK_REGIONS = {"mid_back", "lower_back", "tailbone", "flank", "sacroiliac"}
_LOWER_BACK_REGIONS = {"lower_back", "tailbone", "sacroiliac"}
_THIGH_AND_BELOW = {"leg_above_knee", "knee", "below_knee"}
_NOT_REALLY_LEG = {"groin", "hip_outer"}  # leg-zone regions that are hip rather than nerve territory
_UNSURE_VALUES = {"not_sure"}
_WORRY_FINDINGS = ("fear_of_movement", "catastrophising", "low_mood", "anxiety", "work_concerns")


# The questions each derived finding is computed from: what to ask when a derived finding is unknown.
_AGE_FINDINGS = (
    "age_under_16", "age_under_18", "age_under_20", "age_under_40", "age_under_45", "age_under_60",
    "age_over_48", "age_50_plus", "age_60_plus", "age_65_plus", "age_70_plus", "age_75_plus",
)  # fmt: skip
_BODY_MAP = ("pain_regions", "numb_regions")
_PAIN_MAP_FINDINGS = (
    "back_pain", "lower_back_pain", "buttock_pain", "leg_pain", "pain_below_knee", "pain_above_knee_only",
    "bilateral_leg_pain", "unilateral_leg_pain", "groin_pain", "lateral_hip_pain", "flank_pain",
    "abdominal_pain", "pubic_pain", "sacroiliac_pain", "calf_pain",
)  # fmt: skip
_NUMB_MAP_FINDINGS = ("numbness_leg", "numbness_below_knee", "bilateral_numbness", "bilateral_sole_numbness")
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    **{finding: ("age",) for finding in _AGE_FINDINGS},
    "severe_pain": ("pain_score",),
    "duration_under_6_weeks": ("duration",),
    "duration_6_weeks_plus": ("duration",),
    "duration_3_months_plus": ("duration",),
    "not_improving_6_weeks": ("duration", "course"),
    "pregnant_or_postpartum": ("pregnancy",),
    "pregnancy_20_weeks_plus": ("pregnancy", "pregnancy_weeks"),
    "pregnancy_28_weeks_plus": ("pregnancy", "pregnancy_weeks"),
    "leg_weakness_any": ("leg_weakness",),
    "any_cauda_equina_symptom": ("bladder_bowel",),
    "infection_risk_factor": ("medical_history",),
    "psychosocial_risk": ("worries",),
    "sphincter_sign_new": ("bladder_bowel", "bladder_bowel_timing", "bladder_bowel_new"),
    "weakness_new_or_worse": ("leg_weakness", "weakness_change", "weakness_new"),
    "bilateral_weakness_new": ("leg_weakness", "weakness_change", "weakness_new"),
    "leg_numbness_new": ("numb_regions", "numbness_change"),
    "bilateral_numbness_new": ("numb_regions", "numbness_change", "both_legs_timing"),
    "bilateral_leg_symptoms": ("pain_regions", "numb_regions", "leg_weakness"),
    "thoracic_pain": ("pain_regions", "general_health"),
    "no_leg_symptoms": _BODY_MAP,
    "obese": ("height_cm", "weight_kg"),
    "overweight": ("height_cm", "weight_kg"),
    **{finding: ("pain_regions",) for finding in _PAIN_MAP_FINDINGS},
    **{finding: ("numb_regions",) for finding in _NUMB_MAP_FINDINGS},
    # Published clusters, from the questions behind each of their items.
    "asas_inflammatory_back_pain": ("duration", "age", "onset", "better_with", "worse_with", "night_waking"),
    "stenosis_cluster_positive": (
        *_BODY_MAP,
        "leg_weakness",
        "worse_part",
        "worse_with",
        "walking_pain",
        "better_with",
        "age",
    ),
    "stenosis_cluster_negative": (
        *_BODY_MAP,
        "leg_weakness",
        "worse_part",
        "worse_with",
        "walking_pain",
        "better_with",
        "age",
    ),
    "radicular_pattern": (*_BODY_MAP, "worse_part"),
}
# Findings set by more than their own question (an option finding that another answer also settles).
ALSO_FROM: dict[str, tuple[str, ...]] = {"onset_injury": ("injury",)}


def compute_findings(knowledge: Knowledge, answers: Mapping[str, Any]) -> Findings:
    findings: Findings = {}
    _option_findings(knowledge, answers, findings)
    _derived_findings(knowledge, answers, findings)
    return findings


def _set(findings: Findings, finding: str, value: bool | None) -> None:
    if value is None:
        return
    findings[finding] = findings.get(finding, False) or value


def _option_findings(knowledge: Knowledge, answers: Mapping[str, Any], findings: Findings) -> None:
    questionnaire = knowledge.questionnaire
    unanswered: list[Question] = []
    for question in questionnaire.questions:
        if question.type not in {"choice", "multi"}:
            continue
        enabled = questionnaire.is_enabled(question, answers)
        value = answers.get(question.link_id)
        if enabled is False:
            for option in question.options:
                if option.finding:
                    _set(findings, option.finding, False)
            continue
        if value is None:
            unanswered.append(question)
            continue
        chosen = {value} if question.type == "choice" else set(value)
        if question.type == "choice" and value in _UNSURE_VALUES:
            continue  # "not sure" tells us nothing either way
        for option in question.options:
            if option.finding:
                _set(findings, option.finding, option.value in chosen)
    # A finding that several questions speak to is absent only when none of them could still say it
    # is present: "no" to one question does not answer another that was skipped (unknown never reassures).
    for question in unanswered:
        for option in question.options:
            if option.finding and findings.get(option.finding) is False:
                del findings[option.finding]


def _any_known(values: Iterable[bool | None]) -> bool | None:
    """Three-valued OR."""
    items = list(values)
    if True in items:
        return True
    return None if None in items else False


def _derived_findings(knowledge: Knowledge, answers: Mapping[str, Any], findings: Findings) -> None:
    age = answers.get("age")
    if isinstance(age, int):
        for finding, test in (
            ("age_under_16", age < 16),
            ("age_under_18", age < 18),
            ("age_under_20", age < 20),
            ("age_under_40", age < 40),
            ("age_under_45", age < 45),
            ("age_under_60", age < 60),
            ("age_over_48", age > 48),
            ("age_50_plus", age >= 50),
            ("age_60_plus", age >= 60),
            ("age_65_plus", age >= 65),
            ("age_70_plus", age >= 70),
            ("age_75_plus", age >= 75),
        ):
            findings[finding] = test

    _body_map_findings(knowledge, answers, findings)

    get = findings.get
    if answers.get("injury") == "none" and answers.get("onset") is None:
        findings["onset_injury"] = False  # "did it start after a fall or injury?" was answered "no"
    _set(
        findings,
        "leg_weakness_any",
        None if answers.get("leg_weakness") is None else bool(answers["leg_weakness"]),
    )
    pregnant = _any_known([get("pregnant"), get("postpartum")])
    _set(findings, "pregnant_or_postpartum", pregnant)
    weeks = answers.get("pregnancy_weeks")
    if get("pregnant") is False:
        findings["pregnancy_20_weeks_plus"] = findings["pregnancy_28_weeks_plus"] = False
    elif isinstance(weeks, int):
        findings["pregnancy_20_weeks_plus"] = weeks >= 20
        findings["pregnancy_28_weeks_plus"] = weeks >= 28

    score = answers.get("pain_score")
    if isinstance(score, int):
        findings["severe_pain"] = score >= 7

    duration = answers.get("duration")
    if isinstance(duration, str):
        under_6 = duration in {"under_1_week", "1_to_6_weeks"}
        findings["duration_under_6_weeks"] = under_6
        findings["duration_6_weeks_plus"] = not under_6
        findings["duration_3_months_plus"] = duration in {"3_to_12_months", "over_1_year"}
        course = answers.get("course")
        if under_6:
            findings["not_improving_6_weeks"] = False
        elif isinstance(course, str):
            findings["not_improving_6_weeks"] = course in {"same", "worse"}

    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if isinstance(height, int) and isinstance(weight, int) and height >= 100:
        bmi = weight / (height / 100) ** 2
        findings["obese"] = bmi >= 30
        findings["overweight"] = 25 <= bmi < 30

    _set(
        findings,
        "any_cauda_equina_symptom",
        None if answers.get("bladder_bowel") is None else bool(answers["bladder_bowel"]),
    )
    _set(
        findings,
        "infection_risk_factor",
        _any_known(
            get(f)
            for f in (
                "injected_drug_use",
                "diabetes",
                "immunosuppressed",
                "recent_infection",
                "recent_spinal_procedure",
            )
        ),
    )
    _set(findings, "psychosocial_risk", _at_least(3, [get(f) for f in _WORRY_FINDINGS]))
    _timing_per_sign(answers, findings)
    _clusters(findings)


# Warning signs and the follow-up option that says "this one is new or getting worse" (issue #10: one
# timing answer for several signs is unsafe; an old leak must not hide a new numb saddle).
_SPHINCTER_SIGNS = {
    "urinary_hesitancy": "hard_to_start_peeing",
    "reduced_urine_sensation": "cannot_feel_peeing",
    "urinary_incontinence": "leaking_pee",
    "bowel_incontinence": "bowel_control",
    "saddle_numbness": "numb_saddle",
    "genital_numbness": "numb_genitals",
}
_WEAKNESS_SIGNS = {
    "foot_drop": "foot_drop",
    "cannot_tiptoe": "cannot_tiptoe",
    "knee_gives_way": "knee_gives_way",
    "hip_flexion_weak": "thigh_weak",
    "bilateral_leg_weakness": "both_legs_weak",
}


def _known_old(timing: Any, old_value: str, follow_up: Any, value: str) -> bool:
    """A sign counts as old only when the person said so for that very sign: "more than 2 weeks, not
    changing" and then did not tick it as new. Anything less (no timing, no follow-up) is not known old."""
    return timing == old_value and isinstance(follow_up, list) and value not in follow_up


def _new_sign(present: bool | None, known_old: bool) -> bool | None:
    """Present and not known to be old: three-valued, so an unanswered sign stays unknown."""
    if present is False or known_old:
        return False
    return present


def _timing_per_sign(answers: Mapping[str, Any], findings: Findings) -> None:
    get = findings.get
    timing, follow_up = answers.get("bladder_bowel_timing"), answers.get("bladder_bowel_new")
    _set(
        findings,
        "sphincter_sign_new",
        _any_known(
            _new_sign(get(finding), _known_old(timing, "longstanding", follow_up, value))
            for finding, value in _SPHINCTER_SIGNS.items()
        ),
    )
    change, new_weakness = answers.get("weakness_change"), answers.get("weakness_new")
    signs = {
        finding: _new_sign(get(finding), _known_old(change, "longstanding", new_weakness, value))
        for finding, value in _WEAKNESS_SIGNS.items()
    }
    _set(findings, "weakness_new_or_worse", _any_known(signs.values()))
    _set(findings, "bilateral_weakness_new", signs["bilateral_leg_weakness"])
    # Numbness: new, spreading, "not sure" or unanswered all count as new; only "old and unchanged" does not.
    numbness_change = answers.get("numbness_change")
    numbness_old = numbness_change == "old_unchanged"
    _set(findings, "leg_numbness_new", _new_sign(get("numbness_leg"), numbness_old))
    # "When did both legs start?" times the symptoms in both legs, numbness included.
    both_legs_old = answers.get("both_legs_timing") in {"longstanding", "only_when_walking"}
    both_old = numbness_old or (both_legs_old and numbness_change not in {"new", "getting_worse"})
    _set(findings, "bilateral_numbness_new", _new_sign(get("bilateral_numbness"), both_old))


def _at_least(n: int, values: list[bool | None]) -> bool | None:
    present = sum(value is True for value in values)
    unknown = sum(value is None for value in values)
    if present >= n:
        return True
    return None if present + unknown >= n else False


def _body_map_findings(knowledge: Knowledge, answers: Mapping[str, Any], findings: Findings) -> None:
    body_map = knowledge.body_map
    pain = answers.get("pain_regions")
    numb = answers.get("numb_regions")

    def describe(regions: list[str]) -> tuple[set[str], set[str], dict[str, set[str]]]:
        ids: set[str] = set()
        zones: set[str] = set()
        sides_by_zone: dict[str, set[str]] = {}
        for region_id in regions:
            region, side = body_map.lookup(region_id)
            ids.add(region.id)
            zones.add(region.zone)
            if side:
                sides_by_zone.setdefault(region.zone, set()).add(side)
                if region.zone in _THIGH_AND_BELOW and region.id not in _NOT_REALLY_LEG:
                    sides_by_zone.setdefault("leg", set()).add(side)
                if region.zone in LEG_ZONES:
                    sides_by_zone.setdefault("leg_or_buttock", set()).add(side)
        return ids, zones, sides_by_zone

    if pain is not None:
        ids, zones, sides = describe(pain)
        leg_regions = {
            body_map.lookup(r)[0].id for r in pain if body_map.lookup(r)[0].zone in _THIGH_AND_BELOW
        } - _NOT_REALLY_LEG
        findings["back_pain"] = bool(ids & _BACK_REGIONS)
        findings["lower_back_pain"] = bool(ids & _LOWER_BACK_REGIONS)
        findings["buttock_pain"] = "buttock" in ids
        findings["leg_pain"] = bool(leg_regions)
        findings["pain_below_knee"] = "below_knee" in zones
        findings["pain_above_knee_only"] = (
            bool(leg_regions) or "buttock" in ids
        ) and "below_knee" not in zones
        findings["bilateral_leg_pain"] = len(sides.get("leg_or_buttock", set())) == 2
        findings["unilateral_leg_pain"] = len(sides.get("leg_or_buttock", set())) == 1
        findings["groin_pain"] = "groin" in ids
        findings["lateral_hip_pain"] = "hip_outer" in ids
        findings["flank_pain"] = "flank" in ids
        findings["abdominal_pain"] = "abdomen" in ids
        findings["pubic_pain"] = "pubic" in ids
        findings["sacroiliac_pain"] = "sacroiliac" in ids
        findings["calf_pain"] = "calf" in ids
        _set(findings, "thoracic_pain", True if "mid_back" in ids else None)
    if numb is not None:
        ids, zones, sides = describe(numb)
        findings["numbness_leg"] = bool(zones & _THIGH_AND_BELOW)
        findings["numbness_below_knee"] = "below_knee" in zones
        findings["bilateral_numbness"] = len(sides.get("leg_or_buttock", set())) == 2
        findings["bilateral_sole_numbness"] = {"sole_left", "sole_right"} <= set(numb)
    if pain is not None:
        leg_pain = findings["leg_pain"] or findings["buttock_pain"]
        if leg_pain:
            findings["no_leg_symptoms"] = False
        elif numb is not None:
            findings["no_leg_symptoms"] = not findings["numbness_leg"]
        regions = list(pain) + list(numb or [])
        both = len(body_map.leg_sides(regions)) == 2 or findings.get("bilateral_leg_weakness") is True
        if both or numb is not None:
            findings["bilateral_leg_symptoms"] = both


def _clusters(findings: Findings) -> None:
    get = findings.get
    # ASAS inflammatory back pain (Sieper 2009): in back pain for 3 months or more, >= 4 of 5.
    if get("duration_3_months_plus") is False:
        findings["asas_inflammatory_back_pain"] = False
    else:
        not_eased_by_rest = _any_known([get("worse_with_rest"), _not(get("better_lying_down"))])
        asas = _at_least(
            4,
            [
                get("age_under_40"),
                get("onset_gradual"),
                get("better_with_movement"),
                not_eased_by_rest,
                get("night_pain_eases_on_rising"),
            ],
        )
        if get("duration_3_months_plus") is True or asas is False:
            _set(findings, "asas_inflammatory_back_pain", asas)

    # Cook 2011 stenosis cluster: bilateral symptoms, leg pain > back pain, pain on walking/standing,
    # relief on sitting, age > 48.
    items = [
        get("bilateral_leg_symptoms"),
        get("leg_pain_worse_than_back"),
        _any_known([get("worse_walking"), get("worse_standing"), get("neurogenic_claudication")]),
        _any_known([get("better_sitting"), get("neurogenic_claudication")]),
        get("age_over_48"),
    ]
    positive = _at_least(4, items)
    _set(findings, "stenosis_cluster_positive", positive)
    if all(item is False for item in items):
        findings["stenosis_cluster_negative"] = True
    elif any(item is True for item in items):
        findings["stenosis_cluster_negative"] = False

    # Konstantinou 2012: pain below the knee + leg pain worse than back + numbness/pins and needles.
    radicular = [get("pain_below_knee"), get("leg_pain_worse_than_back"), get("numbness_leg")]
    if False in radicular:
        findings["radicular_pattern"] = False
    elif all(item is True for item in radicular):
        findings["radicular_pattern"] = True


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def nerve_root(
    knowledge: Knowledge, answers: Mapping[str, Any], findings: Mapping[str, bool], language: str = "en"
) -> str | None:
    """The lumbosacral root that best fits where the pain, numbness and weakness are, if any stands out.

    Scores each root by side: pain region +1, numbness +1.5, weakness pattern +2 (Iversen 2013: the
    level inferred from symptoms is weak evidence, so callers present it as "probably").
    """
    body_map = knowledge.body_map
    scores: dict[tuple[str, str | None], float] = {}
    for link_id, weight in (("pain_regions", 1.0), ("numb_regions", 1.5)):
        for region_id in answers.get(link_id) or []:
            region, side = body_map.lookup(region_id)
            for root in region.roots:
                scores[(root, side)] = scores.get((root, side), 0.0) + weight
    leg_sides = body_map.leg_sides(answers.get("pain_regions") or [])
    weakness_side = next(iter(leg_sides)) if len(leg_sides) == 1 else None
    for weakness, roots in body_map.weakness_roots.items():
        if findings.get(weakness):
            for root in roots:
                scores[(root, weakness_side)] = scores.get((root, weakness_side), 0.0) + 2.0 / len(roots)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    (root, side), best = ranked[0]
    runner_up = next((score for (other, _), score in ranked[1:] if other != root), 0.0)
    if best < 2.0 or best - runner_up < 1.0:
        return None
    return f"{root} ({knowledge.message(f'side_{side}', language)})" if side else root
