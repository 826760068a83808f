"""The engine's immutable result types: what `assess` returns and every caller renders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Any

from pydantic import TypeAdapter


class Level(StrEnum):
    """Disposition: how urgently the person should be seen. Ordered from least to most urgent."""

    SELF_CARE = "self_care"
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"
    SAME_DAY = "same_day"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]

    @property
    def within_hours(self) -> int | None:
        """How soon a person at this level should be seen (None: no appointment needed)."""
        return LEVEL_WITHIN_HOURS[self]

    def is_at_least(self, other: Level) -> bool:
        return self.rank >= other.rank

    def at_least(self, other: Level) -> Level:
        """The more urgent of the two: urgency can only ever be raised."""
        return self if self.rank >= other.rank else other

    @classmethod
    def parse(cls, value: object) -> Level | None:
        """The level whose code is `value`, or None (for text from templates, filters and old data)."""
        member = cls._value2member_map_.get(str(value))
        return member if isinstance(member, Level) else None

    @classmethod
    def most_urgent_first(cls) -> list[Level]:
        return list(reversed(_LEVEL_ORDER))


# Least to most urgent: the order every comparison, sort and filter uses.
_LEVEL_ORDER = [Level.SELF_CARE, Level.ROUTINE, Level.SOON, Level.URGENT, Level.SAME_DAY, Level.EMERGENCY]
_LEVEL_RANK = {level: rank for rank, level in enumerate(_LEVEL_ORDER)}  # looked up on every comparison

# How soon each level should be seen, in hours: the one definition that headlines, booking windows,
# the worklist, the API and FHIR follow. Emergency: now. Same day: today (GIRFT and NICE ask for
# same-day assessment for some presentations). Urgent: within 48 hours (CKS "within a few days" at the
# latest). Soon: 2 weeks. Routine: 6 weeks (NG59 review point). Self-care: no appointment needed.
LEVEL_WITHIN_HOURS: dict[Level, int | None] = {
    Level.EMERGENCY: 0,
    Level.SAME_DAY: 12,
    Level.URGENT: 48,
    Level.SOON: 14 * 24,
    Level.ROUTINE: 6 * 7 * 24,
    Level.SELF_CARE: None,
}


@dataclass(frozen=True)
class Reason:
    """One answer that contributed to a decision, in the person's own terms."""

    finding: str
    present: bool
    text: str


@dataclass(frozen=True)
class RuleHit:
    """A triage rule that fired, with the answers that fired it."""

    rule: str
    level: Level
    title: str
    action: str
    because: tuple[Reason, ...]
    source: str
    clinician: str
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Triage:
    level: Level
    headline: str
    action: str
    reasons: tuple[RuleHit, ...]
    unscreened: tuple[str, ...] = ()

    @property
    def red_flags(self) -> tuple[RuleHit, ...]:
        return tuple(hit for hit in self.reasons if hit.level.rank >= Level.URGENT.rank)


@dataclass(frozen=True)
class Evidence:
    """How one finding moved one condition: its likelihood ratio and where that number comes from."""

    finding: str
    present: bool
    text: str
    likelihood_ratio: float
    weight: float
    source: str


@dataclass(frozen=True)
class ShownLikelihood:
    """How a condition's likelihood may be shown to people and staff.

    kind "share": its share of the differential (`relative`). kind "calibrated": a must-rule-out condition,
    shown only as the range published series observe in people referred with such signs (`low`-`high`,
    `source`). kind "must_check": a must-rule-out condition with no calibrated figure: no number, only `text`.
    """

    kind: str
    text: str = ""
    low: float | None = None
    high: float | None = None
    source: str = ""


@dataclass(frozen=True)
class ConditionResult:
    id: str
    name: str
    probability: float
    relative: float
    must_rule_out: bool
    summary: str
    explanation: str
    evidence_for: tuple[Evidence, ...]
    evidence_against: tuple[Evidence, ...]
    nerve_root: str | None
    clinician: str
    aliases: tuple[str, ...] = ()
    shown: ShownLikelihood = ShownLikelihood("share")


@dataclass(frozen=True)
class PlanItem:
    id: str
    kind: str
    title: str
    text: str
    source: str
    caution: str | None = None


@dataclass(frozen=True)
class AvoidedItem:
    """Advice withheld because it does not suit this person, and why."""

    id: str
    title: str
    why: str


@dataclass(frozen=True)
class CarePlan:
    self_care: tuple[PlanItem, ...]
    avoid: tuple[AvoidedItem, ...]
    prevention: tuple[PlanItem, ...]
    treatments: tuple[PlanItem, ...]
    safety_net: tuple[str, ...]
    contributing: tuple[PlanItem, ...] = ()  # daily-life answers that may be adding to the pain


@dataclass(frozen=True)
class NextStep:
    level: Level
    clinician: str
    clinician_name: str
    within_hours: int | None
    text: str
    why: str


@dataclass(frozen=True)
class Assessment:
    triage: Triage
    differential: tuple[ConditionResult, ...]
    plan: CarePlan
    next_step: NextStep
    knowledge_version: str
    language: str
    findings: dict[str, bool] = field(default_factory=dict)
    disclaimer: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (enums become their values)."""
        data: dict[str, Any] = _jsonable(self)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        """The typed result back from its stored JSON form (`to_dict`). Raises pydantic's
        ValidationError when the data does not have the shape of an assessment."""
        return _assessment_reader().validate_python(data)


@cache
def _assessment_reader() -> TypeAdapter[Assessment]:
    return TypeAdapter(Assessment)


@dataclass(frozen=True)
class AnswerProblem:
    link_id: str
    message: str


_FIELDS: dict[type, tuple[str, ...]] = {}


def _jsonable(value: Any) -> Any:
    """Dataclasses to dicts, enums to values, tuples to lists; no deep copies (results are frozen)."""
    if isinstance(value, Enum):
        return value.value
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _jsonable(getattr(value, name)) for name in names}
    if kind is dict:
        return {key: _jsonable(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_jsonable(item) for item in value]
    return value
