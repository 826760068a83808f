"""Sign-in: lockout, two-factor enrolment and verification, idle timeout, the admin site; headers and
production settings."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from spinepath.clinic.portal.models import AuditEvent, Case, Role, StaffProfile

from .conftest import PASSWORD, code_for, make_staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_lockout_after_five_failed_sign_ins_even_with_the_right_password(clinics: Any) -> None:
    make_staff("doc", Role.CLINICIAN, clinics[0])
    client = Client()
    for attempt in range(4):
        response = client.post("/staff/login/", {"username": "doc", "password": f"wrong{attempt}"})
        assert response.status_code == 200 and "did not match" in response.content.decode()
    assert client.post("/staff/login/", {"username": "doc", "password": "wrong"}).status_code == 429
    locked = client.post("/staff/login/", {"username": "doc", "password": PASSWORD})
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out by these failures.
    make_staff("desk", Role.FRONT_DESK, clinics[0], enrolled=False)
    assert client.post("/staff/login/", {"username": "desk", "password": PASSWORD}).status_code == 302


def test_the_admin_site_is_behind_the_same_lockout(clinics: Any) -> None:
    make_staff("boss", Role.CLINIC_ADMIN, clinics[0])
    client = Client()
    for _ in range(5):
        client.post("/staff/login/", {"username": "boss", "password": "wrong"})
    assert client.post("/staff/login/", {"username": "boss", "password": PASSWORD}).status_code == 429
    assert client.get("/admin/", follow=True).request["PATH_INFO"] == "/staff/login/"


def test_correct_password_signs_in_then_asks_for_two_factor_and_returns_to_the_page(
    cases: tuple[Case, Case], clinics: Any
) -> None:
    user = make_staff("doc", Role.CLINICIAN, clinics[0])
    mine, _ = cases
    case_url = f"/staff/case/{mine.interview.public_id}/"
    client = Client()
    response = client.post(f"/staff/login/?next={case_url}", {"username": "doc", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == case_url
    two_factor = client.get(case_url)["Location"]
    assert two_factor.startswith("/staff/two-factor/?next=")
    verified = client.post("/staff/two-factor/", {"token": code_for(user), "next": case_url})
    assert verified.status_code == 302 and verified["Location"] == case_url
    assert client.get(case_url).status_code == 200


def test_two_factor_does_not_redirect_off_site(clinics: Any) -> None:
    user = make_staff("doc", Role.CLINICIAN, clinics[0])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/staff/two-factor/", {"token": code_for(user), "next": "https://evil.example/"})
    assert response["Location"] == "/staff/"


def test_two_factor_enrolment_by_qr_code_then_verification_at_the_next_sign_in(clinics: Any) -> None:
    user = make_staff("newdoc", Role.CLINICIAN, clinics[0], enrolled=False)
    client = Client()
    assert client.post("/staff/login/", {"username": "newdoc", "password": PASSWORD}).status_code == 302
    assert client.get("/staff/")["Location"].startswith("/staff/two-factor/")
    page = client.get("/staff/two-factor/").content.decode()
    assert '<svg role="img" aria-label="QR code' in page and "<path" in page and "Scan this code" in page
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert client.post("/staff/two-factor/", {"token": code_for(user)}).status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/staff/").status_code == 200

    again = Client()  # the next sign-in asks for a code from the same app, and shows no QR code
    again.post("/staff/login/", {"username": "newdoc", "password": PASSWORD})
    page = again.get("/staff/two-factor/").content.decode()
    assert "<svg" not in page and "Type the 6-digit code" in page
    wrong = "000000" if code_for(user) != "000000" else "111111"
    response = again.post("/staff/two-factor/", {"token": wrong})
    assert response.status_code == 400 and "did not match" in response.content.decode()
    assert again.get("/staff/").status_code == 302


def test_front_desk_needs_no_second_factor(clinics: Any) -> None:
    make_staff("desk", Role.FRONT_DESK, clinics[0], enrolled=False)
    client = Client()
    client.post("/staff/login/", {"username": "desk", "password": PASSWORD})
    assert client.get("/staff/").status_code == 200


def test_sessions_end_after_thirty_idle_minutes(clinics: Any, signed_in: Callable[..., Any]) -> None:
    client = signed_in(make_staff("doc", Role.CLINICIAN, clinics[0]))
    client.get("/staff/")
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert client.session.get_expiry_age() == 30 * 60
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 30 * 60 and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_roles_are_groups_and_only_admins_reach_the_admin_site(clinics: Any) -> None:
    user = make_staff("doc", Role.CLINICIAN, clinics[0])
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["clinician"] and not user.is_staff
    profile = StaffProfile.objects.get(user=user)
    profile.role = Role.CLINIC_ADMIN
    profile.save()
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == ["clinic_admin"] and user.is_staff
    assert user.has_perm("booking.change_clinician") and user.has_perm("portal.view_auditevent")
    assert not user.has_perm("booking.view_appointment") and not user.has_perm("portal.change_auditevent")
    profile.delete()
    user.refresh_from_db()
    assert not user.groups.exists() and not user.is_staff


def test_a_clinic_admin_cannot_reach_superusers_or_grant_superuser_powers(
    staff: dict[str, Any], signed_in: Callable[..., Any], django_user_model: Any
) -> None:
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20)
    boss = signed_in(staff["clinic_admin"])
    assert boss.get(f"/admin/auth/user/{root.pk}/change/").status_code in {302, 404}
    assert boss.get(f"/admin/auth/user/{root.pk}/password/").status_code in {302, 404}
    desk = staff["front_desk"]
    page = boss.get(f"/admin/auth/user/{desk.pk}/change/").content.decode()
    assert 'name="username"' in page and 'name="is_active"' in page  # the form is there...
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page  # ...without these
    # Staff of another clinic are not listed either.
    users = boss.get("/admin/auth/user/").content.decode()
    assert "desk" in users and "elsewhere" not in users and "root" not in users


def test_security_headers_on_every_page(client: Client) -> None:
    for url in ("/", "/staff/login/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy, url
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy, url
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_staff_pages_have_no_inline_script(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    doctor = signed_in(staff["clinician"])
    for url in ("/staff/", f"/staff/case/{mine.interview.public_id}/", "/staff/login/"):
        page = doctor.get(url).content.decode()
        assert "<script>" not in page and " onclick=" not in page and " style=" not in page, url


def test_no_health_data_reaches_the_application_logs(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any], caplog: Any
) -> None:
    mine, theirs = cases
    record = mine.interview.assessments.get()
    secrets = [record.result["differential"][0]["name"], "Left calf", "lumbar_disc_herniation"]
    secrets += [r["title"] for r in record.result["triage"]["reasons"]]
    doctor = signed_in(staff["clinician"])
    with caplog.at_level(logging.DEBUG):
        doctor.get(f"/staff/case/{mine.interview.public_id}/")
        doctor.get(f"/staff/case/{mine.interview.public_id}/fhir/")
        doctor.get(f"/staff/case/{theirs.interview.public_id}/")  # 404, logged as a warning
        doctor.get("/staff/worklist.csv")
        doctor.post(f"/staff/case/{mine.interview.public_id}/", {"status": "nonsense"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "expected at least the 404 warning"
    for secret in secrets:
        assert secret not in logged, secret


def test_production_settings_pass_check_deploy_with_no_warnings() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # browser tests only
    env |= {
        "DJANGO_SETTINGS_MODULE": "spinepath.config.settings_production",
        "SPINEPATH_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_real_secret_key() -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SPINEPATH_SECRET_KEY"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "spinepath.config.settings_production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SPINEPATH_SECRET_KEY" in result.stderr


def test_staff_passwords_are_hashed_with_argon2(clinics: Any) -> None:
    user = make_staff("doc", Role.CLINICIAN, clinics[0])
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2$") and user.check_password(PASSWORD)


def test_behind_a_proxy_the_client_address_is_audited_and_forged_hops_are_ignored(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any], settings: Any
) -> None:
    settings.SPINEPATH_PROXY_COUNT = 1
    desk = signed_in(staff["front_desk"])
    desk.get("/staff/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    event = AuditEvent.objects.get(actor_name="desk", action="view_worklist")
    assert event.ip_address == "203.0.113.7"


def test_behind_a_proxy_lockout_is_per_client_not_per_proxy(clinics: Any, settings: Any) -> None:
    settings.SPINEPATH_PROXY_COUNT = 1
    make_staff("doc", Role.CLINICIAN, clinics[0])
    attacker, colleague = Client(REMOTE_ADDR="10.0.0.2"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        attacker.post(
            "/staff/login/", {"username": "doc", "password": "wrong"}, HTTP_X_FORWARDED_FOR="198.51.100.9"
        )
    assert (
        attacker.post(
            "/staff/login/", {"username": "doc", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.9"
        ).status_code
        == 429
    )
    signed = colleague.post(
        "/staff/login/", {"username": "doc", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.44"
    )
    assert signed.status_code == 302


def test_the_first_superuser_enrols_two_factor_before_reaching_the_admin(
    db: Any, django_user_model: Any
) -> None:
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    response = client.get("/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/staff/login/"
    client.post("/staff/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    two_factor = client.get("/admin/", follow=True)
    assert (
        two_factor.request["PATH_INFO"] == "/staff/two-factor/"
        and "Scan this code" in two_factor.content.decode()
    )
    verified = client.post("/staff/two-factor/", {"token": code_for(root), "next": "/admin/"})
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_pages_and_health_data_answers_are_never_stored_by_browsers_or_proxies(
    clinics: Any, staff: dict[str, Any], signed_in: Callable[..., Any], client: Client
) -> None:
    from spinepath.clinic.intake.models import Interview
    from tests.engine.helpers import sciatica

    staff_client = signed_in(staff["clinician"])
    token = Interview.objects.create(answers=sciatica()).token
    for response in (
        staff_client.get("/staff/"),
        staff_client.get("/staff/worklist.csv"),
        client.get("/staff/login/"),
        client.get(f"/api/v1/interviews/{token}/result"),
        client.get(f"/api/v1/interviews/{token}"),
        client.get("/api/v1/staff/cases"),  # refused, still not stored
    ):
        assert "no-store" in response["Cache-Control"], response.wsgi_request.path
    assert "no-store" not in client.get("/api/v1/health").get("Cache-Control", "")


def test_logs_never_carry_private_tokens_claim_links_or_e_mail_addresses_even_in_tracebacks() -> None:
    """The configured handlers (application log and access log) redact the whole record."""
    import io

    from spinepath.clinic.intake.privacy import RedactPrivateLinks

    token = "Zk3" + "q" * 40
    signed = "1f0c2b4e-3d5a-4b6c-8d7e-9f0a1b2c3d4e:1xZ3V4:20OzS5a2bC9lY9PZ3srrupS55qnjIXxiv6q"
    address = "secret.person@example.org"
    streams = []
    for logger_name in ("", "django.server"):  # the application log and the access log
        configured = [
            handler
            for handler in logging.getLogger(logger_name).handlers
            if type(handler) is logging.StreamHandler
            and any(isinstance(f, RedactPrivateLinks) for f in handler.filters)
        ]
        assert configured, f"the {logger_name or 'root'} logger's handler redacts"
        for handler in configured:
            stream = io.StringIO()
            streams.append((handler, handler.setStream(stream), stream))
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET /api/v1/interviews/{token}/result HTTP/1.1", 200, 9
        )
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"POST /booking/claim/{signed}/ HTTP/1.1", 302, 0
        )
        logging.getLogger("spinepath.test").warning("slow request to /i/%s/diary/", token)
        try:
            raise ConnectionRefusedError(f"SMTP refused <{address}> for /booking/manage/{signed}/")
        except ConnectionRefusedError:
            logging.getLogger("spinepath.test").exception("e-mail for %s failed", address)
    finally:
        for handler, old, _stream in streams:
            handler.setStream(old)
    written = "".join(stream.getvalue() for _handler, _old, stream in streams)
    assert "ConnectionRefusedError" in written and "<private>" in written and "<e-mail>" in written
    assert token not in written and signed not in written and address not in written


def test_a_username_is_locked_after_guesses_spread_over_many_addresses_and_an_admin_can_unlock_it(
    clinics: Any, settings: Any
) -> None:
    from django.core.management import call_command

    settings.SPINEPATH_PROXY_COUNT = 1
    make_staff("doc", Role.CLINICIAN, clinics[0])
    limit = settings.SPINEPATH_LOGIN_FAILURE_LIMIT_ANY_ADDRESS
    for number in range(limit):  # fewer than 5 from each address: the per-address lock never trips
        Client().post("/staff/login/", {"username": "doc", "password": "wrong"},
                      HTTP_X_FORWARDED_FOR=f"198.51.100.{number // 2 + 1}")  # fmt: skip
    fresh = Client().post("/staff/login/", {"username": "doc", "password": PASSWORD},
                          HTTP_X_FORWARDED_FOR="192.0.2.99")  # fmt: skip
    assert fresh.status_code == 429 and "locked" in fresh.content.decode()
    call_command("axes_reset_username", "doc", stdout=io.StringIO())  # the documented recovery
    again = Client().post("/staff/login/", {"username": "doc", "password": PASSWORD},
                          HTTP_X_FORWARDED_FOR="192.0.2.99")  # fmt: skip
    assert again.status_code == 302


def test_the_session_key_changes_at_the_two_factor_step(clinics: Any) -> None:
    user = make_staff("doc2", Role.CLINICIAN, clinics[0])
    client = Client()
    client.post("/staff/login/", {"username": "doc2", "password": PASSWORD})
    before = client.session.session_key
    verified = client.post("/staff/two-factor/", {"token": code_for(user)})
    assert verified.status_code == 302
    after = client.session.session_key
    assert after and after != before
    assert client.get("/staff/").status_code == 200


def test_role_changes_need_the_changers_password_never_touch_their_own_role_and_are_audited(
    staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    boss_user, desk_user = staff["clinic_admin"], staff["front_desk"]
    boss = signed_in(boss_user)
    mine, theirs = StaffProfile.objects.get(user=boss_user), StaffProfile.objects.get(user=desk_user)

    def change(profile: StaffProfile, role: str, password: str = "") -> Any:
        return boss.post(f"/admin/portal/staffprofile/{profile.pk}/change/",
                         {"user": profile.user_id, "role": role, "clinic": profile.clinic_id,
                          "confirm_password": password})  # fmt: skip

    refused_self = change(mine, Role.CLINICIAN, PASSWORD)
    assert refused_self.status_code == 200 and "cannot change your own role" in refused_self.content.decode()
    no_password = change(theirs, Role.CLINICIAN)
    assert no_password.status_code == 200 and "Enter your own password" in no_password.content.decode()
    wrong = change(theirs, Role.CLINICIAN, "not my password")
    assert wrong.status_code == 200
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.role == Role.CLINIC_ADMIN and theirs.role == Role.FRONT_DESK
    assert not AuditEvent.objects.filter(action="role_changed").exists()

    assert change(theirs, Role.CLINICIAN, PASSWORD).status_code == 302
    theirs.refresh_from_db()
    assert theirs.role == Role.CLINICIAN
    event = AuditEvent.objects.get(action="role_changed")
    assert event.actor == boss_user and event.object_id == str(desk_user.pk)
    assert event.detail == f"{Role.FRONT_DESK} -> {Role.CLINICIAN}"
