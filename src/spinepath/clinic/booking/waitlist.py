"""The waiting list: a freed time goes to the first person waiting for the same clinician type and
urgency, held for them for a while; unclaimed, it passes to the next person.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from spinepath.clinic import contact
from spinepath.clinic.intake.models import AssessmentRecord

from .models import Appointment, Clinic, Clinician, WaitlistEntry
from .policy import min_notice, policy_for, service_for
from .services import Person, RuleViolation, book_appointment, reschedule_appointment
from .tasks import queue_waitlist_offer

logger = logging.getLogger(__name__)
HOLD = timedelta(hours=4)
OPEN = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)


def join_waitlist(
    *, clinic: Clinic, record: AssessmentRecord, name: str, email: str, now: datetime | None = None
) -> WaitlistEntry:
    """Put the person on the list for their result's clinician type and urgency (once per assessment)."""
    try:
        name, email = contact.clean_name(name), contact.clean_email(email)
    except contact.ContactError as error:
        raise RuleViolation(str(error)) from None
    if not email:
        raise RuleViolation(_("Please enter an e-mail address like name@example.org."))
    policy = policy_for(clinic=clinic, assessment=record.assessment, now=now or timezone.now())
    if policy.emergency or policy.role is None:
        raise RuleViolation(_("This result cannot join the waiting list."))
    with transaction.atomic():
        existing = WaitlistEntry.objects.filter(assessment=record, status__in=OPEN).first()
        if existing is not None:
            return existing
        return WaitlistEntry.objects.create(
            clinic=clinic,
            role=policy.role,
            urgency=policy.level,
            person_name=name,
            email=email,
            assessment=record,
        )


def offer_freed_slot_on_signal(
    sender: object, *, appointment_id: int, now: datetime, **_kwargs: object
) -> None:
    """Receiver of booking's `slot_freed` (connected in apps.py)."""
    offer_freed_slot(appointment_id=appointment_id, now=now)


def offer_freed_slot(*, appointment_id: int, now: datetime) -> WaitlistEntry | None:
    """Offer a cancelled appointment's time to the first person waiting for the same need."""
    freed = Appointment.objects.select_related("clinician__clinic").get(pk=appointment_id)
    return _offer(
        clinician=freed.clinician,
        start=freed.start,
        end=freed.end,
        urgency=freed.urgency,
        service_id=freed.service_id,
        now=now,
        skip=(),
    )


def _offer(
    *,
    clinician: Clinician,
    start: datetime,
    end: datetime,
    urgency: str,
    service_id: int,
    now: datetime,
    skip: tuple[int, ...],
) -> WaitlistEntry | None:
    clinic = clinician.clinic
    until = min(now + HOLD, start - min_notice(clinic))
    service = service_for(clinic, clinician.role)
    # Only a time the next person could book as it is: the same service (length) and enough notice left.
    if until <= now or service is None or service.pk != service_id:
        return None
    with transaction.atomic():
        taken = Appointment.objects.filter(
            clinician=clinician, status=Appointment.Status.BOOKED, start__lt=end, end__gt=start
        ).exists()
        if taken:
            return None
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(
                clinic=clinic,
                role=clinician.role,
                urgency=urgency,
                status=WaitlistEntry.Status.WAITING,
                assessment__isnull=False,
            )
            .exclude(pk__in=skip)
            # Someone already booked at this time or sooner gains nothing from it: offer it to the next.
            .exclude(Exists(_booked_until(start).filter(assessment=OuterRef("assessment"))))
            .order_by("created_at")
            .first()
        )
        if entry is None:
            return None
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_clinician = clinician
        entry.offered_start = start
        entry.offered_end = end
        entry.offered_until = until
        entry.save(
            update_fields=["status", "offered_clinician", "offered_start", "offered_end", "offered_until"]
        )
        expire_waitlist_offer.using(run_after=until).enqueue(entry.pk, list(skip))
        queue_waitlist_offer(entry)  # in this transaction: the offer and its e-mail, or neither
    return entry


