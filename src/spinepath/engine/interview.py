"""The adaptive interview: which question to ask next, and when to stop.

It asks only what could still change the triage level: the level is settled when every way of
answering the questions not asked yet gives the level the answers already have (engine/bounds.py). So it
never stops while an unasked question could still raise the level (issue #10), and it ends at the level
the whole questionnaire would give (issue #13). An answer that makes it an emergency for certain ends it.

Order: the emergency warning signs marked `first` (one screen, and their follow-ups); who you are
(age, sex, pregnancy); then, one at a time, the questions that could still change
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

from .assess import triage_of
from .bounds import Bounds, bounds
from .findings import compute_findings
from .knowledge import Knowledge, get_knowledge
from .model import Level, Triage
from .plan import care_plan
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
    findings = compute_findings(kb, clean)
    limits = bounds(kb, clean, findings)
    follow_up = _next_question(kb, clean, limits)
    if follow_up is not None:
        prospect = limits.open.get(follow_up.link_id)
        if prospect and prospect.deciding and prospect.level is Level.EMERGENCY:  # confirm or stand down
            return InterviewStep((follow_up,), False, None, asked, _remaining(kb, clean, limits))
    if not (limits.settled and limits.floor is Level.EMERGENCY):
        # The emergency warning signs marked `first` (and their follow-ups) come before anything else, so
        # that a person who needs emergency help is told so within a few screens (issue #13). They are
        # asked of everyone in the end, so asking them first costs no extra question.
        first = [
            q
            for q in questionnaire.questions
            if q.first and q.link_id not in clean and questionnaire.is_enabled(q, clean) is True
        ]
        if first:
            return InterviewStep(_same_section(first), False, None, asked, _remaining(kb, clean, limits))
    opening = [
        q
        for q in questionnaire.questions
        if q.phase == "core"
        and q.required
        and q.section == questionnaire.sections[0].id
        and q.link_id not in clean
        and questionnaire.is_enabled(q, clean) is True
    ]
    if opening and not (limits.settled and limits.floor is Level.EMERGENCY):
        return InterviewStep(_same_section(opening), False, None, asked, _remaining(kb, clean, limits))

    if follow_up is not None and not limits.settled:
        return InterviewStep((follow_up,), False, None, asked, _remaining(kb, clean, limits))
    now = _Now(kb, clean, language, findings)
    if follow_up is not None and now.triage.level is not limits.floor:
        # Settled, but the answers as they stand are assessed higher than any completion would be (a rule
        # an unasked answer leaves open): keep asking.
        return InterviewStep((follow_up,), False, None, asked, _remaining(kb, clean, limits))
    if now.triage.level is Level.EMERGENCY:
        hits = fired_rules(kb, now.findings, language)
        triage = decide(kb, hits=hits, differential=(), unscreened=(), language=language)
        return InterviewStep((), True, triage, asked, 0)
    closing = _closing_questions(kb, now)
    if closing:
        return InterviewStep(_same_section(closing), False, None, asked, _remaining(kb, clean, limits))
    return InterviewStep((), True, None, asked, 0)


class _Now:
    """The answers as they stand, assessed (the triage, and the care plan only if asked for)."""

    def __init__(
        self, kb: Knowledge, answers: Mapping[str, Any], language: str, findings: dict[str, bool]
    ) -> None:
        self.kb, self.answers, self.language = kb, answers, language
        self.findings, self.differential, self.triage = triage_of(kb, answers, language, findings)

    def withheld(self, findings: Mapping[str, bool] | None = None) -> set[str]:
        """The advice the care plan withholds (with `findings` instead of the answers' own, if given)."""
        plan = care_plan(
            self.kb,
            findings=self.findings if findings is None else findings,
            triage=self.triage,
            differential=self.differential,
            language=self.language,
        )
        return {item.id for item in plan.avoid}


def _closing_questions(kb: Knowledge, now: _Now) -> list[Question]:
    """Once the level is settled (and not an emergency): the questions the result would otherwise call
    unanswered. The rest of the warning-sign screen, and every question behind a rule or likely cause that
    "cannot be ruled out" without it: the person reads the same reasons as after the whole form, never a
    worry raised only by a question we chose not to ask. Below urgent, the person will look after
    themselves for a while: also where it hurts, how bad and how long (if not asked yet), and the care-plan
    question without which useful advice is withheld (medicine safety). Above, a clinician sees them
    within 2 days."""
    questionnaire = kb.questionnaire
    answers, level = now.answers, now.triage.level
    wanted = {
        reason.finding
        for hit in now.triage.reasons
        if hit.rule.startswith("possible:")
        for reason in hit.because
    }
    wanted |= {q.link_id for q in questionnaire.questions if q.phase == "red_flag"}
    if level.rank < Level.URGENT.rank:
        wanted |= {q.link_id for q in questionnaire.questions if q.phase == "core" and q.required}
    left = [
        q
        for q in questionnaire.questions
        if q.link_id in wanted and q.link_id not in answers and questionnaire.is_enabled(q, answers) is True
    ]
    if left:  # one at a time, the warning-sign screen first: its answers may close the rest
        return [min(left, key=lambda q: _PHASE_ORDER.get(q.phase, len(_PHASE_ORDER)))]
    if level.rank >= Level.URGENT.rank:
        return []
    # Care-plan checklists whose "none of these" would change what the plan withholds ("you did not tell
    # us whether ... so ask a pharmacist first").
    withheld = now.withheld()
    if not withheld:
        return []
    return [
        q
        for q in questionnaire.questions
        if q.phase == "plan"
        and q.type == "multi"
        and q.link_id not in answers
        and questionnaire.is_enabled(q, answers) is True
        and now.withheld(compute_findings(kb, {**answers, q.link_id: []})) != withheld
    ]


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

    below_urgent = limits.floor.rank < Level.URGENT.rank

    def priority(question: Question) -> tuple[float, ...]:
        prospect = limits.open[question.link_id]
        # Asked in the end anyway (the closing questions), so asking it now costs nothing: the
        # warning signs always; where, how bad and how long only while the level may end below urgent.
        # (An emergency is looked for first among the warning signs: it would end the interview.)
        anyway = question.phase == "red_flag" or (
            below_urgent
            and prospect.level is not Level.EMERGENCY
            and question.phase == "core"
            and question.required
        )
        return (
            -prospect.level.rank,
            not prospect.deciding,
            not anyway,
            -prospect.share,
            questionnaire.position[question.link_id],
        )

    return min(candidates, key=priority)


def _remaining(kb: Knowledge, answers: Mapping[str, Any], limits: Bounds) -> int:
    """About how many questions are left: those asked of everyone in the end (the warning-sign screen;
    where, how bad and how long), and half of the others that could still change the level (answers
    settle it before most are needed: within about 4 questions of the truth on the vignettes)."""
    questionnaire = kb.questionnaire
    everyone = other = 0
    for q in questionnaire.questions:
        if q.link_id in answers or questionnaire.is_enabled(q, answers) is not True:
            continue
        if q.phase == "red_flag" or (q.phase == "core" and q.required):
            everyone += 1
        elif q.link_id in limits.open:
            other += 1
    return everyone + other // 2


def _same_section(questions: Sequence[Question]) -> tuple[Question, ...]:
    first = questions[0]
    return tuple(q for q in questions if q.section == first.section)[:QUESTIONS_PER_STEP]
