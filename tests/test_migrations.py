"""The committed migrations match the models, so a fresh `make run` builds the schema the code expects."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(
            f"models and migrations differ (run makemigrations): {out.getvalue()} (exit {exit_.code})"
        )


@pytest.mark.django_db(transaction=True)
def test_expiry_jobs_queued_under_the_old_path_still_run() -> None:
    """A waiting-list expiry job queued before the job moved (booking.tasks -> booking.waitlist) is
    pointed at its new place by migration 0007, so the worker can still run it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_tasks_db.models import DBTaskResult

    from spinepath.clinic.booking import waitlist

    MigrationExecutor(connection).migrate([("booking", "0006_clinic_duty_email")])
    in_a_day = timezone.now() + timedelta(days=1)
    queued = waitlist.expire_waitlist_offer.using(run_after=in_a_day).enqueue(12345, [])
    DBTaskResult.objects.filter(id=queued.id).update(
        task_path="spinepath.clinic.booking.tasks.expire_waitlist_offer"
    )
    with pytest.raises(ImportError):
        _ = DBTaskResult.objects.get(id=queued.id).task  # what the worker met before the fix

    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # 0007 repoints the job
    job = DBTaskResult.objects.get(id=queued.id)
    assert job.task_path == "spinepath.clinic.booking.waitlist.expire_waitlist_offer"
    assert job.task.func is waitlist.expire_waitlist_offer.func
    assert job.status == "READY"
