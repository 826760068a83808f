"""Lockout, two-factor enrolment, audit trail, FHIR export, data deletion and production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from fhir.resources.R4B.bundle import Bundle

from spinepath.clinic.intake.models import AssessmentRecord, Interview
from spinepath.clinic.portal.models import AuditEvent, Case, Role

from .conftest import PASSWORD, code_for, make_staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_lockout_after_repeated_failed_sign_ins(clinics: Any) -> None:
    make_staff("doc", Role.CLINICIAN, clinics[0])
    client = Client()
    for _ in range(5):
        client.post("/staff/login/", {"username": "doc", "password": "wrong"})
    locked = client.post("/staff/login/", {"username": "doc", "password": PASSWORD})
    assert locked.status_code == 429 or locked.status_code == 403
    assert "_auth_user_id" not in client.session


def test_correct_password_signs_in_and_asks_for_two_factor(clinics: Any) -> None:
    make_staff("doc", Role.CLINICIAN, clinics[0])
    client = Client()
    response = client.post("/staff/login/", {"username": "doc", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/")["Location"] == "/staff/two-factor/"


def test_two_factor_enrolment_by_qr_code(clinics: Any) -> None:
    user = make_staff("newdoc", Role.CLINICIAN, clinics[0], enrolled=False)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/staff/two-factor/").content.decode()
    assert "data:image/svg+xml;base64," in page and "Scan this code" in page
    assert client.post("/staff/two-factor/", {"token": code_for(user)}).status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/staff/").status_code == 200
    again = Client()  # next sign-in: a wrong code is refused (and django-otp throttles retries)
    again.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrong = "000000" if code_for(user) != "000000" else "111111"
    response = again.post("/staff/two-factor/", {"token": wrong})
    assert response.status_code == 400 and "did not match" in response.content.decode()
    assert again.get("/staff/").status_code == 302


def test_every_view_of_health_data_is_audited_and_the_log_is_append_only(
    cases: tuple[Case, Case], clinics: Any, signed_in: Callable
) -> None:
    doctor = signed_in(make_staff("doc", Role.CLINICIAN, clinics[0]))
    mine, _ = cases
    doctor.get("/staff/")
    doctor.get(f"/staff/case/{mine.interview.public_id}/")
    doctor.get(f"/staff/case/{mine.interview.public_id}/fhir/")
    actions = list(AuditEvent.objects.filter(actor_name="doc").values_list("action", flat=True))
    assert {"view_worklist", "view_case", "export_fhir"} <= set(actions)
    event = AuditEvent.objects.first()
    assert event is not None and event.ip_address == "127.0.0.1"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="edited")


def test_case_exports_as_a_valid_fhir_bundle(
    cases: tuple[Case, Case], clinics: Any, signed_in: Callable
) -> None:
    doctor = signed_in(make_staff("doc", Role.CLINICIAN, clinics[0]))
    mine, _ = cases
    response = doctor.get(f"/staff/case/{mine.interview.public_id}/fhir/")
    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    types = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert types[:3] == ["Patient", "QuestionnaireResponse", "RiskAssessment"]
    risk = bundle["entry"][2]["resource"]
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == "lumbar_disc_herniation"


def test_delete_person_data_leaves_only_the_audit_record(cases: tuple[Case, Case]) -> None:
    mine, _ = cases
    case_id = str(mine.interview.public_id)
    call_command("delete_person_data", mine.interview.token)
    assert not Interview.objects.filter(public_id=case_id).exists()
    assert not AssessmentRecord.objects.filter(interview__public_id=case_id).exists()
    assert AuditEvent.objects.filter(action="delete_person_data", object_id=case_id).exists()


def test_purge_expired_removes_old_data_only(cases: tuple[Case, Case]) -> None:
    mine, theirs = cases
    Interview.objects.filter(pk=mine.interview.pk).update(updated_at="2010-01-01T00:00:00Z")
    call_command("purge_expired", "--days", "365")
    assert not Interview.objects.filter(pk=mine.interview.pk).exists()
    assert Interview.objects.filter(pk=theirs.interview.pk).exists()


def test_production_settings_pass_check_deploy() -> None:
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }  # set only for browser tests
    env = {**env, "DJANGO_SETTINGS_MODULE": "spinepath.config.settings_production",
           "SPINEPATH_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2}  # fmt: skip
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_security_headers_on_every_page(client: Client) -> None:
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
