"""The command line: questionnaire, assess (text and JSON), interview, vignettes; exit 2 on bad input."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from tests.engine.helpers import sciatica

CLI = [sys.executable, "-m", "spinepath.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_assess_json_has_the_documented_fields(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(sciatica()))
    result = run("assess", str(answers), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["triage"]["level"] in {"self_care", "routine", "soon", "urgent", "emergency"}
    assert data["triage"]["reasons"]
    first = data["differential"][0]
    assert {"id", "name", "probability", "explanation"} <= set(first)
    assert data["next_step"]["clinician"] and data["plan"]["safety_net"]
    assert len(data["knowledge_version"]) == 12


def test_assess_text_is_readable(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(sciatica()))
    result = run("assess", str(answers))
    assert result.returncode == 0 and "Next step:" in result.stdout and "does not replace" in result.stdout


def test_bad_answers_exit_2_naming_the_field(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": 400, "colour": "blue"}))
    result = run("assess", str(answers), "--json")
    assert result.returncode == 2
    assert "age:" in result.stderr and "colour:" in result.stderr and result.stdout == ""


def test_broken_json_exits_2(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text("{not json")
    result = run("assess", str(answers))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_questionnaire_as_fhir_is_a_valid_r4_questionnaire() -> None:
    result = run("questionnaire", "--fhir")
    assert result.returncode == 0
    resource = Questionnaire.model_validate_json(result.stdout)
    link_ids = {item.linkId for section in resource.item or [] for item in section.item or []}
    assert {"age", "bladder_bowel", "pain_regions"} <= link_ids


def test_interview_in_the_terminal_stops_at_an_emergency() -> None:
    # age, sex, then body map and the rest of the core, then the bladder screen: saddle numbness.
    script = (
        "\n".join(["47", "2", "lower_back calf_left calf_right", "0", "5", "2", "2", "4", "3", "6"]) + "\n"
    )
    result = run("interview", stdin=script + "\n" * 40)
    assert result.returncode == 0, result.stderr
    assert "EMERGENCY" in result.stdout


def test_vignettes_command_prints_the_metrics() -> None:
    result = run("vignettes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "appropriate triage:" in result.stdout and "emergency under-triage: 0" in result.stdout


def test_the_text_questionnaire_says_when_a_conditional_question_applies() -> None:
    result = run("questionnaire")
    assert result.returncode == 0, result.stderr
    lines = {
        line.split("]")[0].lstrip("["): line for line in result.stdout.splitlines() if line.startswith("[")
    }
    assert lines["bladder_bowel_timing"].endswith(
        "(required if bladder_bowel has a box ticked or numb_regions includes saddle)"
    )
    assert lines["both_legs_timing"].endswith(
        "(asked only if pain_regions includes both legs or numb_regions includes both legs)"
    )
    assert lines["age"].endswith("(required)")
    assert not any(
        line.endswith("(required)") for link_id, line in lines.items() if link_id == "pregnancy_signs"
    )


@pytest.mark.parametrize(
    "args", [["questionnaire"], ["questionnaire", "--fhir"], ["--language", "es", "questionnaire"]]
)
def test_a_closed_pipe_ends_quietly_like_a_unix_tool(args: list[str]) -> None:
    """`spinepath questionnaire | head`: the reader goes away; no traceback, the SIGPIPE exit code."""
    with subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # before a byte is read: every write meets a closed pipe
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == 141
    assert stderr == ""


def test_piped_into_head_prints_the_first_lines_and_nothing_on_stderr() -> None:
    command = " ".join(
        [*(shlex.quote(part) for part in CLI), "questionnaire", "--fhir", "|", "head", "-n", "2"]
    )
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == ["{", '  "resourceType": "Questionnaire",'] and result.stderr == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("bad: yaml: [", "not valid YAML"),
        ("- {id: one}", "not a list of vignettes"),
        ("- {id: one, answers: {age: 400}, gold: routine, ok: [routine]}", "age: must be at most"),
    ],
)
def test_bad_vignette_files_exit_2_with_a_message_on_stderr(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "vignettes.yaml"
    if content is not None:
        path.write_text(content)
    result = run("vignettes", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("spinepath: error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_go_to_stderr_and_results_to_stdout(tmp_path: Path) -> None:
    missing = run("assess", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and missing.stdout == "" and "cannot read" in missing.stderr
    usage = run("no-such-command")
    assert usage.returncode == 2 and usage.stdout == "" and "invalid choice" in usage.stderr
