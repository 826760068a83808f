"""Numbers that do not falsely reassure: a must-rule-out condition shows a calibrated range or no number."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from spinepath.cli import render_text
from spinepath.engine import Level, assess, get_knowledge

from .helpers import baseline
from .strategies import answers as any_answers

SUSPECTED_CES = {"bladder_bowel": ["numb_saddle"], "bladder_bowel_timing": "new_or_worse"}


def test_suspected_cauda_equina_shows_the_range_seen_in_referred_series_not_the_population_prior() -> None:
    result = assess(baseline(**SUSPECTED_CES))
    assert result.triage.level is Level.EMERGENCY
    ces = next(c for c in result.differential if c.id == "cauda_equina_syndrome")
    assert ces.relative < 0.01, "the model share is tiny: exactly the number that must not be shown"
    assert ces.shown.kind == "calibrated" and ces.shown.low == 0.06 and ces.shown.high == 0.22
    assert "6 to 22 in 100" in ces.shown.text and "must be checked" in ces.shown.text
    assert "Wood" in ces.shown.source and "Bell" in ces.shown.source


def test_a_must_rule_out_condition_without_a_published_series_gets_no_number() -> None:
    result = assess(baseline(age=45, medical_history=["injects_drugs"], general_health=["fever"]))
    infection = next(c for c in result.differential if c.id == "spinal_infection")
    assert infection.must_rule_out
    assert infection.shown.kind == "must_check" and infection.shown.low is None
    assert "must be checked" in infection.shown.text


def test_the_cancer_series_applies_only_to_people_who_have_had_cancer() -> None:
    with_history = assess(baseline(age=62, medical_history=["cancer"], course="worse"))
    malignancy = next(c for c in with_history.differential if c.id == "spinal_malignancy")
    assert malignancy.shown.kind == "calibrated"
    child = assess(baseline(age=12))  # the under-16 rule names malignancy without any cancer history
    malignancy = next(c for c in child.differential if c.id == "spinal_malignancy")
    assert malignancy.shown.kind == "must_check"


def test_ordinary_causes_keep_their_share() -> None:
    result = assess(baseline())
    assert all(c.shown.kind == "share" for c in result.differential)


def test_the_cli_shows_the_range_or_check_never_a_tiny_percentage_for_a_must_rule_out_cause() -> None:
    text = render_text(assess(baseline(**SUSPECTED_CES)))
    line = next(line for line in text.splitlines() if "cauda equina" in line.lower() and "%" in line)
    assert "6%-22%" in line and "0.3%" not in line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_answers())
def test_no_must_rule_out_or_escalated_condition_is_ever_shown_as_a_share(answers: dict[str, Any]) -> None:
    kb = get_knowledge()
    result = assess(answers)
    for condition in result.differential:
        escalation = kb.condition(condition.id).escalate
        escalated = (
            escalation is not None
            and escalation.level.rank >= Level.URGENT.rank
            and condition.probability >= escalation.probability
        )
        if condition.must_rule_out or escalated:
            assert condition.shown.kind in {"calibrated", "must_check"}, condition.id
            assert condition.shown.text
