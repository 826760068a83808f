"""The audit trail: every view or change of health data is recorded, nobody can change it, admins read
their own clinic's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from spinepath.clinic.portal import append_only, audit
from spinepath.clinic.portal.models import AuditEvent, Case

pytestmark = pytest.mark.django_db


def actions_by(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_name=username).order_by("at", "pk").values_list("action", flat=True)
    )


def test_every_view_and_change_of_health_data_is_recorded_with_who_what_when_and_where(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, _ = cases
    case_id = str(mine.interview.public_id)
    doctor = signed_in(staff["clinician"])
    doctor.get("/staff/")
    doctor.get("/staff/worklist.csv")
    doctor.get(f"/staff/case/{case_id}/")
    doctor.post(f"/staff/case/{case_id}/", {"status": "reviewed", "note": "Seen."})
    doctor.get(f"/staff/case/{case_id}/fhir/")
    assert actions_by("doc") == [
        "two_factor_verified",
        "view_worklist",
        "export_csv",
        "view_case",
        "change_status",
        "add_note",
        "export_fhir",
    ]
    event = AuditEvent.objects.get(actor_name="doc", action="export_fhir")
    assert event.object_type == "case" and event.object_id == case_id
    assert event.actor == staff["clinician"] and event.ip_address == "127.0.0.1" and event.at
    assert event.clinic == mine.clinic
    signed_in(staff["front_desk"]).get(f"/staff/case/{case_id}/")
    assert AuditEvent.objects.get(actor_name="desk", action="view_case").detail == "contact and booking"


def test_refused_requests_record_no_view(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    _, theirs = cases
    doctor = signed_in(staff["clinician"])
    doctor.get(f"/staff/case/{theirs.interview.public_id}/")
    signed_in(staff["front_desk"]).get(f"/staff/case/{theirs.interview.public_id}/fhir/")
    assert not AuditEvent.objects.filter(action__in=["view_case", "export_fhir"]).exists()


def test_the_log_is_append_only(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    signed_in(staff["clinician"]).get("/staff/")
    event = AuditEvent.objects.filter(action="view_worklist").get()
    event.action = "nothing_to_see"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="edited")
    assert AuditEvent.objects.filter(action="view_worklist").count() == 1


def test_the_admin_site_shows_the_log_read_only(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    boss = signed_in(staff["clinic_admin"])
    event = AuditEvent.objects.filter(actor_name="boss").first()
    assert event is not None
    assert boss.get("/admin/portal/auditevent/").status_code == 200
    assert boss.get("/admin/portal/auditevent/add/").status_code == 403
    page = boss.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert boss.post(f"/admin/portal/auditevent/{event.pk}/change/", {"action": "x"}).status_code == 403
    assert boss.get(f"/admin/portal/auditevent/{event.pk}/delete/").status_code == 403
    bulk = boss.post(
        "/admin/portal/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in {200, 302, 403}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admins_read_their_own_clinics_log_in_the_portal(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    mine, theirs = cases
    signed_in(staff["clinician"]).get(f"/staff/case/{mine.interview.public_id}/")
    signed_in(staff["other_clinician"]).get(f"/staff/case/{theirs.interview.public_id}/")
    boss = signed_in(staff["clinic_admin"])
    page = boss.get("/staff/audit/").content.decode()
    assert str(mine.interview.public_id) in page and str(theirs.interview.public_id) not in page
    assert "elsewhere" not in page
    filtered = boss.get(f"/staff/audit/?object={mine.interview.public_id}").content.decode()
    assert "view_case" in filtered and "view_worklist" not in filtered
    assert AuditEvent.objects.filter(actor_name="boss", action="view_audit_log").count() == 2


# The database's own guard (portal migration 0004): raw SQL cannot change or remove audit rows either.


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_change_or_delete_an_audit_row(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    signed_in(staff["clinician"]).get("/staff/")
    event = AuditEvent.objects.get(action="view_worklist")
    for sql in [
        "UPDATE portal_auditevent SET action = 'nothing_to_see' WHERE id = %s",
        "UPDATE portal_auditevent SET detail = '' WHERE id = %s",
        # Detaching the actor is allowed only on its own (see the next test), not to smuggle a change.
        "UPDATE portal_auditevent SET actor_id = NULL, actor_name = 'someone' WHERE id = %s",
        "DELETE FROM portal_auditevent WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql, [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM portal_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk, action="view_worklist", actor=staff["clinician"]).exists()


@pytest.mark.django_db(transaction=True)  # committed rows: no deferred checks pending before TRUNCATE
def test_truncating_the_audit_table_is_refused_on_postgresql(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    signed_in(staff["clinician"]).get("/staff/")
    for sql in ["TRUNCATE portal_auditevent", "TRUNCATE booking_clinic CASCADE"]:
        with pytest.raises(IntegrityError, match="append-only"):
            _raw(sql)
    assert AuditEvent.objects.filter(action="view_worklist").count() == 1


def test_deleting_a_staff_account_detaches_it_from_the_log_but_keeps_the_name(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    signed_in(staff["clinician"]).get("/staff/")
    staff["clinician"].delete()  # Django sets actor_id to NULL (on_delete=SET_NULL): the one allowed change
    event = AuditEvent.objects.get(action="view_worklist")
    assert event.actor is None and event.actor_name == "doc"


def test_the_guard_exists_after_migrating_and_covers_every_column() -> None:
    """On SQLite a migration that rebuilds the table drops its triggers, and the UPDATE trigger lists
    the columns it keeps unchanged: a new column must be added there (migration 0004's docstring)."""
    triggers = append_only.guard_triggers(connection)
    if connection.vendor == "postgresql":
        assert set(triggers) == {"portal_auditevent_append_only", "portal_auditevent_no_truncate"}
        return
    assert set(triggers) == {"portal_auditevent_no_update", "portal_auditevent_no_delete"}
    columns = {field.column for field in AuditEvent._meta.concrete_fields} - {"actor_id"}
    kept = set(re.findall(r"NEW\.(\w+) IS OLD\.\1", triggers["portal_auditevent_no_update"]))
    assert kept == columns


@pytest.mark.django_db(transaction=True)
def test_a_whole_database_flush_empties_the_log_and_leaves_the_guard_in_place(
    cases: tuple[Case, Case], staff: dict[str, Any], signed_in: Callable[..., Any]
) -> None:
    signed_in(staff["clinician"]).get("/staff/")
    before = append_only.guard_triggers(connection)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert append_only.guard_triggers(connection) == before
    audit.record(None, "after_flush")
    with pytest.raises(IntegrityError, match="append-only"):
        _raw("DELETE FROM portal_auditevent")
