"""E-mail cannot hang the site or vanish: the outbox (booking/outbox.py) against a real SMTP server
(aiosmtpd), a server that accepts and never answers, and one that refuses every connection."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spinepath.clinic.booking import services
from spinepath.clinic.booking.models import Appointment, CallbackFlag, Clinic
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.services import Person
from spinepath.clinic.booking.tasks import UNDELIVERED

from .conftest import Inbox, SilentServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)  # commits as in production: on-commit work runs

SUBJECT = "Your appointment is booked"


def _deliveries() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(task_path__endswith="outbox.deliver").order_by("enqueued_at"))


def _book_on_the_web(client: Client, record: Any, email: str = "alex@example.org") -> Appointment:
    token = record.interview.token
    page = client.get(f"/booking/{token}/")
    data = {
        "slot": page.context["picker"].days[0].slots[0]["value"],
        "idempotency_key": page.context["form"].initial["idempotency_key"],
        "name": "Alex Example",
        "date_of_birth": "1980-03-27",
        "email": email,
    }
    response = client.post(f"/booking/{token}/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Appointment.objects.get(assessment=record)


def _make_retries_due() -> None:
    """Time passes: every queued retry comes due."""
    DBTaskResult.objects.filter(status="READY", task_path__endswith="outbox.deliver").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


def test_a_mail_server_that_never_answers_neither_slows_a_booking_nor_loses_its_confirmation(
    clinic: Clinic,
    record_for: Callable[..., Any],
    client: Client,
    silent_smtp: SilentServer,
    run_worker: Callable[[], int],
) -> None:
    appointment = _book_on_the_web(client, record_for("routine"))
    # The request never spoke to the mail server: the confirmation is a job, written with the booking.
    assert silent_smtp.connections == []
    [job] = _deliveries()
    assert job.status == "READY" and job.args_kwargs["args"][1] == [appointment.pk]
    # The site stays responsive meanwhile: the next request is answered.
    assert client.get("/").status_code == 200

    before = timezone.now()
    run_worker()  # the worker tries, the server says nothing, the send times out (EMAIL_TIMEOUT)
    assert len(silent_smtp.connections) == 1
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value == "failed try 1; retry queued"
    [retry] = [d for d in _deliveries() if d.status == "READY"]
    assert retry.args_kwargs["args"][2] == 2  # the second try
    assert before + timedelta(seconds=60) <= retry.run_after <= timezone.now() + timedelta(seconds=61)


def test_every_confirmation_is_delivered_once_the_server_answers_again(
    clinic: Clinic,
    record_for: Callable[..., Any],
    client: Client,
    inbox: Inbox,
    run_worker: Callable[[], int],
) -> None:
    with override_settings(EMAIL_PORT=free_port(), EMAIL_TIMEOUT=1):  # the server is down
        for index in range(3):
            _book_on_the_web(client, record_for("routine"), email=f"p{index}@example.org")
        run_worker()
        _make_retries_due()
        run_worker()  # still down: the second try fails, a third is queued further out
    retries = [d for d in _deliveries() if d.status == "READY"]
    assert sorted(d.args_kwargs["args"][2] for d in retries) == [3, 3, 3]
    assert inbox.messages == []
    _make_retries_due()
    run_worker()  # the server is back (the inbox fixture's aiosmtpd)
    assert sorted(m["To"] for m in inbox.messages) == [f"p{i}@example.org" for i in range(3)]
    assert {m["Subject"] for m in inbox.messages} == {SUBJECT}
    run_worker()
    assert len(inbox.messages) == 3  # once each, never twice


def test_past_the_deadline_the_case_is_flagged_for_staff_to_phone_and_no_address_is_kept(
    clinic: Clinic,
    record_for: Callable[..., Any],
    client: Client,
    run_worker: Callable[[], int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    address = "hidden.person@example.org"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        SPINEPATH_EMAIL_GIVE_UP_HOURS=0,  # the deadline is now: the first failure is the last
    ):
        record = record_for("routine")
        _book_on_the_web(client, record, email=address)
        with caplog.at_level(logging.INFO):
            run_worker()
    [job] = _deliveries()
    assert job.return_value == "failed try 1; given up"
    flag = CallbackFlag.objects.get(assessment=record, resolved=False)
    assert flag.reason == UNDELIVERED
    stored = [str(value) for row in DBTaskResult.objects.values_list() for value in row]
    assert not any(address in value for value in stored)
    assert address not in caplog.text and "ConnectionRefusedError" in caplog.text


def test_a_crash_before_commit_leaves_neither_the_booking_nor_its_e_mail(
    clinic: Clinic, record_for: Callable[..., Any], person: Person
) -> None:
    record = record_for("routine")
    now = timezone.now()
    slot = offer_for(clinic=clinic, assessment=record.assessment, now=now).slots[0]

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        services.book_appointment(clinic=clinic, record=record, clinician_id=slot.clinician_id,
                                  start=slot.start, person=person, idempotency_key="k", now=now)  # fmt: skip
        assert _deliveries() != []  # the confirmation (and reminder), written inside the transaction
        raise Crash
    assert not Appointment.objects.exists() and _deliveries() == []


def test_load_demo_never_waits_on_the_mail_server(silent_smtp: SilentServer) -> None:
    call_command("load_demo", stdout=io.StringIO())
    assert silent_smtp.connections == []
    assert Appointment.objects.exists() and _deliveries() != []
