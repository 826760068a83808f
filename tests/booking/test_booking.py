"""Booking rules, re-checked on the server; idempotency; the database's own guard against double booking."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from spinepath.clinic.booking import services
from spinepath.clinic.booking.models import Appointment, Clinic, Clinician
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.services import Person, RuleViolation, SlotTaken, book_appointment
from spinepath.clinic.intake.models import AssessmentRecord

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _first(clinic: Clinic, record: AssessmentRecord):  # type: ignore[no-untyped-def]
    offer = offer_for(clinic=clinic, assessment=record.assessment, now=NOW)
    return offer, offer.slots[0]


def test_routine_result_books_the_recommended_clinician(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    offer, slot = _first(clinic, record)
    appointment = book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                                   person=person, idempotency_key="k1", now=NOW)  # fmt: skip
    assert appointment.clinician.role == offer.role and appointment.urgency == "routine"
    assert appointment.start == slot.start and appointment.assessment == record


def test_same_idempotency_key_makes_one_booking(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    _, slot = _first(clinic, record)
    args = {
        "clinic": clinic,
        "record": record,
        "clinician_id": slot.clinician_id,
        "start": slot.start,
        "person": person,
        "now": NOW,
    }
    first = book_appointment(idempotency_key="double-click", **args)
    second = book_appointment(idempotency_key="double-click", **args)
    assert first.pk == second.pk and Appointment.objects.count() == 1


def test_a_taken_slot_is_refused_with_a_clear_message(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    _, slot = _first(clinic, record)
    args = {
        "clinic": clinic,
        "record": record,
        "clinician_id": slot.clinician_id,
        "start": slot.start,
        "person": person,
        "now": NOW,
    }
    book_appointment(idempotency_key="a", **args)
    with pytest.raises(SlotTaken) as error:
        book_appointment(idempotency_key="b", **{**args, "record": record_for("routine")})
    assert error.value.status == 409 and "taken" in error.value.message


def test_emergency_never_books(clinic: Clinic, record_for: Callable[..., Any], person: Person) -> None:
    record = record_for("emergency")
    assert offer_for(clinic=clinic, assessment=record.assessment, now=NOW).emergency
    doctor = Clinician.objects.get(clinic=clinic, role="spine_physician")
    with pytest.raises(RuleViolation):
        book_appointment(clinic=clinic, record=record, clinician_id=doctor.pk, start=NOW + timedelta(hours=3),
                         person=person, idempotency_key="e", now=NOW)  # fmt: skip


def test_urgent_capacity_cannot_be_taken_by_a_routine_case(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    urgent = offer_for(clinic=clinic, assessment=record_for("urgent").assessment, now=NOW)
    held = next(s for s in urgent.slots if s.urgent_slot)
    routine_record = record_for("routine")
    with pytest.raises(services.BookingError):
        book_appointment(clinic=clinic, record=routine_record, clinician_id=held.clinician_id, start=held.start,
                         person=person, idempotency_key="r", now=NOW)  # fmt: skip


def test_urgent_offers_stay_within_48_hours(clinic: Clinic, record_for: Callable[..., Any]) -> None:
    offer = offer_for(clinic=clinic, assessment=record_for("urgent").assessment, now=NOW)
    assert offer.slots and all(s.start <= NOW + timedelta(hours=48) for s in offer.slots)
    assert offer.role == "spine_surgeon"


def test_the_wrong_kind_of_clinician_is_refused(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    offer, slot = _first(clinic, record)
    other = Clinician.objects.filter(clinic=clinic).exclude(role=offer.role).first()
    assert other is not None
    with pytest.raises(RuleViolation):
        book_appointment(clinic=clinic, record=record, clinician_id=other.pk, start=slot.start, person=person,
                         idempotency_key="w", now=NOW)  # fmt: skip


def test_a_time_outside_the_rota_is_refused(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    _, slot = _first(clinic, record)
    with pytest.raises(services.BookingError):
        book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start + timedelta(minutes=7),
                         person=person, idempotency_key="x", now=NOW)  # fmt: skip


def test_urgent_with_no_free_slot_says_phone_the_clinic(
    clinic: Clinic, record_for: Callable[..., Any]
) -> None:
    Clinician.objects.filter(role="spine_surgeon").update(active=False)
    offer = offer_for(clinic=clinic, assessment=record_for("urgent").assessment, now=NOW)
    assert offer.phone_instead and not offer.slots


def test_partial_overlaps_are_impossible_on_postgresql(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite has a trigger (test_integrity.py)")
    record = record_for("routine")
    _, slot = _first(clinic, record)
    first = book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                             person=person, idempotency_key="p1", now=NOW)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            clinician=first.clinician, service=first.service, start=first.start + timedelta(minutes=10),
            end=first.start + timedelta(minutes=55), urgency="routine", person_name="X",
            date_of_birth=person.date_of_birth, idempotency_key="p2",
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_clients_on_one_slot_make_exactly_one_booking(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    records = [record_for("routine") for _ in range(10)]  # ten people (one appointment per case)
    _, slot = _first(clinic, records[0])
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def client(number: int) -> None:
        try:
            barrier.wait()
            book_appointment(clinic=clinic, record=records[number], clinician_id=slot.clinician_id, start=slot.start,
                             person=person, idempotency_key=f"parallel-{number}", now=NOW)  # fmt: skip
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        except Exception as error:  # any other failure is what this test looks for
            outcomes.append(f"error: {error!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * 9, outcomes
    assert Appointment.objects.filter(status="booked").count() == 1


def _same_request_at_once(body: dict[str, Any], key: str, copies: int) -> list[tuple[int, str]]:
    """`copies` clients send the identical booking request (one Idempotency-Key) at the same moment."""
    from django.test import Client

    answers: list[tuple[int, str]] = []
    barrier = threading.Barrier(copies)

    def send() -> None:
        try:
            barrier.wait()
            response = Client().post("/api/v1/bookings", body, content_type="application/json",
                                     HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip
            answers.append((response.status_code, response.json().get("id", response.content.decode())))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_all_get_the_same_201(
    clinic: Clinic, record_for: Callable[..., Any]
) -> None:
    """Issue #12: on PostgreSQL about one in five concurrent retries got a false 409 "just taken"."""
    from django.test import Client

    for round_number in range(4):
        token = record_for("routine").interview.token
        slot = Client().get(f"/api/v1/interviews/{token}/slots").json()["slots"][round_number]
        body = {"token": token, "clinician_id": slot["clinician_id"], "start": slot["start"], "name": "Alex",
                "date_of_birth": "1980-03-27", "email": "a@example.org"}  # fmt: skip
        answers = _same_request_at_once(body, f"same-key-{round_number}", 5)
        assert {status for status, _ in answers} == {201}, answers
        assert len({identifier for _, identifier in answers}) == 1
    assert Appointment.objects.filter(status="booked").count() == 4