def pass_offer_on(*, entry_id: int, now: datetime, passed_over: tuple[int, ...] = ()) -> str:
    """An unclaimed offer ends: the person keeps their place for later times and the next person is offered
    this one. `passed_over` are the entries this time was already offered to: it never goes back to them."""
    with transaction.atomic():
        # of=("self",): offered_clinician is a nullable (outer) join, which PostgreSQL cannot lock.
        entry = (
            WaitlistEntry.objects.select_for_update(of=("self",))
            .select_related("offered_clinician__clinic")
            .get(pk=entry_id)
        )
        if entry.status != WaitlistEntry.Status.OFFERED:
            return "closed"
        if entry.offered_until and entry.offered_until > now:
            return "still held"
        clinician, start, end = entry.offered_clinician, entry.offered_start, entry.offered_end
        entry.status = WaitlistEntry.Status.WAITING
        entry.offered_clinician = entry.offered_start = entry.offered_end = entry.offered_until = None
        entry.save(
            update_fields=["status", "offered_clinician", "offered_start", "offered_end", "offered_until"]
        )
    service = service_for(clinician.clinic, clinician.role) if clinician else None
    if clinician is None or start is None or end is None or service is None:
        return "released"
    passed = _offer(
        clinician=clinician,
        start=start,
        end=end,
        urgency=entry.urgency,
        service_id=service.pk,
        now=now,
        skip=(*passed_over, entry.pk),
    )
    return "passed on" if passed else "released"


def _booked_until(until: datetime) -> QuerySet[Appointment]:
    """Booked appointments that start no later than `until` (narrowed to one assessment by the caller)."""
    return Appointment.objects.filter(status=Appointment.Status.BOOKED, start__lte=until)


def claimed_appointment(entry: WaitlistEntry) -> Appointment | None:
    """The appointment a claimed offer booked (or moved to), while it stands."""
    if entry.status != WaitlistEntry.Status.DONE or entry.offered_start is None:
        return None
    return (
        _booked_until(entry.offered_start)
        .filter(assessment=entry.assessment, start=entry.offered_start)
        .first()
    )


def live_offer(entry: WaitlistEntry, now: datetime) -> bool:
    return (
        entry.status == WaitlistEntry.Status.OFFERED
        and entry.offered_until is not None
        and entry.offered_until > now
        and entry.assessment is not None
    )


def claim_offer(
    *, entry: WaitlistEntry, person: Person, idempotency_key: str, now: datetime | None = None
) -> Appointment:
    """Book the held time for the person it was offered to; if they already hold a later appointment for
    the same assessment, it is moved (not doubled)."""
    now = now or timezone.now()
    if not live_offer(entry, now):
        raise RuleViolation(_("This offer has ended. You are still on the waiting list."))
    assert entry.assessment and entry.offered_clinician_id and entry.offered_start
    with transaction.atomic():
        # Re-check under a lock: the hold may have ended (and passed on) since the page was loaded.
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if (
            not live_offer(locked, now)
            or locked.offered_clinician_id != entry.offered_clinician_id
            or locked.offered_start != entry.offered_start
        ):
            raise RuleViolation(_("This offer has ended. You are still on the waiting list."))
        # Booked at this time or sooner since the offer went out: they keep that one.
        if _booked_until(entry.offered_start).filter(assessment=entry.assessment).exists():
            raise RuleViolation(
                _("You already have an appointment at this time or sooner, so you do not need this one.")
            )
        later = (
            Appointment.objects.filter(
                assessment=entry.assessment, status=Appointment.Status.BOOKED, start__gt=entry.offered_start
            )
            .order_by("start")
            .first()
        )
        if later is not None:
            appointment = reschedule_appointment(
                appointment=later,
                clinician_id=entry.offered_clinician_id,
                start=entry.offered_start,
                idempotency_key=idempotency_key,
                now=now,
            )
        else:
            appointment = book_appointment(
                clinic=entry.clinic,
                record=entry.assessment,
                clinician_id=entry.offered_clinician_id,
                start=entry.offered_start,
                person=person,
                idempotency_key=idempotency_key,
                now=now,
            )
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.DONE)
    return appointment


@task()
def expire_waitlist_offer(entry_id: int, passed_over: list[int] | None = None) -> str:
    """When a held waiting-list offer runs out unclaimed, offer the time to the next person waiting who
    has not been offered it yet (`passed_over`: the entries this time was already offered to)."""
    return pass_offer_on(entry_id=entry_id, now=timezone.now(), passed_over=tuple(passed_over or ()))
