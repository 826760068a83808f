"""The adaptive interview: which question to ask next, and when to stop.

It asks only what could still change the triage level: the level is settled when every way of
answering the questions not asked yet gives the level the answers already have (engine/bounds.py). So it
never stops while an unasked question could still raise the level (issue #10), and it ends at the level
the whole questionnaire would give (issue #13). An answer that makes it an emergency for certain ends it.

Order: who you are (age, sex, pregnancy); then, one at a time, the questions that could still change
the level: those that could make it most serious first (the emergency screen comes before detail
questions); at that level, a follow-up that could take back a warning sign already met comes first (an
emergency is confirmed or stood down at once), then where it hurts, how bad and how long (asked of
everyone in the end), then the warning signs, then the question that carries the largest share of what
is still undecided. Once the level is settled, the closing questions (`_closing_questions`) make the
result read as the whole form's would: nothing is left "not ruled out" by a question we chose not to ask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .assess import assess
from .bounds import Bounds, bounds
from .findings import compute_findings
from .knowledge import Knowledge, get_knowledge
from .model import Level, Triage
from .questionnaire import Question
from .triage import decide, fired_rules

QUESTIONS_PER_STEP = 3  # for the opening and closing questions of one section; the rest come one by one
_PHASE_ORDER = {"red_flag": 0, "core": 1, "adaptive": 2, "plan": 3}


@dataclass(frozen=True)
class InterviewStep:
    questions: tuple[Question, ...]
    done: bool
    emergency: Triage | None
    asked: int
    remaining: int


def plan_interview(
    answers: Mapping[str, Any], *, language: str = "en", knowledge: Knowledge | None = None
) -> InterviewStep:
    """The next questions to ask (one section), or done / emergency."""
    kb = knowledge or get_knowledge()
    questionnaire = kb.questionnaire
    clean = questionnaire.validate(answers)
    asked = len(clean)
    limits = bounds(kb, clean)

    def unasked(questions: Sequence[Question]) -> list[Question]:
        return [q for q in questions if q.link_id not in clean and questionnaire.is_enabled(q, clean) is True]

    core = [q for q in questionnaire.questions if q.phase == "core" and q.required]
    opening = unasked([q for q in core if q.section == questionnaire.sections[0].id])
    urgent_follow_up = _next_question(kb, clean, limits)
    if urgent_follow_up is not None:
        prospect = limits.open.get(urgent_follow_up.link_id)
        if prospect is not None and prospect.deciding and prospect.level is Level.EMERGENCY:
            return InterviewStep((urgent_follow_up,), False, None, asked, len(limits.open))
    if opening and not (limits.settled and limits.floor is Level.EMERGENCY):
        return InterviewStep(_same_section(opening), False, None, asked, len(opening) + len(limits.open))

    level = None
    if limits.settled:
        level = assess(clean, language=language, knowledge=kb).triage.level
        if level is not limits.floor:  # the answers as they stand say more than any completion: keep asking
            level = None
    if level is None:
        if urgent_follow_up is not None:
            return InterviewStep((urgent_follow_up,), False, None, asked, len(limits.open))
        level = assess(clean, language=language, knowledge=kb).triage.level  # nothing left to ask

    if level is Level.EMERGENCY:
        hits = fired_rules(kb, compute_findings(kb, clean), language)
        triage = decide(kb, hits=hits, differential=(), unscreened=(), language=language)
        return InterviewStep((), True, triage, asked, 0)
    closing = _closing_questions(kb, clean, level, language)
    if closing:
        return InterviewStep(_same_section(closing), False, None, asked, len(closing))
    return InterviewStep((), True, None, asked, 0)


def _closing_questions(
    kb: Knowledge, answers: Mapping[str, Any], level: Level, language: str
) -> list[Question]:
    """Once the level is settled (and not an emergency): the questions the result would otherwise have to
    call unanswered. The rest of the warning-sign screen, and every question behind a rule or likely cause
    that "cannot be ruled out" without it: the person sees the same reasons as after the whole form,
    never a worry raised only by a question we chose not to ask. Below urgent, the person will look after
    themselves for a while, so also where it hurts, how bad and how long (if not asked yet), and the
    care-plan question without which useful advice is withheld (medicine safety)."""
    questionnaire = kb.questionnaire

    def unasked(link_ids: set[str]) -> list[Question]:
        return [
            q
            for q in questionnaire.questions
            if q.link_id in link_ids
            and q.link_id not in answers
            and questionnaire.is_enabled(q, answers) is True
        ]

    result = assess(answers, language=language, knowledge=kb)
    wanted = {
        reason.finding
        for hit in result.triage.reasons
        if hit.rule.startswith("possible:")
        for reason in hit.because
    }
    wanted |= {q.link_id for q in questionnaire.questions if q.phase == "red_flag"}
    if level.rank < Level.URGENT.rank:
        wanted |= {q.link_id for q in questionnaire.questions if q.phase == "core" and q.required}
    left = unasked(wanted)
    if left:  # the warning-sign screen first: its answers may close the rest
        return [
            min(
                left,
                key=lambda q: (
                    _PHASE_ORDER.get(q.phase, len(_PHASE_ORDER)),
                    questionnaire.questions.index(q),
                ),
            )
        ]
    if level.rank < Level.URGENT.rank:
        return _care_plan_questions(kb, answers, language)
    return []


def _next_question(kb: Knowledge, answers: Mapping[str, Any], limits: Bounds) -> Question | None:
    questionnaire = kb.questionnaire
    candidates = [questionnaire.by_id[link_id] for link_id in limits.open]
    if not candidates:
        # The bounds agree but the answers as they stand are assessed higher (an urgent rule or an
        # escalation left open by an unasked answer): ask what is left, in order.
        return next(
            (
                q
                for q in questionnaire.questions
                if q.link_id not in answers and questionnaire.is_enabled(q, answers) is True
            ),
            None,
        )

    def priority(question: Question) -> tuple[float, ...]:
        prospect = limits.open[question.link_id]
        essential = question.phase == "core" and question.required
        return (
            -prospect.level.rank,
            not prospect.deciding,
            # asked in the end anyway, unless an emergency ends the interview first
            prospect.level is Level.EMERGENCY or not essential,
            _PHASE_ORDER.get(question.phase, len(_PHASE_ORDER)),
            -prospect.share,
            questionnaire.questions.index(question),
        )

    return min(candidates, key=priority)


def _care_plan_questions(kb: Knowledge, answers: Mapping[str, Any], language: str) -> list[Question]:
    """Unasked care-plan checklists without whose answer the plan withholds advice ("you did not tell us
    whether ... so ask a pharmacist first"): answering "none of these" would change what is withheld."""
    questionnaire = kb.questionnaire
    withheld = {item.id for item in assess(answers, language=language, knowledge=kb).plan.avoid}
    if not withheld:
        return []
    wanted = []
    for question in questionnaire.questions:
        if question.phase != "plan" or question.type != "multi" or question.link_id in answers:
            continue
        if questionnaire.is_enabled(question, answers) is not True:
            continue
        after = assess({**answers, question.link_id: []}, language=language, knowledge=kb).plan.avoid
        if {item.id for item in after} != withheld:
            wanted.append(question)
    return wanted


def _same_section(questions: Sequence[Question]) -> tuple[Question, ...]:
    first = questions[0]
    return tuple(q for q in questions if q.section == first.section)[:QUESTIONS_PER_STEP]
