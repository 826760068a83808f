"""Writes for booking. Every rule is re-checked here, inside the write transaction: the page the
person saw earlier is never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from spinepath.clinic.intake.models import AssessmentRecord

from . import emails
from .models import Appointment, CallbackFlag, Clinic, Clinician, Service, WaitlistEntry
from .selectors import available_slots, offer_for
from .tasks import send_appointment_reminder

REMINDER_BEFORE = timedelta(hours=24)


class BookingError(Exception):
    """A booking cannot be made; `message` is safe to show the person."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotTaken(BookingError):
    status = 409


class RuleViolation(BookingError):
    status = 400


@dataclass(frozen=True)
class Person:
    name: str
    date_of_birth: date
    email: str
    phone: str


def book_appointment(
    *,
    clinic: Clinic,
    record: AssessmentRecord,
    clinician_id: int,
    start: datetime,
    person: Person,
    idempotency_key: str,
    now: datetime | None = None,
) -> Appointment:
    """Book one slot for the person behind `record`, or raise SlotTaken / RuleViolation.

    A retried request with the same idempotency key returns the appointment it already made.
    """
    now = now or timezone.now()
    existing = Appointment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # IMMEDIATE on SQLite: one writer at a time, so check-then-insert is safe
            offer = offer_for(clinic=clinic, result=record.result, now=now)
            if offer.emergency:
                raise RuleViolation("This is an emergency: do not book. Go to an emergency department now.")
            if offer.service is None or offer.role is None:
                raise RuleViolation(
                    "This clinic cannot book the clinician you need. Please phone the clinic."
                )
            clinician = Clinician.objects.filter(pk=clinician_id, clinic=clinic, active=True).first()
            if clinician is None or clinician.role != offer.role:
                raise RuleViolation(
                    "That clinician is not the right one for your result. Please pick a slot from the list."
                )
            candidates = available_slots(
                clinic=clinic,
                service=offer.service,
                start=start,
                end=start + timedelta(minutes=1),
                urgent=offer.level == "urgent",
                now=now,
                clinician=clinician,
            )
            if not any(slot.start == start for slot in candidates):
                if offer.window_end and start > offer.window_end:
                    raise RuleViolation(
                        "That time is later than your result allows. Please pick an earlier slot."
                    )
                raise SlotTaken(
                    "Sorry, that time has just been taken or is no longer available. Please pick another."
                )
            slot = next(slot for slot in candidates if slot.start == start)
            appointment = Appointment.objects.create(
                clinician=clinician,
                service=offer.service,
                start=slot.start,
                end=slot.end,
                urgency=offer.level,
                urgent_slot=slot.urgent_slot,
                person_name=person.name,
                date_of_birth=person.date_of_birth,
                email=person.email,
                phone=person.phone,
                assessment=record,
                idempotency_key=idempotency_key,
            )
            transaction.on_commit(lambda: _after_booking(appointment.pk, now))
    except IntegrityError as error:
        again = Appointment.objects.filter(idempotency_key=idempotency_key).first()
        if again is not None:  # a concurrent retry of the same request won
            return again
        # The database's own guard (unique start or, on PostgreSQL, the no-overlap constraint).
        raise SlotTaken("Sorry, that time has just been taken. Please pick another.") from error
    return appointment


def _after_booking(appointment_id: int, now: datetime) -> None:
    appointment = Appointment.objects.select_related("clinician__clinic", "service").get(pk=appointment_id)
    if appointment.email:
        emails.send_confirmation(appointment)
    remind_at = appointment.start - REMINDER_BEFORE
    if remind_at > now:  # never a reminder at booking time
        send_appointment_reminder.using(run_after=remind_at).enqueue(appointment.pk)


def cancel_appointment(*, appointment: Appointment, now: datetime | None = None) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status == Appointment.Status.CANCELLED:
            return locked
        locked.status = Appointment.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        transaction.on_commit(lambda: offer_to_waitlist(appointment_id=locked.pk, now=now))
    return locked


def reschedule_appointment(
    *,
    appointment: Appointment,
    clinician_id: int,
    start: datetime,
    idempotency_key: str,
    now: datetime | None = None,
) -> Appointment:
    """Move a booking: the new one is made and the old one cancelled in one transaction."""
    if appointment.assessment is None:
        raise RuleViolation("This appointment cannot be moved online. Please phone the clinic.")
    person = Person(appointment.person_name, appointment.date_of_birth, appointment.email, appointment.phone)
    with transaction.atomic():
        cancel_appointment(appointment=appointment, now=now)
        return book_appointment(
            clinic=appointment.clinician.clinic,
            record=appointment.assessment,
            clinician_id=clinician_id,
            start=start,
            person=person,
            idempotency_key=idempotency_key,
            now=now,
        )


def flag_for_callback(*, clinic: Clinic, record: AssessmentRecord, reason: str) -> CallbackFlag:
    flag, _ = CallbackFlag.objects.get_or_create(
        assessment=record, clinic=clinic, resolved=False, defaults={"reason": reason}
    )
    return flag


def join_waitlist(*, clinic: Clinic, record: AssessmentRecord, name: str, email: str) -> WaitlistEntry:
    offer = offer_for(clinic=clinic, result=record.result, now=timezone.now())
    if offer.role is None:
        raise RuleViolation("This result cannot join the waiting list.")
    return WaitlistEntry.objects.create(
        clinic=clinic, role=offer.role, urgency=offer.level, person_name=name, email=email, assessment=record
    )


def offer_to_waitlist(*, appointment_id: int, now: datetime) -> WaitlistEntry | None:
    """Offer a freed slot to the first person waiting for the same kind of clinician and urgency."""
    freed = Appointment.objects.select_related("clinician__clinic").get(pk=appointment_id)
    if freed.start <= now:
        return None
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(
                clinic=freed.clinician.clinic,
                role=freed.clinician.role,
                urgency=freed.urgency,
                status=WaitlistEntry.Status.WAITING,
            )
            .order_by("created_at")
            .first()
        )
        if entry is None:
            return None
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_clinician = freed.clinician
        entry.offered_start = freed.start
        entry.save(update_fields=["status", "offered_clinician", "offered_start"])
    from django.conf import settings

    token = entry.assessment.interview.token if entry.assessment else ""
    local = freed.start.astimezone(freed.clinician.clinic.zone)
    emails.send_waitlist_offer(
        email=entry.email,
        name=entry.person_name,
        clinic_name=freed.clinician.clinic.name,
        when=local.strftime("%A %d %B at %H:%M"),
        url=f"{settings.SITE_URL}/booking/{token}/",
    )
    return entry


def default_clinic() -> Clinic:
    clinic = Clinic.objects.order_by("pk").first()
    if clinic is None:
        raise RuleViolation("No clinic is set up yet.")
    return clinic


__all__ = [
    "BookingError",
    "Person",
    "RuleViolation",
    "Service",
    "SlotTaken",
    "book_appointment",
    "cancel_appointment",
    "default_clinic",
    "flag_for_callback",
    "join_waitlist",
    "offer_to_waitlist",
    "reschedule_appointment",
]
