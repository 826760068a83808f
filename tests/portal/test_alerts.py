"""Reaching every patient who needs it: contact details left with consent, duty e-mails sent by the
worker (through a real SMTP server), and new alerts at the top of the worklist until opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import FollowUpContact, Interview
from spinepath.clinic.intake.services import add_diary_entry, record_assessment
from spinepath.clinic.portal import alerts
from spinepath.clinic.portal.models import Case
from spinepath.clinic.portal.selectors import worklist
from tests.booking.conftest import Inbox, body_of
from tests.engine.helpers import baseline, sciatica

from .conftest import assess

pytestmark = pytest.mark.django_db

EMERGENCY = baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
URGENT = sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable", duration="under_1_week")


def alert_jobs() -> list[Any]:
    return list(DBTaskResult.objects.filter(task_path__endswith="send_staff_alert"))


def run_worker() -> None:
    """What `manage.py db_worker` does with each ready job (the command itself closes the test's
    database connection, so the browser tests run the command and these run its step)."""
    for job in DBTaskResult.objects.ready():
        job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])


def test_an_emergency_queues_one_duty_alert_that_the_worker_sends(
    clinics: tuple[Clinic, Clinic], inbox: Inbox
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
