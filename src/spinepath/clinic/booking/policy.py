"""The booking policy: what an assessment's level allows a person to book — which clinician, how soon,
with how much notice. One home for these rules; slots, booking, the waiting list and the call-back flag
all ask here.

The level's time window is the engine's (`Level.within_hours`); bookable clinicians are the knowledge
base's (`bookable: true` in advice.yaml); the minimum notice is the clinic's setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import translation
from django.utils.translation import gettext as _

from spinepath.clinic.choices import bookable_roles, clinician_name
from spinepath.engine import Assessment, Level

from .models import Clinic, Service


@dataclass(frozen=True)
class Slot:
    clinician_id: int
    clinician_name: str
    start: datetime  # UTC
    end: datetime  # UTC
    urgent_slot: bool


@dataclass(frozen=True)
class Offer:
    level: Level
    role: str | None
    role_name: str
    service: Service | None
    slots: list[Slot] = field(default_factory=list)
    emergency: bool = False
    phone_instead: bool = False
    why: str = ""
    window_end: datetime | None = None

    @property
    def needs_callback(self) -> bool:
        """An urgent or same-day result with nothing bookable: the clinic must phone the person."""
        return self.phone_instead and uses_urgent_capacity(self.level)


def uses_urgent_capacity(level: Level) -> bool:
    """Urgent and same-day results may take the capacity the clinic holds back for urgent cases."""
    return level.is_at_least(Level.URGENT) and level != Level.EMERGENCY


def min_notice(clinic: Clinic) -> timedelta:
    """No booking closer to its start than this (the clinic's setting)."""
    return timedelta(hours=clinic.min_notice_hours)


def earliest_start(clinic: Clinic, now: datetime) -> datetime:
    return now + min_notice(clinic)


def window_end(clinic: Clinic, level: Level, now: datetime) -> datetime:
    """The latest start a level allows: its own window, never beyond the clinic's booking window."""
    clinic_end = now + timedelta(days=clinic.booking_window_days)
    hours = level.within_hours
    return clinic_end if hours is None else min(now + timedelta(hours=hours), clinic_end)


def service_for(clinic: Clinic, role: str) -> Service | None:
    kind = Service.Kind.PHYSIO if role == "physiotherapist" else Service.Kind.NEW
    return (
        Service.objects.filter(clinic=clinic, role=role, kind=kind).first()
        or Service.objects.filter(clinic=clinic, role=role).first()
    )


def _role_for(level: Level, recommended: str) -> str:
    """The recommended clinician if the clinic books that kind; otherwise one who can assess and refer."""
    if recommended in bookable_roles():
        return recommended
    return "physiotherapist" if level == Level.SELF_CARE else "spine_physician"


def policy_for(*, clinic: Clinic, assessment: Assessment, now: datetime, language: str = "en") -> Offer:
    """The rules an assessment sets for booking (level, clinician role, service, latest start), without
    computing slots: cheap enough to re-check inside the booking's write transaction.

    Reads only the stored assessment: never anything the person's browser sent.
    """
    level = assessment.triage.level
    recommended = assessment.next_step.clinician
    why = assessment.next_step.why
    if level == Level.EMERGENCY:
        return Offer(level, None, "", None, emergency=True, why=why)
    role = _role_for(level, recommended)
    if role != recommended:
        with translation.override(language):
            why = " ".join(
                part
                for part in (
                    why,
                    _(
                        "The clinician recommended for you (%(recommended)s) does not see people here, so we "
                        "offer a %(offered)s, who can assess you and refer you on if needed."
                    )
                    % {
                        "recommended": clinician_name(recommended, language) if recommended else "-",
                        "offered": clinician_name(role, language).lower(),
                    },
                )
                if part
            )
    service = service_for(clinic, role)
    return Offer(
        level,
        role,
        clinician_name(role, language),
        service,
        phone_instead=service is None,
        why=why,
        window_end=window_end(clinic, level, now),
    )
