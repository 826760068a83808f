"""The database's own guard against overlaps (SQLite trigger), idempotency conflicts, all-or-nothing
rescheduling, and the manage pages' answers to bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from spinepath.clinic.booking.models import Appointment, Clinic, Clinician
from spinepath.clinic.booking.selectors import Slot, offer_for
from spinepath.clinic.booking.services import (
    IdempotencyConflict,
    Person,
    RuleViolation,
    SlotTaken,
    book_appointment,
    reschedule_appointment,
)
from spinepath.clinic.booking.tokens import manage_token
from spinepath.clinic.intake.models import AssessmentRecord

from .conftest import NOW, Inbox

pytestmark = pytest.mark.django_db


def _slots(clinic: Clinic, record: AssessmentRecord, now: datetime = NOW) -> tuple[Slot, Slot, Slot]:
    """The first three offered slots."""
    first, second, third, *_ = offer_for(clinic=clinic, assessment=record.assessment, now=now).slots
    return first, second, third


def _book(record: AssessmentRecord, slot: Slot, person: Person, key: str, now: datetime = NOW) -> Appointment:
    clinic = Clinician.objects.get(pk=slot.clinician_id).clinic
    return book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                            person=person, idempotency_key=key, now=now)  # fmt: skip


def _write(
    first: Appointment, start: datetime, end: datetime, key: str, status: str = "booked"
) -> Appointment:
    """An appointment written straight through the ORM: no service, no re-check, only the database."""
    return Appointment.objects.create(
        clinician=first.clinician, service=first.service, start=start, end=end, status=status,
        urgency="routine", person_name="Direct", date_of_birth=first.date_of_birth, idempotency_key=key,
    )  # fmt: skip


def test_the_sqlite_trigger_refuses_overlapping_booked_appointments_but_allows_back_to_back(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip(
            "the trigger exists on SQLite only; PostgreSQL has the exclusion constraint (test_booking)"
        )
    record = record_for("routine")
    first = _book(record, _slots(clinic, record)[0], person, "first")
    minutes = timedelta(minutes=1)
    for start, end in [
        (first.start + 10 * minutes, first.end + 10 * minutes),  # starts inside
        (first.start - 10 * minutes, first.start + minutes),  # ends inside
        (first.start - 10 * minutes, first.end + 10 * minutes),  # encloses
        (first.start + minutes, first.end - minutes),  # inside
    ]:
        with pytest.raises(IntegrityError, match="booking_appointment_no_overlap"), transaction.atomic():
            _write(first, start, end, f"overlap-{start:%H%M}-{end:%H%M}")
    # Back-to-back on either side is not an overlap ([start, end)).
    after = _write(first, first.end, first.end + 30 * minutes, "after")
    _write(first, first.start - 30 * minutes, first.start, "before")
    # Cancelled appointments do not count, but making one booked again is checked (the update trigger).
    cancelled = _write(first, first.start + 5 * minutes, first.end, "cancelled", status="cancelled")
    with pytest.raises(IntegrityError, match="booking_appointment_no_overlap"), transaction.atomic():
        Appointment.objects.filter(pk=cancelled.pk).update(status="booked")
    with pytest.raises(IntegrityError, match="booking_appointment_no_overlap"), transaction.atomic():
        Appointment.objects.filter(pk=after.pk).update(start=first.end - 5 * minutes)
    # Another clinician at the same time is fine.
    other = Clinician.objects.create(clinic=clinic, name="Dr Other", role=first.clinician.role)
    Appointment.objects.create(
        clinician=other, service=first.service, start=first.start + 10 * minutes, end=first.end + 10 * minutes,
        urgency="routine", person_name="Other", date_of_birth=first.date_of_birth, idempotency_key="other",
    )  # fmt: skip
    assert Appointment.objects.filter(status="booked").count() == 4


def test_reusing_an_idempotency_key_for_a_different_time_is_a_conflict(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    first_slot, second_slot, _ = _slots(clinic, record)
    first = _book(record, first_slot, person, "same-key")
    assert _book(record, first_slot, person, "same-key").pk == first.pk  # a retry replays
    with pytest.raises(IdempotencyConflict) as error:
        _book(record, second_slot, person, "same-key")
    assert error.value.status == 409 and "already used for a different booking" in error.value.message
    with pytest.raises(IdempotencyConflict):  # and for a different person's assessment
        _book(record_for("routine"), first_slot, person, "same-key")
    assert list(Appointment.objects.all()) == [first]


def test_the_booking_page_and_the_api_answer_a_reused_key_with_409(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    token = record_for("routine").interview.token
    page = client.get(f"/booking/{token}/")
    first, second = [slot["value"] for day in page.context["picker"].days for slot in day.slots][:2]
    data = {
        "idempotency_key": "page-key",
        "name": "Alex",
        "date_of_birth": "1980-03-27",
        "email": "a@example.org",
    }
    assert client.post(f"/booking/{token}/", {**data, "slot": first}).status_code == 302
    conflict = client.post(f"/booking/{token}/", {**data, "slot": second})
    assert conflict.status_code == 409
    assert "already used for a different booking" in conflict.content.decode()

    api_token = record_for("routine").interview.token
    slots = client.get(f"/api/v1/interviews/{api_token}/slots").json()["slots"]
    body = {"token": api_token, "clinician_id": slots[0]["clinician_id"], "start": slots[0]["start"],
            "name": "Ana", "date_of_birth": "1981-02-03", "email": "ana@example.org"}  # fmt: skip
    headers = {"Idempotency-Key": "api-key-123"}
    assert client.post("/api/v1/bookings", json.dumps(body), content_type="application/json", headers=headers).status_code == 201  # fmt: skip
    moved = {**body, "start": slots[1]["start"], "clinician_id": slots[1]["clinician_id"]}
    api_conflict = client.post("/api/v1/bookings", json.dumps(moved), content_type="application/json", headers=headers)  # fmt: skip
    assert api_conflict.status_code == 409
    assert "already used for a different booking" in api_conflict.json()["detail"][0]["message"]
    assert Appointment.objects.count() == 2


def test_a_reschedule_to_a_taken_time_leaves_the_old_appointment_booked(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Person,
    inbox: Inbox,
    run_worker: Callable[[], int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mine, theirs = record_for("routine"), record_for("routine")
    first_slot, second_slot, _ = _slots(clinic, mine)
    appointment = _book(mine, first_slot, person, "mine")
    taken = _book(theirs, second_slot, person, "theirs")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(SlotTaken):
            reschedule_appointment(appointment=appointment, clinician_id=taken.clinician_id, start=taken.start,
                                   idempotency_key="move", now=NOW)  # fmt: skip
        with pytest.raises(RuleViolation):  # a time off the rota: refused, nothing changes either
            reschedule_appointment(appointment=appointment, clinician_id=first_slot.clinician_id,
                                   start=first_slot.start + timedelta(minutes=7), idempotency_key="move-2", now=NOW)  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.cancelled_at is None
    assert Appointment.objects.filter(status="booked").count() == 2
    assert not Appointment.objects.filter(idempotency_key__startswith="move").exists()
    run_worker()
    # no cancellation e-mail, no waiting-list offer: only the two bookings' confirmations
    assert callbacks == [] and [m["Subject"] for m in inbox.messages] == ["Your appointment is booked"] * 2


def test_a_reschedule_happens_once_and_a_cancelled_appointment_cannot_be_moved(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    first_slot, second_slot, third_slot = _slots(clinic, record)
    appointment = _book(record, first_slot, person, "book")
    moved = reschedule_appointment(appointment=appointment, clinician_id=second_slot.clinician_id,
                                   start=second_slot.start, idempotency_key="move-1", now=NOW)  # fmt: skip
    retry = reschedule_appointment(appointment=appointment, clinician_id=second_slot.clinician_id,
                                   start=second_slot.start, idempotency_key="move-1", now=NOW)  # fmt: skip
    assert retry.pk == moved.pk
    # A second tab, with its own key, on the old (now cancelled) appointment: refused, not a second booking.
    with pytest.raises(RuleViolation, match="cancelled"):
        reschedule_appointment(appointment=appointment, clinician_id=third_slot.clinician_id,
                               start=third_slot.start, idempotency_key="move-2", now=NOW)  # fmt: skip
    assert list(Appointment.objects.filter(status="booked")) == [moved]


def test_the_manage_page_answers_bad_input_with_4xx_and_a_message(
    clinic: Clinic, record_for: Callable[..., Any], person: Person, client: Client
) -> None:
    now = timezone.now()  # the pages run on the wall clock
    mine, theirs = record_for("routine"), record_for("routine")
    first_slot, second_slot, _ = _slots(clinic, mine, now)
    appointment = _book(mine, first_slot, person, "mine", now)
    taken = _book(theirs, second_slot, person, "theirs", now)
    url = f"/booking/manage/{manage_token(str(appointment.public_id))}/"

    for data in ({"slot": "nonsense", "idempotency_key": "k"}, {"slot": f"{taken.clinician_id}|x"}, {}):
        response = client.post(url + "reschedule/", data)
        assert response.status_code == 400
        assert "Please choose a new time from the list." in response.content.decode()
    slot = f"{taken.clinician_id}|{taken.start.isoformat()}"
    response = client.post(url + "reschedule/", {"slot": slot, "idempotency_key": "move"})
    page = response.content.decode()
    assert response.status_code == 409 and "just been taken" in page and "You are booked" in page
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED

    assert client.get(url + "reschedule/").status_code == 405
    asked = client.get(url + "cancel/")  # GET only asks "are you sure?"
    assert asked.status_code == 200 and "Yes, cancel it" in asked.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    for bad in (
        "/booking/manage/forged/",
        "/booking/manage/forged/cancel/",
        "/booking/manage/forged/reschedule/",
    ):
        response = client.get(bad) if bad.endswith("forged/") else client.post(bad)
        assert (
            response.status_code == 404
            and "This link is not valid or has expired" in response.content.decode()
        )

    client.post(url + "cancel/")
    fresh = f"{first_slot.clinician_id}|{first_slot.start.isoformat()}"
    refused = client.post(url + "reschedule/", {"slot": fresh, "idempotency_key": "after-cancel"})
    assert refused.status_code == 400 and "cannot be moved" in refused.content.decode()
    assert "To book a new time, phone" in refused.content.decode()  # the manage link never opens the answers


@pytest.mark.django_db(transaction=True)
def test_a_locked_database_gives_the_booking_form_a_plain_503_that_says_try_again(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a locked database file is SQLite's fault (PostgreSQL: tests/api/test_faults.py)")
    token = record_for("routine").interview.token
    page = client.get(f"/booking/{token}/")
    data = {"slot": page.context["picker"].days[0].slots[0]["value"],
            "idempotency_key": page.context["form"].initial["idempotency_key"], "name": "Alex",
            "date_of_birth": "1980-03-27", "email": "a@example.org"}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout=200")  # wait 0.2 s for the lock, not the usual 20 s
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for a long time
    try:
        response = client.post(f"/booking/{token}/", data)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert (
        "Please try again" in response.content.decode() and "Nothing was changed" in response.content.decode()
    )
    assert not Appointment.objects.exists()
    assert client.post(f"/booking/{token}/", data).status_code == 302  # and once the lock is gone, it works
