"""Answers -> findings: what the person told us, as present (True), absent (False) or unknown (missing).

Option findings: answering a choice or checklist question makes the chosen options' findings present
and the others absent; a question that does not apply to the person (e.g. pregnancy for a man) makes
its findings absent; an unanswered question leaves them unknown. When two questions speak to the same
finding, "present" wins: a symptom reported anywhere is reported.

Derived findings (body-map patterns, timing, published clusters) are computed here, in one place.
Cut-offs on numbers (age bands, pain score, weeks of pregnancy, BMI, how many worries) are not written
here: findings.yaml defines each with its source (`threshold:` / `count:`), and this module applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .knowledge import MEASURES, Count, Knowledge, Threshold
from .questionnaire import LEG_ZONES, NOT_SURE, Question

Findings = dict[str, bool]

_THORACIC_REGIONS = {"upper_back", "upper_back_side", "mid_back", "mid_back_side"}
_LOWER_BACK_REGIONS = {"lower_back", "lower_back_side", "tailbone", "sacroiliac"}
_BACK_REGIONS = _THORACIC_REGIONS | _LOWER_BACK_REGIONS | {"flank"}
# Numbness here is the cauda equina warning sign "numbness between the legs" (GIRFT suspected CES
# pathway 2023: altered perianal, perineal or genital sensation), however the person reports it.
_SADDLE = "saddle"
_THIGH_AND_BELOW = {"leg_above_knee", "knee", "below_knee"}
_NOT_REALLY_LEG = {"groin", "hip_outer"}  # leg-zone regions that are hip rather than nerve territory
_UNSURE_VALUES = {NOT_SURE}


# The questions each derived finding is computed from: what to ask when a derived finding is unknown.
# Cut-offs from findings.yaml name their own (`derived_from`).
_BODY_MAP = ("pain_regions", "numb_regions")
_PAIN_MAP_FINDINGS = (
    "back_pain", "lower_back_pain", "buttock_pain", "leg_pain", "pain_below_knee", "pain_above_knee_only",
    "bilateral_leg_pain", "unilateral_leg_pain", "groin_pain", "lateral_hip_pain", "flank_pain",
    "abdominal_pain", "pubic_pain", "sacroiliac_pain", "calf_pain",
)  # fmt: skip
_NUMB_MAP_FINDINGS = ("numbness_leg", "numbness_below_knee", "bilateral_numbness", "bilateral_sole_numbness")
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "duration_under_6_weeks": ("duration",),
    "duration_6_weeks_plus": ("duration",),
    "duration_3_months_plus": ("duration",),
    "not_improving_6_weeks": ("duration", "course"),
    "pregnant_or_postpartum": ("pregnancy",),
    "leg_weakness_any": ("leg_weakness",),
    "any_cauda_equina_symptom": ("bladder_bowel", "numb_regions"),
    "infection_risk_factor": ("medical_history",),
    "sphincter_sign_new": ("bladder_bowel", "numb_regions", "bladder_bowel_timing", "bladder_bowel_new"),
    "weakness_new_or_worse": ("leg_weakness", "weakness_change", "weakness_new"),
    "bilateral_weakness_new": ("leg_weakness", "weakness_change", "weakness_new"),
    "leg_numbness_new": ("numb_regions", "numbness_change"),
    "bilateral_numbness_new": ("numb_regions", "numbness_change", "both_legs_timing"),
    "bilateral_leg_symptoms": ("pain_regions", "numb_regions", "leg_weakness"),
    "thoracic_pain": ("pain_regions", "general_health"),
    "chest_wall_pain": ("pain_regions",),
    "saddle_pain": ("pain_regions",),
    "no_leg_symptoms": _BODY_MAP,
    **{finding: ("pain_regions",) for finding in _PAIN_MAP_FINDINGS},
    **{finding: ("numb_regions",) for finding in _NUMB_MAP_FINDINGS},
}
_COOK_STENOSIS_ITEMS = (
    "bilateral_leg_symptoms", "leg_pain_worse_than_back", "worse_walking", "worse_standing",
    "neurogenic_claudication", "better_sitting", "age_over_48",
)  # fmt: skip
# Published clusters: the findings behind each of their items (`_clusters`); their questions are those
# findings' own (so the age cut-offs stay in findings.yaml).
CLUSTER_PARTS: dict[str, tuple[str, ...]] = {
    "asas_inflammatory_back_pain": (
        "duration_3_months_plus", "age_under_40", "onset_gradual", "better_with_movement",
        "better_lying_down", "better_with_rest", "worse_with_rest", "night_pain_eases_on_rising",
    ),
    "stenosis_cluster_positive": _COOK_STENOSIS_ITEMS,
    "stenosis_cluster_negative": _COOK_STENOSIS_ITEMS,
    "radicular_pattern": ("pain_below_knee", "leg_pain_worse_than_back", "numbness_leg"),
}  # fmt: skip
# Findings set by more than their own question (an option finding that another answer also settles).
ALSO_FROM: dict[str, tuple[str, ...]] = {"onset_injury": ("injury",)}
# Derived findings that, once present, a later answer to these questions cannot take back: those answers
# can only add a sign (a numb saddle drawn on the map joins the bladder checklist's). The interview's
# bounds rely on it; tests/engine/test_bounds.py checks it on generated answers.
PRESENT_STAYS: dict[str, tuple[str, ...]] = {
    "any_cauda_equina_symptom": ("numb_regions",),
    "sphincter_sign_new": ("numb_regions",),
}


def derived_from(knowledge: Knowledge, finding: str) -> tuple[str, ...]:
    """The questions a derived finding is computed from, in the order a person would be asked them."""
    threshold = knowledge.thresholds.get(finding)
    if threshold is not None:
        first = _questions_of(knowledge, [threshold.only_if] if threshold.only_if else [])
        return first + MEASURES.get(threshold.of, (threshold.of,))
    count = knowledge.counts.get(finding)
    if count is not None:
        return _questions_of(knowledge, count.of)
    parts = CLUSTER_PARTS.get(finding)
    if parts is not None:
        key = (knowledge.version, finding)
        if key not in _CLUSTER_SOURCES:
            _CLUSTER_SOURCES[key] = tuple(
                dict.fromkeys(link_id for part in parts for link_id in sources_of(knowledge, part))
            )
        return _CLUSTER_SOURCES[key]
    return DERIVED_FROM.get(finding, ())


_CLUSTER_SOURCES: dict[tuple[str, str], tuple[str, ...]] = {}


def sources_of(knowledge: Knowledge, finding: str) -> tuple[str, ...]:
    """Every question a finding comes from: the questions with an option for it, those that settle it
    too (ALSO_FROM), and the inputs of a derived one. The one definition the result's reasons and the
    interview's bounds both use."""
    options = tuple(
        q.link_id for q in knowledge.questionnaire.questions if any(o.finding == finding for o in q.options)
    )
    return (*options, *ALSO_FROM.get(finding, ()), *derived_from(knowledge, finding))


