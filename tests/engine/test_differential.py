"""Bayes with likelihood ratios: ranked, explained, damped for overlapping findings."""

from __future__ import annotations

import math

import pytest

from spinepath.engine import assess, get_knowledge
from spinepath.engine.differential import score
from spinepath.engine.knowledge import Condition, EvidenceItem

from .helpers import baseline, sciatica


def _condition(*evidence: tuple[str, float, str]) -> Condition:
    return Condition(
        id="test", name="Test", clinical_name="Test", aliases=(), summary="", explanation="", prior=0.5,
        prior_source="test", clinician="gp", disposition=get_knowledge().conditions[0].disposition, escalate=None,
        radicular=False, requires=None, treatments=(),
        evidence=tuple(
            EvidenceItem(f, math.log(lr), 0.0, lr, 1.0, group, "test", False) for f, lr, group in evidence
        ),
    )  # fmt: skip


def test_independent_findings_multiply() -> None:
    condition = _condition(("a", 4.0, "g1"), ("b", 2.0, "g2"))
    log_odds, _ = score(condition, {"a": True, "b": True})
    assert math.exp(log_odds) == pytest.approx(8.0)


def test_overlapping_findings_in_one_group_are_damped() -> None:
    condition = _condition(("a", 4.0, "g"), ("b", 4.0, "g"), ("c", 4.0, "g"))
    log_odds, _ = score(condition, {"a": True, "b": True, "c": True})
    assert math.exp(log_odds) == pytest.approx(4.0 * 4.0**0.5 * 4.0**0.25)


def test_unknown_findings_do_not_move_the_odds() -> None:
    condition = _condition(("a", 4.0, "g"))
    assert score(condition, {})[0] == pytest.approx(0.0)


def test_sciatica_ranks_disc_herniation_first_with_its_nerve_root() -> None:
    top = assess(sciatica()).differential[0]
    assert top.id == "lumbar_disc_herniation"
    assert top.nerve_root == "S1 (left)"
    assert any(e.finding == "pain_below_knee" for e in top.evidence_for)


def test_simple_strain_ranks_nonspecific_back_pain_first() -> None:
    assert assess(baseline()).differential[0].id == "nonspecific_low_back_pain"


def test_probabilities_are_ordered_and_shares_sum_to_one() -> None:
    differential = assess(sciatica()).differential
    unpinned = [c for c in differential if not c.must_rule_out]
    assert [c.probability for c in unpinned] == sorted((c.probability for c in unpinned), reverse=True)
    assert 0.9 <= sum(c.relative for c in differential) <= 1.0001


def test_a_condition_probable_enough_to_escalate_ranks_with_the_red_flag_concerns() -> None:
    # An older man losing weight, run down, with mid-back pain for months: a rule names infection to rule
    # out, and cancer is probable enough to raise the urgency by itself. The more probable of the two
    # comes first, and it stays "a likely cause" (not only one to exclude).
    answers = baseline(age=72, pain_regions=["mid_back", "lower_back"], duration="3_to_12_months",
                       onset="gradual", course="same", better_with=[],
                       general_health=["weight_loss", "thoracic_pain", "feel_unwell"])  # fmt: skip
    result = assess(answers)
    first, *rest = result.differential
    assert first.id == "spinal_malignancy" and not first.must_rule_out
    assert "escalate:spinal_malignancy" in {reason.rule for reason in result.triage.reasons}
    infection = next(c for c in rest if c.id == "spinal_infection")
    assert infection.must_rule_out and infection.probability < first.probability
    assert "leading:spinal_malignancy" in {reason.rule for reason in result.triage.reasons}


def test_conditions_that_cannot_apply_are_left_out() -> None:
    ids = {c.id for c in assess(baseline()).differential}
    assert "labour" not in ids and "pregnancy_related_pelvic_girdle_pain" not in ids


def test_each_explanation_shows_how_much_a_finding_moved_it() -> None:
    top = assess(sciatica()).differential[0]
    for evidence in top.evidence_for:
        assert evidence.weight > 1 and evidence.likelihood_ratio > 1 and evidence.source
    for evidence in top.evidence_against:
        assert evidence.weight < 1
