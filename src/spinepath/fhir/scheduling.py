"""FHIR R4 Schedule, Slot and Appointment from plain booking values (no Django here).

fhir.resources 8.x ships R4B and R5 but no plain R4 package. We build and validate with
`fhir.resources.R4B`: R4B only added to R4 and is wire-compatible for these three resources, so the
JSON is valid R4 for an R4 server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from spinepath.engine import Level

ROLE_SYSTEM = "https://spinepath.example.org/fhir/CodeSystem/clinician-role"
# FHIR Appointment.priority: 0 = undefined, 1 = highest; we map the triage level onto it.
PRIORITY = {
    Level.EMERGENCY: 1,
    Level.SAME_DAY: 1,
    Level.URGENT: 2,
    Level.SOON: 4,
    Level.ROUTINE: 6,
    Level.SELF_CARE: 9,
}


def schedule_resource(
    *, clinician_id: int, clinician_name: str, role: str, active: bool = True
) -> dict[str, Any]:
    resource = {
        "resourceType": "Schedule",
        "id": f"clinician-{clinician_id}",
        "active": active,
        "serviceType": [{"coding": [{"system": ROLE_SYSTEM, "code": role}]}],
        "actor": [{"display": clinician_name}],
    }
    return Schedule.model_validate(resource).model_dump(mode="json", exclude_none=True)


def slot_resource(
    *, clinician_id: int, start: datetime, end: datetime, free: bool, urgent_only: bool = False
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Slot",
        "schedule": {"reference": f"Schedule/clinician-{clinician_id}"},
        "status": "free" if free else "busy",
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    if urgent_only:
        resource["comment"] = "Held back for urgent cases"
    return Slot.model_validate(resource).model_dump(mode="json", exclude_none=True)


def appointment_resource(
    *,
    public_id: str,
    status: str,
    urgency: str,
    start: datetime,
    end: datetime,
    clinician_name: str,
    service_name: str,
    patient_reference: str | None = None,
    patient_name: str | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {"display": patient_name or "Patient"}
    if patient_reference:
        patient["reference"] = patient_reference
    resource = {
        "resourceType": "Appointment",
        "id": public_id,
        "status": "booked" if status == "booked" else "cancelled",
        "priority": PRIORITY.get(level, 0) if (level := Level.parse(urgency)) else 0,
        "serviceType": [{"text": service_name}],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "minutesDuration": int((end - start).total_seconds() // 60),
        "participant": [
            {"actor": patient, "status": "accepted"},
            {"actor": {"display": clinician_name}, "status": "accepted"},
        ],
    }
    return Appointment.model_validate(resource).model_dump(mode="json", exclude_none=True)
