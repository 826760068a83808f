"""assess(answers) -> Assessment: the one entry point every caller uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import differential as differential_module
from .findings import compute_findings, nerve_root
from .knowledge import Knowledge, get_knowledge
from .languages import pick_language
from .model import Assessment, ConditionResult, Triage
from .plan import care_plan, next_step
from .triage import decide, fired_rules, possible_escalations, possible_rules, unscreened_questions


def assess(
    answers: Mapping[str, Any], *, language: str = "en", knowledge: Knowledge | None = None
) -> Assessment:
    """Triage, differential, care plan and next step for one person's answers.

    Raises AnswerError when the answers do not fit the questionnaire. Partial answers are accepted:
    unanswered warning-sign questions keep the level at routine or above (never self-care alone), and
    an urgent or emergency rule that a skipped or unasked answer could still fire counts as fired
    (unknown never reassures).
    """
    kb = knowledge or get_knowledge()
    language = pick_language(language)
    findings, ranked, triage = triage_of(kb, kb.questionnaire.validate(answers), language)
    plan = care_plan(kb, findings=findings, triage=triage, differential=ranked, language=language)
    return Assessment(
        triage=triage,
        differential=ranked,
        plan=plan,
        next_step=next_step(kb, triage=triage, differential=ranked, language=language),
        knowledge_version=kb.version,
        language=language,
        findings=dict(sorted(findings.items())),
        disclaimer=kb.message("disclaimer", language),
    )


def triage_of(
    kb: Knowledge, clean: Mapping[str, Any], language: str, findings: dict[str, bool] | None = None
) -> tuple[dict[str, bool], tuple[ConditionResult, ...], Triage]:
    """Findings, differential and triage of validated answers: `assess` without the care plan (what the
    adaptive interview needs at each step). `findings`, if given, are the answers' own."""
    findings = compute_findings(kb, clean) if findings is None else findings
    hits = fired_rules(kb, findings, language)
    # Rules a missing answer leaves open raise the level, but only rules that fired pin their concerns.
    ranked = differential_module.rank(
        kb, findings, language=language, hits=hits, nerve_root=nerve_root(kb, clean, findings, language)
    )
    hits += possible_rules(kb, findings, clean, language) + possible_escalations(
        kb, findings, clean, language
    )
    triage = decide(
        kb, hits=hits, differential=ranked, unscreened=unscreened_questions(kb, clean), language=language
    )
    return findings, ranked, triage
