"""Free slots: the rota in local time, breaks, notice, window and the daylight-saving change days."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any

from spinepath.clinic.booking.models import Clinic, Clinician, Service, WeeklyAvailability
from spinepath.clinic.booking.selectors import available_slots

from .conftest import NOW


def _service(clinic: Clinic, role: str) -> Service:
    service = Service.objects.filter(clinic=clinic, role=role).order_by("pk").first()
    assert service is not None
    return service


def test_slots_follow_the_rota_and_skip_the_lunch_break(clinic: Clinic) -> None:
    service = _service(clinic, "spine_physician")
    slots = available_slots(
        clinic=clinic, service=service, start=NOW, end=NOW + timedelta(hours=12), urgent=False, now=NOW
    )
    local = [s.start.astimezone(clinic.zone).time() for s in slots]
    assert local[0] == time(9, 0) and time(9, 35) in local  # 30 minutes + 5 minutes buffer
    assert not any(time(12, 30) <= t < time(13, 30) for t in local)
    assert all(s.end.astimezone(clinic.zone).time() <= time(17, 0) for s in slots)


def test_urgent_capacity_is_held_back_for_urgent_cases(clinic: Clinic) -> None:
    service = _service(clinic, "spine_physician")
    sunday = NOW - timedelta(days=1)
    window: dict[str, Any] = {
        "clinic": clinic,
        "service": service,
        "start": sunday,
        "end": sunday + timedelta(days=2),
        "now": sunday,
    }
    ordinary = available_slots(urgent=False, **window)
    urgent = available_slots(urgent=True, **window)
    assert not any(s.urgent_slot for s in ordinary)
    assert any(s.urgent_slot and s.start.astimezone(clinic.zone).time() == time(8, 0) for s in urgent)


def test_minimum_notice_and_booking_window(clinic: Clinic) -> None:
    service = _service(clinic, "spine_physician")
    late_now = NOW.replace(hour=9, minute=10)
    slots = available_slots(
        clinic=clinic,
        service=service,
        start=late_now,
        end=late_now + timedelta(days=100),
        urgent=False,
        now=late_now,
    )
    assert min(s.start for s in slots) >= late_now + timedelta(hours=clinic.min_notice_hours)
    assert max(s.start for s in slots) <= late_now + timedelta(days=clinic.booking_window_days)


def _night_rota(clinic: Clinic, weekday: int) -> tuple[Clinician, Service]:
    clinician = Clinician.objects.create(clinic=clinic, name="Night Doc", role="pain_specialist")
    WeeklyAvailability.objects.create(
        clinician=clinician, weekday=weekday, start=time(0, 30), end=time(3, 30)
    )
    service = Service.objects.create(clinic=clinic, name="Night", role="pain_specialist", duration_minutes=30)
    return clinician, service


def test_spring_forward_day_skips_the_missing_hour(clinic: Clinic) -> None:
    clinician, service = _night_rota(clinic, weekday=6)  # Sunday 28 March 2027: 01:00 -> 02:00 in London
    now = datetime(2027, 3, 20, tzinfo=UTC)
    slots = available_slots(clinic=clinic, service=service, start=datetime(2027, 3, 28, tzinfo=UTC),
                            end=datetime(2027, 3, 29, tzinfo=UTC), urgent=False, now=now, clinician=clinician)  # fmt: skip
    local = [s.start.astimezone(clinic.zone).strftime("%H:%M") for s in slots]
    assert local == ["00:30", "02:00", "02:30", "03:00"]
    utc = [s.start.strftime("%H:%M") for s in slots]
    assert utc == ["00:30", "01:00", "01:30", "02:00"]  # no two slots at the same instant


def test_fall_back_day_offers_the_repeated_hour_once(clinic: Clinic) -> None:
    clinician, service = _night_rota(clinic, weekday=6)  # Sunday 25 October 2026: 02:00 -> 01:00 in London
    now = datetime(2026, 10, 20, tzinfo=UTC)
    slots = available_slots(clinic=clinic, service=service, start=datetime(2026, 10, 24, 20, tzinfo=UTC),
                            end=datetime(2026, 10, 26, tzinfo=UTC), urgent=False, now=now, clinician=clinician)  # fmt: skip
    local = [s.start.astimezone(clinic.zone).strftime("%H:%M") for s in slots]
    assert local == ["00:30", "01:00", "01:30", "02:00", "02:30", "03:00"]
    starts = [s.start for s in slots]
    assert len(set(starts)) == len(starts) and starts == sorted(starts)
    for a, b in itertools.pairwise(slots):
        assert a.end <= b.start  # never overlapping, even across the change


def test_slots_are_utc(clinic: Clinic, **_: Any) -> None:
    service = _service(clinic, "physiotherapist")
    summer_now = datetime(2027, 6, 7, 6, tzinfo=UTC)  # Monday, British Summer Time
    slot = available_slots(
        clinic=clinic,
        service=service,
        start=summer_now,
        end=summer_now + timedelta(hours=12),
        urgent=False,
        now=summer_now,
    )[0]
    assert slot.start.tzinfo == UTC and slot.start.hour == 8  # 09:00 BST
