"""Staff read clinical text in the staff language, whatever language the patient used.

The stored result keeps the words the patient saw. For staff, the engine renders the same stored
answers again in the staff member's language: with the same knowledge version the decision is the same
and only the words differ. A result from an older knowledge version is shown as stored (its decision
must not change under the reader), with a note that its words are in the patient's language.
"""

from __future__ import annotations

from functools import cache

from spinepath.clinic.intake.models import AssessmentRecord
from spinepath.engine import Assessment, assess, get_knowledge, knowledge_version
from spinepath.engine.text import LocalText, localise


def staff_assessment(record: AssessmentRecord, language: str) -> tuple[Assessment, bool]:
    """The record's result in `language`, and whether it could be re-rendered (False: stored words)."""
    if record.knowledge_version != knowledge_version():
        return record.assessment, record.assessment.language == language
    rendered = assess(record.answers, language=language)
    return rendered, True


@cache
def _condition_names(version: str) -> dict[str, LocalText]:
    return {condition.id: condition.name for condition in get_knowledge().conditions}


def condition_name(condition_id: str, language: str, *, fallback: str = "") -> str:
    """A condition's name in `language` from the knowledge base (the stored name if it is unknown)."""
    name = _condition_names(knowledge_version()).get(condition_id)
    if name is None:
        return fallback
    return localise(name, language)


@cache
def _rule_titles(version: str) -> dict[str, LocalText]:
    return {rule.id: rule.title for rule in get_knowledge().rules}


def rule_title(rule_id: str, language: str, *, fallback: str = "") -> str:
    title = _rule_titles(knowledge_version()).get(rule_id)
    return fallback if title is None else localise(title, language)
