"""Choosing a time the way people do: a day first ("next available" at the top), then a time on that
day, optionally with one clinician. Server-rendered from query parameters, so it works without script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from spinepath.clinic import wording

from .models import Clinic
from .policy import Slot


def slot_value(slot: Slot) -> str:
    return f"{slot.clinician_id}|{slot.start.isoformat()}"


def parse_slot(value: str) -> tuple[int, datetime] | None:
    try:
        clinician, start = value.split("|", 1)
        moment = datetime.fromisoformat(start)
    except ValueError:
        return None
    if moment.tzinfo is None or not clinician.isdigit() or len(clinician) > 12:
        return None
    return int(clinician), moment


@dataclass
class Day:
    key: str  # ISO date, the query value
    label: str  # "Thursday 3 December 2026", in the page's language
    slots: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Picker:
    days: list[Day]
    day: Day | None  # the chosen day, with its times
    clinicians: list[tuple[int, str]]
    clinician_id: int | None
    next_available: dict[str, Any] | None  # the earliest time, with its day

    @property
    def has_times(self) -> bool:
        return bool(self.days)


def _times(slot: Slot, clinic: Clinic) -> dict[str, Any]:
    return {
        "value": slot_value(slot),
        "time": wording.clock(slot.start, clinic.time_zone),
        "who": slot.clinician_name,
        "urgent": slot.urgent_slot,
    }


def pick(
    *, slots: list[Slot], clinic: Clinic, day: str = "", clinician: str = "", chosen_slot: str = ""
) -> Picker:
    """Group the offered slots by the clinic's local day. `day`, `clinician` come from the query string
    (anything unknown is ignored); a `chosen_slot` (a form sent back) opens its own day."""
    clinicians = sorted({(s.clinician_id, s.clinician_name) for s in slots}, key=lambda item: item[1])
    clinician_id = int(clinician) if clinician.isdigit() and len(clinician) < 12 else None
    if clinician_id not in {cid for cid, _name in clinicians}:
        clinician_id = None
    shown = [s for s in slots if clinician_id is None or s.clinician_id == clinician_id]
    days: dict[date, Day] = {}
    for slot in shown:
        local = slot.start.astimezone(clinic.zone).date()
        entry = days.setdefault(
            local, Day(local.isoformat(), wording.long_date(slot.start, clinic.time_zone))
        )
        entry.slots.append(_times(slot, clinic))
    parsed = parse_slot(chosen_slot) if chosen_slot else None
    if parsed is not None and not day:
        day = parsed[1].astimezone(clinic.zone).date().isoformat()
    chosen = next((d for d in days.values() if d.key == day), None)
    first = shown[0] if shown else None
    next_available = None
    if first is not None:
        first_day = first.start.astimezone(clinic.zone).date()
        next_available = {**_times(first, clinic), "day": days[first_day].key, "label": days[first_day].label}
    return Picker(list(days.values()), chosen, clinicians, clinician_id, next_available)
