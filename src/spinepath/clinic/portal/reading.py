"""Staff read clinical text in the staff language, whatever language the patient used.

The stored result keeps the words the patient saw. For staff, the engine renders the same stored
answers again in the staff member's language: with the same knowledge version the decision is the same
and only the words differ. A result from an older knowledge version is shown as stored (its decision
must not change under the reader), with a note that its words are in the patient's language.
"""

from __future__ import annotations

from spinepath.clinic.intake.models import AssessmentRecord
from spinepath.clinic.wording import condition_name, rule_title
from spinepath.engine import Assessment, assess, knowledge_version

__all__ = ["condition_name", "rule_title", "staff_assessment"]


def staff_assessment(record: AssessmentRecord, language: str) -> tuple[Assessment, bool]:
    """The record's result in `language`, and whether it could be re-rendered (False: stored words)."""
    if record.knowledge_version != knowledge_version():
        return record.assessment, record.assessment.language == language
    rendered = assess(record.answers, language=language)
    return rendered, True
