"""Background jobs for staff, run by the database-backed worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from . import alerts


@task()
def send_staff_alert(case_id: int, reason: str) -> str:
    """E-mail the clinic's duty address about a case that needs attention now."""
    return "sent" if alerts.send_alert(case_id=case_id, reason=reason) else "no duty address"
