"""Running a clinic on it, in Chromium with axe checks and screenshots: reaching an unbooked urgent
patient (contact details, then the duty inbox alert through the worker), booking and managing from the
result page, staff reading a Spanish-speaking patient's case in English, and `make run PORT=...` giving
e-mailed links that work."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.booking.models import Appointment
from spinepath.clinic.intake.models import FollowUpContact, Interview
from spinepath.clinic.intake.services import record_assessment
from spinepath.clinic.portal.models import Role
from tests.booking.conftest import Inbox, body_of, free_port
from tests.engine.helpers import sciatica
from tests.portal.conftest import make_staff

from .conftest import check_page
from .test_journeys import run_journey
from .test_portal import current_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
URGENT = sciatica(leg_weakness=["foot_drop"], weakness_change="new_stable")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    port = free_port()
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def wait_for(condition: Any, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_an_unbooked_urgent_patient_leaves_contact_details_and_the_duty_inbox_is_alerted(
    page: Any, desk: Any, live_server: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    clinic = load_demo_clinic()
    clinic.duty_email = "duty@clinic.example"
    clinic.save()
    make_staff("desk", Role.FRONT_DESK, clinic, enrolled=False)
    run_journey(page, live_server, URGENT, "contact")
    assert "Can the clinic contact you?" in page.inner_text("main")
    check_page(page, "contact-urgent-result")
    page.click("text=Send my contact details")  # nothing ticked: explained, nothing kept
    assert "tick the box" in page.inner_text("main")
    check_page(page, "contact-errors")
    page.check("input[name=consent]")
    page.fill("input[name=name]", "Sam Example")
    page.fill("input[name=phone]", "07700 900123")
    page.click("text=Send my contact details")
    assert "The clinic can now reach you" in page.inner_text("main")
    check_page(page, "contact-saved")
    assert FollowUpContact.objects.get().phone == "07700 900123"

    # Later the diary shows a new warning sign: an escalation, alerted through the worker.
    page.click("text=Open my pain diary")
    page.fill("input[name=pain]", "8")
    page.fill("input[name=function]", "8")
    page.check("input[name=new-bladder_bowel][value=numb_saddle]")
    page.click("button.primary")
    assert "When did these changes start?" in page.inner_text("main")  # the interview's follow-up first
    page.check("input[name=follow-bladder_bowel_timing][value=new_or_worse]")
    page.click("button.primary")
    assert "need help sooner" in page.inner_text("main")
    assert inbox.messages == [], "no e-mail from inside the patient's request"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port
    ):
        call_command("db_worker", batch=True, interval=0, verbosity=0)
    [alert] = inbox.to("duty@clinic.example")
    link = re.search(r"(http\S+/staff/case/\S+/)", body_of(alert))
    assert link is not None

    # The desk sees it first, marked new, with the phone number; opening it clears "new".
    sign_in(desk, live_server.url, "desk")
    first_row = desk.locator("tbody tr").first
    assert "new" in first_row.inner_text() and "07700 900123" in first_row.inner_text()
    worklist = desk.request.get(live_server.url + "/staff/")
    assert worklist.headers["refresh"] == "60"  # reloads itself, no script
    check_page(desk, "contact-worklist-new-alert")
    desk.goto(live_server.url + "/staff/" + link.group(1).split("/staff/", 1)[1])
    assert "Sam Example" in desk.inner_text("main") and "07700 900123" in desk.inner_text("main")
    check_page(desk, "contact-case")
    desk.goto(live_server.url + "/staff/")
    assert "new" not in desk.locator("tbody tr").first.locator("td").nth(1).inner_text()


def test_book_manage_from_the_result_move_and_cancel(page: Any, live_server: Any) -> None:
    load_demo_clinic()
    run_journey(page, live_server, sciatica(), "booking")
    page.get_by_role("link", name="Book an appointment").click()
    assert "Choose a day" in page.inner_text("main")
    check_page(page, "booking-choose-day")
    page.click("a.next-available")
    assert page.locator("input[name=slot]:checked").count() == 1
    assert page.locator("input[name=phone]").get_attribute("type") == "tel"
    assert "27/03/1980" in page.inner_text("main")  # the hint shows the field's own format
    check_page(page, "booking-choose-time")
    page.fill("input[name=name]", "Alex Example")
    page.fill("input[name=date_of_birth]", "27/03/1980")
    page.fill("input[name=email]", "alex@example.org")
    page.click("text=Book this time")
    assert "You are booked" in page.inner_text("main")
    assert page.get_by_role("link", name="Add to my calendar").count() == 1
    check_page(page, "booking-confirmed")
    first = Appointment.objects.get()

    # The result page now shows the appointment and how to manage it; a second booking offers the move.
    assert first.assessment is not None
    token = first.assessment.interview.token
    page.goto(f"{live_server.url}/i/{token}/result/")
    assert "Your appointment" in page.inner_text("main")
    assert page.get_by_role("link", name="Book an appointment").count() == 0
    assert page.get_by_role("link", name="Change or cancel").count() == 1
    check_page(page, "booking-result-with-appointment")
    page.goto(f"{live_server.url}/booking/{token}/")
    assert "You already have an appointment" in page.inner_text("main")
    page.click("text=Change or cancel")
    page.locator("ul.days a").nth(1).click()
    page.locator("input[name=slot]").first.check()
    page.click("text=Move my appointment")
    assert "You are booked" in page.inner_text("main")
    moved = Appointment.objects.get(status="booked")
    assert moved.start != first.start
    check_page(page, "booking-moved")

    page.click("text=Cancel this appointment")
    assert "Cancel your appointment?" in page.inner_text("main")
    assert Appointment.objects.get(pk=moved.pk).status == "booked"
    check_page(page, "booking-cancel-confirm")
    page.click("text=Yes, cancel it")
    assert "cancelled" in page.inner_text("main")
    check_page(page, "booking-cancelled")


def test_staff_read_a_spanish_speaking_patients_case_in_english(desk: Any, live_server: Any) -> None:
    from spinepath.engine import assess

    clinic = load_demo_clinic()
    user = make_staff("doc", Role.CLINICIAN, clinic)
    interview = Interview.objects.create(answers=sciatica(), language="es")
    record = record_assessment(interview=interview, language="es")
    spanish = record.assessment.differential[0].name
    english = assess(interview.answers, language="en").differential[0].name
    assert spanish != english
    sign_in(desk, live_server.url, "doc")
    desk.fill("input[name=token]", current_code(user))
    desk.click("button.primary")
    assert english in desk.inner_text("main") and spanish not in desk.inner_text("main")
    desk.goto(f"{live_server.url}/staff/case/{interview.public_id}/")
    main = desk.inner_text("main")
    assert english in main and spanish not in main and "Differential" in main
    check_page(desk, "staff-reads-spanish-case-in-english")


def test_make_run_on_another_port_mails_links_that_work(
    page: Any, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    """`make run PORT=...` (the real command: migrate, demo, worker and server) with a real SMTP server:
    the confirmation's manage link points at that port and opens the appointment."""
    inbox, smtp_port = smtp
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SPINEPATH_", "DJANGO_"))}
    environment |= {
        "SPINEPATH_VAR_DIR": str(tmp_path / "var"),
        "SPINEPATH_EMAIL_HOST": "127.0.0.1",
        "SPINEPATH_EMAIL_PORT": str(smtp_port),
    }
    log = (tmp_path / "make-run.log").open("w")
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=environment, start_new_session=True,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def serving() -> bool:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    return bool(response.status == 200)
            except OSError:
                return False

        wait_for(serving, seconds=120)
        printed = (tmp_path / "make-run.log").read_text()
        assert f"{base}/staff/" in printed and ":8000" not in printed  # load_demo prints this address
        run_journey(page, type("Server", (), {"url": base})(), sciatica(), "make-run")
        page.get_by_role("link", name="Book an appointment").click()
        page.click("a.next-available")
        page.fill("input[name=name]", "Alex Example")
        page.fill("input[name=date_of_birth]", "27/03/1980")
        page.fill("input[name=email]", "alex@example.org")
        page.click("text=Book this time")
        assert "You are booked" in page.inner_text("main")
        wait_for(lambda: bool(inbox.to("alex@example.org")), seconds=30)
        link = re.search(r"(http\S+/booking/manage/\S+/)", body_of(inbox.to("alex@example.org")[0]))
        assert link is not None and link.group(1).startswith(base + "/"), link
        page.goto("about:blank")
        page.goto(link.group(1))
        assert "You are booked" in page.inner_text("main") and "Alex" not in page.url
        check_page(page, "make-run-emailed-link")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
