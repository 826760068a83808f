"""Any FHIR renderer enables exactly the questions the engine enables, for any answers.

FHIR's side is evaluated the way a renderer does: plain enableWhen by the rules of the FHIR R4 spec
(an unanswered question satisfies no operator but `exists false`), SDC enableWhenExpression with a real
FHIRPath engine (fhirpathpy, R4 model) over the QuestionnaireResponse built from the answers.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spinepath.engine import get_questionnaire
from spinepath.engine.questionnaire import Question
from spinepath.fhir.enablement import SDC_ENABLE_WHEN_EXPRESSION, UntranslatableCondition, enablement
from spinepath.fhir.questionnaire import questionnaire_resource, response_items
from tests.engine.helpers import baseline, sciatica
from tests.engine.strategies import value_of as _value

RESPONSE = {"resourceType": "QuestionnaireResponse", "status": "in-progress"}


@cache
def _fhir_items() -> dict[str, dict[str, Any]]:
    resource = questionnaire_resource()
    return {item["linkId"]: item for section in resource["item"] for item in section["item"]}


@cache
def _compiled(expression: str) -> Any:
    return compile_fhirpath(expression, models["r4"])


def _expression(item: dict[str, Any]) -> str | None:
    for extension in item.get("extension", []):
        if extension["url"] == SDC_ENABLE_WHEN_EXPRESSION:
            return str(extension["valueExpression"]["expression"])
    return None


def _answer_value(answer: dict[str, Any]) -> Any:
    if "valueInteger" in answer:
        return answer["valueInteger"]
    return answer["valueCoding"]["code"]


def _condition_holds(condition: dict[str, Any], answers: list[Any]) -> bool:
    """One enableWhen condition, as FHIR R4 defines it (any answer satisfying the operator)."""
    operator = condition["operator"]
    if operator == "exists":
        return bool(answers) is condition["answerBoolean"]
    expected = (
        condition["answerInteger"] if "answerInteger" in condition else condition["answerCoding"]["code"]
    )
    tests = {
        "=": lambda a: a == expected,
        "!=": lambda a: a != expected,
        ">=": lambda a: a >= expected,
        "<=": lambda a: a <= expected,
        ">": lambda a: a > expected,
        "<": lambda a: a < expected,
    }
    return any(tests[operator](a) for a in answers)


def fhir_enabled(item: dict[str, Any], response: dict[str, Any]) -> bool:
    expression = _expression(item)
    if expression is not None:
        result = _compiled(expression)(response, {"resource": response})
        assert result in ([True], [False]), f"{item['linkId']}: {expression} gave {result}"
        return bool(result[0])
    conditions = item.get("enableWhen")
    if not conditions:
        return True
    given_answers = {
        entry["linkId"]: [_answer_value(a) for a in entry.get("answer", [])] for entry in response["item"]
    }
    results = [_condition_holds(c, given_answers.get(c["question"], [])) for c in conditions]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def assert_same_enablement(answers: dict[str, Any]) -> None:
    questionnaire = get_questionnaire()
    response = {**RESPONSE, "item": response_items(answers)}
    items = _fhir_items()
    for question in questionnaire.questions:
        engine = questionnaire.is_enabled(question, answers) is True
        fhir = fhir_enabled(items[question.link_id], response)
        assert fhir is engine, f"{question.link_id}: FHIR {fhir}, engine {engine}, answers {answers}"


@st.composite
def raw_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Any answers at all, in any order: skipped (None), stale ones left on hidden questions, empty lists."""
    chosen: dict[str, Any] = {}
    for question in get_questionnaire().questions:
        kind = draw(st.sampled_from(["unasked", "skipped", "answered", "answered"]))
        if kind == "skipped":
            chosen[question.link_id] = None
        elif kind == "answered":
            chosen[question.link_id] = draw(_value(question))
    return chosen


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=raw_answers())
@example(answers=sciatica())
@example(answers=baseline(sex="female", age=30, pregnancy="pregnant", pregnancy_weeks=24))
@example(answers=baseline(pain_regions=["lower_back", "calf_left"], numb_regions=["foot_top_right"]))
@example(answers=baseline(pain_regions=["lower_back", "calf_left", "calf_right"]))
@example(answers=baseline(pain_regions=["lower_back"], numb_regions=[]))
@example(answers={"bladder_bowel": [], "leg_weakness": ["foot_drop"], "sex": "male", "pregnancy": "pregnant"})
def test_fhir_enables_what_the_engine_enables(answers: dict[str, Any]) -> None:
    assert_same_enablement(answers)


def test_fhir_enables_what_the_engine_enables_on_validated_answers() -> None:
    """The answers a renderer really holds: those the engine keeps (hidden questions' answers dropped)."""
    questionnaire = get_questionnaire()
    for answers in (sciatica(), baseline(), baseline(sex="female", age=70, pregnancy="pregnant")):
        assert_same_enablement(questionnaire.validate(answers))


@pytest.mark.parametrize(
    ("answers", "link_id", "enabled"),
    [
        (baseline(pain_regions=["lower_back", "calf_left", "calf_right"]), "both_legs_timing", True),
        (baseline(pain_regions=["lower_back", "calf_left"]), "both_legs_timing", False),
        (baseline(pain_regions=["calf_left"], numb_regions=["foot_top_right"]), "both_legs_timing", False),
        (
            baseline(pain_regions=["calf_left"], numb_regions=["foot_top_right", "heel_left"]),
            "both_legs_timing",
            True,
        ),
        (baseline(pain_regions=["lower_back"]), "worse_part", False),
        (baseline(pain_regions=["lower_back", "buttock_right"]), "worse_part", True),
        (baseline(bladder_bowel=[]), "bladder_bowel_timing", False),
        (baseline(bladder_bowel=["cannot_pee"]), "bladder_bowel_timing", True),
        (baseline(bladder_bowel=[], numb_regions=["saddle"]), "bladder_bowel_timing", True),  # issue #13
        (baseline(bladder_bowel=[], numb_regions=["sole_left"]), "bladder_bowel_timing", False),
        (baseline(walking_pain="yes_not_sure"), "walking_where", True),
        ({"sex": "male", "age": 30, "pregnancy": "pregnant"}, "pregnancy_signs", False),
        ({"sex": "female", "age": 30, "pregnancy": "pregnant"}, "pregnancy_signs", True),
    ],
)
def test_named_cases(answers: dict[str, Any], link_id: str, enabled: bool) -> None:
    """The cases the issue names, so a bug shows by name and not only as a Hypothesis counterexample."""
    questionnaire = get_questionnaire()
    assert (questionnaire.is_enabled(questionnaire.by_id[link_id], answers) is True) is enabled
    response = {**RESPONSE, "item": response_items(answers)}
    assert fhir_enabled(_fhir_items()[link_id], response) is enabled


def test_every_conditional_question_is_translated() -> None:
    for question in get_questionnaire().questions:
        item = _fhir_items()[question.link_id]
        conditional = question.enable_when is not None
        assert conditional is bool(item.get("enableWhen") or _expression(item)), question.link_id
        assert not (item.get("enableWhen") and _expression(item)), "SDC: never both"


def test_an_unknown_condition_form_is_refused_not_guessed() -> None:
    question = get_questionnaire().by_id["worse_part"]
    odd = Question(
        **{**question.__dict__, "enable_when": {"question": "pain_regions", "has_three_legs": True}}
    )
    with pytest.raises(UntranslatableCondition):
        enablement(odd, get_questionnaire())
