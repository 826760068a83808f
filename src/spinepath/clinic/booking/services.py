"""Writes for booking. Every rule is re-checked here, inside the write transaction: the page the
person saw earlier is never trusted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spinepath.clinic import contact
from spinepath.clinic.intake.models import AssessmentRecord, Interview

from . import signals
from .models import Appointment, CallbackFlag, Clinic, Clinician, Service
from .policy import Slot, earliest_start, policy_for, uses_urgent_capacity
from .selectors import Offer, available_slots, offer_for
from .tasks import queue_cancellation, queue_confirmation, queue_reminder

logger = logging.getLogger(__name__)
REMINDER_BEFORE = timedelta(hours=24)


class BookingError(Exception):
    """A booking cannot be made; `message` is safe to show the person."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlotTaken(BookingError):
    """Someone else has the time (or its buffer) now: pick another. HTTP 409."""

    status = 409


class RuleViolation(BookingError):
    """The request breaks a booking rule (urgency, clinician type, notice, window, rota). HTTP 400."""

    status = 400


class AlreadyBooked(BookingError):
    """The case already has a booked appointment: one per case, so move that one instead. HTTP 409."""

    status = 409

    def __init__(self, appointment: Appointment) -> None:
        super().__init__(
            _("You already have an appointment. To change the time, move that appointment instead.")
        )
        self.appointment = appointment


class IdempotencyConflict(BookingError):
    """The idempotency key was already used for a different booking. HTTP 409."""

    status = 409


@dataclass(frozen=True)
class Person:
    name: str
    date_of_birth: date
    email: str
    phone: str

    def checked(self) -> Person:
        """The same person with each detail checked by the one set of rules (clinic/contact.py); a
        refused detail raises RuleViolation, whichever door it came through."""
        try:
            return Person(
                contact.clean_name(self.name),
                contact.check_date_of_birth(self.date_of_birth, today=timezone.localdate()),
                contact.clean_email(self.email),
                contact.clean_phone(self.phone),
            )
        except contact.ContactError as error:
            raise RuleViolation(str(error)) from None


def book_appointment(
    *,
    clinic: Clinic,
    record: AssessmentRecord,
    clinician_id: int,
    start: datetime,
    person: Person,
    idempotency_key: str,
    now: datetime | None = None,
    service: Service | None = None,
    moved_from: Appointment | None = None,
) -> Appointment:
    """Book one slot for the person behind `record`, or raise SlotTaken / RuleViolation.

    `moved_from`: the appointment this one replaces (a move), so the one e-mail says "moved".

    Every rule is checked again here, inside the write transaction, against the stored assessment and
    the database as it is now. A retried request with the same idempotency key returns the appointment
    it already made; the same key for a different person or time raises IdempotencyConflict.
    """
    now = now or timezone.now()
    person = person.checked()
    if start.tzinfo is None:
        raise RuleViolation(_("Please pick a time from the list."))
    replay = _replay(idempotency_key, record, clinician_id, start)
    if replay is not None:
        return replay
    try:
        # IMMEDIATE on SQLite: one writer at a time, so the re-check and the insert cannot interleave with
        # another booking. On PostgreSQL the exclusion constraint is the final word.
        with transaction.atomic():
            replay = _replay(idempotency_key, record, clinician_id, start)
            if replay is not None:
                return replay
            appointment = _book_checked(
                clinic=clinic,
                record=record,
                clinician_id=clinician_id,
                start=start,
                person=person,
                idempotency_key=idempotency_key,
                now=now,
                service=service,
            )
            # The e-mails are queued in the same transaction (the outbox): they exist if and only if the
            # booking does, and only the worker sends them, so no mail server can slow this request. A move
            # sends this one e-mail, saying "moved" (the old time is not mailed separately).
            if appointment.email:
                queue_confirmation(appointment, moved_from=moved_from)
                remind_at = appointment.start - REMINDER_BEFORE
                if remind_at > now:  # never a reminder at booking time
                    queue_reminder(appointment, at=remind_at)
    except (IntegrityError, SlotTaken, AlreadyBooked) as error:
        # A concurrent retry of the same request (same key) may have won: by the unique key, the slot's
        # unique start, the no-overlap guard or the case's one active appointment, or it committed just
        # before this one looked. Then this retry answers with that booking, not "taken".
        again = _replay(idempotency_key, record, clinician_id, start)
        if again is not None:
            return again
        if isinstance(error, BookingError):
            raise
        # The database's own guard: the unique start, or the no-overlap constraint (PostgreSQL) / trigger
        # (SQLite).
        raise SlotTaken(_("Sorry, that time has just been taken. Please pick another.")) from error
    return appointment


def _replay(key: str, record: AssessmentRecord, clinician_id: int, start: datetime) -> Appointment | None:
    existing = Appointment.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if (
        existing.assessment_id != record.pk
        or existing.clinician_id != clinician_id
        or existing.start != start
    ):
        raise IdempotencyConflict(
            _("This request was already used for a different booking. Please reload the page and try again.")
        )
    return existing


