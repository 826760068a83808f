"""One set of rules for contact details (clinic/contact.py), whichever door they come through: the web
booking form, the waiting-list form, the API and the booking service itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from spinepath.clinic.booking import services, waitlist
from spinepath.clinic.booking.models import Appointment, Clinic, WaitlistEntry
from spinepath.clinic.booking.selectors import offer_for

from .conftest import NOW

pytestmark = pytest.mark.django_db

BAD_NAMES = [
    "Alex\nBcc: victim@example.org",  # a line break: lines of one's own in the clinic's e-mail
    "Alex\r\nExample",
    "Alex\u2028Example",  # Unicode line separator
    "Alex\x07Example",  # a control character
    "Alex \u202eelpmaxE",  # a bidirectional override
    "A" * 101,  # too long
    "   ",  # nothing
]
BAD_PHONES = ["call me maybe", "12", "+44 20 7946 0001 0001 0001", "０２０７９４６００００"]


def _slot(clinic: Clinic, record: Any) -> Any:
    return next(s for s in offer_for(clinic=clinic, assessment=record.assessment, now=NOW).slots
                if s.start > NOW + timedelta(hours=30))  # fmt: skip


def _web_form(client: Client, token: str, **changes: str) -> int:
    page = client.get(f"/booking/{token}/")
    data = {"slot": page.context["picker"].days[0].slots[0]["value"],
            "idempotency_key": page.context["form"].initial["idempotency_key"], "name": "Alex Example",
            "date_of_birth": "1980-03-27", "email": "a@example.org", "phone": "", **changes}  # fmt: skip
    return client.post(f"/booking/{token}/", data).status_code


def _api(client: Client, token: str, **changes: str) -> int:
    slot = client.get(f"/api/v1/interviews/{token}/slots").json()["slots"][0]
    body = {"token": token, "clinician_id": slot["clinician_id"], "start": slot["start"], "name": "Alex Example",
            "date_of_birth": "1980-03-27", "email": "a@example.org", **changes}  # fmt: skip
    return client.post("/api/v1/bookings", body, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=f"k-{len(changes)}-{hash(str(changes))}").status_code  # fmt: skip


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_that_could_inject_lines_or_mislead_is_refused_at_every_door(
    clinic: Clinic, record_for: Callable[..., Any], client: Client, name: str
) -> None:
    token = record_for("routine").interview.token
    assert _web_form(client, token, name=name) == 400
    assert _api(client, token, name=name) == 422
    joined = client.post(f"/booking/{token}/waitlist/", {"name": name, "email": "s@example.org"})
    assert joined.status_code == 400
    record = record_for("routine")
    with pytest.raises(services.RuleViolation):
        services.book_appointment(clinic=clinic, record=record, clinician_id=_slot(clinic, record).clinician_id,
                                  start=_slot(clinic, record).start, idempotency_key="direct", now=NOW,
                                  person=services.Person(name, date(1980, 3, 27), "a@example.org", ""))  # fmt: skip
    with pytest.raises(services.RuleViolation):
        waitlist.join_waitlist(clinic=clinic, record=record, name=name, email="s@example.org", now=NOW)
    assert not Appointment.objects.exists() and not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_a_phone_number_must_be_a_number_at_every_door(
    clinic: Clinic, record_for: Callable[..., Any], client: Client, phone: str
) -> None:
    token = record_for("routine").interview.token
    assert _web_form(client, token, phone=phone) == 400
    assert _api(client, token, phone=phone) == 422
    assert not Appointment.objects.exists()


def test_the_same_good_details_are_accepted_and_stored_alike_by_web_and_api(
    clinic: Clinic, record_for: Callable[..., Any], client: Client
) -> None:
    details = {"name": "  José   María\u0301 O'Neil-Ng ", "phone": "+44 (20) 7946-0001"}
    assert _web_form(client, record_for("routine").interview.token, **details) == 302
    assert _api(client, record_for("routine").interview.token, **details) == 201
    stored = {(a.person_name, a.phone) for a in Appointment.objects.all()}
    assert stored == {("José Maríá O'Neil-Ng", "+44 (20) 7946-0001")}
