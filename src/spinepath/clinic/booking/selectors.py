"""Reads for booking: free slots, and the offer that fits an assessment's urgency and clinician.

All slot arithmetic happens in the clinic's local time (that is how rotas are written) and is
converted to UTC for storage; times that do not exist (the spring-forward hour) are skipped and
ambiguous ones (the autumn hour) are taken once, at their first occurrence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from spinepath.engine import Assessment

from .models import (
    Appointment,
    AvailabilityException,
    Break,
    Clinic,
    Clinician,
    Service,
    WaitlistEntry,
    WeeklyAvailability,
)
from .policy import Offer, Slot, earliest_start, policy_for, uses_urgent_capacity

__all__ = ["MAX_OFFERED", "Offer", "Slot", "active_appointment", "available_slots", "offer_for"]

MAX_OFFERED = 60  # enough choice for a page; the rest stay bookable through the API


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime | None:
    """The aware local datetime, or None if it does not exist on that day (spring-forward gap)."""
    local = datetime.combine(day, moment, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


def _overlaps(start: datetime, end: datetime, busy: list[tuple[datetime, datetime]]) -> bool:
    return any(start < b_end and b_start < end for b_start, b_end in busy)


def available_slots(
    *,
    clinic: Clinic,
    service: Service,
    start: datetime,
    end: datetime,
    urgent: bool,
    now: datetime,
    clinician: Clinician | None = None,
    ignore_bookings: bool = False,
    held_for: int | None = None,
) -> list[Slot]:
    """Free slots for `service` starting in [start, end) (UTC), earliest first.

    Slots come from the clinicians' weekly rota in the clinic's zone, minus breaks, leave and holidays,
    minus existing appointments and their buffers, and never sooner than the minimum notice or later
    than the booking window. Capacity held back for urgent cases is included only when `urgent`.
    A freed time offered to someone on the waiting list is held for them (`held_for` is the assessment
    record that may still book it). `ignore_bookings` answers "is this a time we offer at all?" (to tell a
    taken slot from a bad one).
    """
    zone = clinic.zone
    earliest = max(start, earliest_start(clinic, now))
    latest = min(end, now + timedelta(days=clinic.booking_window_days))
    if latest <= earliest:
        return []
    clinicians = (
        [clinician]
        if clinician
        else list(Clinician.objects.filter(clinic=clinic, role=service.role, active=True).order_by("pk"))
    )
    length = timedelta(minutes=service.duration_minutes)
    step = timedelta(minutes=service.duration_minutes + service.buffer_minutes)
    slots: list[Slot] = []
    first_day = earliest.astimezone(zone).date()
    last_day = latest.astimezone(zone).date()
    for person in clinicians:
        blocks = list(WeeklyAvailability.objects.filter(clinician=person))
        breaks = list(Break.objects.filter(clinician=person))
        away = list(
            AvailabilityException.objects.filter(
                clinic=clinic, start_date__lte=last_day, end_date__gte=first_day
            )
            .filter(Q(clinician=person) | Q(clinician__isnull=True))
            .values_list("start_date", "end_date")
        )
        # Each appointment keeps its service's buffer free after it; a new slot keeps its own.
        busy = (
            []
            if ignore_bookings
            else [
                (a.start, a.end + timedelta(minutes=a.service.buffer_minutes))
                for a in Appointment.objects.filter(
                    clinician=person,
                    status=Appointment.Status.BOOKED,
                    start__lt=latest + step,
                    end__gt=earliest - timedelta(days=1),  # generous: a long buffer may reach into the range
                ).select_related("service")
            ]
        )
        if not ignore_bookings:
            busy.extend(_held(person, earliest, latest, now, held_for))
        day = first_day
        while day <= last_day:
            if not any(a <= day <= b for a, b in away):
                for block in (b for b in blocks if b.weekday == day.weekday()):
                    if block.urgent_only and not urgent:
                        continue
                    slots.extend(
                        _block_slots(person, block, day, zone, breaks, busy, length, step, earliest, latest)
                    )
            day += timedelta(days=1)
    slots.sort(key=lambda s: (s.start, s.clinician_id))
    return slots


def _held(
    person: Clinician, earliest: datetime, latest: datetime, now: datetime, held_for: int | None
) -> list[tuple[datetime, datetime]]:
    holds = WaitlistEntry.objects.filter(
        offered_clinician=person,
        status=WaitlistEntry.Status.OFFERED,
        offered_until__gt=now,
        offered_start__lt=latest + timedelta(days=1),
        offered_end__gt=earliest - timedelta(days=1),
    )
    if held_for is not None:
        holds = holds.exclude(assessment_id=held_for)
    return [(h.offered_start, h.offered_end) for h in holds if h.offered_start and h.offered_end]


def _block_slots(
    person: Clinician,
    block: WeeklyAvailability,
    day: date,
    zone: ZoneInfo,
    breaks: list[Break],
    busy: list[tuple[datetime, datetime]],
    length: timedelta,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
) -> list[Slot]:
    found: list[Slot] = []
    block_start = _local(day, block.start, zone)
    block_end = _local(day, block.end, zone)
    if block_start is None or block_end is None:
        return found
    day_breaks = [
        (b_start, b_end)
        for brk in breaks
        if brk.weekday == day.weekday()
        and (b_start := _local(day, brk.start, zone)) is not None
        and (b_end := _local(day, brk.end, zone)) is not None
    ]
    cursor = block_start
    while cursor + length <= block_end:
        # Step in wall-clock time so a DST change mid-block keeps slots on the rota's times.
        local_start = _local(day, cursor.timetz().replace(tzinfo=None), zone) if cursor.tzinfo else None
        if local_start is not None:
            start_utc = local_start.astimezone(UTC)
            end_utc = start_utc + length
            if (
                earliest <= start_utc
                and start_utc < latest
                and not _overlaps(local_start, local_start + length, day_breaks)
                and not _overlaps(start_utc, end_utc + (step - length), busy)
            ):
                found.append(Slot(person.pk, person.name, start_utc, end_utc, block.urgent_only))
        cursor = cursor.replace(tzinfo=None) + step
        cursor = cursor.replace(tzinfo=zone)
    return found


def offer_for(
    *,
    clinic: Clinic,
    assessment: Assessment,
    now: datetime,
    language: str = "en",
    held_for: int | None = None,
) -> Offer:
    """What to offer for a stored assessment: the policy plus the free slots within its window.

    Urgent and same-day results include the capacity held back for urgent cases; when nothing is free
    within their window, `phone_instead` is set (see `Offer.needs_callback`).
    """
    policy = policy_for(clinic=clinic, assessment=assessment, now=now, language=language)
    if policy.emergency or policy.service is None or policy.window_end is None:
        return policy
    slots = available_slots(
        clinic=clinic,
        service=policy.service,
        start=now,
        end=policy.window_end,
        urgent=uses_urgent_capacity(policy.level),
        now=now,
        held_for=held_for,
    )
    return replace(
        policy,
        slots=slots[:MAX_OFFERED],
        phone_instead=uses_urgent_capacity(policy.level) and not slots,
    )


def active_appointment(*, interview_id: int) -> Appointment | None:
    """The one booked appointment of a person's case (any of its assessments), if there is one."""
    return (
        Appointment.objects.filter(assessment__interview_id=interview_id, status=Appointment.Status.BOOKED)
        .select_related("clinician__clinic", "service")
        .order_by("start")
        .first()
    )
