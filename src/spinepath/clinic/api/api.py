"""spinepath's typed JSON API, /api/v1 (django-ninja; OpenAPI at /api/v1/openapi.json).

Endpoints parse, call one engine function or service, and return. Every error is JSON:
{"detail": [{"field": <linkId or field or null>, "message": <plain words>}]}, never a 500.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Header, NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from spinepath.clinic.booking import services as booking
from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.tokens import manage_token, read_manage_token
from spinepath.clinic.intake import services as intake
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.portal import audit
from spinepath.clinic.portal.fhir_export import bundle_for
from spinepath.clinic.portal.models import Case, Role, StaffProfile
from spinepath.clinic.portal.selectors import cases_for, worklist
from spinepath.engine import (
    AnswerError,
    assess,
    get_body_map,
    get_questionnaire,
    knowledge_version,
    plan_interview,
)
from spinepath.engine.questionnaire import Question
from spinepath.fhir.questionnaire import questionnaire_resource

from . import schemas
from .models import StaffApiToken, hash_token

api = NinjaAPI(
    title="spinepath API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Triage, likely causes, care plans and booking for back and leg pain. spinepath supports, and does "
        "not replace, a clinician. Patient endpoints use the interview's private token; staff endpoints a "
        "bearer token."
    ),
)
ERRORS: dict[int, Any] = {
    400: schemas.ErrorOut,
    404: schemas.ErrorOut,
    409: schemas.ErrorOut,
    422: schemas.ErrorOut,
}


def _error(request: HttpRequest, status: int, message: str, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": [{"field": field, "message": message}]}, status=status)


@api.exception_handler(AnswerError)
def answers_invalid(request: HttpRequest, error: AnswerError) -> HttpResponse:
    problems = [{"field": p.link_id, "message": p.message} for p in error.problems]
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = [
        {
            "field": ".".join(str(part) for part in e.get("loc", [])[1:]) or None,
            "message": e.get("msg", "invalid"),
        }
        for e in error.errors
    ]
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    message = "The body is not valid JSON." if "parse request body" in str(error) else str(error)
    return _error(request, error.status_code, message)


@api.exception_handler(booking.BookingError)
def booking_refused(request: HttpRequest, error: booking.BookingError) -> HttpResponse:
    return _error(request, error.status, error.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _error(request, 404, "Not found: check the token or identifier.")


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "A valid staff bearer token is required.")


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "The request body is too large.")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_down(request: HttpRequest, error: DatabaseError) -> HttpResponse:
    response = _error(
        request, 503, "The database is unavailable just now; nothing was saved. Try again shortly."
    )
    response["Retry-After"] = "5"
    return response


class StaffBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> StaffProfile | None:
        found = StaffApiToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        profile = StaffProfile.objects.select_related("clinic").filter(user=found.user).first()
        if profile is None:
            return None
        StaffApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return profile


# ------------------------------------------------------------------ public
@api.get("/health", response=schemas.HealthOut, tags=["meta"])
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


def _question(question: Question, language: str) -> dict[str, Any]:
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


@api.get("/questionnaire", response=schemas.QuestionnaireOut, tags=["questionnaire"])
def questionnaire(request: HttpRequest, language: schemas.Language = "en") -> dict[str, Any]:
    """The one questionnaire: questions, answer types, options and body-map regions."""
    body_map = get_body_map()
    return {
        "version": knowledge_version(),
        "language": language,
        "questions": [_question(q, language) for q in get_questionnaire().questions],
        "regions": [{"value": r, "text": body_map.label(r, language)} for r in sorted(body_map.region_ids)],
    }


@api.get("/questionnaire/fhir", response=dict[str, Any], tags=["questionnaire"])
def questionnaire_fhir(request: HttpRequest, language: schemas.Language = "en") -> dict[str, Any]:
    """The questionnaire as a FHIR R4 Questionnaire resource."""
    return questionnaire_resource(language)


@api.post("/assess", response={200: dict[str, Any], **ERRORS}, tags=["assessment"])
def assess_answers(request: HttpRequest, body: schemas.AnswersIn) -> dict[str, Any]:
    """Stateless: answers in, the full assessment out (nothing is stored)."""
    return assess(body.answers, language=body.language).to_dict()


def _step(interview: Interview, language: str) -> dict[str, Any]:
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
        "questions": [_question(q, language) for q in step.questions],
        "asked": step.asked,
        "remaining": step.remaining,
    }


@api.post("/interviews", response={201: schemas.StepOut}, tags=["interview"])
def start_interview(request: HttpRequest, body: schemas.StartIn) -> Status[dict[str, Any]]:
    interview = intake.start_interview(language=body.language)
    return Status(201, _step(interview, interview.language))


@api.get("/interviews/{token}", response={200: schemas.StepOut, 404: schemas.ErrorOut}, tags=["interview"])
def next_questions(request: HttpRequest, token: str) -> dict[str, Any]:
    interview = get_object_or_404(Interview, token=token)
    return _step(interview, interview.language)


@api.post("/interviews/{token}/answers", response={200: schemas.StepOut, **ERRORS}, tags=["interview"])
def submit_answers(request: HttpRequest, token: str, body: schemas.AnswersIn) -> dict[str, Any]:
    """Merge and validate answers; returns the next questions, an emergency, or done."""
    interview = get_object_or_404(Interview, token=token)
    interview = intake.save_answers(interview=interview, new_answers=body.answers)
    return _step(interview, body.language)


@api.get(
    "/interviews/{token}/result", response={200: dict[str, Any], 404: schemas.ErrorOut}, tags=["assessment"]
)
def result(request: HttpRequest, token: str) -> dict[str, Any]:
    """The assessment for the answers so far (stored once per answer set, with its knowledge version)."""
    interview = get_object_or_404(Interview, token=token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    return {"id": str(record.public_id), **record.result}


@api.get("/interviews/{token}/slots", response={200: schemas.OfferOut, **ERRORS}, tags=["booking"])
def slots(request: HttpRequest, token: str) -> dict[str, Any]:
    """Slots offered for this person's result: who, within what time, and why."""
    interview = get_object_or_404(Interview, token=token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    clinic = booking.default_clinic()
    offer = offer_for(clinic=clinic, result=record.result, now=timezone.now())
    if offer.phone_instead and offer.level == "urgent":
        booking.flag_for_callback(
            clinic=clinic, record=record, reason="Urgent result and no urgent slot free (API)"
        )
    return {
        "level": offer.level,
        "clinician_role": offer.role,
        "clinician_role_name": offer.role_name,
        "emergency": offer.emergency,
        "phone_clinic": offer.phone_instead,
        "clinic_phone": clinic.phone,
        "time_zone": clinic.time_zone,
        "why": offer.why,
        "slots": [
            {
                "clinician_id": s.clinician_id,
                "clinician": s.clinician_name,
                "start": s.start,
                "end": s.end,
                "urgent_slot": s.urgent_slot,
            }
            for s in offer.slots
        ],
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": str(appointment.public_id),
        "status": appointment.status,
        "urgency": appointment.urgency,
        "start": appointment.start,
        "end": appointment.end,
        "clinician": appointment.clinician.name,
        "service": appointment.service.name,
        "manage_token": manage_token(str(appointment.public_id)),
    }


@api.post("/bookings", response={201: schemas.AppointmentOut, **ERRORS}, tags=["booking"])
def book(
    request: HttpRequest,
    body: schemas.BookingIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
) -> Status[dict[str, Any]]:
    """Book a slot. Send a unique Idempotency-Key header: a retry with that key returns the same booking."""
    if not 8 <= len(idempotency_key) <= 100:
        raise booking.RuleViolation("Idempotency-Key must be 8 to 100 characters.")
    if not (body.email or body.phone):
        raise booking.RuleViolation("Give an e-mail address or a phone number.")
    if body.date_of_birth >= date.today() or body.date_of_birth.year < date.today().year - 120:
        raise booking.RuleViolation("date_of_birth must be a plausible date in the past.")
    if body.start.tzinfo is None:
        raise booking.RuleViolation("start must include a UTC offset, e.g. 2026-12-08T09:00:00+00:00.")
    interview = get_object_or_404(Interview, token=body.token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    appointment = booking.book_appointment(
        clinic=booking.default_clinic(),
        record=record,
        clinician_id=body.clinician_id,
        start=body.start,
        person=booking.Person(body.name.strip(), body.date_of_birth, body.email or "", body.phone or ""),
        idempotency_key=f"api:{idempotency_key}",
    )
    return Status(201, _appointment(appointment))


def _managed(token: str) -> Appointment:
    public_id = read_manage_token(token)
    if public_id is None:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("clinician__clinic", "service"), public_id=public_id
    )


@api.post("/bookings/{token}/cancel", response={200: schemas.AppointmentOut, **ERRORS}, tags=["booking"])
def cancel(request: HttpRequest, token: str) -> dict[str, Any]:
    return _appointment(booking.cancel_appointment(appointment=_managed(token)))


@api.post("/bookings/{token}/reschedule", response={201: schemas.AppointmentOut, **ERRORS}, tags=["booking"])
def reschedule(
    request: HttpRequest,
    token: str,
    body: schemas.RescheduleIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key")],
) -> Status[dict[str, Any]]:
    if body.start.tzinfo is None:
        raise booking.RuleViolation("start must include a UTC offset.")
    moved = booking.reschedule_appointment(
        appointment=_managed(token),
        clinician_id=body.clinician_id,
        start=body.start,
        idempotency_key=f"api:{idempotency_key}",
    )
    return Status(201, _appointment(moved))


# ------------------------------------------------------------------ staff
@api.get(
    "/staff/worklist",
    auth=StaffBearer(),
    response={200: list[schemas.WorklistRowOut], 401: schemas.ErrorOut},
    tags=["staff"],
)
def staff_worklist(
    request: HttpRequest,
    status: str | None = None,
    level: str | None = None,
) -> list[dict[str, Any]]:
    profile: StaffProfile = request.auth  # type: ignore[attr-defined]
    rows = worklist(
        clinic=profile.clinic, filters={k: v for k, v in {"status": status, "level": level}.items() if v}
    )
    audit.record(request, "api_worklist", "clinic", str(profile.clinic.pk), f"{len(rows)} cases")
    clinical = profile.role == Role.CLINICIAN
    return [
        {
            "case_id": str(r.case.interview.public_id),
            "received": r.record.created_at,
            "level": r.record.triage_level,
            "status": r.case.status,
            "flags": r.flags,
            "top_condition": (r.record.top_condition or {}).get("name") if clinical else None,
            "next_clinician": r.record.result.get("next_step", {}).get("clinician"),
            "appointment_start": r.appointment.start if r.appointment else None,
        }
        for r in rows
    ]


@api.get(
    "/staff/cases/{case_id}/fhir",
    auth=StaffBearer(),
    response={200: dict[str, Any], 401: schemas.ErrorOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut},
    tags=["staff"],
)
def staff_case_fhir(request: HttpRequest, case_id: str) -> Any:
    """A case as a FHIR R4 Bundle (clinicians only)."""
    profile: StaffProfile = request.auth  # type: ignore[attr-defined]
    if profile.role != Role.CLINICIAN:
        return Status(
            403, {"detail": [{"field": None, "message": "Only clinicians may export clinical records."}]}
        )
    try:
        uuid.UUID(case_id)
    except ValueError as error:  # a malformed id is simply not found
        raise Http404 from error
    case: Case = get_object_or_404(cases_for(profile.clinic), interview__public_id=case_id)
    audit.record(request, "api_export_fhir", "case", case_id)
    return bundle_for(case)
