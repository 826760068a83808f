"""Erasing a person's data on request, and purging data past the retention period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from spinepath.clinic.booking import jobs
from spinepath.clinic.booking.models import Appointment, CallbackFlag, WaitlistEntry
from spinepath.clinic.intake.models import AssessmentRecord, Interview, PainDiaryEntry
from spinepath.clinic.intake.services import add_diary_entry
from spinepath.clinic.portal.models import AuditEvent, Case, CaseNote
from tests.booking.conftest import inbox  # noqa: F401 (a real SMTP server's mailbox)

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


def test_after_erasure_no_table_holds_anything_about_the_person(
    cases: tuple[Case, Case],
    inbox: Any,  # noqa: F811 (the fixture imported above)
    run_worker: Any,
) -> None:
    """Every table in the database is read after `delete_person_data`: the person's name, e-mail, phone
    and private token appear nowhere, and no background job still names their bookings."""
    from datetime import date

    from django.db import connection

    from spinepath.clinic.booking import services, waitlist
    from spinepath.clinic.booking.selectors import offer_for
    from spinepath.clinic.booking.tasks import flag_undelivered

    mine, _theirs = cases
    record = mine.interview.assessments.get()
    person = services.Person(
        "Quintessa Zyxwort", date(1971, 5, 6), "quintessa.zyx@example.org", "+44 20 7946 0999"
    )
    now = timezone.now()
    slots = offer_for(clinic=mine.clinic, assessment=record.assessment, now=now).slots
    first = services.book_appointment(clinic=mine.clinic, record=record, clinician_id=slots[0].clinician_id,
                                      start=slots[0].start, person=person, idempotency_key="erase-1", now=now)  # fmt: skip
    services.reschedule_appointment(appointment=first, clinician_id=slots[2].clinician_id, start=slots[2].start,
                                    idempotency_key="erase-2", now=now)  # fmt: skip
    waitlist.join_waitlist(clinic=mine.clinic, record=record, name=person.name, email=person.email, now=now)
    add_diary_entry(interview=mine.interview, pain=7, function=6, new_symptoms={}, language="en")
    CaseNote.objects.create(case=mine, text="Phoned Quintessa Zyxwort on +44 20 7946 0999.")
    flag_undelivered(first.pk)
    run_worker()  # confirmations, a move notice: finished job results
    assert len(inbox.messages) >= 2
    appointment_ids = set(Appointment.objects.filter(assessment=record).values_list("pk", flat=True))
    waitlist_ids = set(WaitlistEntry.objects.filter(assessment=record).values_list("pk", flat=True))
    assert jobs.jobs_about(appointment_ids=appointment_ids, waitlist_ids=waitlist_ids)

    call_command("delete_person_data", mine.interview.token)

    markers = [person.name, "Zyxwort", person.email, "7946 0999", mine.interview.token]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                found += [(table, marker) for marker in markers if marker in text]
    assert found == []
    assert jobs.jobs_about(appointment_ids=appointment_ids, waitlist_ids=waitlist_ids) == []


def test_purge_expired_also_clears_sign_in_records_sessions_and_old_job_results(
    cases: tuple[Case, Case], settings: Any
) -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from spinepath.clinic.booking.waitlist import expire_waitlist_offer

    settings.SPINEPATH_SECURITY_LOG_DAYS = 90
    long_ago = timezone.now() - timedelta(days=91)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        row = model.objects.create(username="someone", ip_address="192.0.2.1", user_agent="x",
                                   **({"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}))  # fmt: skip
        model.objects.filter(pk=row.pk).update(attempt_time=long_ago)
        model.objects.create(username="recent", ip_address="192.0.2.2", user_agent="x",
                             **({"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}))  # fmt: skip
    expired = SessionStore()
    expired["staff"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=long_ago)
    live = SessionStore()
    live["staff"] = 2
    live.create()
    job = expire_waitlist_offer.enqueue(999999, [])
    DBTaskResult.objects.filter(id=job.id).update(status="SUCCESSFUL", finished_at=long_ago)

    call_command("purge_expired", "--days", "3000")

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["recent"]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert not DBTaskResult.objects.filter(id=job.id).exists()
