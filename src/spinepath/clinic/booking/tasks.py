"""Background jobs, run by the database-backed worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import emails
from .models import Appointment


@task()
def send_appointment_reminder(appointment_id: int) -> str:
    """Send the 24-hour reminder at most once: skipped if cancelled or already sent (safe to retry).

    The "sent" mark is committed before the e-mail goes out, so a crash can never cause a second
    reminder; if the mail server refuses, the mark is cleared so the worker's retry can send it.
    """
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .select_related("clinician__clinic", "service")
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
