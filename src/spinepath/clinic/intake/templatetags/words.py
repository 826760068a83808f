"""Template filters for times, zones and services in words (see spinepath.clinic.wording)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from spinepath.clinic import wording

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
