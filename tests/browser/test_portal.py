"""A clinician signs in, enrols two-factor by QR code, works the worklist and reviews a case, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.booking.demo import load_demo_clinic
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import record_assessment
from spinepath.clinic.portal.models import Case, Role
from tests.engine.helpers import sciatica
from tests.portal.conftest import PASSWORD, make_staff

from .conftest import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_signs_in_enrols_two_factor_and_reviews_a_case(page: Any, live_server: Any) -> None:
    clinic = load_demo_clinic()
    user = make_staff("doc", Role.CLINICIAN, clinic, enrolled=False)
    interview = Interview.objects.create(answers=sciatica())
    record_assessment(interview=interview, language="en")

    page.goto(live_server.url + "/staff/")
    check_page(page, "portal-login")
    page.fill("input[name=username]", "doc")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    assert "/staff/two-factor/" in page.url
    assert page.locator("img[alt*='QR code']").is_visible()
    check_page(page, "portal-two-factor-enrol")
    device = TOTPDevice.objects.get(user=user)
    page.fill(
        "input[name=token]",
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
    )
    page.click("button.primary")
    assert page.url.rstrip("/").endswith("/staff")
    check_page(page, "portal-worklist")
    page.click("table a")
    assert "Differential" in page.inner_text("main")
    check_page(page, "portal-case")
    page.select_option("select[name=status]", "reviewed")
    page.fill("textarea[name=note]", "Reviewed: routine physiotherapy referral.")
    page.click("button.primary")
    case = Case.objects.get(interview=interview)
    assert case.status == "reviewed" and case.reviewed_by == user
