"""The questionnaire as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse.

fhir.resources 8.x ships R4B and R5 but no plain R4 package; R4B is wire-compatible with R4 for
Questionnaire and QuestionnaireResponse, so we build and validate with `fhir.resources.R4B`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from spinepath.engine import Question, Questionnaire, get_questionnaire, knowledge_version

CANONICAL = "https://spinepath.example.org/fhir/Questionnaire/spinepath-back-leg-pain"
REGION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/body-map-region"
OPTION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/answer"
_ITEM_TYPE = {"integer": "integer", "choice": "choice", "multi": "choice", "regions": "choice"}


def _enable_when(rule: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """FHIR enableWhen for the simple forms; compound forms are expressed with enableBehavior."""
    if "all" in rule or "any" in rule:
        parts: list[dict[str, Any]] = []
        for item in rule.get("all") or rule["any"]:
            sub, _ = _enable_when(item)
            parts.extend(sub)
        return parts, "all" if "all" in rule else "any"
    question = rule["question"]
    if "equals" in rule:
        return [
            {
                "question": question,
                "operator": "=",
                "answerCoding": {"system": OPTION_SYSTEM, "code": rule["equals"]},
            }
        ], None
    if "between" in rule:
        low, high = rule["between"]
        return [
            {"question": question, "operator": ">=", "answerInteger": low},
            {"question": question, "operator": "<=", "answerInteger": high},
        ], "all"
    if "in" in rule:
        return [
            {"question": question, "operator": "=", "answerCoding": {"system": OPTION_SYSTEM, "code": value}}
            for value in rule["in"]
        ], "any"
    # any_selected / has_leg_region / has_both_legs: answered at all is the closest FHIR form.
    return [{"question": question, "operator": "exists", "answerBoolean": True}], None


def questionnaire_resource(
    language: str = "en", questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """A validated FHIR R4 Questionnaire (as JSON-ready dict) for the one spinepath questionnaire."""
    q = questionnaire or get_questionnaire()
    items = []
    for section in q.sections:
        children = []
        for question in (x for x in q.questions if x.section == section.id):
            item: dict[str, Any] = {
                "linkId": question.link_id,
                "text": question.label(language),
                "type": _ITEM_TYPE[question.type],
                "required": question.required,
                "repeats": question.type in {"multi", "regions"},
            }
            if question.type in {"choice", "multi"}:
                item["answerOption"] = [
                    {"valueCoding": {"system": OPTION_SYSTEM, "code": o.value, "display": o.label(language)}}
                    for o in question.options
                ]
            elif question.type == "regions":
                body_map = q.body_map
                item["answerOption"] = [
                    {
                        "valueCoding": {
                            "system": REGION_SYSTEM,
                            "code": r,
                            "display": body_map.label(r, language),
                        }
                    }
                    for r in sorted(body_map.region_ids)
                ]
            else:
                extensions = []
                for bound, url in ((question.minimum, "minValue"), (question.maximum, "maxValue")):
                    if bound is not None:
                        extensions.append(
                            {"url": f"http://hl7.org/fhir/StructureDefinition/{url}", "valueInteger": bound}
                        )
                if extensions:
                    item["extension"] = extensions
            if question.enable_when is not None:
                conditions, behaviour = _enable_when(question.enable_when)
                item["enableWhen"] = conditions
                if len(conditions) > 1:
                    item["enableBehavior"] = behaviour or "all"
            children.append(item)
        items.append(
            {
                "linkId": f"section-{section.id}",
                "text": section.label(language),
                "type": "group",
                "item": children,
            }
        )
    resource = {
        "resourceType": "Questionnaire",
        "url": CANONICAL,
        "version": knowledge_version(),
        "name": "SpinepathBackAndLegPain",
        "title": "spinepath: back and leg pain",
        "status": "active",
        "language": language,
        "item": items,
    }
    return FhirQuestionnaire.model_validate(resource).model_dump(mode="json", exclude_none=True)


def questionnaire_response(
    answers: Mapping[str, Any], *, language: str = "en", authored: datetime | None = None
) -> dict[str, Any]:
    """Answers `{linkId: value}` as a validated FHIR R4 QuestionnaireResponse."""
    q = get_questionnaire()
    clean = q.validate(answers)
    items = []
    for question in q.questions:
        value = clean.get(question.link_id)
        if value is None:
            continue
        if question.type == "integer":
            answer = [{"valueInteger": value}]
        elif question.type == "choice":
            answer = [
                {
                    "valueCoding": {
                        "system": OPTION_SYSTEM,
                        "code": value,
                        "display": _option_label(question, value, language),
                    }
                }
            ]
        elif question.type == "multi":
            answer = [
                {
                    "valueCoding": {
                        "system": OPTION_SYSTEM,
                        "code": v,
                        "display": _option_label(question, v, language),
                    }
                }
                for v in value
            ]
        else:
            answer = [
                {
                    "valueCoding": {
                        "system": REGION_SYSTEM,
                        "code": v,
                        "display": q.body_map.label(v, language),
                    }
                }
                for v in value
            ]
        entry: dict[str, Any] = {"linkId": question.link_id, "text": question.label(language)}
        if answer:
            entry["answer"] = answer
        items.append(entry)
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|{knowledge_version()}",
        "status": "completed",
        "authored": (authored or datetime.now(UTC)).isoformat(),
        "item": items,
    }
    return QuestionnaireResponse.model_validate(resource).model_dump(mode="json", exclude_none=True)


def _option_label(question: Question, value: str, language: str) -> str:
    option = question.option(value)
    return option.label(language) if option else value
