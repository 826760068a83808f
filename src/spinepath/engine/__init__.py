"""spinepath's clinical engine: pure Python, no Django, no I/O beyond reading its own knowledge base.

The public API is what this module exports; everything else is private to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import bounds, differential
from .assess import assess
from .diary import check_in, pending_follow_ups
from .errors import AnswerError, EngineError, KnowledgeError
from .interview import QUESTIONS_PER_STEP, InterviewStep, plan_interview
from .knowledge import Knowledge, get_knowledge, load_knowledge
from .languages import DEFAULT_LANGUAGE, LANGUAGES, Language, pick_language
from .model import (
    LEVEL_WITHIN_HOURS,
    AnswerProblem,
    Assessment,
    CarePlan,
    ConditionResult,
    Level,
    NextStep,
    Triage,
)
from .questionnaire import BodyMap, Question, Questionnaire

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LEVEL_WITHIN_HOURS",
    "QUESTIONS_PER_STEP",
    "AnswerError",
    "AnswerProblem",
    "Assessment",
    "BodyMap",
    "CarePlan",
    "ConditionResult",
    "EngineError",
    "InterviewStep",
    "Knowledge",
    "KnowledgeError",
    "Language",
    "Level",
    "NextStep",
    "Question",
    "Questionnaire",
    "Triage",
    "assess",
    "check_in",
    "forget_remembered_results",
    "get_body_map",
    "get_knowledge",
    "get_questionnaire",
    "knowledge_version",
    "level_label",
    "load_knowledge",
    "pending_follow_ups",
    "pick_language",
    "plan_interview",
    "validate_answers",
]


def get_questionnaire() -> Questionnaire:
    return get_knowledge().questionnaire


def get_body_map() -> BodyMap:
    return get_knowledge().body_map


def knowledge_version() -> str:
    """Hash of the knowledge base files: stored with every result so it can be reproduced."""
    return get_knowledge().version


def validate_answers(answers: Mapping[str, Any], *, complete: bool = False) -> dict[str, Any]:
    """A clean copy of the answers, or AnswerError naming each field at fault."""
    return get_knowledge().questionnaire.validate(answers, complete=complete)


def level_label(level: Level, language: str = DEFAULT_LANGUAGE) -> str:
    """The level in words ("Same day", "Self-care"), never its code."""
    text = get_knowledge().level_text[level].label
    return text if isinstance(text, str) else text.get(language) or text[DEFAULT_LANGUAGE]


def forget_remembered_results() -> None:
    """Empty the engine's memos of recent scores and bounds, as a newly started process has them.
    Results never depend on them, only speed does (bench/engine.py measures both ways)."""
    differential.forget()
    bounds.forget()
