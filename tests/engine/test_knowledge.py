"""The knowledge base loads, is complete, cites its sources, and rejects bad files clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinepath.engine import KnowledgeError, get_knowledge, load_knowledge
from spinepath.engine.knowledge import KNOWLEDGE_DIR

REQUIRED_CONDITIONS = {
    "nonspecific_low_back_pain", "lumbar_disc_herniation", "lumbar_spinal_stenosis",
    "degenerative_spondylolisthesis", "isthmic_spondylolisthesis", "facet_joint_pain",
    "sacroiliac_joint_dysfunction", "cauda_equina_syndrome", "osteoporotic_vertebral_fracture",
    "traumatic_vertebral_fracture", "spinal_malignancy", "spinal_infection", "axial_spondyloarthritis",
    "multiple_sclerosis", "endometriosis", "pregnancy_related_pelvic_girdle_pain",
    "peripheral_arterial_disease", "hip_osteoarthritis", "greater_trochanteric_pain_syndrome",
    "peripheral_neuropathy", "abdominal_aortic_aneurysm", "pyelonephritis", "kidney_stone", "shingles", "labour",
}  # fmt: skip


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def test_every_required_condition_is_in_the_knowledge_base() -> None:
    assert {condition.id for condition in get_knowledge().conditions} >= REQUIRED_CONDITIONS


def test_every_number_and_rule_cites_a_source() -> None:
    kb = get_knowledge()
    for condition in kb.conditions:
        assert len(condition.prior_source) > 5, condition.id
        for item in condition.evidence:
            assert len(item.source) > 5, (condition.id, item.finding)
    for rule in kb.rules:
        assert len(rule.source) > 10, rule.id


def test_every_red_flag_pathway_has_an_emergency_rule() -> None:
    emergency_conditions = {
        c for rule in get_knowledge().rules if rule.level.value == "emergency" for c in rule.conditions
    }
    assert {"cauda_equina_syndrome", "spinal_malignancy", "spinal_infection", "traumatic_vertebral_fracture",
            "abdominal_aortic_aneurysm", "labour", "lumbar_disc_herniation"} <= emergency_conditions  # fmt: skip


def test_version_is_a_stable_hash_that_changes_with_the_files(knowledge_copy: Path) -> None:
    assert load_knowledge(knowledge_copy).version == get_knowledge().version
    rules = knowledge_copy / "triage_rules.yaml"
    rules.write_text(rules.read_text() + "\n# reviewed\n")
    assert load_knowledge(knowledge_copy).version != get_knowledge().version


def test_unknown_finding_in_a_rule_names_file_entry_and_reason(knowledge_copy: Path) -> None:
    rules = knowledge_copy / "triage_rules.yaml"
    rules.write_text(rules.read_text().replace("when: weakness_progressive", "when: weakness_progresive"))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.file == "triage_rules.yaml"
    assert error.value.entry == "progressive_weakness"
    assert "weakness_progresive" in error.value.reason


def test_missing_source_is_rejected(knowledge_copy: Path) -> None:
    rules = knowledge_copy / "triage_rules.yaml"
    text = rules.read_text()
    start = text.index("    source:", text.index("id: progressive_weakness"))
    end = text.index("\n", start)
    rules.write_text(text[:start] + text[end + 1 :])
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert "source" in error.value.reason and error.value.entry == "progressive_weakness"


def test_unknown_key_is_rejected_not_ignored(knowledge_copy: Path) -> None:
    bodymap = knowledge_copy / "bodymap.yaml"
    bodymap.write_text(bodymap.read_text().replace("{id: tailbone,", "{id: tailbone, colour: red,"))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.file == "bodymap.yaml" and error.value.entry == "tailbone"


def test_broken_yaml_is_reported_with_the_file(knowledge_copy: Path) -> None:
    (knowledge_copy / "findings.yaml").write_text("derived: [unclosed")
    with pytest.raises(KnowledgeError, match=r"findings\.yaml"):
        load_knowledge(knowledge_copy)


def test_patient_text_needs_spanish_too(knowledge_copy: Path) -> None:
    questionnaire = knowledge_copy / "questionnaire.yaml"
    questionnaire.write_text(
        questionnaire.read_text().replace(
            'text: {en: "How old are you?", es: "¿Cuántos años tiene?"}', 'text: {en: "How old are you?"}'
        )
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "age"


def test_a_statement_for_an_unknown_answer_is_rejected(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    findings.write_text(findings.read_text().replace("- {id: course_same,", "- {id: course_sideways,"))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert "course_sideways" in error.value.reason


def test_answers_read_as_plain_statements() -> None:
    kb = get_knowledge()
    assert kb.finding_text("leg_pain_worse_than_back", True, "en") == "your leg hurts more than your back"
    assert kb.finding_text("course_worsening", False, "es") == "no está empeorando"


def test_a_finding_a_rule_names_without_a_statement_is_rejected_at_load(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    text = findings.read_text()
    start = text.index("  - {id: onset_sudden,")
    findings.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.file == "findings.yaml" and "onset_sudden" in error.value.reason


def test_a_warning_sign_checklist_must_be_a_multi_choice_checklist(knowledge_copy: Path) -> None:
    questionnaire = knowledge_copy / "questionnaire.yaml"
    text = questionnaire.read_text()
    start = text.index("  - linkId: pregnancy_signs")
    end = text.index("    type: multi", start)
    questionnaire.write_text(text[:end] + "    type: integer" + text[end + len("    type: multi") :])
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "pregnancy_signs" and "multi or choice" in error.value.reason


def test_a_warning_sign_option_that_names_no_finding_is_rejected(knowledge_copy: Path) -> None:
    questionnaire = knowledge_copy / "questionnaire.yaml"
    questionnaire.write_text(
        questionnaire.read_text().replace(
            "{value: tightenings, finding: pregnancy_tightenings,", "{value: tightenings,"
        )
    )
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "pregnancy_signs" and "tightenings" in error.value.reason
