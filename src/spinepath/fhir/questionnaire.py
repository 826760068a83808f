"""The questionnaire as a FHIR R4 Questionnaire, and answers as a QuestionnaireResponse (both ways).

fhir.resources 8.x ships R4B and R5 but no plain R4 package; R4B is wire-compatible with R4 for
Questionnaire and QuestionnaireResponse, so we build and validate with `fhir.resources.R4B`.

A checklist or body map answered "none of these" is the engine's empty list; in FHIR it is the
exclusive option `none_of_these`, so that a renderer can send it and it differs from "not answered".
Branching comes from enablement.py: exactly the questions the engine asks are enabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from spinepath.engine import (
    AnswerError,
    AnswerProblem,
    Question,
    Questionnaire,
    get_questionnaire,
    knowledge_version,
)

from .enablement import NONE_CODE, OPTION_SYSTEM, enablement

CANONICAL = "https://spinepath.example.org/fhir/Questionnaire/spinepath-back-leg-pain"
REGION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/body-map-region"
_ITEM_TYPE = {"integer": "integer", "choice": "choice", "multi": "choice", "regions": "choice"}
_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
_OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
_NONE_LABEL = {
    "multi": {"en": "None of these", "es": "Nada de esto"},
    "regions": {"en": "Nowhere", "es": "En ninguna parte"},
}


def _control(code: str) -> dict[str, Any]:
    """SDC itemControl: radio buttons and check boxes, so every option is in view (not a drop-down)."""
    coding = {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": code}
    return {"url": _ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}


def _none_option(question: Question, language: str) -> dict[str, Any]:
    labels = _NONE_LABEL[question.type]
    return {
        "valueCoding": {
            "system": OPTION_SYSTEM,
            "code": NONE_CODE,
            "display": question.none_label(language) or labels.get(language, labels["en"]),
        },
        "extension": [{"url": _OPTION_EXCLUSIVE, "valueBoolean": True}],
    }


def _answer_options(question: Question, q: Questionnaire, language: str) -> list[dict[str, Any]]:
    if question.type == "regions":
        body_map = q.body_map
        coded = [(REGION_SYSTEM, r, body_map.label(r, language)) for r in sorted(body_map.region_ids)]
    else:
        coded = [(OPTION_SYSTEM, o.value, o.label(language)) for o in question.options]
    if any(code == NONE_CODE for _, code, _ in coded):
        raise ValueError(f"{question.link_id}: the option value '{NONE_CODE}' is reserved for 'none'")
    options = [{"valueCoding": {"system": s, "code": c, "display": d}} for s, c, d in coded]
    if question.type in {"multi", "regions"}:
        options.append(_none_option(question, language))
    return options


def _item(question: Question, q: Questionnaire, language: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.link_id,
        "text": question.label(language),
        "type": _ITEM_TYPE[question.type],
        "required": question.required,
        "repeats": question.type in {"multi", "regions"},
    }
    extensions: list[dict[str, Any]] = []
    if question.type == "integer":
        for bound, url in ((question.minimum, "minValue"), (question.maximum, "maxValue")):
            if bound is not None:
                extensions.append(
                    {"url": f"http://hl7.org/fhir/StructureDefinition/{url}", "valueInteger": bound}
                )
    else:
        item["answerOption"] = _answer_options(question, q, language)
        extensions.append(_control("radio-button" if question.type == "choice" else "check-box"))
    enabled = enablement(question, q)
    if enabled is not None:
        fields = enabled.item_fields()
        extensions.extend(fields.pop("extension", []))
        item.update(fields)
    if extensions:
        item["extension"] = extensions
    return item


def questionnaire_resource(
    language: str = "en", questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """A validated FHIR R4 Questionnaire (as JSON-ready dict) for the one spinepath questionnaire."""
    q = questionnaire or get_questionnaire()
    items = []
    for section in q.sections:
        children = [
            _item(question, q, language) for question in q.questions if question.section == section.id
        ]
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


def response_items(
    answers: Mapping[str, Any], *, language: str = "en", questionnaire: Questionnaire | None = None
) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for answers as they stand (not validated: the caller's job)."""
    q = questionnaire or get_questionnaire()
    items = []
    for question in q.questions:
        value = answers.get(question.link_id)
        if value is None:
            continue
        entry: dict[str, Any] = {"linkId": question.link_id, "text": question.label(language)}
        entry["answer"] = _answers(question, value, q, language)
        items.append(entry)
    return items


