"""Gather a case's stored data as plain values for the pure-Python FHIR bundle builder."""

from __future__ import annotations

from typing import Any

from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.intake.models import FollowUpContact
from spinepath.fhir.case import case_bundle

from .models import Case


def bundle_for(case: Case) -> dict[str, Any]:
    record = case.interview.assessments.order_by("-created_at").first()
    appointment = (
        Appointment.objects.filter(assessment__interview=case.interview).order_by("-created_at").first()
    )
    person = None
    if appointment is not None:
        person = {
            "name": appointment.person_name,
            "birth_date": appointment.date_of_birth.isoformat(),
            "email": appointment.email,
            "phone": appointment.phone,
        }
    elif (contact := FollowUpContact.objects.filter(interview=case.interview).first()) is not None:
        # Not booked, but left a way to be reached (with consent): the receiving record needs it most.
        person = {"name": contact.name, "email": contact.email, "phone": contact.phone}
    booking = None
    if appointment is not None:
        booking = {
            "public_id": str(appointment.public_id),
            "status": appointment.status,
            "urgency": appointment.urgency,
            "start": appointment.start,
            "end": appointment.end,
            "clinician_name": appointment.clinician.name,
            "service_name": appointment.service.name,
        }
    return case_bundle(
        case_id=str(case.interview.public_id),
        answers=case.interview.answers,
        assessment=record.assessment if record else None,
        assessed_at=record.created_at if record else case.interview.created_at,
        person=person,
        appointment=booking,
    )
