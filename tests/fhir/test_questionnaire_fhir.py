"""The one questionnaire exports as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from spinepath.engine import AnswerError, get_questionnaire, knowledge_version
from spinepath.fhir.questionnaire import (
    answers_from_response,
    questionnaire_resource,
    questionnaire_response,
)
from tests.engine.helpers import sciatica


def _items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for section in resource["item"] for item in section["item"]}


def test_every_question_is_exported_with_its_type_and_options() -> None:
    resource = questionnaire_resource()
    Questionnaire.model_validate(resource)
    items = _items(resource)
    assert set(items) == {q.link_id for q in get_questionnaire().questions}
    assert items["age"]["type"] == "integer" and items["age"]["required"] is True
    assert items["bladder_bowel"]["repeats"] is True
    codes = {o["valueCoding"]["code"] for o in items["duration"]["answerOption"]}
    assert codes == {
        "under_1_week", "1_to_6_weeks", "6_to_12_weeks", "3_to_12_months", "over_1_year", "not_sure"
    }  # fmt: skip
    assert resource["version"] == knowledge_version()


def test_simple_branching_is_plain_enable_when_and_the_rest_fhirpath() -> None:
    items = _items(questionnaire_resource())
    walking_where = items["walking_where"]
    assert walking_where["enableBehavior"] == "any"
    assert {c["answerCoding"]["code"] for c in walking_where["enableWhen"]} == {
        "eases_sitting_or_bending",
        "eases_standing_still",
        "other",
        "yes_not_sure",
    }
    assert items["pregnancy"]["enableBehavior"] == "all"
    # "Both legs" is no longer "any region answered": it is FHIRPath over left and right leg regions.
    both_legs = items["both_legs_timing"]
    assert "enableWhen" not in both_legs
    (expression,) = [e["valueExpression"] for e in both_legs["extension"] if "valueExpression" in e]
    assert expression["language"] == "text/fhirpath"
    assert "calf_left" in expression["expression"] and "calf_right" in expression["expression"]


def test_checklists_and_body_maps_offer_an_exclusive_none() -> None:
    items = _items(questionnaire_resource())
    for link_id in ("bladder_bowel", "numb_regions"):
        last = items[link_id]["answerOption"][-1]
        assert last["valueCoding"]["code"] == "none_of_these"
        assert last["extension"][0]["valueBoolean"] is True


def test_a_response_reads_back_as_the_same_answers() -> None:
    answers = get_questionnaire().validate(sciatica(numb_regions=[], better_with=[]))
    resource = questionnaire_response(answers)
    assert answers_from_response(resource) == answers
    # Items may sit in groups, as renderers send them.
    grouped = {**resource, "item": [{"linkId": "section-x", "item": resource["item"]}]}
    assert answers_from_response(grouped) == answers


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({"resourceType": "Patient"}, "resourceType"),
        ({"resourceType": "QuestionnaireResponse", "status": "completed", "item": "x"}, "item"),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "http://x.org/Q",
            },
            "questionnaire",
        ),
        (
            {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": "colour"}]},
            "colour",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [{"linkId": "age", "answer": [{"valueInteger": 400}]}],
            },
            "age",
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [
                    {
                        "linkId": "bladder_bowel",
                        "answer": [
                            {"valueCoding": {"code": "none_of_these"}},
                            {"valueCoding": {"code": "cannot_pee"}},
                        ],
                    }
                ],
            },
            "bladder_bowel",
        ),
    ],
)
def test_a_bad_response_names_the_field(resource: dict[str, Any], field: str) -> None:
    with pytest.raises(AnswerError) as raised:
        answers_from_response(resource)
    assert field in {p.link_id for p in raised.value.problems}, raised.value.problems


def test_spanish_export() -> None:
    assert _items(questionnaire_resource("es"))["age"]["text"] == "¿Cuántos años tiene?"


def test_answers_export_as_a_questionnaire_response() -> None:
    resource = questionnaire_response(sciatica())
    QuestionnaireResponse.model_validate(resource)
    answers = {item["linkId"]: item.get("answer", []) for item in resource["item"]}
    assert answers["age"] == [{"valueInteger": 43}]
    assert {a["valueCoding"]["code"] for a in answers["pain_regions"]} >= {"calf_left", "foot_outer_left"}
    assert resource["questionnaire"].endswith(knowledge_version())
