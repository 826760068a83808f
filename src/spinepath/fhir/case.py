"""A case as a FHIR R4 Bundle: Patient, QuestionnaireResponse, RiskAssessment, Appointment.

Pure Python over plain values; validated with fhir.resources R4B (wire-compatible with R4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.riskassessment import RiskAssessment

from .questionnaire import questionnaire_response
from .scheduling import appointment_resource

CONDITION_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/condition"
TRIAGE_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/triage-level"


def risk_assessment(
    *, case_id: str, result: Mapping[str, Any], assessed_at: datetime, patient_ref: str
) -> dict[str, Any]:
    triage = result["triage"]
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": f"{case_id}-assessment",
        "status": "final",
        "subject": {"reference": patient_ref},
        "occurrenceDateTime": assessed_at.isoformat(),
        "method": {"text": f"spinepath engine, knowledge base {result.get('knowledge_version', '')}"},
        "basis": [{"reference": f"QuestionnaireResponse/{case_id}-answers"}],
        "prediction": [
            {
                "outcome": {
                    "coding": [{"system": CONDITION_SYSTEM, "code": c["id"]}],
                    "text": c["name"],
                },
                "probabilityDecimal": round(float(c["probability"]), 4),
                "relativeRisk": None,
                "rationale": "; ".join(e["text"] for e in c.get("evidence_for", [])[:3]) or None,
            }
            for c in result.get("differential", [])[:10]
        ],
        "mitigation": f"Triage: {triage['level']}. {triage['headline']} {result['next_step']['text']}",
        "note": [
            {"text": "; ".join(r["title"] for r in triage.get("reasons", []) if r["level"] != "self_care")}
        ],
        "code": {
            "coding": [{"system": TRIAGE_SYSTEM, "code": triage["level"]}],
            "text": "Back and leg pain triage",
        },
    }
    resource["prediction"] = [{k: v for k, v in p.items() if v is not None} for p in resource["prediction"]]
    if not resource["note"][0]["text"]:
        del resource["note"]
    return RiskAssessment.model_validate(resource).model_dump(mode="json", exclude_none=True)


def case_bundle(
    *,
    case_id: str,
    answers: Mapping[str, Any],
    result: Mapping[str, Any] | None,
    assessed_at: datetime,
    person: Mapping[str, str] | None,
    appointment: Mapping[str, Any] | None,
) -> dict[str, Any]:
    patient_ref = f"Patient/{case_id}"
    patient: dict[str, Any] = {"resourceType": "Patient", "id": case_id}
    if person:
        patient["name"] = [{"text": person["name"]}]
        patient["birthDate"] = person["birth_date"]
        patient["telecom"] = [
            {"system": system, "value": person[key]}
            for system, key in (("email", "email"), ("phone", "phone"))
            if person.get(key)
        ]
    response = questionnaire_response(answers, authored=assessed_at)
    response["id"] = f"{case_id}-answers"
    response["subject"] = {"reference": patient_ref}
    entries = [patient, response]
    if result is not None:
        entries.append(
            risk_assessment(case_id=case_id, result=result, assessed_at=assessed_at, patient_ref=patient_ref)
        )
    if appointment is not None:
        entries.append(
            appointment_resource(
                patient_reference=patient_ref, patient_name=person["name"] if person else None, **appointment
            )
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": assessed_at.isoformat(),
        "entry": [
            {"fullUrl": f"urn:spinepath:{e['resourceType']}/{e['id']}", "resource": e} for e in entries
        ],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)
