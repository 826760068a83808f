"""Reaching every patient who needs it: contact details left with consent, duty e-mails sent by the
worker (through a real SMTP server), and new alerts at the top of the worklist until opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import FollowUpContact, Interview
from spinepath.clinic.intake.services import add_diary_entry, record_assessment
from spinepath.clinic.portal import alerts
from spinepath.clinic.portal.models import Case
from spinepath.clinic.portal.selectors import worklist
from spinepath.clinic.portal.services import delete_person_data
from tests.booking.conftest import Inbox, body_of, free_port
from tests.engine.helpers import baseline, sciatica

from .conftest import assess

pytestmark = pytest.mark.django_db

EMERGENCY = baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
URGENT = sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable", duration="under_1_week")


def alert_jobs() -> list[Any]:
    """The duty alerts waiting in (or sent from) the outbox: the same outbox as every other e-mail."""
    senders = {f"{sender.__module__}.{sender.__qualname__}" for sender in alerts.SENDERS.values()}
    return [
        job
        for job in DBTaskResult.objects.filter(task_path__endswith="outbox.deliver")
        if job.args_kwargs["args"][0] in senders
    ]


def test_an_emergency_queues_one_duty_alert_that_the_worker_sends(
    clinics: tuple[Clinic, Clinic], inbox: Inbox, run_worker: Callable[[], int]
) -> None:
    home, _other = clinics
    home.duty_email = "duty@clinic.example"
    home.save()
    case = assess(EMERGENCY)
    assert len(alert_jobs()) == 1, "queued with the result, not sent in the request"
    assert inbox.messages == []
    run_worker()
    [message] = inbox.to("duty@clinic.example")
    assert "Emergency" in message["Subject"]
    body = body_of(message)
    assert f"/staff/case/{case.interview.public_id}/" in body or str(case.interview.public_id) in body
    assert "numb" not in body.lower(), "no health detail in the e-mail"
    # The same emergency stored again (a page reload) does not alert twice.
    record_assessment(interview=case.interview, language="en")
    assert len(alert_jobs()) == 1


def test_a_duty_alert_goes_through_the_outbox_and_is_retried_while_the_mail_server_is_down(
    clinics: tuple[Clinic, Clinic], inbox: Inbox, run_worker: Callable[[], int]
) -> None:
    """The same outbox as the patients' e-mails: a failed send is tried again later, not lost."""
    home, _other = clinics
    home.duty_email = "duty@clinic.example"
    home.save()
    with override_settings(EMAIL_PORT=free_port(), EMAIL_TIMEOUT=1):  # nothing listens there
        assess(EMERGENCY)
        run_worker()
    [first] = [job for job in alert_jobs() if job.status == "SUCCESSFUL"]
    assert first.return_value == "failed try 1; retry queued"
    [retry] = [job for job in alert_jobs() if job.status == "READY"]
    assert retry.args_kwargs["args"][2] == 2 and inbox.messages == []
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    run_worker()  # the server answers again
    [message] = inbox.to("duty@clinic.example")
    assert "Emergency" in message["Subject"]


def test_erasing_a_person_removes_the_alert_jobs_that_name_their_case(
    clinics: tuple[Clinic, Clinic], inbox: Inbox, run_worker: Callable[[], int]
) -> None:
    case = assess(EMERGENCY)
    run_worker()
    assert alert_jobs()
    delete_person_data(interview=case.interview, reason="asked to be forgotten")
    assert alert_jobs() == []


@override_settings(DUTY_EMAIL="oncall@site.example")
def test_without_a_clinic_duty_address_the_setting_is_used(clinics: tuple[Clinic, Clinic]) -> None:
    home, _other = clinics
    assert alerts.duty_address(home) == "oncall@site.example"
    home.duty_email = "duty@clinic.example"
    assert alerts.duty_address(home) == "duty@clinic.example"


