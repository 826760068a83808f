"""A case as a FHIR R4 Bundle: Patient, QuestionnaireResponse, RiskAssessment, Appointment.

Pure Python over plain values; validated with fhir.resources R4B (wire-compatible with R4). Entries
are identified by `urn:uuid:` full URLs and refer to each other by them, as FHIR asks of a bundle whose
resources have no server address yet; the ids are derived from the case id, so exporting the same
case twice gives the same ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.riskassessment import RiskAssessment

from spinepath.engine import Assessment, ConditionResult, Level

from .questionnaire import questionnaire_response
from .scheduling import appointment_resource

CONDITION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/condition"
TRIAGE_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/triage-level"
CASE_SYSTEM = "https://spinepath.example.org/fhir/NamingSystem/case-id"


def _derived_id(case_id: str, part: str) -> str:
    return str(uuid.uuid5(uuid.UUID(case_id), part))


def _urn(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def risk_assessment(
    *,
    case_id: str,
    assessment: Assessment,
    assessed_at: datetime,
    patient_ref: str,
    basis_ref: str | None = None,
) -> dict[str, Any]:
    """The triage (code, mitigation, fired rules in `note`) and the differential (one prediction per
    condition, with its posterior probability and the strongest evidence for it)."""
    triage = assessment.triage
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": _derived_id(case_id, "assessment"),
        "status": "final",
        "subject": {"reference": patient_ref},
        "occurrenceDateTime": assessed_at.isoformat(),
        "method": {"text": f"spinepath engine, knowledge base {assessment.knowledge_version}"},
        "basis": [{"reference": basis_ref}] if basis_ref else None,
        "prediction": [
            {
                "outcome": {
                    "coding": [{"system": CONDITION_SYSTEM, "code": c.id}],
                    "text": c.name,
                },
                **_likelihood(c),
                "rationale": "; ".join(e.text for e in c.evidence_for[:3]) or None,
            }
            for c in assessment.differential[:10]
        ],
        "mitigation": f"Triage: {triage.level.value}. {triage.headline} {assessment.next_step.text}",
        "note": [{"text": "; ".join(r.title for r in triage.reasons if r.level != Level.SELF_CARE)}],
        "code": {
            "coding": [{"system": TRIAGE_SYSTEM, "code": triage.level.value}],
            "text": "Back and leg pain triage",
        },
    }
    resource["prediction"] = [{k: v for k, v in p.items() if v is not None} for p in resource["prediction"]]
    if not resource["note"][0]["text"]:
        del resource["note"]
    resource = {k: v for k, v in resource.items() if v is not None}
    return RiskAssessment.model_validate(resource).model_dump(mode="json", exclude_none=True)


def case_bundle(
    *,
    case_id: str,
    answers: Mapping[str, Any],
    assessment: Assessment | None,
    assessed_at: datetime,
    person: Mapping[str, str] | None,
    appointment: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A validated `collection` Bundle for one case. `case_id` is the case's UUID; `person` (name,
    birth_date, email, phone; each may be empty) comes from a booking, or from the contact details left
    without one, and is left out when there is neither."""
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": case_id,
        "identifier": [{"system": CASE_SYSTEM, "value": case_id}],
    }
    if person:
        if person.get("name"):
            patient["name"] = [{"text": person["name"]}]
        if person.get("birth_date"):
            patient["birthDate"] = person["birth_date"]
        telecom = [
            {"system": system, "value": person[system]} for system in ("email", "phone") if person.get(system)
        ]
        if telecom:
            patient["telecom"] = telecom
    patient_ref = _urn(case_id)
    response = questionnaire_response(answers, authored=assessed_at)
    response["id"] = _derived_id(case_id, "answers")
    response["subject"] = {"reference": patient_ref}
    entries = [patient, response]
    if assessment is not None:
        entries.append(
            risk_assessment(
                case_id=case_id,
                assessment=assessment,
                assessed_at=assessed_at,
                patient_ref=patient_ref,
                basis_ref=_urn(response["id"]),
            )
        )
    if appointment is not None:
        entries.append(
            appointment_resource(
                patient_reference=patient_ref, patient_name=(person or {}).get("name") or None, **appointment
            )
        )
    bundle = {
        "resourceType": "Bundle",
        "id": _derived_id(case_id, "bundle"),
        "type": "collection",
        "timestamp": assessed_at.isoformat(),
        "entry": [{"fullUrl": _urn(entry["id"]), "resource": entry} for entry in entries],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def _likelihood(condition: ConditionResult) -> dict[str, Any]:
    """The model's probability; for a must-rule-out condition, the calibrated range from referred series
    (probabilityRange) or no number at all, with "must be checked" as the qualitative risk."""
    shown = condition.shown
    if shown.kind == "share":
        return {"probabilityDecimal": round(condition.probability, 4)}
    risk = {"qualitativeRisk": {"text": f"must be checked. {shown.text}".strip()}}
    if shown.low is not None and shown.high is not None:
        return {"probabilityRange": {"low": {"value": shown.low}, "high": {"value": shown.high}}, **risk}
    return risk
