"""Background jobs, run by the database-backed worker (`manage.py db_worker`), and the e-mails they send.

Jobs live in the database (django-tasks with the django_tasks_db backend), so they survive restarts; a
job is queued in the same transaction as the change that needs it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import emails
from .models import Appointment


def _appointment(appointment_id: int) -> Appointment:
    return Appointment.objects.select_related("clinician__clinic", "service", "assessment").get(
        pk=appointment_id
    )


def send_confirmation_now(appointment_id: int, *, moved_from_id: int | None = None) -> bool:
    """Send the booking confirmation (with its .ics) if the appointment still stands and has an e-mail;
    for a move (`moved_from_id`), the one e-mail says "moved" and cancels the old time in the calendar."""
    appointment = _appointment(appointment_id)
    if appointment.status != Appointment.Status.BOOKED or not appointment.email:
        return False
    moved_from = _appointment(moved_from_id) if moved_from_id is not None else None
    emails.send_confirmation(appointment, moved_from=moved_from)
    return True


def send_cancellation_now(appointment_id: int, *, moved: bool = False) -> bool:
    """Tell the person the appointment is cancelled (or moved); the .ics removes it from their calendar."""
    appointment = _appointment(appointment_id)
    if appointment.status != Appointment.Status.CANCELLED or not appointment.email:
        return False
    emails.send_cancellation(appointment, moved=moved)
    return True


@task()
def send_appointment_confirmation(appointment_id: int, moved_from_id: int | None = None) -> str:
    """Retry a confirmation the web request could not send (the mail server was down)."""
    return "sent" if send_confirmation_now(appointment_id, moved_from_id=moved_from_id) else "not needed"


@task()
def send_appointment_reminder(appointment_id: int) -> str:
    """Send the 24-hour reminder at most once: skipped if cancelled or already sent (safe to retry).

    The "sent" mark is committed before the e-mail goes out, so a crash or a second worker can never
    cause a second reminder; if the mail server refuses, the mark is cleared so a retry can send it.
    """
    with transaction.atomic():
        # of=("self",): the assessment is a nullable (outer) join, which PostgreSQL cannot lock.
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("clinician__clinic", "service", "assessment")
            .get(pk=appointment_id)
        )
        if appointment.status != Appointment.Status.BOOKED:
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


@task()
def expire_waitlist_offer(entry_id: int, passed_over: list[int] | None = None) -> str:
    """When a held waiting-list offer runs out unclaimed, offer the time to the next person waiting who
    has not been offered it yet (`passed_over`: the entries this time was already offered to)."""
    from .waitlist import pass_offer_on

    return pass_offer_on(entry_id=entry_id, now=timezone.now(), passed_over=tuple(passed_over or ()))
