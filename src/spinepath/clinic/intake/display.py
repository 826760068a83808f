"""Answers in words, for people and staff: one place that turns stored values into labels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from spinepath.engine import get_questionnaire
from spinepath.engine.questionnaire import Question


def describe_answer(question: Question, value: Any, language: str) -> str:
    if value is None:
        return _("(skipped)")
    if question.type == "integer":
        return str(value)
    if question.type == "choice":
        option = question.option(value)
        return option.label(language) if option else str(value)
    if not value:
        return _("None")
    if question.type == "multi":
        return "; ".join(o.label(language) for o in question.options if o.value in value)
    body_map = get_questionnaire().body_map
    return "; ".join(body_map.label(region, language) for region in value)
