"""Localised text: knowledge files hold either a plain English string or a {language: text} mapping."""

from __future__ import annotations

from collections.abc import Mapping

LocalText = str | Mapping[str, str]
DEFAULT_LANGUAGE = "en"


def localise(text: LocalText | None, language: str) -> str:
    """The text in `language`, falling back to English, so a missing translation never hides advice."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")
