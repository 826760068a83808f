"""Staff endpoints (bearer token): the clinic's worklist and a case as FHIR. Every access is audited."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from spinepath.clinic.portal import audit
from spinepath.clinic.portal.fhir_export import bundle_for
from spinepath.clinic.portal.models import Case, Role
from spinepath.clinic.portal.selectors import cases_for, worklist
from spinepath.engine import Level

from . import schemas
from .auth import StaffBearer, require_clinician, staff_of
from .interviews import json_response
from .schemas import NOT_FOUND, UNAVAILABLE, ErrorOut

router = Router(auth=StaffBearer(), tags=["staff"])
CaseStatus = Literal["new", "reviewed", "contacted", "closed"]


@router.get(
    "/worklist",
    response={200: list[schemas.WorklistRowOut], 401: ErrorOut, 422: ErrorOut, **UNAVAILABLE},
    operation_id="staff_worklist",
)
def staff_worklist(
    request: HttpRequest,
    status: CaseStatus | None = None,
    level: Level | None = None,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """The clinic's cases: flagged first, then the most urgent, then the longest waiting. The likely
    cause is shown to clinicians only."""
    profile = staff_of(request)
    filters = {"status": status, "level": level, "since": since, "open": status is None}
    rows = worklist(clinic=profile.clinic, filters={k: v for k, v in filters.items() if v})
    audit.record(request, "api_worklist", "clinic", str(profile.clinic.pk), f"{len(rows)} cases")
    clinical = profile.role == Role.CLINICIAN
    return [
        {
            "case_id": str(row.case.interview.public_id),
            "received": row.record.created_at,
            "level": row.record.level,
            "status": row.case.status,
            "flags": row.flags,
            "top_condition": row.record.top_condition.name if clinical and row.record.top_condition else None,
            "next_clinician": row.record.assessment.next_step.clinician,
            "appointment_start": row.appointment.start if row.appointment else None,
        }
        for row in rows
    ]


@router.get(
    "/cases/{case_id}/fhir",
    response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut, **NOT_FOUND},
    operation_id="staff_case_fhir",
)
def staff_case_fhir(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case as a FHIR R4 Bundle: Patient, QuestionnaireResponse, RiskAssessment, Appointment
    (clinicians only)."""
    profile = staff_of(request)
    require_clinician(profile)
    try:
        public_id = uuid.UUID(case_id)
    except ValueError as error:  # a malformed id is simply not found
        raise Http404 from error
    case: Case | None = cases_for(profile.clinic).filter(interview__public_id=public_id).first()
    if case is None:
        raise Http404
    audit.record(request, "api_export_fhir", "case", str(public_id))
    return json_response(bundle_for(case))
