"""Template filters for times, zones and services in words (see spinepath.clinic.wording)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from spinepath.clinic import wording
from spinepath.clinic.i18n import current_language

register = template.Library()


@register.filter
def when_at(moment: datetime | None, clinic: Any) -> str:
    """{{ appointment.start|when_at:clinic }} -> 'Thursday 3 December 2026, 09:00 (London time)'."""
    return wording.when(moment, clinic.time_zone) if moment else ""


@register.filter
def day_at(moment: datetime | None, clinic: Any) -> str:
    return wording.long_date(moment, clinic.time_zone) if moment else ""


@register.filter
def zone_words(clinic: Any) -> str:
    return wording.zone_words(clinic.time_zone)


@register.filter
def service_words(service: Any) -> str:
    return wording.service_words(service)


@register.filter
def clinician_words(role: str) -> str:
    """A clinician role in the reader's language ("Spine physician", "Médico de columna")."""
    from spinepath.clinic.choices import clinician_name

    return clinician_name(role, current_language()) if role else ""


@register.filter
def condition_words(condition: Any) -> str:
    """A condition's name in the reader's language, whatever language the result was stored in."""
    if condition is None:
        return ""
    return wording.condition_name(condition.id, current_language(), fallback=condition.name)
