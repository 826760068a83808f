"""Reads for booking: free slots, and the offer that fits an assessment's urgency and clinician.

All slot arithmetic happens in the clinic's local time (that is how rotas are written) and is
converted to UTC for storage; times that do not exist (the spring-forward hour) are skipped and
ambiguous ones (the autumn hour) are taken once, at their first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from spinepath.engine import get_knowledge

from .models import Appointment, AvailabilityException, Break, Clinic, Clinician, Service, WeeklyAvailability

BOOKABLE_ROLES = ("spine_surgeon", "spine_physician", "physiotherapist", "pain_specialist")
WINDOW_HOURS = {"urgent": 48, "soon": 14 * 24}  # routine and self-care use the clinic's booking window


@dataclass(frozen=True)
class Slot:
    clinician_id: int
    clinician_name: str
    start: datetime  # UTC
    end: datetime  # UTC
    urgent_slot: bool


@dataclass(frozen=True)
class Offer:
    level: str
    role: str | None
    role_name: str
    service: Service | None
    slots: list[Slot] = field(default_factory=list)
    emergency: bool = False
    phone_instead: bool = False
    why: str = ""
    window_end: datetime | None = None


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
) -> list[Slot]:
    """Free slots for `service` starting in [start, end) (UTC), earliest first."""
    zone = clinic.zone
    earliest = max(start, now + timedelta(hours=clinic.min_notice_hours))
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
        busy = [
            (
                a.start - timedelta(minutes=a.service.buffer_minutes),
                a.end + timedelta(minutes=a.service.buffer_minutes),
            )
            for a in Appointment.objects.filter(
                clinician=person,
                status=Appointment.Status.BOOKED,
                start__lt=latest + step,
                end__gt=earliest - step,
            ).select_related("service")
        ]
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
                and not _overlaps(start_utc, end_utc, busy)
            ):
                found.append(Slot(person.pk, person.name, start_utc, end_utc, block.urgent_only))
        cursor = cursor.replace(tzinfo=None) + step
        cursor = cursor.replace(tzinfo=zone)
    return found


def clinician_name(role: str, language: str = "en") -> str:
    clinician = get_knowledge().clinicians.get(role)
    if clinician is None:
        return role
    return clinician.name if isinstance(clinician.name, str) else clinician.name.get(language, role)


def service_for(clinic: Clinic, role: str) -> Service | None:
    kind = Service.Kind.PHYSIO if role == "physiotherapist" else Service.Kind.NEW
    return (
        Service.objects.filter(clinic=clinic, role=role, kind=kind).first()
        or Service.objects.filter(clinic=clinic, role=role).first()
    )


def offer_for(*, clinic: Clinic, result: dict[str, Any], now: datetime, language: str = "en") -> Offer:
    """What to offer for a stored assessment: never trusts anything but the stored result."""
    level = result["triage"]["level"]
    recommended = result["next_step"]["clinician"]
    if level == "emergency":
        return Offer(level, None, "", None, emergency=True, why=result["next_step"]["why"])
    role = (
        recommended
        if recommended in BOOKABLE_ROLES
        else ("physiotherapist" if level == "self_care" else "spine_physician")
    )
    why = result["next_step"]["why"]
    if role != recommended:
        why = (
            f"{why} The recommended clinician ({clinician_name(recommended, language)}) is not booked here, "
            f"so we offer a {clinician_name(role, language).lower()}, who can refer you on."
        ).strip()
    service = service_for(clinic, role)
    hours = WINDOW_HOURS.get(level, clinic.booking_window_days * 24)
    window_end = now + timedelta(hours=hours)
    if service is None:
        return Offer(
            level,
            role,
            clinician_name(role, language),
            None,
            phone_instead=True,
            why=why,
            window_end=window_end,
        )
    slots = available_slots(
        clinic=clinic, service=service, start=now, end=window_end, urgent=level == "urgent", now=now
    )
    return Offer(
        level,
        role,
        clinician_name(role, language),
        service,
        slots=slots[:60],
        phone_instead=level == "urgent" and not slots,
        why=why,
        window_end=window_end,
    )