def test_one_active_appointment_per_case_and_a_move_is_the_way_to_change_it(
    clinic: Clinic, record_for: Callable[[str], AssessmentRecord], person: Person
) -> None:
    from spinepath.clinic.intake.services import add_diary_entry

    record = record_for("routine")
    offer, slot = _first(clinic, record)
    first = book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                             person=person, idempotency_key="first", now=NOW)  # fmt: skip
    other = offer.slots[3]
    with pytest.raises(services.AlreadyBooked) as refused:
        book_appointment(clinic=clinic, record=record, clinician_id=other.clinician_id, start=other.start,
                         person=person, idempotency_key="second", now=NOW)  # fmt: skip
    assert refused.value.status == 409 and refused.value.appointment == first
    # A later assessment of the same case (a diary entry) is the same case: still one appointment.
    later = add_diary_entry(
        interview=record.interview, pain=5, function=5, new_symptoms={}, language="en"
    ).record
    with pytest.raises(services.AlreadyBooked):
        book_appointment(clinic=clinic, record=later, clinician_id=other.clinician_id, start=other.start,
                         person=person, idempotency_key="third", now=NOW)  # fmt: skip
    moved = services.reschedule_appointment(appointment=first, clinician_id=other.clinician_id,
                                            start=other.start, idempotency_key="move", now=NOW)  # fmt: skip
    assert moved.start == other.start
    assert Appointment.objects.filter(assessment__interview=record.interview, status="booked").count() == 1


def test_the_api_offers_to_move_the_existing_appointment(
    clinic: Clinic, record_for: Callable[[str], AssessmentRecord]
) -> None:
    import json

    from django.test import Client

    client = Client()
    token = record_for("routine").interview.token
    slots = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"]
    body = {"token": token, "clinician_id": slots[0]["clinician_id"], "start": slots[0]["start"],
            "name": "Ana", "date_of_birth": "1981-02-03", "email": "ana@example.org"}  # fmt: skip
    first = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json",
                        headers={"Idempotency-Key": "one-1234"})  # fmt: skip
    assert first.status_code == 201
    second = client.post("/api/v1/bookings", json.dumps({**body, "start": slots[2]["start"],
                         "clinician_id": slots[2]["clinician_id"]}), content_type="application/json",
                         headers={"Idempotency-Key": "two-1234"})  # fmt: skip
    assert second.status_code == 409
    [problem] = second.json()["detail"]
    assert problem["field"] == "manage_token"
    assert f"/api/v1/bookings/{first.json()['manage_token']}/reschedule" in problem["message"]