def _book_checked(
    *,
    clinic: Clinic,
    record: AssessmentRecord,
    clinician_id: int,
    start: datetime,
    person: Person,
    idempotency_key: str,
    now: datetime,
    service: Service | None,
) -> Appointment:
    # One active appointment per case (a move cancels the old one first, in the same transaction). The
    # interview's row lock makes two concurrent bookings of one case queue here on PostgreSQL too.
    Interview.objects.select_for_update().filter(pk=record.interview_id).first()
    existing = Appointment.objects.filter(
        assessment__interview_id=record.interview_id, status=Appointment.Status.BOOKED
    ).first()
    if existing is not None:
        raise AlreadyBooked(existing)
    policy = policy_for(clinic=clinic, assessment=record.assessment, now=now)
    if policy.emergency:
        raise RuleViolation(
            _("Your answers mean you need help today: do not book. Go to an emergency department now.")
        )
    if policy.service is None or policy.role is None or policy.window_end is None:
        raise RuleViolation(
            _("This clinic cannot book the clinician you need online. Please phone the clinic.")
        )
    if service is None:
        service = policy.service
    elif service.clinic_id != clinic.pk or service.role != policy.role:
        raise RuleViolation(_("That service is not the right one for your result."))
    clinician = Clinician.objects.filter(pk=clinician_id, clinic=clinic, active=True).first()
    if clinician is None or clinician.role != policy.role:
        raise RuleViolation(
            _("That clinician is not the right one for your result. Please pick a time from the list.")
        )
    if start < earliest_start(clinic, now):
        raise RuleViolation(_("That time is too soon to book online. Please pick a later time."))
    if start > policy.window_end:
        raise RuleViolation(_("That time is later than your result allows. Please pick an earlier time."))

    def slot_at(*, ignore_bookings: bool) -> Slot | None:
        candidates = available_slots(
            clinic=clinic,
            service=service,
            start=start,
            end=start + timedelta(minutes=1),
            urgent=uses_urgent_capacity(policy.level),
            now=now,
            clinician=clinician,
            ignore_bookings=ignore_bookings,
            held_for=record.pk,
        )
        return next((candidate for candidate in candidates if candidate.start == start), None)

    slot = slot_at(ignore_bookings=False)
    if slot is None:
        if slot_at(ignore_bookings=True) is not None:
            raise SlotTaken(_("Sorry, that time has just been taken. Please pick another."))
        raise RuleViolation(_("That time is not one we can offer you. Please pick a time from the list."))
    return Appointment.objects.create(
        clinician=clinician,
        service=service,
        start=slot.start,
        end=slot.end,
        urgency=policy.level,
        urgent_slot=slot.urgent_slot,
        person_name=person.name,
        date_of_birth=person.date_of_birth,
        email=person.email,
        phone=person.phone,
        assessment=record,
        idempotency_key=idempotency_key,
    )


def cancel_appointment(
    *, appointment: Appointment, now: datetime | None = None, moved: bool = False
) -> Appointment:
    """Cancel (harmless if already cancelled); the freed time is then offered to the waiting list.

    `moved` says the person is moving to a new time: no cancellation e-mail, because the new
    appointment's one e-mail says "moved" (and removes the old time from their calendar).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status == Appointment.Status.CANCELLED:
            return locked
        locked.status = Appointment.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        if locked.email and not moved:
            queue_cancellation(locked)
        transaction.on_commit(lambda: _offer_to_waitlist(locked.pk, now))
    return locked


def _offer_to_waitlist(appointment_id: int, now: datetime) -> None:
    signals.slot_freed.send(sender=Appointment, appointment_id=appointment_id, now=now)


def reschedule_appointment(
    *,
    appointment: Appointment,
    clinician_id: int,
    start: datetime,
    idempotency_key: str,
    now: datetime | None = None,
) -> Appointment:
    """Move a booking: the new one is made and the old one cancelled in one transaction, or neither.

    The old appointment is cancelled first inside the transaction, so the person may move to a time that
    overlaps their own current one. Every rule is checked again for the new time. An appointment that is
    already cancelled cannot be moved (RuleViolation), except that a retry with the idempotency key of the
    move that cancelled it returns that move's appointment.
    """
    if appointment.assessment is None:
        raise RuleViolation(_("This appointment cannot be moved online. Please phone the clinic."))
    person = Person(appointment.person_name, appointment.date_of_birth, appointment.email, appointment.phone)
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        # Without this, two tabs moving the same appointment (each with its own key) would both book.
        if (
            current.status != Appointment.Status.BOOKED
            and not Appointment.objects.filter(idempotency_key=idempotency_key).exists()
        ):
            raise RuleViolation(
                _("This appointment is cancelled, so it cannot be moved. Please book a new time.")
            )
        cancel_appointment(appointment=current, now=now, moved=True)
        return book_appointment(
            clinic=appointment.clinician.clinic,
            record=appointment.assessment,
            clinician_id=clinician_id,
            start=start,
            person=person,
            idempotency_key=idempotency_key,
            now=now,
            moved_from=current,
        )


def flag_for_callback(*, clinic: Clinic, record: AssessmentRecord, reason: str) -> CallbackFlag:
    """Mark an urgent case with no free urgent slot, so staff phone the person (once per open case)."""
    flag, _created = CallbackFlag.objects.get_or_create(
        assessment=record, clinic=clinic, resolved=False, defaults={"reason": reason}
    )
    return flag


def offer_for_record(
    *, clinic: Clinic, record: AssessmentRecord, language: str, now: datetime | None = None
) -> Offer:
    """What this person may book now. An urgent or same-day result with nothing bookable is flagged
    for a call-back here, the one place that rule lives, whichever page or endpoint asked."""
    offer = offer_for(
        clinic=clinic,
        assessment=record.assessment,
        now=now or timezone.now(),
        language=language,
        held_for=record.pk,
    )
    if offer.needs_callback:
        flag_for_callback(clinic=clinic, record=record, reason="Urgent result and nothing bookable in time")
    return offer


def default_clinic() -> Clinic:
    clinic = Clinic.objects.order_by("pk").first()
    if clinic is None:
        raise RuleViolation(_("No clinic is set up yet."))
    return clinic


__all__ = [
    "AlreadyBooked",
    "BookingError",
    "IdempotencyConflict",
    "Person",
    "RuleViolation",
    "SlotTaken",
    "book_appointment",
    "cancel_appointment",
    "default_clinic",
    "flag_for_callback",
    "offer_for_record",
    "reschedule_appointment",
]
