"""The engine's enable conditions as FHIR: `enableWhen` where it says exactly the same, else FHIRPath.

The engine enables a question only when its condition is certainly true (three-valued logic: an
unanswered source leaves it "not known yet", and a source that does not apply makes it false). A FHIR
renderer shows an item when its enableWhen or SDC enableWhenExpression is true. Both are derived
here from the engine's own rules, for every question, so a question added to questionnaire.yaml comes
out right without touching this module; a rule form this module does not know raises
`UntranslatableCondition` rather than exporting something that would ask the wrong people.

Plain `enableWhen` is used only when it means exactly what the engine means: equality, ranges and
option lists on questions that are always asked (FHIR says nothing certain about an answer left behind
on a hidden item, so a condition on a conditional question is written in FHIRPath, which restates the
source's own condition).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spinepath.engine import Question, Questionnaire

OPTION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/answer"
# A checklist or body map answered "none" (the engine's empty list) needs an answer a renderer can send.
NONE_CODE = "none_of_these"
SDC_ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)


class UntranslatableCondition(ValueError):
    """An enable_when form that has no FHIR translation yet: add one here (and a test case)."""


@dataclass(frozen=True)
class Enablement:
    """How one item is enabled in FHIR: plain enableWhen (with behaviour) or one FHIRPath expression."""

    enable_when: list[dict[str, Any]]
    behaviour: str | None
    expression: str | None

    def item_fields(self) -> dict[str, Any]:
        if self.expression is not None:
            return {
                "extension": [
                    {
                        "url": SDC_ENABLE_WHEN_EXPRESSION,
                        "valueExpression": {"language": "text/fhirpath", "expression": self.expression},
                    }
                ]
            }
        fields: dict[str, Any] = {"enableWhen": self.enable_when}
        if len(self.enable_when) > 1:
            fields["enableBehavior"] = self.behaviour or "all"
        return fields


def enablement(question: Question, questionnaire: Questionnaire) -> Enablement | None:
    """The FHIR form of `question`'s enable condition; None when it is always asked."""
    if question.enable_when is None:
        return None
    plain = _plain(question.enable_when, questionnaire)
    if plain is not None:
        conditions, behaviour = plain
        return Enablement(enable_when=conditions, behaviour=behaviour, expression=None)
    translator = _FhirPath(questionnaire)
    return Enablement(enable_when=[], behaviour=None, expression=translator.enabled(question).true)


# ------------------------------------------------------------------ plain enableWhen
def _plain(rule: Mapping[str, Any], q: Questionnaire) -> tuple[list[dict[str, Any]], str | None] | None:
    """enableWhen conditions and their one behaviour ("all"/"any"; None for a single condition)."""
    if "all" in rule or "any" in rule:
        behaviour = "all" if "all" in rule else "any"
        conditions: list[dict[str, Any]] = []
        for part in rule.get("all") or rule["any"]:
            sub = _plain(part, q)
            if sub is None or sub[1] not in {None, behaviour}:
                return None
            conditions.extend(sub[0])
        return conditions, behaviour
    source = q.by_id[rule["question"]]
    if source.enable_when is not None:
        return None
    if "equals" in rule and source.type in {"choice", "integer"}:
        return [_condition(source, "=", rule["equals"])], None
    if "in" in rule and source.type in {"choice", "integer"} and rule["in"]:
        return [_condition(source, "=", value) for value in rule["in"]], "any"
    if "between" in rule and source.type == "integer":
        low, high = rule["between"]
        return [_condition(source, ">=", low), _condition(source, "<=", high)], "all"
    return None


def _condition(source: Question, operator: str, value: Any) -> dict[str, Any]:
    answer: dict[str, Any]
    if source.type == "integer":
        answer = {"answerInteger": value}
    else:
        answer = {"answerCoding": {"system": OPTION_SYSTEM, "code": value}}
    return {"question": source.link_id, "operator": operator, **answer}


# ------------------------------------------------------------------ FHIRPath
@dataclass(frozen=True)
class _Truth:
    """A condition as two FHIRPath booleans: certainly true, certainly false (else: not known yet)."""

    true: str
    false: str


