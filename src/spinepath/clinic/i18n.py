"""The one way the web shell picks a language: the request's active language, if spinepath speaks it."""

from __future__ import annotations

from django.utils import translation

from spinepath.engine import pick_language


def current_language() -> str:
    return pick_language(translation.get_language())
