"""Erasing a person's data on request, and purging data past the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from spinepath.clinic.booking.models import Appointment, CallbackFlag, WaitlistEntry
from spinepath.clinic.intake.models import AssessmentRecord, Interview, PainDiaryEntry
from spinepath.clinic.intake.services import add_diary_entry
from spinepath.clinic.portal.models import AuditEvent, Case, CaseNote

from .conftest import book

pytestmark = pytest.mark.django_db


def everything_about(interview_id: int) -> dict[str, int]:
    return {
        "interview": Interview.objects.filter(pk=interview_id).count(),
        "assessments": AssessmentRecord.objects.filter(interview_id=interview_id).count(),
        "diary": PainDiaryEntry.objects.filter(interview_id=interview_id).count(),
        "case": Case.objects.filter(interview_id=interview_id).count(),
        "notes": CaseNote.objects.filter(case__interview_id=interview_id).count(),
    }


def give_them_data(case: Case) -> None:
    """A booking, a waitlist entry, a call-back flag, a diary entry and a note for this person."""
    record = case.interview.assessments.get()
    book(record, name="Ana Example")
    WaitlistEntry.objects.create(
        clinic=case.clinic, role="spine_physician", urgency="routine", person_name="Ana Example",
        email="ana@example.org", assessment=record,
    )  # fmt: skip
    CallbackFlag.objects.create(assessment=record, clinic=case.clinic, reason="no urgent slot")
    add_diary_entry(interview=case.interview, pain=6, function=5, new_symptoms={}, language="en")
    CaseNote.objects.create(case=case, text="Phoned, left a message.")


def test_delete_person_data_leaves_only_the_audit_record(cases: tuple[Case, Case]) -> None:
    mine, theirs = cases
    give_them_data(mine)
    give_them_data(theirs)
    interview_id, case_id, clinic = mine.interview.pk, str(mine.interview.public_id), mine.clinic
    assert all(everything_about(interview_id).values())

    call_command("delete_person_data", mine.interview.token)

    assert not any(everything_about(interview_id).values())
    assert not Appointment.objects.filter(person_name="Ana Example", assessment__isnull=True).exists()
    assert Appointment.objects.count() == 1 and WaitlistEntry.objects.count() == 1  # theirs
    assert CallbackFlag.objects.count() == 1
    event = AuditEvent.objects.get(action="delete_person_data")
    assert event.object_id == case_id and event.clinic == clinic and event.actor is None
    assert "Ana" not in event.detail and "ana@" not in event.detail
    assert all(everything_about(theirs.interview.pk).values())  # the other person is untouched


def test_delete_person_data_accepts_the_case_id_and_refuses_unknown_ids(cases: tuple[Case, Case]) -> None:
    mine, _ = cases
    call_command("delete_person_data", str(mine.interview.public_id), "--reason", "GDPR art. 17 request")
    assert not Interview.objects.filter(pk=mine.interview.pk).exists()
    assert "GDPR art. 17" in AuditEvent.objects.get(action="delete_person_data").detail
    for unknown in (str(mine.interview.public_id), "not-a-token"):
        with pytest.raises(CommandError):
            call_command("delete_person_data", unknown)


def test_purge_expired_removes_old_data_only(cases: tuple[Case, Case]) -> None:
    mine, theirs = cases
    give_them_data(mine)
    old_booking = book(theirs.interview.assessments.get(), name="Old Booking", days_ahead=-400)
    Appointment.objects.filter(pk=old_booking.pk).update(assessment=None)  # booked without an interview
    Interview.objects.filter(pk=mine.interview.pk).update(updated_at=timezone.now() - timedelta(days=400))

    call_command("purge_expired", "--days", "365")

    assert not any(everything_about(mine.interview.pk).values())
    assert not Appointment.objects.filter(person_name__in=["Ana Example", "Old Booking"]).exists()
    assert not WaitlistEntry.objects.exists()
    kept = everything_about(theirs.interview.pk)
    assert kept["interview"] == kept["assessments"] == kept["case"] == 1
    event = AuditEvent.objects.get(action="purge_expired")
    assert event.object_id == "1" and "older than 365 days" in event.detail


def test_purge_refuses_a_retention_period_below_one_day() -> None:
    with pytest.raises(CommandError):
        call_command("purge_expired", "--days", "0")
