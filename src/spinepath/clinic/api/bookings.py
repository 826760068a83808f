"""Booking over the API: offered slots, book, cancel, reschedule. Every rule lives in
`spinepath.clinic.booking.services`; these endpoints parse, call one service and render.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from spinepath.clinic.booking import services as booking
from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.booking.tokens import link_expired, manage_token, read_manage_token
from spinepath.clinic.intake import services as intake

from . import schemas
from .interviews import interview_for
from .schemas import BODY_ERRORS, NOT_FOUND, ErrorOut

router = Router(tags=["booking"])
WRITE_ERRORS: dict[int, Any] = {**NOT_FOUND, **BODY_ERRORS, 409: ErrorOut}
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
        description="unique per intended booking (e.g. a UUID); a retry with the same key returns "
        "the same appointment instead of booking twice",
    ),
]


@router.get(
    "/interviews/{token}/slots",
    response={200: schemas.OfferOut, **NOT_FOUND},
    operation_id="list_slots",
)
def slots(request: HttpRequest, token: str) -> dict[str, Any]:
    """Slots offered for this person's result: which clinician, within what time, and why."""
    interview = interview_for(token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    clinic = booking.default_clinic()
    offer = booking.offer_for_record(clinic=clinic, record=record, language=interview.language)
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


def appointment_out(appointment: Appointment) -> dict[str, Any]:
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


@router.post("/bookings", response={201: schemas.AppointmentOut, **WRITE_ERRORS}, operation_id="book")
def book(
    request: HttpRequest, body: schemas.BookingIn, idempotency_key: IdempotencyKey
) -> Status[dict[str, Any]]:
    """Book one of the offered slots. 409 when it has just been taken (pick another), or when the case
    already has a booked appointment: one per case, so move that one (the 409's `manage_token` detail
    names the reschedule URL)."""
    interview = interview_for(body.token)
    record = intake.record_assessment(interview=interview, language=interview.language)
    appointment = booking.book_appointment(
        clinic=booking.default_clinic(),
        record=record,
        clinician_id=body.clinician_id,
        start=body.start,
        person=booking.Person(body.name, body.date_of_birth, body.email or "", body.phone or ""),
        idempotency_key=f"api:{idempotency_key}",
    )
    return Status(201, appointment_out(appointment))


def managed(token: str) -> Appointment:
    public_id = read_manage_token(token)
    appointment = (
        Appointment.objects.select_related("clinician__clinic", "service").filter(public_id=public_id).first()
        if public_id
        else None
    )
    if appointment is None or link_expired(appointment, now=timezone.now()):
        raise Http404
    return appointment


@router.post(
    "/bookings/{token}/cancel",
    response={200: schemas.AppointmentOut, **NOT_FOUND},
    operation_id="cancel_booking",
)
def cancel(request: HttpRequest, token: str) -> dict[str, Any]:
    """Cancel with the booking's manage token. Cancelling twice is harmless."""
    return appointment_out(booking.cancel_appointment(appointment=managed(token)))


@router.post(
    "/bookings/{token}/reschedule",
    response={201: schemas.AppointmentOut, **WRITE_ERRORS},
    operation_id="reschedule_booking",
)
def reschedule(
    request: HttpRequest, token: str, body: schemas.RescheduleIn, idempotency_key: IdempotencyKey
) -> Status[dict[str, Any]]:
    """Move a booking: the new appointment is made and the old one cancelled together, or neither."""
    moved = booking.reschedule_appointment(
        appointment=managed(token),
        clinician_id=body.clinician_id,
        start=body.start,
        idempotency_key=f"api:{idempotency_key}",
    )
    return Status(201, appointment_out(moved))
