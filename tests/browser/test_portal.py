"""A clinician signs in, enrols two-factor by QR code, works the worklist and reviews a case, in Chromium;
an admin then reads who did what in the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import add_diary_entry, record_assessment
from spinepath.clinic.portal.models import AuditEvent, Case, Role
from tests.engine.helpers import baseline, sciatica
from tests.portal.conftest import PASSWORD, make_staff

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_page(browser: Any) -> Iterator[Any]:
    """Staff work at a desk: a laptop-sized window."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def current_code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/staff/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def test_clinician_signs_in_enrols_two_factor_and_reviews_a_case(desk_page: Any, live_server: Any) -> None:
    page = desk_page
    clinic = load_demo_clinic()
    user = make_staff("doc", Role.CLINICIAN, clinic, enrolled=False)
    interview = Interview.objects.create(answers=sciatica())
    record_assessment(interview=interview, language="en")
    worse = Interview.objects.create(answers=baseline())
    record_assessment(interview=worse, language="en")
    add_diary_entry(
        interview=worse, pain=8, function=7, new_symptoms={"leg_weakness": ["foot_drop"]}, language="en"
    )

    page.goto(live_server.url + "/staff/")
    assert "/staff/login/" in page.url
    check_page(page, "portal-login")
    sign_in(page, live_server.url, "doc")
    assert "/staff/two-factor/" in page.url
    qr = page.locator("svg[aria-label*='QR code']")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    check_page(page, "portal-two-factor-enrol")
    page.fill("input[name=token]", current_code(user))
    page.click("button.primary")
    assert page.url.rstrip("/").endswith("/staff")
    check_page(page, "portal-worklist")

    # The diary escalation is flagged at the top, above the routine case.
    first_row = page.locator("tbody tr").first.inner_text()
    assert "diary escalation" in first_row
    page.click(f"a[href='/staff/case/{worse.public_id}/']")
    assert page.locator(".chart svg polyline").count() == 2
    page.goto(f"{live_server.url}/staff/case/{interview.public_id}/")
    main = page.inner_text("main")
    assert "Differential" in main and "Red flags and rules that fired" in main
    page.click("details summary")
    assert page.locator("details[open] p").first.is_visible()
    check_page(page, "portal-case")

    page.select_option("select[name=status]", "reviewed")
    page.fill("textarea[name=note]", "Reviewed: routine physiotherapy referral.")
    page.click("button.primary")
    assert "reviewed by doc" in page.inner_text("main")
    case = Case.objects.get(interview=interview)
    assert case.status == "reviewed" and case.reviewed_by == user and case.reviewed_at

    response = page.request.get(f"{live_server.url}/staff/case/{interview.public_id}/fhir/")
    assert response.ok and response.headers["content-type"] == "application/fhir+json"
    assert json.loads(response.text())["resourceType"] == "Bundle"
    assert {"view_case", "change_status", "export_fhir"} <= set(
        AuditEvent.objects.filter(actor_name="doc").values_list("action", flat=True)
    )


def test_admin_reads_the_audit_log_after_two_factor(desk_page: Any, live_server: Any) -> None:
    page = desk_page
    clinic = load_demo_clinic()
    admin = make_staff("boss", Role.CLINIC_ADMIN, clinic)
    AuditEvent.objects.create(actor_name="doc", action="view_case", object_type="case", clinic=clinic)
    sign_in(page, live_server.url, "boss")
    page.fill("input[name=token]", current_code(admin))
    page.click("button.primary")
    page.click("a[href='/staff/audit/']")
    rows = page.inner_text("tbody")
    assert "doc" in rows and "view_case" in rows
    check_page(page, "portal-audit")
