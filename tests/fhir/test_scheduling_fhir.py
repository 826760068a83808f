"""Schedule, Slot and Appointment export as valid FHIR R4 (R4B models), urgency in Appointment.priority."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from spinepath.fhir.scheduling import appointment_resource, schedule_resource, slot_resource

START = datetime(2026, 12, 8, 9, tzinfo=UTC)


def test_schedule_and_slot() -> None:
    schedule = schedule_resource(clinician_id=3, clinician_name="Dr Okafor", role="spine_physician")
    Schedule.model_validate(schedule)
    slot = slot_resource(
        clinician_id=3, start=START, end=START + timedelta(minutes=30), free=True, urgent_only=True
    )
    Slot.model_validate(slot)
    assert slot["schedule"]["reference"] == "Schedule/clinician-3" and slot["status"] == "free"


def test_appointment_carries_urgency_as_priority() -> None:
    urgent = appointment_resource(public_id="a1", status="booked", urgency="urgent", start=START,
                                  end=START + timedelta(minutes=30), clinician_name="Ms Rahman", service_name="New")  # fmt: skip
    routine = appointment_resource(public_id="a2", status="cancelled", urgency="routine", start=START,
                                   end=START + timedelta(minutes=30), clinician_name="Ms Rahman", service_name="New")  # fmt: skip
    Appointment.model_validate(urgent)
    assert urgent["priority"] < routine["priority"] and routine["status"] == "cancelled"
    assert urgent["minutesDuration"] == 30
