"""Errors the engine's callers can act on, each turned into a clear message at the boundary."""

from __future__ import annotations

from .model import AnswerProblem


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class KnowledgeError(EngineError):
    """A knowledge-base file is invalid: names the file, the entry and the reason."""

    def __init__(self, file: str, entry: str, reason: str) -> None:
        self.file = file
        self.entry = entry
        self.reason = reason
        super().__init__(f"{file}: {entry}: {reason}")


class AnswerError(EngineError):
    """The answers do not fit the questionnaire. `problems` names each field at fault."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = problems
        detail = "; ".join(f"{p.link_id}: {p.message}" for p in problems)
        super().__init__(f"invalid answers: {detail}")
