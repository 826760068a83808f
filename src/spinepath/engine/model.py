"""The engine's immutable result types: what `assess` returns and every caller renders."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from typing import Any


class Level(StrEnum):
    """Disposition: how urgently the person should be seen. Ordered from least to most urgent."""

    SELF_CARE = "self_care"
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    def at_least(self, other: Level) -> Level:
        """The more urgent of the two: urgency can only ever be raised."""
        return self if self.rank >= other.rank else other


_LEVEL_ORDER = [Level.SELF_CARE, Level.ROUTINE, Level.SOON, Level.URGENT, Level.EMERGENCY]

# How soon each level should be seen, in hours (None: no appointment needed).
LEVEL_WITHIN_HOURS: dict[Level, int | None] = {
    Level.EMERGENCY: 0,
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
