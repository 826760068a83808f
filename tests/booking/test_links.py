"""Links with one purpose (issue #12): the e-mailed manage link manages the appointment and nothing
else, stops working once the appointment is cancelled or over, and never opens the health record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from spinepath.clinic.booking import services
from spinepath.clinic.booking.models import Appointment, Clinic
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.tokens import manage_token

from .conftest import Inbox, body_of

pytestmark = pytest.mark.django_db


def _book(clinic: Clinic, record: Any, person: Any, key: str, nth: int = 0) -> Appointment:
    now = timezone.now()
    slot = offer_for(clinic=clinic, assessment=record.assessment, now=now).slots[nth]
    return services.book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id,
                                     start=slot.start, person=person, idempotency_key=key, now=now)  # fmt: skip


def test_the_manage_link_never_leads_to_the_answers_or_the_result(
    clinic: Clinic, record_for: Callable[..., Any], person: Any, client: Client, inbox: Inbox,
    run_worker: Callable[[], int],
) -> None:  # fmt: skip
    record = record_for("routine")
    appointment = _book(clinic, record, person, "one")
    run_worker()
    mail = body_of(inbox.messages[0])
    token = record.interview.token
    assert token not in mail and "/i/" not in mail
    url = f"/booking/manage/{manage_token(str(appointment.public_id))}/"
    for page in (client.get(url), client.post(url + "cancel/")):
        html = page.content.decode()
        assert page.status_code == 200 and token not in html and 'href="/i/' not in html
        assert f'href="/booking/{token}' not in html


def test_cancelling_revokes_the_link_and_a_second_cancel_is_harmless(
    clinic: Clinic, record_for: Callable[..., Any], person: Any, client: Client
) -> None:
    appointment = _book(clinic, record_for("routine"), person, "one")
    url = f"/booking/manage/{manage_token(str(appointment.public_id))}/"
    confirmed = client.post(url + "cancel/")
    assert confirmed.status_code == 200 and "This appointment is cancelled." in confirmed.content.decode()
    revoked = client.get(url)
    assert revoked.status_code == 410 and "no longer works" in revoked.content.decode()
    assert appointment.clinician.name not in revoked.content.decode()
    assert client.post(url + "cancel/").status_code == 200  # a double click
    moved = client.post(url + "reschedule/", {"slot": "1|2030-01-01T09:00:00+00:00", "idempotency_key": "m"})
    assert moved.status_code == 400 and Appointment.objects.filter(status="booked").count() == 0


def test_moving_revokes_the_old_link_and_the_new_one_works(
    clinic: Clinic, record_for: Callable[..., Any], person: Any, client: Client
) -> None:
    record = record_for("routine")
    appointment = _book(clinic, record, person, "one")
    old = f"/booking/manage/{manage_token(str(appointment.public_id))}/"
    later = offer_for(clinic=clinic, assessment=record.assessment, now=timezone.now()).slots[3]
    response = client.post(old + "reschedule/", {"slot": f"{later.clinician_id}|{later.start.isoformat()}",
                                                 "idempotency_key": "move"})  # fmt: skip
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client.get(old).status_code == 410


def test_the_link_expires_once_the_appointment_is_over_on_the_web_and_the_api(
    clinic: Clinic, record_for: Callable[..., Any], person: Any, client: Client
) -> None:
    appointment = _book(clinic, record_for("routine"), person, "one")
    signed = manage_token(str(appointment.public_id))
    assert client.get(f"/booking/manage/{signed}/").status_code == 200
    past = timezone.now() - timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(start=past, end=past + timedelta(minutes=30))
    over = client.get(f"/booking/manage/{signed}/")
    assert over.status_code == 404 and "not valid or has expired" in over.content.decode()
    assert (
        client.post(f"/api/v1/bookings/{signed}/cancel", {}, content_type="application/json").status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED  # a stale link changes nothing