def _questions_of(knowledge: Knowledge, findings: Iterable[str]) -> tuple[str, ...]:
    link_ids = (knowledge.option_of_finding[finding][0].link_id for finding in findings)
    return tuple(dict.fromkeys(link_ids))


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
    # Questions whose options could still make a finding present: unanswered ones (all their options)
    # and answers that leave some options unknown ("not sure", "yes, but I am not sure how").
    open_options: list[tuple[Question, frozenset[str]]] = []
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
            open_options.append((question, question.option_values))
            continue
        chosen = {value} if question.type == "choice" else set(value)
        unknown = question.left_unknown(value)
        if unknown:
            open_options.append((question, unknown))
        for option in question.options:
            if option.finding and option.value not in unknown:
                _set(findings, option.finding, option.value in chosen)
    # A finding that several questions speak to is absent only when none of them could still say it
    # is present: "no" to one question does not answer another that was skipped or answered "not sure"
    # (unknown never reassures).
    for question, values in open_options:
        for option in question.options:
            if option.value in values and option.finding and findings.get(option.finding) is False:
                del findings[option.finding]


def _any_known(values: Iterable[bool | None]) -> bool | None:
    """Three-valued OR."""
    items = list(values)
    if True in items:
        return True
    return None if None in items else False


def _measure(knowledge: Knowledge, answers: Mapping[str, Any], of: str) -> float | None:
    """The number a threshold tests: an integer answer, or one computed from answers (MEASURES)."""
    if of == "bmi":
        height, weight = answers.get("height_cm"), answers.get("weight_kg")
        if isinstance(height, int) and isinstance(weight, int) and height >= knowledge.bmi_min_height_cm:
            return weight / (height / 100) ** 2
        return None
    value = answers.get(of)
    return value if isinstance(value, int) else None


