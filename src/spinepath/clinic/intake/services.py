"""Writes for the patient journey: start, answer, assess, diary. Views call these and nothing else writes.

Clinical decisions are the engine's; this module only stores answers and results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from spinepath.engine import (
    Assessment,
    Level,
    assess,
    check_in,
    get_questionnaire,
    knowledge_version,
    pick_language,
    validate_answers,
)

from .models import AssessmentRecord, FollowUpContact, Interview, PainDiaryEntry


def start_interview(*, language: str) -> Interview:
    return Interview.objects.create(language=pick_language(language))


def save_answers(
    *, interview: Interview, new_answers: Mapping[str, Any], on_screen: Sequence[str] = ()
) -> Interview:
    """Merge and validate new answers; AnswerError (naming each field) leaves the stored ones untouched.

    The step is recorded in the history for Back: the answered questions, or `on_screen` (every question
    of the step shown, some maybe still unanswered) when only part of a step could be saved."""
    merged = validate_answers({**interview.answers, **new_answers})
    with transaction.atomic():
        locked = Interview.objects.select_for_update().get(pk=interview.pk)
        locked.answers = merged
        step = list(on_screen) or [link_id for link_id in new_answers if link_id in merged]
        if step:
            locked.history = _with_step(locked.history, step)
        locked.save(update_fields=["answers", "history", "updated_at"])
    return locked


def _with_step(history: list[list[str]], step: list[str]) -> list[list[str]]:
    """The steps in the order they were asked; a step answered again keeps its place (its page number),
    replacing every earlier step that shared a question with it."""
    overlapping = [index for index, ids in enumerate(history) if set(ids) & set(step)]
    if not overlapping:
        return [*history, step]
    kept = [ids for index, ids in enumerate(history) if index not in overlapping]
    kept.insert(overlapping[0], step)
    return kept


def answers_hash(answers: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()


def record_assessment(*, interview: Interview, language: str, source: str = "interview") -> AssessmentRecord:
    """The stored assessment for the interview's current answers (created once per answer set)."""
    digest = answers_hash(interview.answers)
    version = knowledge_version()
    existing = AssessmentRecord.objects.filter(
        interview=interview, answers_hash=digest, knowledge_version=version
    ).first()
    if existing:
        return existing
    result: Assessment = assess(interview.answers, language=language)
    try:
        with transaction.atomic():
            record = AssessmentRecord.objects.create(
                interview=interview,
                answers=interview.answers,
                answers_hash=digest,
                result=result.to_dict(),
                triage_level=result.triage.level.value,
                triage_rank=result.triage.level.rank,
                knowledge_version=result.knowledge_version,
                source=source,
            )
            if interview.status != Interview.Status.COMPLETED:
                interview.status = Interview.Status.COMPLETED
                interview.completed_at = timezone.now()
                interview.save(update_fields=["status", "completed_at", "updated_at"])
    except IntegrityError:  # a concurrent request stored the same answer set first
        return AssessmentRecord.objects.get(
            interview=interview, answers_hash=digest, knowledge_version=version
        )
    return record


@dataclass(frozen=True)
class DiaryOutcome:
    entry: PainDiaryEntry
    record: AssessmentRecord
    escalated: bool


# A rise of 2 points on a 0-10 scale is the minimal important change (Ostelo 2008).
def add_diary_entry(
    *,
    interview: Interview,
    pain: int,
    function: int,
    new_symptoms: Mapping[str, list[str]],
    language: str,
    follow_up_answers: Mapping[str, Any] | None = None,
) -> DiaryOutcome:
    """Log a check-in; new warning signs (with their fresh follow-up answers) or clearly worse pain
    re-run the assessment, exactly as the interview would have taken them (engine/diary.py)."""
    before = interview.assessments.order_by("-created_at").first()
    level_before = Level(before.triage_level) if before else Level.SELF_CARE
    baseline = interview.diary.order_by("created_at").first()
    first_pain = baseline.pain if baseline else interview.answers.get("pain_score")
    after = check_in(
        get_questionnaire(),
        answers=interview.answers,
        new_signs=new_symptoms,
        follow_up_answers=follow_up_answers or {},
        pain=pain,
        first_pain=first_pain if isinstance(first_pain, int) else None,
    )
    changes = {key: value for key, value in after.items() if interview.answers.get(key, None) != value}
    changes["pain_score"] = pain
    reported = {k: v for k, v in new_symptoms.items() if v}
    reported.update({k: v for k, v in (follow_up_answers or {}).items() if v not in (None, [])})
    with transaction.atomic():
        updated = save_answers(interview=interview, new_answers=changes)
        record = record_assessment(interview=updated, language=language, source="diary")
        escalated = Level(record.triage_level).rank > level_before.rank
        entry = PainDiaryEntry.objects.create(
            interview=updated,
            pain=pain,
            function=function,
            new_symptoms=reported,
            level_before=level_before.value,
            level_after=record.triage_level,
            escalated=escalated,
        )
        if escalated and not updated.escalated:
            updated.escalated = True
            updated.save(update_fields=["escalated", "updated_at"])
    return DiaryOutcome(entry=entry, record=record, escalated=escalated)


def leave_contact(*, interview: Interview, name: str, phone: str, email: str) -> FollowUpContact:
    """Store (or replace) how the clinic may reach the person, with the moment they consented."""
    contact, _created = FollowUpContact.objects.update_or_create(
        interview=interview,
        defaults={"name": name, "phone": phone, "email": email, "consented_at": timezone.now()},
    )
    return contact


def first_pain_score(interview: Interview) -> int | None:
    """The pain score from the interview itself, before any diary entry replaced the current answer."""
    first = interview.assessments.exclude(source="diary").order_by("created_at", "pk").first()
    score = first.answers.get("pain_score") if first is not None else interview.answers.get("pain_score")
    return score if isinstance(score, int) else None
