"""Settings fail loudly on bad values, have no side effects on import, and are all documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spinepath.config.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "src" / "spinepath" / "config"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("off", False), ("0", False), ("", False)],
)
def test_env_bool_reads_the_usual_words(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("SPINEPATH_TEST_FLAG", value)
    assert env_bool("SPINEPATH_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("typo", ["ture", "yes please", "2", "enabled"])
def test_env_bool_refuses_a_typo_instead_of_reading_it_as_false(
    monkeypatch: pytest.MonkeyPatch, typo: str
) -> None:
    monkeypatch.setenv("SPINEPATH_TEST_FLAG", typo)
    with pytest.raises(ImproperlyConfigured, match="SPINEPATH_TEST_FLAG"):
        env_bool("SPINEPATH_TEST_FLAG", False)


def test_env_bool_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINEPATH_TEST_FLAG", raising=False)
    assert env_bool("SPINEPATH_TEST_FLAG", True) is True


@pytest.mark.parametrize("bad", ["five", "2.5", "-1"])
def test_env_int_refuses_what_is_not_a_whole_number_in_range(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("SPINEPATH_TEST_NUMBER", bad)
    with pytest.raises(ImproperlyConfigured, match="SPINEPATH_TEST_NUMBER"):
        env_int("SPINEPATH_TEST_NUMBER", 3)


def test_env_int_reads_a_number_and_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINEPATH_TEST_NUMBER", " 42 ")
    assert env_int("SPINEPATH_TEST_NUMBER", 3) == 42
    monkeypatch.delenv("SPINEPATH_TEST_NUMBER")
    assert env_int("SPINEPATH_TEST_NUMBER", 3) == 3


def test_importing_the_settings_creates_no_files(tmp_path: Path) -> None:
    state = tmp_path / "state"
    environment = {
        **os.environ,
        "SPINEPATH_VAR_DIR": str(state),
        "DJANGO_SETTINGS_MODULE": "spinepath.config.settings",
    }
    subprocess.run(
        [sys.executable, "-c", "import spinepath.config.settings"], cwd=tmp_path, env=environment, check=True
    )
    assert not state.exists()
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=tmp_path, env=environment, check=True
    )
    assert (state / "outbox").is_dir()  # made at start-up, where the demo writes e-mails


def test_a_bad_setting_stops_start_up_with_its_name(tmp_path: Path) -> None:
    environment = {**os.environ, "SPINEPATH_DEBUG": "ture", "SPINEPATH_VAR_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", "import spinepath.config.settings"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "SPINEPATH_DEBUG" in run.stderr


def test_every_environment_variable_is_in_the_deploy_table() -> None:
    used = set()
    for path in SETTINGS.glob("*.py"):
        used |= set(re.findall(r"\b(SPINEPATH_[A-Z_]+|DATABASE_URL)\b", path.read_text()))
    table = (ROOT / "docs" / "deploy.md").read_text()
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert used - rows == set(), (
        f"document these in docs/deploy.md's environment table: {sorted(used - rows)}"
    )