def _answers(question: Question, value: Any, q: Questionnaire, language: str) -> list[dict[str, Any]]:
    if question.type == "integer":
        return [{"valueInteger": value}]
    if question.type == "choice":
        return [{"valueCoding": _option_coding(question, value, language)}]
    if not value:
        return [{"valueCoding": _none_option(question, language)["valueCoding"]}]
    if question.type == "multi":
        return [{"valueCoding": _option_coding(question, v, language)} for v in value]
    return [
        {"valueCoding": {"system": REGION_SYSTEM, "code": v, "display": q.body_map.label(v, language)}}
        for v in value
    ]


def questionnaire_response(
    answers: Mapping[str, Any], *, language: str = "en", authored: datetime | None = None
) -> dict[str, Any]:
    """Answers `{linkId: value}` as a validated FHIR R4 QuestionnaireResponse."""
    clean = get_questionnaire().validate(answers)
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{CANONICAL}|{knowledge_version()}",
        "status": "completed",
        "authored": (authored or datetime.now(UTC)).isoformat(),
        "item": response_items(clean, language=language),
    }
    return QuestionnaireResponse.model_validate(resource).model_dump(mode="json", exclude_none=True)


def answers_from_response(resource: Any) -> dict[str, Any]:
    """A QuestionnaireResponse (from any renderer) back to validated answers `{linkId: value}`.

    Items may sit in groups at any depth; an item with no answer is "skipped". Raises AnswerError
    naming each linkId at fault, so the API answers 422 like it does for plain answers.
    """
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "QuestionnaireResponse":
        raise AnswerError([AnswerProblem("resourceType", "must be a QuestionnaireResponse")])
    try:
        QuestionnaireResponse.model_validate(dict(resource))
    except ValidationError as error:
        invalid = [
            AnswerProblem(".".join(str(p) for p in e["loc"]) or "(resource)", e["msg"])
            for e in error.errors()
        ]
        raise AnswerError(invalid[:20]) from None
    canonical = str(resource.get("questionnaire") or CANONICAL)
    if canonical.split("|")[0] != CANONICAL:
        raise AnswerError(
            [AnswerProblem("questionnaire", f"answers a different questionnaire, not {CANONICAL}")]
        )
    q = get_questionnaire()
    answers: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for item in _leaf_items(resource.get("item") or []):
        link_id = str(item.get("linkId"))
        question = q.by_id.get(link_id)
        if question is None:
            if not item.get("item"):
                problems.append(AnswerProblem(link_id, "there is no question with this linkId"))
            continue
        try:
            answers[link_id] = _value(question, item.get("answer") or [])
        except ValueError as error:
            problems.append(AnswerProblem(link_id, str(error)))
    if problems:
        raise AnswerError(problems)
    return q.validate(answers)


def _leaf_items(items: list[Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for item in items:
        found.append(item)
        found.extend(_leaf_items(item.get("item") or []))
        for answer in item.get("answer") or []:
            found.extend(_leaf_items(answer.get("item") or []))
    return found


def _value(question: Question, answers: list[Mapping[str, Any]]) -> Any:
    """One item's FHIR answers as the engine's value (None: skipped)."""
    if not answers:
        return None
    if question.type == "integer":
        values = [a.get("valueInteger") for a in answers]
        if len(values) != 1 or values[0] is None:
            raise ValueError("needs exactly one valueInteger")
        return values[0]
    codes = [(a.get("valueCoding") or {}).get("code") for a in answers]
    if any(not isinstance(code, str) for code in codes):
        raise ValueError("each answer needs a valueCoding with a code")
    if question.type == "choice":
        if len(codes) != 1:
            raise ValueError("needs exactly one answer")
        return codes[0]
    if NONE_CODE in codes:
        if len(codes) > 1:
            raise ValueError(f"'{NONE_CODE}' cannot be chosen with another answer")
        return []
    return codes


def _option_coding(question: Question, value: str, language: str) -> dict[str, Any]:
    option = question.option(value)
    return {"system": OPTION_SYSTEM, "code": value, "display": option.label(language) if option else value}