_TRUE = _Truth("true", "false")


def _and(*parts: str) -> str:
    if "false" in parts:
        return "false"
    kept = [p for p in parts if p != "true"]
    return "true" if not kept else kept[0] if len(kept) == 1 else "(" + " and ".join(kept) + ")"


def _or(*parts: str) -> str:
    if "true" in parts:
        return "true"
    kept = [p for p in parts if p != "false"]
    return "false" if not kept else kept[0] if len(kept) == 1 else "(" + " or ".join(kept) + ")"


def _not(part: str) -> str:
    return {"true": "false", "false": "true"}.get(part, f"{part}.not()")


def _literal(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UntranslatableCondition(f"no FHIRPath literal for {value!r}")
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _one_of(values: list[Any]) -> str:
    return "(" + " | ".join(_literal(v) for v in values) + ")"


class _FhirPath:
    """Builds the FHIRPath for the engine's `Questionnaire.is_enabled`, rule by rule."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        sides: dict[str, list[str]] = {}
        for region_id in sorted(questionnaire.body_map.region_ids):
            for side in questionnaire.body_map.leg_sides([region_id]):
                sides.setdefault(side, []).append(region_id)
        self.leg_regions_by_side = sides

    def enabled(self, question: Question) -> _Truth:
        return _TRUE if question.enable_when is None else self.rule(question.enable_when)

    def rule(self, rule: Mapping[str, Any]) -> _Truth:
        if "all" in rule or "any" in rule:
            parts = [self.rule(part) for part in rule.get("all") or rule["any"]]
            if "all" in rule:
                return _Truth(_and(*(p.true for p in parts)), _or(*(p.false for p in parts)))
            return _Truth(_or(*(p.true for p in parts)), _and(*(p.false for p in parts)))
        source = self.q.by_id[rule["question"]]
        source_enabled = self.enabled(source)
        answers = f"%resource.repeat(item).where(linkId={_literal(source.link_id)}).answer"
        answered = f"{answers}.exists()"
        holds = self.predicate(source, rule, f"{answers}.value")
        return _Truth(
            true=_and(_not(source_enabled.false), answered, holds),
            false=_or(source_enabled.false, _and(answered, _not(holds))),
        )

    def predicate(self, source: Question, rule: Mapping[str, Any], values: str) -> str:
        """Whether the (answered) source satisfies the rule's test, as a FHIRPath boolean."""
        kind = source.type
        coded = kind in {"choice", "multi", "regions"}
        item = "code" if coded else "$this"
        if "equals" in rule and kind in {"choice", "integer"}:
            return f"{values}.where({item} = {_literal(rule['equals'])}).exists()"
        if "in" in rule and kind in {"choice", "integer"}:
            return (
                f"{values}.where({item} in {_one_of(list(rule['in']))}).exists()" if rule["in"] else "false"
            )
        if "between" in rule and kind == "integer":
            low, high = rule["between"]
            return f"{values}.where($this >= {_literal(low)} and $this <= {_literal(high)}).exists()"
        if "includes" in rule and kind in {"multi", "regions"}:
            return f"{values}.where(code = {_literal(rule['includes'])}).exists()"
        if "any_selected" in rule and kind in {"multi", "regions"}:
            selected = f"{values}.where(code != {_literal(NONE_CODE)}).exists()"
            return selected if rule["any_selected"] else _not(selected)
        if "has_leg_region" in rule and kind == "regions":
            legs = [r for side in sorted(self.leg_regions_by_side) for r in self.leg_regions_by_side[side]]
            touched = f"{values}.where(code in {_one_of(legs)}).exists()" if legs else "false"
            return touched if rule["has_leg_region"] else _not(touched)
        if "has_both_legs" in rule and kind == "regions":
            per_side = [
                f"{values}.where(code in {_one_of(regions)}).exists()"
                for regions in self.leg_regions_by_side.values()
            ]
            both = _and(*per_side) if len(per_side) == 2 else "false"
            return both if rule["has_both_legs"] else _not(both)
        raise UntranslatableCondition(f"no FHIR translation for {rule!r} on a {kind} question")
