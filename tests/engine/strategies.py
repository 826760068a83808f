"""Hypothesis strategies: any answers the questionnaire accepts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from spinepath.engine import get_knowledge
from spinepath.engine.questionnaire import Question


def value_of(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "integer":
        return st.integers(question.minimum or 0, question.maximum or 120)
    if question.type == "choice":
        return st.sampled_from([option.value for option in question.options])
    if question.type == "multi":
        return st.lists(
            st.sampled_from([option.value for option in question.options]), max_size=3, unique=True
        )
    regions = sorted(get_knowledge().body_map.region_ids)
    return st.lists(st.sampled_from(regions), max_size=6, unique=True)


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """A random, valid set of answers; some questions left unanswered."""
    questionnaire = get_knowledge().questionnaire
    chosen: dict[str, Any] = {}
    for question in questionnaire.questions:
        if draw(st.booleans()) or question.required:
            chosen[question.link_id] = draw(value_of(question))
    return questionnaire.validate(chosen)
