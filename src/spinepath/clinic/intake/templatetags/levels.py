"""Template filters for triage levels, so templates never spell level codes: the words and the window
come from the knowledge base, the order from the engine's `Level`."""

from __future__ import annotations

from django import template

from spinepath.clinic.i18n import current_language
from spinepath.engine import Level, get_knowledge, level_label

register = template.Library()


@register.filter
def level_words(value: object) -> str:
    """ "Urgent", "Same day"... in the current language."""
    level = Level.parse(value)
    return level_label(level, current_language()) if level else ""


@register.filter
def level_window(value: object) -> str:
    """How soon this level is seen, in words ("today", "within 48 hours"); empty for self-care."""
    level = Level.parse(value)
    if level is None:
        return ""
    text = get_knowledge().level_text[level].window
    return text if isinstance(text, str) else text.get(current_language(), text.get("en", ""))


@register.filter
def level_at_least(value: object, other: str) -> bool:
    level = Level.parse(value)
    return level is not None and level.is_at_least(Level(other))