def _threshold(knowledge: Knowledge, answers: Mapping[str, Any], findings: Findings, t: Threshold) -> None:
    if t.only_if is not None and findings.get(t.only_if) is False:
        findings[t.finding] = False  # e.g. weeks of pregnancy, for someone not pregnant
        return
    value = _measure(knowledge, answers, t.of)
    if value is not None:
        findings[t.finding] = t.holds(value)


def _count(findings: Findings, count: Count) -> None:
    _set(findings, count.finding, _at_least(count.at_least, [findings.get(f) for f in count.of]))


def _derived_findings(knowledge: Knowledge, answers: Mapping[str, Any], findings: Findings) -> None:
    # Cut-offs read only answers and answer-option findings, so they come first (the clusters use ages).
    for threshold in knowledge.thresholds.values():
        _threshold(knowledge, answers, findings, threshold)
    for count in knowledge.counts.values():
        _count(findings, count)

    _body_map_findings(knowledge, answers, findings)

    get = findings.get
    if answers.get("injury") == "none" and answers.get("onset") in {None, NOT_SURE}:
        findings["onset_injury"] = False  # "did it start after a fall or injury?" was answered "no"
    _set(
        findings,
        "leg_weakness_any",
        None if answers.get("leg_weakness") is None else bool(answers["leg_weakness"]),
    )
    pregnant = _any_known([get("pregnant"), get("postpartum")])
    _set(findings, "pregnant_or_postpartum", pregnant)

    duration = answers.get("duration")
    course = answers.get("course")
    if isinstance(duration, str) and duration != NOT_SURE:
        under_6 = duration in {"under_1_week", "1_to_6_weeks"}
        findings["duration_under_6_weeks"] = under_6
        findings["duration_6_weeks_plus"] = not under_6
        findings["duration_3_months_plus"] = duration in {"3_to_12_months", "over_1_year"}
        if under_6:
            findings["not_improving_6_weeks"] = False
        elif isinstance(course, str) and course != NOT_SURE:
            findings["not_improving_6_weeks"] = course in {"same", "worse"}
    elif course == "better":
        findings["not_improving_6_weeks"] = False  # however long it has lasted, it is improving

    _set(
        findings,
        "any_cauda_equina_symptom",
        None if answers.get("bladder_bowel") is None else bool(answers["bladder_bowel"]),
    )
    if get("saddle_numbness") is True:
        findings["any_cauda_equina_symptom"] = True
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
    "leg_heavy_clumsy": "heavy_leg",
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
    # "When did both legs start?" times the symptoms in both legs, numbness included. Only "for a while
    # and not changing" rules out spreading too; "for a while, mostly when I walk" leaves it open, so a
    # "not sure" about the numbness still counts as spreading (it could stand for "getting worse").
    both_legs_unchanged = answers.get("both_legs_timing") == "longstanding"
    both_old = numbness_old or (both_legs_unchanged and numbness_change not in {"new", "getting_worse"})
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
        findings["chest_wall_pain"] = "chest_ribs" in ids
        findings["saddle_pain"] = _SADDLE in ids
        _set(findings, "thoracic_pain", True if ids & _THORACIC_REGIONS else None)
    if numb is not None:
        ids, zones, sides = describe(numb)
        findings["numbness_leg"] = bool(zones & _THIGH_AND_BELOW)
        findings["numbness_below_knee"] = "below_knee" in zones
        findings["bilateral_numbness"] = len(sides.get("leg_or_buttock", set())) == 2
        findings["bilateral_sole_numbness"] = {"sole_left", "sole_right"} <= set(numb)
        if _SADDLE in ids:
            _set(findings, "saddle_numbness", True)
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
        # "Not better with rest": rest or lying down does not ease it (or resting makes it worse).
        eased_by_rest = _any_known([get("better_lying_down"), get("better_with_rest")])
        not_eased_by_rest = _any_known([get("worse_with_rest"), _not(eased_by_rest)])
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
