"""Treatments are true to NICE NG59 and CKS: each cited, none that a guideline says not to offer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spinepath.engine import assess, get_knowledge
from spinepath.engine.errors import KnowledgeError
from spinepath.engine.knowledge import KNOWLEDGE_DIR, load_knowledge

from .helpers import baseline


def stenosis() -> dict[str, object]:
    """A 73-year-old with years of buttock and thigh pain on walking that eases on sitting."""
    return baseline(
        age=73, duration="over_1_year", onset="gradual", course="same",
        pain_regions=["lower_back", "buttock_left", "buttock_right", "thigh_back_left", "thigh_back_right"],
        worse_part="leg", both_legs_timing="only_when_walking", walking_pain="eases_sitting_or_bending",
        worse_with=["walking", "standing"], better_with=["sitting", "leaning_forward"],
    )  # fmt: skip


def treatment_ids(answers: dict[str, object]) -> list[str]:
    return [item.id for item in assess(answers).plan.treatments]


def test_a_narrowed_spinal_canal_is_not_offered_an_epidural_but_is_offered_surgery_to_discuss() -> None:
    result = assess(stenosis())
    assert result.differential[0].id == "lumbar_spinal_stenosis"
    ids = treatment_ids(stenosis())
    assert "epidural_steroid_injection" not in ids
    assert "laminectomy" in ids


def test_recent_severe_sciatica_may_still_hear_about_an_epidural() -> None:
    answers = baseline(
        age=41, pain_regions=["lower_back", "buttock_left", "thigh_back_left", "calf_left", "foot_outer_left"],
        numb_regions=["foot_outer_left"], worse_part="leg", duration="1_to_6_weeks", onset="gradual",
        course="same", pain_score=8, worse_with=["cough_sneeze", "sitting"], better_with=[],
    )  # fmt: skip
    assert assess(answers).differential[0].id == "lumbar_disc_herniation"
    assert "epidural_steroid_injection" in treatment_ids(answers)


def test_no_condition_lists_a_treatment_a_guideline_says_not_to_offer_for_it() -> None:
    kb = get_knowledge()
    for treatment in kb.treatments.values():
        for condition in kb.conditions:
            assert not (condition.id in treatment.not_for and treatment.id in condition.treatments)
    assert "lumbar_spinal_stenosis" in kb.treatments["epidural_steroid_injection"].not_for


def test_the_loader_refuses_a_condition_that_lists_a_treatment_not_to_offer(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    conditions = copy / "conditions" / "musculoskeletal.yaml"
    text = conditions.read_text(encoding="utf-8")
    text = text.replace(
        "treatments: [physiotherapy, exercise_programme, back_pain_medicines_not_advised, laminectomy]",
        "treatments: [physiotherapy, epidural_steroid_injection, laminectomy]",
    )
    conditions.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="lumbar_spinal_stenosis"):
        load_knowledge(copy)


def test_every_treatment_cites_a_guideline_or_study_and_every_listed_treatment_exists() -> None:
    kb = get_knowledge()
    for treatment in kb.treatments.values():
        assert re.search(r"NICE|CKS|GIRFT|guideline|(19|20)\d\d", treatment.source), treatment.id
    listed = {t for condition in kb.conditions for t in condition.treatments}
    assert listed <= set(kb.treatments)
    assert set(kb.treatments) <= listed, "a treatment no condition lists is dead text"


def test_suspected_cauda_equina_is_told_about_emergency_surgery_not_surgery_after_waiting() -> None:
    result = assess(baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"))
    ids = [item.id for item in result.plan.treatments]
    assert "emergency_decompression" in ids
    assert "microdiscectomy" not in ids and "laminectomy" not in ids


def test_the_leg_artery_walking_programme_is_not_shown_for_a_narrowed_spinal_canal() -> None:
    assert "walking_programme" not in treatment_ids(stenosis())


def test_a_guarded_medicine_treatment_carries_the_persons_reason() -> None:
    answers = baseline(medicine_safety=["blood_thinners"], duration="3_to_12_months", course="same")
    nsaids = next(item for item in assess(answers).plan.treatments if item.id == "nsaids")
    assert nsaids.caution and "blood thinners" in nsaids.caution
    calm = next(
        item
        for item in assess(baseline(duration="3_to_12_months", night_waking="no")).plan.treatments
        if item.id == "nsaids"
    )
    assert calm.caution is None
