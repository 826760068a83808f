"""Writes for data protection: erase one person's data on request, and purge data past retention.

Each leaves an audit record holding identifiers and counts only, never the deleted health data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spinepath.clinic.booking import jobs
from spinepath.clinic.booking.models import Appointment, WaitlistEntry
from spinepath.clinic.intake.models import Interview

from . import alerts, audit
from .models import Case


class NoSuchPerson(LookupError):
    """No interview matches the case id or private token given."""


def find_interview(identifier: str) -> Interview:
    """The interview behind a case id (UUID) or a person's private link token."""
    interview = Interview.objects.filter(token=identifier).first()
    if interview is None:
        try:
            interview = Interview.objects.filter(public_id=uuid.UUID(identifier)).first()
        except ValueError:
            interview = None
    if interview is None:
        raise NoSuchPerson(identifier)
    return interview


@dataclass(frozen=True)
class Erased:
    case_id: str
    appointments: int
    waitlist_entries: int


def delete_person_data(*, interview: Interview, reason: str) -> Erased:
    """Delete the interview, its assessments, diary, case and notes, and the bookings and waitlist
    entries made from it (names, birth dates, contact details). Other people's data is untouched."""
    case_id = str(interview.public_id)
    case = Case.objects.filter(interview=interview).select_related("clinic").first()
    with transaction.atomic():
        mine = Appointment.objects.filter(assessment__interview=interview)
        waiting = WaitlistEntry.objects.filter(assessment__interview=interview)
        for job in [
            *jobs.jobs_about(
                appointment_ids=set(mine.values_list("pk", flat=True)),
                waitlist_ids=set(waiting.values_list("pk", flat=True)),
            ),
            *alerts.jobs_about({case.pk} if case else set()),
        ]:
            job.delete()  # queued e-mails to them are not sent; finished ones leave no trace
        appointments, _ = mine.delete()
        waitlist, _ = waiting.delete()
        interview.delete()  # cascades to assessments, diary entries, call-back flags, case and notes
        audit.record(
            None,
            "delete_person_data",
            "case",
            case_id,
            f"{reason[:200]}; {appointments} appointments, {waitlist} waitlist entries",
            clinic=case.clinic if case else None,
        )
    return Erased(case_id, appointments, waitlist)


@dataclass(frozen=True)
class Purged:
    interviews: int
    appointments: int
    waitlist_entries: int


def purge_expired(*, days: int, now: datetime | None = None) -> Purged:
    """Delete interviews untouched for `days`, with everything hanging from them, plus appointments
    and waitlist entries older than that (including bookings made without an interview) and their jobs.

    Security and session records go sooner: expired sessions, and sign-in records (django-axes) and
    finished background-job results older than SPINEPATH_SECURITY_LOG_DAYS."""
    if days < 1:
        raise ValueError("the retention period must be at least one day")
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    short = now - timedelta(days=min(days, settings.SPINEPATH_SECURITY_LOG_DAYS))
    with transaction.atomic():
        old = Interview.objects.filter(updated_at__lt=cutoff)
        old_appointments = Appointment.objects.filter(
            Q(assessment__interview__in=old) | Q(end__lt=cutoff, assessment__isnull=True)
        )
        old_waiting = WaitlistEntry.objects.filter(
            Q(assessment__interview__in=old) | Q(created_at__lt=cutoff, assessment__isnull=True)
        )
        for job in [
            *jobs.jobs_about(
                appointment_ids=set(old_appointments.values_list("pk", flat=True)),
                waitlist_ids=set(old_waiting.values_list("pk", flat=True)),
            ),
            *alerts.jobs_about(set(Case.objects.filter(interview__in=old).values_list("pk", flat=True))),
        ]:
            job.delete()
        appointments, _ = old_appointments.delete()
        waitlist, _ = old_waiting.delete()
        interviews = old.count()
        old.delete()
        Session.objects.filter(expire_date__lt=now).delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(attempt_time__lt=short).delete()
        DBTaskResult.objects.filter(finished_at__lt=short).delete()
        audit.record(
            None,
            "purge_expired",
            "interviews",
            str(interviews),
            f"older than {days} days; {appointments} appointments, {waitlist} waitlist entries",
        )
    return Purged(interviews, appointments, waitlist)
