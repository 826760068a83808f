"""The languages spinepath speaks: defined once, used by the engine, the web shell, the API and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Language(StrEnum):
    EN = "en"
    ES = "es"


DEFAULT_LANGUAGE = Language.EN.value

# Each language named in itself, as a language menu shows it.
LANGUAGES: Mapping[str, str] = MappingProxyType({Language.EN.value: "English", Language.ES.value: "Español"})


def pick_language(code: str | None) -> str:
    """A supported language for `code` ("es", "es-ES", "es_MX", None...), else the default."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE
