"""E-mail through a real SMTP server (aiosmtpd), reminders by the worker, and the booking pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from spinepath.clinic.booking import services, waitlist
from spinepath.clinic.booking.models import Appointment, CallbackFlag, Clinic, Clinician, WaitlistEntry
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.tasks import send_appointment_reminder
from spinepath.clinic.booking.tokens import SALT, manage_token, read_manage_token

from .conftest import NOW, Inbox, body_of

pytestmark = pytest.mark.django_db


def _book(clinic: Clinic, record: Any, person: Any, key: str = "k") -> Appointment:
    offer = offer_for(clinic=clinic, assessment=record.assessment, now=NOW)
    slot = next(s for s in offer.slots if s.start > NOW + timedelta(hours=30))
    return services.book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id, start=slot.start,
                                     person=person, idempotency_key=key, now=NOW)  # fmt: skip


def test_confirmation_email_has_the_calendar_invitation_in_the_clinic_zone(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Any,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
    run_worker: Callable[[], int],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = _book(clinic, record_for("routine"), person)
    assert inbox.messages == []  # never sent in the request: the worker sends it
    run_worker()
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "alex@example.org" and message["Subject"] == "Your appointment is booked"
    attachment = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    event = Calendar.from_ical(bytes(attachment.get_payload(decode=True))).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/London" and start == appointment.start
    body = message.get_payload(0)
    assert isinstance(body, Message)
    assert "/booking/manage/" in bytes(body.get_payload(decode=True)).decode()


def test_reminder_is_queued_for_24_hours_before_and_never_sent_at_booking_time(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Any,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
    run_worker: Callable[[], int],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appointment = _book(clinic, record_for("routine"), person)
    run_worker()
    [queued] = DBTaskResult.objects.filter(status="READY")
    assert queued.run_after == appointment.start - timedelta(hours=24)
    assert [m["Subject"] for m in inbox.messages] == ["Your appointment is booked"]


def test_reminder_is_sent_once_and_not_after_cancelling(
    clinic: Clinic, record_for: Callable[..., Any], person: Any, inbox: Inbox
) -> None:
    appointment = _book(clinic, record_for("routine"), person)
    assert send_appointment_reminder.call(appointment.pk) == "sent"
    assert send_appointment_reminder.call(appointment.pk) == "already sent"
    assert [m["Subject"] for m in inbox.messages] == ["Reminder: your appointment tomorrow"]
    other = _book(clinic, record_for("routine"), person, key="other")
    services.cancel_appointment(appointment=other)
    assert send_appointment_reminder.call(other.pk) == "cancelled"
    assert len(inbox.messages) == 1


def test_manage_links_are_signed_and_expire() -> None:
    token = manage_token("abc")
    assert read_manage_token(token) == "abc"
    assert read_manage_token(token[:-2] + "xx") is None

    class LongAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(0)  # 1970: long expired

    assert read_manage_token(LongAgo(salt=SALT).sign("abc")) is None


def test_a_move_says_moved_and_a_cancellation_says_cancelled(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Any,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
    run_worker: Callable[[], int],
) -> None:
    appointment = _book(clinic, record_for("routine"), person)
    assert appointment.assessment is not None
    later = next(s for s in offer_for(clinic=clinic, assessment=appointment.assessment.assessment, now=NOW).slots
                 if s.start > appointment.start)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.reschedule_appointment(appointment=appointment, clinician_id=later.clinician_id,
                                                start=later.start, idempotency_key="move", now=NOW)  # fmt: skip
    inbox.messages.clear()
    run_worker()
    [message] = inbox.messages  # one e-mail for a move
    assert message["Subject"] == "Your appointment has moved"
    body = body_of(message)
    assert "has moved to" in body and "is booked" not in body
    assert "Your old time," in body and "/booking/manage/" in body
    calendars = [
        part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "text/calendar"
    ]
    assert sorted(b"METHOD:CANCEL" in ics for ics in calendars) == [False, True]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=moved, now=NOW)
    run_worker()
    assert inbox.messages[-1]["Subject"] == "Your appointment is cancelled"
    assert "is cancelled" in body_of(inbox.messages[-1])


def test_freed_slot_is_offered_to_the_waitlist(
    clinic: Clinic,
    record_for: Callable[..., Any],
    person: Any,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
    run_worker: Callable[[], int],
) -> None:
    appointment = _book(clinic, record_for("routine"), person)
    waiting = waitlist.join_waitlist(
        clinic=clinic, record=record_for("routine"), name="Sam", email="sam@example.org", now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_appointment(appointment=appointment, now=NOW)
    run_worker()
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED and waiting.offered_start == appointment.start
    assert any(m["To"] == "sam@example.org" for m in inbox.messages)


def test_booking_pages_end_to_end(clinic: Clinic, record_for: Callable[..., Any], client: Client) -> None:
    record = record_for("routine")
    token = record.interview.token
    page = client.get(f"/booking/{token}/")
    assert page.status_code == 200 and "Choose a day" in page.content.decode()
    picker = page.context["picker"]
    assert picker.day is None and "Next available" in page.content.decode()
    value = picker.next_available["value"]
    day_page = client.get(f"/booking/{token}/", {"day": picker.next_available["day"], "slot": value})
    assert f'value="{value}" checked' in day_page.content.decode()
    assert 'type="tel"' in day_page.content.decode()
    assert day_page.content.decode().count('name="slot"') == len(day_page.context["picker"].day.slots)
    key = day_page.context["form"].initial["idempotency_key"]
    data = {
        "slot": value,
        "idempotency_key": key,
        "name": "Alex",
        "date_of_birth": "1980-03-27",
        "email": "a@example.org",
    }
    booked = client.post(f"/booking/{token}/", data)
    assert booked.status_code == 302 and "/booking/manage/" in booked["Location"]
    again = client.post(f"/booking/{token}/", data)  # double click: same key
    assert again["Location"] == booked["Location"] and Appointment.objects.count() == 1
    other = client.post(f"/booking/{token}/", {**data, "idempotency_key": "another"})
    assert other.status_code == 409 and "already have an appointment" in other.content.decode()
    assert "/booking/manage/" in other.content.decode()  # the offer to move it
    manage_url = booked["Location"].split("?")[0]
    manage_page = client.get(booked["Location"])
    assert "You are booked" in manage_page.content.decode()
    assert client.get(manage_url + "appointment.ics")["Content-Type"].startswith("text/calendar")
    asked = client.get(manage_url + "cancel/")
    assert asked.status_code == 200 and "Yes, cancel it" in asked.content.decode()
    assert Appointment.objects.get().status == "booked", "asking is not cancelling"
    client.post(manage_url + "cancel/")
    assert Appointment.objects.get().status == "cancelled"


def test_bad_booking_input_gets_4xx_not_500(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    token = record_for("routine").interview.token
    base = {"idempotency_key": "k", "name": "Alex", "date_of_birth": "1980-03-27", "email": "a@example.org"}
    assert client.post(f"/booking/{token}/", {**base, "slot": "nonsense"}).status_code == 400
    assert client.post(f"/booking/{token}/", {**base, "slot": "1|2026-12-08T09:00:00"}).status_code == 400
    assert (
        client.post(f"/booking/{token}/", {**base, "slot": "999|2026-12-08T09:00:00+00:00"}).status_code
        == 400
    )
    assert (
        client.post(f"/booking/{token}/", {**base, "date_of_birth": "2999-01-01", "slot": "1|x"}).status_code
        == 400
    )
    no_contact = {k: v for k, v in base.items() if k != "email"}
    response = client.post(f"/booking/{token}/", {**no_contact, "slot": "1|x"})
    assert response.status_code == 400 and "e-mail address or a phone number" in response.content.decode()
    assert client.get("/booking/manage/forged-token/").status_code == 404
    assert client.get("/booking/not-a-token/").status_code == 404


def test_emergency_result_shows_instructions_instead_of_slots(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    page = client.get(f"/booking/{record_for('emergency').interview.token}/").content.decode()
    assert "Do not book" in page and "Choose a time" not in page


def test_urgent_without_free_capacity_asks_to_phone_and_flags_the_case(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    Clinician.objects.filter(role="spine_surgeon").update(active=False)
    record = record_for("urgent")
    page = client.get(f"/booking/{record.interview.token}/").content.decode()
    assert clinic.phone in page
    assert CallbackFlag.objects.filter(assessment=record).exists()


def test_booking_pages_in_spanish(clinic: Clinic, record_for: Callable[..., Any], client: Client) -> None:
    client.cookies["django_language"] = "es"
    page = client.get(f"/booking/{record_for('routine').interview.token}/").content.decode()
    assert "Elija un día" in page and "Próxima cita libre" in page
