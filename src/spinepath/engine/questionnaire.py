"""The one questionnaire: questions, branching (enable_when) and answer validation.

Answers are a JSON-style mapping `{linkId: value}`. A missing linkId means "not asked yet"; `None`
means "asked and skipped". Branching is three-valued like the rest of the engine: a question whose
condition depends on an unanswered question is neither enabled nor disabled yet (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import AnswerError
from .model import AnswerProblem
from .text import LocalText, localise

LEG_ZONES = frozenset({"buttock", "leg_above_knee", "knee", "below_knee"})
SIDES = ("left", "right")
# The answer "I am not sure": it tells us nothing, so every option's finding stays unknown (issue #13).
NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Region:
    id: str
    sided: bool
    zone: str
    view: str
    label: LocalText
    roots: tuple[str, ...] = ()


@dataclass(frozen=True)
class BodyMap:
    """Body-map regions; sided regions are selected as `<id>_left` / `<id>_right`."""

    regions: tuple[Region, ...]
    weakness_roots: Mapping[str, tuple[str, ...]]
    _by_selectable: dict[str, tuple[Region, str | None]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for region in self.regions:
            if region.sided:
                for side in SIDES:
                    self._by_selectable[f"{region.id}_{side}"] = (region, side)
            else:
                self._by_selectable[region.id] = (region, None)

    @property
    def region_ids(self) -> frozenset[str]:
        return frozenset(self._by_selectable)

    def lookup(self, region_id: str) -> tuple[Region, str | None]:
        """The region and side ("left", "right" or None) of a selectable id."""
        return self._by_selectable[region_id]

    def label(self, region_id: str, language: str) -> str:
        region, side = self.lookup(region_id)
        name = localise(region.label, language)
        if side is None:
            return name
        words = {"en": {"left": "Left", "right": "Right"}, "es": {"left": "izquierda", "right": "derecha"}}
        side_word = words.get(language, words["en"])[side]
        return f"{side_word} {name.lower()}" if language == "en" else f"{name} ({side_word})"

    def leg_sides(self, region_ids: Iterable[str]) -> set[str]:
        """Which sides (left/right) have a buttock or leg region among `region_ids`."""
        sides: set[str] = set()
        for region_id in region_ids:
            region, side = self.lookup(region_id)
            if side is not None and region.zone in LEG_ZONES:
                sides.add(side)
        return sides


@dataclass(frozen=True)
class Option:
    value: str
    finding: str | None
    text: LocalText
    # Options whose findings this answer leaves unknown ("yes, but I am not sure what eases it").
    unknown: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return localise(self.text, language)


@dataclass(frozen=True)
class Section:
    id: str
    title: LocalText

    def label(self, language: str) -> str:
        return localise(self.title, language)


@dataclass(frozen=True)
class Question:
    link_id: str
    section: str
    phase: str
    type: str
    required: bool
    minimum: int | None
    maximum: int | None
    text: LocalText
    help: LocalText | None
    options: tuple[Option, ...]
    enable_when: Any = None
    diary: bool = False
    none_text: LocalText | None = None  # how "none" reads on a body map ("No pain anywhere")
    first: bool = False  # asked on the first screen, before anything else (issue #13: warning signs first)

    def label(self, language: str) -> str:
        return localise(self.text, language)

    def help_text(self, language: str) -> str:
        return localise(self.help, language)

    def none_label(self, language: str) -> str:
        """How "none" reads for this question ("" when it has no wording of its own)."""
        return localise(self.none_text, language)

    @property
    def option_values(self) -> frozenset[str]:
        return frozenset(option.value for option in self.options)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)

    def left_unknown(self, value: Any) -> frozenset[str]:
        """The options whose findings a choice answer leaves unknown: all of them for "not sure", the
        ones an option names for a partly sure answer ("yes, but I am not sure how"), else none."""
        if self.type != "choice" or not isinstance(value, str):
            return frozenset()
        if value == NOT_SURE:
            return self.option_values - {NOT_SURE}
        option = self.option(value)
        return frozenset(option.unknown) if option else frozenset()


class Questionnaire:
    """The questions in order, with branching and validation."""

    def __init__(self, *, sections: tuple[Section, ...], questions: tuple[Question, ...], body_map: BodyMap):
        self.sections = sections
        self.questions = questions
        self.body_map = body_map
        self.by_id: dict[str, Question] = {question.link_id: question for question in questions}
        self.position: dict[str, int] = {question.link_id: index for index, question in enumerate(questions)}

    @property
    def diary_questions(self) -> tuple[Question, ...]:
        """The warning-sign checklists asked again at each pain-diary check-in (`diary: true`)."""
        return tuple(question for question in self.questions if question.diary)

    # -------------------------------------------------------------- branching
    def is_enabled(self, question: Question, answers: Mapping[str, Any]) -> bool | None:
        """True: ask it; False: it does not apply to this person; None: not known yet."""
        if question.enable_when is None:
            return True
        return self._condition(question.enable_when, answers)

    def _condition(self, rule: Mapping[str, Any], answers: Mapping[str, Any]) -> bool | None:
        if "all" in rule or "any" in rule:
            values = [self._condition(item, answers) for item in rule.get("all") or rule["any"]]
            decisive, other = (False, True) if "all" in rule else (True, False)
            if decisive in values:
                return decisive
            return None if None in values else other
        source = self.by_id[rule["question"]]
        enabled = self.is_enabled(source, answers)
        if enabled is False:
            return False
        value = answers.get(source.link_id)
        if value is None:
            return None
        if "equals" in rule:
            return bool(value == rule["equals"])
        if "in" in rule:
            return value in rule["in"]
        if "between" in rule:
            low, high = rule["between"]
            return bool(low <= value <= high)
        if "includes" in rule:
            return rule["includes"] in value
        if "any_selected" in rule:
            return bool(value) is bool(rule["any_selected"])
        if "has_leg_region" in rule:
            return bool(self.body_map.leg_sides(value)) is bool(rule["has_leg_region"])
        if "has_both_legs" in rule:
            return (len(self.body_map.leg_sides(value)) == 2) is bool(rule["has_both_legs"])
        raise AssertionError(f"unknown enable_when form {rule!r}")  # the loader rejects these

    def enabled_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        return [question for question in self.questions if self.is_enabled(question, answers) is True]

    # -------------------------------------------------------------- validation
    def validate(self, answers: Any, *, complete: bool = False) -> dict[str, Any]:
        """A clean copy of `answers`, or AnswerProblems naming every field at fault.

        Answers to questions that do not apply (their enable_when is false) are dropped, so that
        changing an earlier answer never leaves a stale, contradictory one behind. With `complete`,
        every required question that applies must be answered.
        """
        if not isinstance(answers, Mapping):
            raise _answer_error([AnswerProblem("(answers)", "answers must be an object of {linkId: value}")])
        problems: list[AnswerProblem] = []
        clean: dict[str, Any] = {}
        for link_id, value in answers.items():
            question = self.by_id.get(link_id) if isinstance(link_id, str) else None
            if question is None:
                problems.append(AnswerProblem(str(link_id) or '""', "there is no question with this linkId"))
                continue
            if value is None:
                clean[link_id] = None
                continue
            problem = self._check_value(question, value)
            if problem:
                problems.append(AnswerProblem(link_id, problem))
            else:
                clean[link_id] = _normalise(question, value)
        if problems:
            raise _answer_error(problems)
        for question in self.questions:
            if question.link_id in clean and self.is_enabled(question, clean) is False:
                del clean[question.link_id]
        if complete:
            missing = [
                AnswerProblem(question.link_id, "this question needs an answer")
                for question in self.questions
                if question.required
                and clean.get(question.link_id) is None
                and self.is_enabled(question, clean) is not False
            ]
            if missing:
                raise _answer_error(missing)
        return clean

    def _check_value(self, question: Question, value: Any) -> str | None:
        kind = question.type
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole number, not {_describe(value)}"
            if question.minimum is not None and value < question.minimum:
                return f"must be at least {question.minimum} (got {value})"
            if question.maximum is not None and value > question.maximum:
                return f"must be at most {question.maximum} (got {value})"
            return None
        if kind == "choice":
            if not isinstance(value, str):
                return f"must be one of {sorted(question.option_values)}, not {_describe(value)}"
            if value not in question.option_values:
                return f"'{value}' is not an option; choose one of {sorted(question.option_values)}"
            return None
        allowed = question.option_values if kind == "multi" else self.body_map.region_ids
        noun = "option" if kind == "multi" else "body-map region"
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"must be a list of {noun} ids, not {_describe(value)}"
        unknown = sorted(set(value) - allowed)
        if unknown:
            return f"unknown {noun}(s): {', '.join(unknown)}"
        return None


def _normalise(question: Question, value: Any) -> Any:
    if question.type in {"multi", "regions"}:
        return sorted(set(value))
    return value


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:60]


def _answer_error(problems: list[AnswerProblem]) -> AnswerError:
    return AnswerError(problems)