def test_a_diary_escalation_alerts_and_routine_results_do_not(clinics: tuple[Clinic, Clinic]) -> None:
    case = assess(sciatica())
    assert alert_jobs() == []
    add_diary_entry(interview=case.interview, pain=5, function=5, new_symptoms={}, language="en")
    assert alert_jobs() == [], "a diary entry that changes nothing alerts nobody"
    add_diary_entry(
        interview=case.interview,
        pain=6,
        function=6,
        new_symptoms={"leg_weakness": ["foot_drop"]},
        language="en",
    )
    case.refresh_from_db()
    assert case.interview.escalated
    assert len(alert_jobs()) == 1
    assert case.is_new_alert


def test_new_alerts_stand_at_the_top_until_opened(
    clinics: tuple[Clinic, Clinic], staff: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    home, _other = clinics
    older_emergency = assess(EMERGENCY)
    Case.objects.filter(pk=older_emergency.pk).update(opened_at=None)
    assess(URGENT)
    newest = assess(baseline(bladder_bowel=["cannot_pee"], bladder_bowel_timing="new_or_worse"))
    rows = worklist(clinic=home, filters={"open": True})
    assert [row.is_new for row in rows[:2]] == [True, True]
    client = signed_in(staff["front_desk"])
    response = client.get("/staff/")
    page = response.content.decode()
    assert response["Refresh"] == "60"  # reloads itself without script
    assert "Refresh" not in client.get("/staff/?refresh=off")  # the staff member can stop it
    assert "Refresh" not in client.get("/staff/")
    assert client.get("/staff/?refresh=on")["Refresh"] == "60"
    assert page.count(">new</strong>") == 2
    assert client.get(f"/staff/case/{newest.interview.public_id}/").status_code == 200
    rows = worklist(clinic=home, filters={"open": True})
    opened = next(row for row in rows if row.case.pk == newest.pk)
    assert not opened.is_new
    assert rows[0].case.pk == older_emergency.pk and rows[0].is_new


def test_an_unbooked_urgent_person_leaves_a_phone_number_with_consent(
    clinics: tuple[Clinic, Clinic], staff: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    case = assess(URGENT)
    token = case.interview.token
    person = Client()
    page = person.get(f"/i/{token}/result/").content.decode()
    assert "Can the clinic contact you?" in page and 'type="tel"' in page
    refused = person.post(f"/i/{token}/contact/", {"phone": "07700 900123"})
    assert refused.status_code == 400 and "tick the box" in refused.content.decode()
    empty = person.post(f"/i/{token}/contact/", {"consent": "on"})
    assert empty.status_code == 400 and "phone number or an e-mail" in empty.content.decode()
    bad = person.post(f"/i/{token}/contact/", {"consent": "on", "phone": "call me maybe"})
    assert bad.status_code == 400
    saved = person.post(f"/i/{token}/contact/", {"consent": "on", "phone": "07700 900123"})
    assert saved.status_code == 302 and saved["Location"].endswith("/result/#contact")
    contact = FollowUpContact.objects.get(interview=case.interview)
    assert contact.phone == "07700 900123" and contact.consented_at is not None
    assert "07700 900123" in person.get(f"/i/{token}/result/").content.decode()
    desk = signed_in(staff["front_desk"]).get("/staff/").content.decode()
    assert 'href="tel:07700 900123"' in desk


def test_the_emergency_page_asks_for_contact_and_routine_results_do_not(
    clinics: tuple[Clinic, Clinic],
) -> None:
    emergency = assess(EMERGENCY)
    page = Client().get(f"/i/{emergency.interview.token}/emergency/").content.decode()
    assert "Can the clinic contact you?" in page
    routine = assess(sciatica())
    assert (
        "Can the clinic contact you?"
        not in Client().get(f"/i/{routine.interview.token}/result/").content.decode()
    )
    assert Interview.objects.count() == 2
    # The form is not shown to a routine result, and posting it anyway keeps nothing.
    refused = Client().post(
        f"/i/{routine.interview.token}/contact/", {"consent": "on", "phone": "07700 900123"}
    )
    assert refused.status_code == 409 and "book from your result page" in refused.content.decode()
    assert not FollowUpContact.objects.filter(interview=routine.interview).exists()
