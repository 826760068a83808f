"""Every finding the engine can give as a reason reads as a plain sentence, present or absent, en and es."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from spinepath.engine import KnowledgeError, assess, get_knowledge, load_knowledge
from spinepath.engine.knowledge import KNOWLEDGE_DIR

from .helpers import baseline, sciatica

LANGUAGES = ("en", "es")


def _referenced() -> set[str]:
    """Findings a condition's evidence or a triage rule's `when` can name as a reason."""
    kb = get_knowledge()
    found = {item.finding for condition in kb.conditions for item in condition.evidence}
    return found | {finding for rule in kb.rules for finding in rule.when.leaves()}


def _absence_shown() -> set[str]:
    """Findings whose absence can be given as a reason: an lr_neg in a condition, or inside a rule."""
    found = set()
    for path in sorted((KNOWLEDGE_DIR / "conditions").glob("*.yaml")):
        for condition in yaml.safe_load(path.read_text(encoding="utf-8"))["conditions"]:
            found |= {item["finding"] for item in condition["evidence"] if "lr_neg" in item}
    return found | {finding for rule in get_knowledge().rules for finding in rule.when.leaves()}


REFERENCED = sorted(_referenced())
ABSENCE_SHOWN = sorted(_absence_shown())


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _both_languages(text: object) -> bool:
    return isinstance(text, Mapping) and all(str(text.get(language, "")).strip() for language in LANGUAGES)


def test_the_reference_sets_are_not_empty() -> None:
    assert len(REFERENCED) > 100
    assert {"worse_sitting", "smoker", "leg_weakness_any"} <= set(REFERENCED)
    assert {"smoker", "leg_weakness_any", "female", "age_50_plus"} <= set(ABSENCE_SHOWN) <= set(REFERENCED)


@pytest.mark.parametrize("finding", REFERENCED)
def test_every_referenced_finding_has_a_statement_in_english_and_spanish(finding: str) -> None:
    kb = get_knowledge()
    assert finding in kb.derived_says, f"{finding}: no `says` in findings.yaml"
    assert _both_languages(kb.derived_says[finding]), finding


@pytest.mark.parametrize("finding", ABSENCE_SHOWN)
def test_every_finding_whose_absence_is_shown_has_says_not(finding: str) -> None:
    kb = get_knowledge()
    assert finding in kb.derived_says_not, f"{finding}: no `says_not` in findings.yaml"
    assert _both_languages(kb.derived_says_not[finding]), finding


@pytest.mark.parametrize("finding", REFERENCED)
def test_texts_read_as_plain_second_person_sentences(finding: str) -> None:
    kb = get_knowledge()
    texts = {}
    for language in LANGUAGES:
        for present in (True, False):
            text = kb.finding_text(finding, present, language)
            texts[language, present] = text
            where = (finding, language, present, text)
            assert text and text == text.strip(), where
            assert not text.startswith(("I ", "Yo ", "I'", "My ", "Mi ")), where
            assert not text.lower().startswith(("not:", "no:")), where
            assert "not:" not in text and "no:" not in text, where
            assert "_" not in text and finding.replace("_", " ") != text, where
            assert text[0] == text[0].lower() or text[:2].isupper(), where  # it continues "because ..."
            assert not text.endswith("."), where
    for present in (True, False):
        assert texts["en", present] != texts["es", present], (finding, present)
    for language in LANGUAGES:
        assert texts[language, True] != texts[language, False], (finding, language)


def test_spot_checks() -> None:
    kb = get_knowledge()
    assert kb.finding_text("worse_sitting", True, "en") == "sitting makes it worse"
    assert kb.finding_text("worse_sitting", False, "en") == "sitting does not make it worse"
    assert kb.finding_text("smoker", True, "en") == "you smoke"
    assert kb.finding_text("smoker", True, "es") == "fuma"
    assert kb.finding_text("leg_weakness_any", False, "en") == "your legs are not weak"
    assert kb.finding_text("leg_weakness_any", False, "es") == "no tiene debilidad en las piernas"
    assert kb.finding_text("fever", False, "es") == "no ha tenido fiebre, escalofríos ni tiritona"
    assert kb.finding_text("age_50_plus", False, "en") == "you are under 50"


def test_an_absent_finding_without_says_not_uses_the_generic_wording() -> None:
    kb = get_knowledge()
    assert "back_pain_worse_than_leg" not in kb.derived_says_not
    assert (
        kb.finding_text("back_pain_worse_than_leg", False, "en")
        == "you did not tell us that your back hurts more than your leg"
    )
    assert (
        kb.finding_text("back_pain_worse_than_leg", False, "es")
        == "no nos dijo que le duele más la espalda que la pierna"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_reasons_in_a_whole_assessment_have_no_not_prefix(language: str) -> None:
    for answers in (
        baseline(),
        sciatica(),
        baseline(age=70, sex="female", general_health=["weight_loss"], medical_history=["cancer"]),
    ):
        result = assess(answers, language=language)
        texts = [reason.text for hit in result.triage.reasons for reason in hit.because]
        for condition in result.differential:
            texts += [e.text for e in (*condition.evidence_for, *condition.evidence_against)]
        assert texts
        absent = [
            e.text
            for condition in result.differential
            for e in (*condition.evidence_for, *condition.evidence_against)
            if not e.present
        ]
        assert absent  # the check below must see some absent findings
        for text in texts:
            assert ":" not in text and "_" not in text, text
            assert not text.startswith(("I ", "Yo ")), text


def test_says_not_without_spanish_is_rejected(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    old = 'says_not: {en: "you do not smoke", es: "no fuma"}'
    assert old in text
    findings.write_text(text.replace(old, 'says_not: {en: "you do not smoke"}'), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "smoker"


def test_an_absent_template_without_a_place_for_the_text_is_rejected(knowledge_copy: Path) -> None:
    findings = knowledge_copy / "findings.yaml"
    text = findings.read_text(encoding="utf-8")
    old = 'es: "no nos dijo que {text}"'
    assert old in text
    findings.write_text(text.replace(old, 'es: "no nos dijo que"'), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(knowledge_copy)
    assert error.value.entry == "absent_template"
