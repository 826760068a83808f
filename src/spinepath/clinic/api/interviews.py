"""The patient's side: the questionnaire, an interview step by step, and the assessment.

An interview is reached only by its private token. Assessments are serialised straight from the
engine's frozen dataclasses (pydantic-core, in Rust): the same JSON as `Assessment.to_dict()`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pydantic_core
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, Query, Router, Status

from spinepath.clinic.intake import services as intake
from spinepath.clinic.intake.models import Interview
from spinepath.engine import (
    Assessment,
    Language,
    Question,
    assess,
    get_body_map,
    get_questionnaire,
    knowledge_version,
    plan_interview,
)
from spinepath.fhir.questionnaire import answers_from_response, questionnaire_resource

from . import schemas
from .schemas import BODY_ERRORS, NOT_FOUND

router = Router()
JSON = "application/json; charset=utf-8"  # what django-ninja's own renderer sends
# Private tokens are `secrets.token_urlsafe(32)`; anything else cannot be one (and never reaches the DB).
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def json_response(content: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(pydantic_core.to_json(content), status=status, content_type=JSON)


def interview_for(token: str) -> Interview:
    interview = Interview.objects.filter(token=token).first() if _TOKEN.match(token) else None
    if interview is None:
        raise Http404
    return interview


@router.get("/health", response=schemas.HealthOut, tags=["meta"], operation_id="health")
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness for load balancers: answers without touching the database."""
    return {"status": "ok"}


def question_out(question: Question, language: str) -> dict[str, Any]:
    return {
        "link_id": question.link_id,
        "text": question.label(language),
        "help": question.help_text(language),
        "type": question.type,
        "phase": question.phase,
        "section": question.section,
        "required": question.required,
        "minimum": question.minimum,
        "maximum": question.maximum,
        "options": [{"value": o.value, "text": o.label(language)} for o in question.options],
    }


@router.get(
    "/questionnaire",
    response={200: schemas.QuestionnaireOut | dict[str, Any], 422: schemas.ErrorOut},
    tags=["questionnaire"],
    operation_id="get_questionnaire",
)
def questionnaire(
    request: HttpRequest,
    language: Language = Language.EN,
    output: Annotated[Literal["json", "fhir"], Query(alias="format")] = "json",
) -> Any:
    """The one questionnaire: questions, answer types, options and body-map regions.
    `?format=fhir` gives it as a FHIR R4 Questionnaire resource instead."""
    if output == "fhir":
        return json_response(questionnaire_resource(language))
    body_map = get_body_map()
    return {
        "version": knowledge_version(),
        "language": language,
        "questions": [question_out(q, language) for q in get_questionnaire().questions],
        "regions": [{"value": r, "text": body_map.label(r, language)} for r in sorted(body_map.region_ids)],
    }


@router.post(
    "/assess",
    response={200: Assessment, **BODY_ERRORS},
    tags=["assessment"],
    operation_id="assess",
)
def assess_answers(request: HttpRequest, body: schemas.AnswersIn) -> HttpResponse:
    """Stateless: answers in, the full assessment out. Nothing is stored."""
    return json_response(assess(body.answers, language=body.language))


@router.post(
    "/assess/fhir",
    response={200: Assessment, **BODY_ERRORS},
    tags=["assessment"],
    operation_id="assess_questionnaire_response",
)
def assess_questionnaire_response(
    request: HttpRequest,
    response: Annotated[dict[str, Any], Body(description=schemas.QUESTIONNAIRE_RESPONSE_HELP)],
    language: Language = Language.EN,
) -> HttpResponse:
    """Stateless, like /assess, for answers filled in any FHIR form renderer: a QuestionnaireResponse
    to the questionnaire from `GET /questionnaire?format=fhir` in, the full assessment out."""
    return json_response(assess(answers_from_response(response), language=language))


def step_out(interview: Interview, language: str) -> dict[str, Any]:
    step = plan_interview(interview.answers, language=language)
    emergency = None
    if step.emergency is not None:
        emergency = {
            "level": step.emergency.level.value,
            "headline": step.emergency.headline,
            "action": step.emergency.action,
            "reasons": [hit.title for hit in step.emergency.red_flags],
        }
    return {
        "token": interview.token,
        "done": step.done,
        "emergency": emergency,
        "questions": [question_out(q, language) for q in step.questions],
        "asked": step.asked,
        "remaining": step.remaining,
    }


@router.post(
    "/interviews",
    response={201: schemas.StepOut, **BODY_ERRORS},
    tags=["interview"],
    operation_id="start_interview",
)
def start_interview(request: HttpRequest, body: schemas.StartIn | None = None) -> Status[dict[str, Any]]:
    """Start an interview. Keep the returned token private: it is the only way back to the answers."""
    interview = intake.start_interview(language=body.language if body else "en")
    return Status(201, step_out(interview, interview.language))


@router.get(
    "/interviews/{token}",
    response={200: schemas.StepOut, **NOT_FOUND},
    tags=["interview"],
    operation_id="next_questions",
)
def next_questions(request: HttpRequest, token: str) -> dict[str, Any]:
    """Where the interview stands: the next questions, an emergency, or done."""
    interview = interview_for(token)
    return step_out(interview, interview.language)


@router.post(
    "/interviews/{token}/answers",
    response={200: schemas.StepOut, **NOT_FOUND, **BODY_ERRORS},
    tags=["interview"],
    operation_id="submit_answers",
)
def submit_answers(request: HttpRequest, token: str, body: schemas.AnswerStepIn) -> dict[str, Any]:
    """Merge and validate answers (each problem names its linkId); then the next questions, an
    emergency, or done. Invalid answers change nothing."""
    interview = intake.save_answers(interview=interview_for(token), new_answers=body.answers)
    return step_out(interview, body.language or interview.language)


@router.get(
    "/interviews/{token}/result",
    response={200: schemas.ResultOut, **NOT_FOUND},
    tags=["assessment"],
    operation_id="get_result",
)
def result(request: HttpRequest, token: str) -> HttpResponse:
    """The assessment of the answers so far, stored once per answer set with its knowledge version."""
    interview = interview_for(token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    return json_response({"id": str(record.public_id), **record.result})
