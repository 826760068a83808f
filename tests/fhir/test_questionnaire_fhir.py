"""The one questionnaire exports as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from spinepath.engine import get_questionnaire, knowledge_version
from spinepath.fhir.questionnaire import questionnaire_resource, questionnaire_response
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
    assert codes == {"under_1_week", "1_to_6_weeks", "6_to_12_weeks", "3_to_12_months", "over_1_year"}
    assert resource["version"] == knowledge_version()


def test_branching_is_exported_as_enable_when() -> None:
    items = _items(questionnaire_resource())
    pregnancy_weeks = items["pregnancy_weeks"]["enableWhen"][0]
    assert (
        pregnancy_weeks["question"] == "pregnancy" and pregnancy_weeks["answerCoding"]["code"] == "pregnant"
    )
    assert items["pregnancy"]["enableBehavior"] == "all"


def test_spanish_export() -> None:
    assert _items(questionnaire_resource("es"))["age"]["text"] == "¿Cuántos años tiene?"


def test_answers_export_as_a_questionnaire_response() -> None:
    resource = questionnaire_response(sciatica())
    QuestionnaireResponse.model_validate(resource)
    answers = {item["linkId"]: item.get("answer", []) for item in resource["item"]}
    assert answers["age"] == [{"valueInteger": 43}]
    assert {a["valueCoding"]["code"] for a in answers["pain_regions"]} >= {"calf_left", "foot_outer_left"}
    assert resource["questionnaire"].endswith(knowledge_version())
