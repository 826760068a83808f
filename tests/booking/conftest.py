"""Booking fixtures: the demo clinic and stored assessments at each urgency, at a fixed 'now'."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.booking.services import Person
from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.intake.services import record_assessment
from tests.engine.helpers import baseline, sciatica

# Monday 7 December 2026, 07:00 UTC (= 07:00 in London, winter time).
NOW = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)

ANSWERS = {
    "self_care": baseline,
    "routine": sciatica,
    "urgent": lambda: sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable"),
    "emergency": lambda: sciatica(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse"),
}


@pytest.fixture
def clinic(db: Any) -> Clinic:
    return load_demo_clinic()


@pytest.fixture
def record_for(db: Any) -> Callable[[str], AssessmentRecord]:
    def make(level: str) -> AssessmentRecord:
        interview = Interview.objects.create(answers=ANSWERS[level]())
        record = record_assessment(interview=interview, language="en")
        assert record.triage_level == level, record.triage_level
        return record

    return make


@pytest.fixture
def person() -> Person:
    return Person("Alex Example", date(1980, 3, 27), "alex@example.org", "+44 20 7946 0001")
