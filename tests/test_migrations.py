"""The committed migrations match the models, so a fresh `make run` builds the schema the code expects."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(
            f"models and migrations differ (run makemigrations): {out.getvalue()} (exit {exit_.code})"
        )
