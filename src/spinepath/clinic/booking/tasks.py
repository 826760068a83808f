"""Background jobs, run by the database-backed worker (`manage.py db_worker`), and the e-mails they send.

Jobs live in the database (django-tasks with the django_tasks_db backend), so they survive restarts; a
job is queued in the same transaction as the change that needs it. E-mails go through the outbox
(outbox.py): sent only by the worker, retried with backoff, and a case whose e-mail cannot be delivered
is flagged for staff to phone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import emails, outbox
from .models import Appointment, CallbackFlag, WaitlistEntry

UNDELIVERED = "E-mail could not be delivered: phone the person about their appointment"


def _appointment(appointment_id: int) -> Appointment | None:
    """The appointment, or None when it is gone (the person's data was erased)."""
    return (
        Appointment.objects.select_related("clinician__clinic", "service", "assessment")
        .filter(pk=appointment_id)
        .first()
    )


def send_confirmation_now(appointment_id: int, moved_from_id: int | None = None) -> str:
    """Send the booking confirmation (with its .ics) if the appointment still stands and has an e-mail;
    for a move (`moved_from_id`), the one e-mail says "moved" and cancels the old time in the calendar."""
    appointment = _appointment(appointment_id)
    if appointment is None or appointment.status != Appointment.Status.BOOKED or not appointment.email:
        return "not needed"
    moved_from = _appointment(moved_from_id) if moved_from_id is not None else None
    emails.send_confirmation(appointment, moved_from=moved_from)
    return "sent"


def send_cancellation_now(appointment_id: int) -> str:
    """Tell the person the appointment is cancelled; the .ics removes it from their calendar. (A move
    sends no cancellation: its one confirmation says "moved".)"""
    appointment = _appointment(appointment_id)
    if appointment is None or appointment.status != Appointment.Status.CANCELLED or not appointment.email:
        return "not needed"
    emails.send_cancellation(appointment)
    return "sent"


def send_reminder_now(appointment_id: int) -> str:
    """Send the 24-hour reminder at most once: skipped if cancelled or already sent (safe to retry).

    The "sent" mark is committed before the e-mail goes out, so a crash or a second worker can never
    cause a second reminder; if the mail server refuses, the mark is cleared so a retry can send it.
    """
    with transaction.atomic():
        # of=("self",): the assessment is a nullable (outer) join, which PostgreSQL cannot lock.
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("clinician__clinic", "service", "assessment")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.status != Appointment.Status.BOOKED:
            return "cancelled"
        if appointment.reminder_sent_at is not None:
            return "already sent"
        if not appointment.email:
            return "no e-mail"
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])
    try:
        emails.send_reminder(appointment)
    except Exception:
        Appointment.objects.filter(pk=appointment_id).update(reminder_sent_at=None)
        raise
    return "sent"


def send_waitlist_offer_now(entry_id: int) -> str:
    """Send the held offer with its claim link, while the hold lasts."""
    entry = WaitlistEntry.objects.select_related("clinic", "assessment").filter(pk=entry_id).first()
    if entry is None or entry.status != WaitlistEntry.Status.OFFERED or entry.offered_until is None:
        return "not needed"
    if entry.offered_until <= timezone.now():
        return "offer ended"
    emails.send_waitlist_offer(entry)
    return "sent"


def flag_undelivered(appointment_id: int, moved_from_id: int | None = None) -> None:
    """The outbox gave up on this appointment's e-mail: staff phone the person instead. (`moved_from_id`:
    the confirmation job's second id, for a move; not needed here.)"""
    appointment = _appointment(appointment_id)
    if appointment is None or appointment.assessment is None:
        return
    CallbackFlag.objects.get_or_create(
        assessment=appointment.assessment,
        clinic=appointment.clinician.clinic,
        resolved=False,
        defaults={"reason": UNDELIVERED},
    )


def queue_confirmation(appointment: Appointment, *, moved_from: Appointment | None = None) -> None:
    """Call inside the booking's transaction. Give up (and flag) at the latest an hour before it starts.
    For a move, `moved_from` is the old appointment: the one e-mail says "moved"."""
    outbox.queue(
        send=send_confirmation_now,
        args=[appointment.pk] if moved_from is None else [appointment.pk, moved_from.pk],
        give_up=flag_undelivered,
        deadline=_deadline_before(appointment),
    )


def queue_cancellation(appointment: Appointment) -> None:
    """Call inside the cancelling transaction."""
    outbox.queue(
        send=send_cancellation_now,
        args=[appointment.pk],
        give_up=flag_undelivered,
    )


def queue_reminder(appointment: Appointment, *, at: datetime) -> None:
    outbox.queue(
        send=send_reminder_now,
        args=[appointment.pk],
        run_after=at,
        give_up=flag_undelivered,
        deadline=appointment.start,
    )


def queue_waitlist_offer(entry: WaitlistEntry) -> None:
    """Call inside the transaction that makes the offer; past the hold the offer passes on by itself."""
    assert entry.offered_until is not None
    outbox.queue(send=send_waitlist_offer_now, args=[entry.pk], deadline=entry.offered_until)


def _deadline_before(appointment: Appointment) -> datetime:
    """At the latest an hour before the appointment (then a phone call is the only way to reach them)."""
    latest = appointment.start - timedelta(hours=1)
    usual = timezone.now() + timedelta(hours=settings.SPINEPATH_EMAIL_GIVE_UP_HOURS)
    return min(latest, usual)


@task()
def send_appointment_reminder(appointment_id: int) -> str:
    """Send the 24-hour reminder now (jobs queued before the outbox existed; tests)."""
    return send_reminder_now(appointment_id)
