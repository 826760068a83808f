"""The knowledge base loads, is complete, cites its sources, and rejects bad files clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spinepath.engine import KnowledgeError, get_knowledge, load_knowledge
from spinepath.engine.findings import DERIVED_FROM, compute_findings, derived_from
from spinepath.engine.knowledge import KNOWLEDGE_DIR

from .helpers import baseline

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


# Cut-offs on numbers (issue #15): defined once, in findings.yaml, each with its source.


def test_every_cut_off_cites_a_source_and_no_number_is_cut_in_code() -> None:
    kb = get_knowledge()
    sources = {finding: t.source for finding, t in kb.thresholds.items()}
    sources.update({finding: count.source for finding, count in kb.counts.items()})
    assert {"age_under_16", "age_70_plus", "severe_pain", "pregnancy_20_weeks_plus", "obese",
            "psychosocial_risk"} <= set(sources)  # fmt: skip
    for finding, source in sources.items():
        assert len(source) > 10, finding
        assert finding in kb.derived_says and finding in kb.derived_says_not, finding
    # A finding computed in code from an integer answer would be a threshold outside the knowledge base.
    numbers = {q.link_id for q in kb.questionnaire.questions if q.type == "integer"}
    assert numbers & {link_id for inputs in DERIVED_FROM.values() for link_id in inputs} == set()
    # Each finding says which questions to ask when it is unknown.
    assert derived_from(kb, "pregnancy_28_weeks_plus") == ("pregnancy", "pregnancy_weeks")
    assert derived_from(kb, "overweight") == ("height_cm", "weight_kg")
    assert derived_from(kb, "psychosocial_risk") == ("worries",)


def test_the_engine_reads_a_changed_threshold_from_the_knowledge_base(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    text = findings.read_text()
    for old, new in [
        ("{of: pain_score, at_least: 7}", "{of: pain_score, at_least: 8}"),
        ("(7 or more out of 10)", "(8 or more out of 10)"),
        ("(7 o más de 10)", "(8 o más de 10)"),
        ("less than 7 out of 10", "less than 8 out of 10"),
        ("menor de 7 de 10", "menor de 8 de 10"),
    ]:
        text = text.replace(old, new)
    findings.write_text(text)
    changed = load_knowledge(knowledge_copy)
    assert compute_findings(get_knowledge(), baseline(pain_score=7))["severe_pain"] is True
    assert compute_findings(changed, baseline(pain_score=7))["severe_pain"] is False
    assert compute_findings(changed, baseline(pain_score=8))["severe_pain"] is True


def test_a_threshold_without_its_source_is_rejected(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    text = findings.read_text()
    start = text.index("    source:", text.index("id: severe_pain"))
    findings.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.file == "findings.yaml" and error.value.entry == "severe_pain"
    assert "source" in error.value.reason


def test_a_changed_threshold_whose_words_still_say_the_old_number_is_rejected(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    findings.write_text(findings.read_text().replace("{of: age, below: 16}", "{of: age, below: 15}"))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "age_under_16" and "15" in error.value.reason


@pytest.mark.parametrize(
    ("threshold", "reason"),
    [
        ("{of: sex, below: 16}", "unknown integer question or measure 'sex'"),
        ("{of: age}", "needs at_least, above or below"),
        ("{of: age, below: 16, only_if: pregnantt}", "unknown questionnaire finding 'pregnantt'"),
    ],
)
def test_a_threshold_on_something_that_is_not_a_number_is_rejected(
    knowledge_copy: Path, threshold: str, reason: str
) -> None:
    findings = knowledge_copy / "findings.yaml"
    findings.write_text(findings.read_text().replace("{of: age, below: 16}", threshold))
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "age_under_16" and reason in error.value.reason
