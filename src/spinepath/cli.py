"""spinepath command line: questionnaire | assess | interview | vignettes.

Exit codes: 0 success, 1 a vignette threshold failed, 2 bad input (the message names the field),
130 interrupted (Ctrl-C), 141 the reader closed the pipe (`spinepath questionnaire | head`), as a
Unix tool killed by SIGPIPE would. Results go to stdout, errors to stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import yaml

from spinepath.engine import (
    AnswerError,
    Assessment,
    ConditionResult,
    Level,
    assess,
    get_questionnaire,
    plan_interview,
)
from spinepath.engine.questionnaire import Question

BAD_INPUT = 2
DEFAULT_VIGNETTES = Path(__file__).resolve().parents[2] / "tests" / "vignettes"


INTERRUPTED = 128 + signal.SIGINT
PIPE_CLOSED = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
    except BrokenPipeError:
        # Nobody reads any more: point stdout at /dev/null so Python's flush at exit stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return PIPE_CLOSED
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return INTERRUPTED
    return code


def _run(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="spinepath", description=__doc__)
    parser.add_argument("--language", default="en", choices=["en", "es"], help="language of the text")
    commands = parser.add_subparsers(dest="command", required=True)
    questionnaire = commands.add_parser("questionnaire", help="print the questionnaire")
    questionnaire.add_argument("--fhir", action="store_true", help="as a FHIR R4 Questionnaire")
    assess_cmd = commands.add_parser("assess", help="assess answers from a JSON file ('-' for stdin)")
    assess_cmd.add_argument("answers", help='JSON file of {"linkId": value}')
    assess_cmd.add_argument("--json", action="store_true", help="print the whole result as JSON")
    commands.add_parser("interview", help="answer the adaptive interview in the terminal")
    vignettes = commands.add_parser("vignettes", help="run the clinical vignettes and print the metrics")
    vignettes.add_argument(
        "paths", nargs="*", type=Path, help="vignette YAML files (default: tests/vignettes)"
    )
    vignettes.add_argument("--verbose", action="store_true", help="list every case that missed")
    vignettes.add_argument(
        "--reliability", action="store_true", help="also compare the displayed numbers with the diagnoses"
    )
    args = parser.parse_args(argv)

    if args.command == "questionnaire":
        return _questionnaire(args.fhir, args.language, sys.stdout)
    if args.command == "assess":
        return _assess(args.answers, args.json, args.language, sys.stdout)
    if args.command == "interview":
        return _interview(args.language, sys.stdin, sys.stdout)
    return _vignettes(args.paths, args.verbose, sys.stdout, reliability_table=args.reliability)


def _questionnaire(fhir: bool, language: str, out: TextIO) -> int:
    if fhir:
        from spinepath.fhir.questionnaire import questionnaire_resource

        json.dump(questionnaire_resource(language), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    questionnaire = get_questionnaire()
    for section in questionnaire.sections:
        out.write(f"\n== {section.label(language)} ==\n")
        for question in (q for q in questionnaire.questions if q.section == section.id):
            out.write(
                f"[{question.link_id}] {question.label(language)}  <{question.type}>{_when(question)}\n"
            )
            for option in question.options:
                out.write(f"    {option.value}: {option.label(language)}\n")
    return 0


def _when(question: Question) -> str:
    """(required), or when a conditional question is asked and whether it is then required."""
    if question.enable_when is None:
        return " (required)" if question.required else ""
    condition = describe_condition(question.enable_when)
    return f" (required if {condition})" if question.required else f" (asked only if {condition})"


def describe_condition(rule: Mapping[str, Any], *, nested: bool = False) -> str:
    """An enable_when rule in words, naming the questions by linkId."""
    if "all" in rule or "any" in rule:
        parts = [describe_condition(part, nested=True) for part in rule.get("all") or rule["any"]]
        joined = (" and " if "all" in rule else " or ").join(parts)
        return f"({joined})" if nested and len(parts) > 1 else joined
    source = rule["question"]
    if "equals" in rule:
        return f"{source} is {rule['equals']}"
    if "in" in rule:
        return f"{source} is one of {', '.join(str(v) for v in rule['in'])}"
    if "between" in rule:
        low, high = rule["between"]
        return f"{source} is {low} to {high}"
    if "includes" in rule:
        return f"{source} includes {rule['includes']}"
    if "any_selected" in rule:
        return f"{source} has a box ticked" if rule["any_selected"] else f"{source} is none of these"
    if "has_leg_region" in rule:
        return f"{source} includes a buttock or leg" if rule["has_leg_region"] else f"{source} has no leg"
    if "has_both_legs" in rule:
        return f"{source} includes both legs" if rule["has_both_legs"] else f"{source} is not both legs"
    return f"{source} meets {rule!r}"  # a form added to the engine since: still shown, never hidden


def _error(message: str) -> int:
    sys.stderr.write(f"spinepath: error: {message}\n")
    return BAD_INPUT


def _assess(source: str, as_json: bool, language: str, out: TextIO) -> int:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        return _error(f"cannot read {source}: {error.strerror}")
    try:
        answers = json.loads(text)
    except json.JSONDecodeError as error:
        return _error(f"{source} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    try:
        result = assess(answers, language=language)
    except AnswerError as error:
        for problem in error.problems:
            sys.stderr.write(f"spinepath: error: {problem.link_id}: {problem.message}\n")
        return BAD_INPUT
    if as_json:
        json.dump(result.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(render_text(result))
    return 0


def _likelihood(condition: ConditionResult) -> str:
    """The share, or for a must-rule-out condition its calibrated range or no number at all."""
    shown = condition.shown
    if shown.kind == "share":
        return f"{condition.relative:.1%}"
    if shown.low is not None and shown.high is not None:
        return f"{shown.low:.0%}-{shown.high:.0%}"
    return "check"


def render_text(result: Assessment) -> str:
    lines = [f"{result.triage.level.value.upper()}: {result.triage.headline}", result.triage.action, ""]
    for reason in result.triage.reasons:
        if reason.level.rank > Level.SELF_CARE.rank:
            because = "; ".join(r.text for r in reason.because)
            lines.append(f"- {reason.title}" + (f" (because {because})" if because else ""))
            lines.append(f"  {reason.action}")
    lines += ["", f"Next step: {result.next_step.text}", "", "Likely causes:"]
    for condition in result.differential[:5]:
        root = f", probably {condition.nerve_root}" if condition.nerve_root else ""
        flag = " [must be ruled out]" if condition.must_rule_out else ""
        lines.append(f"  {_likelihood(condition):>8}  {condition.name}{root}{flag}")
        if condition.shown.kind != "share":
            lines.append(f"            {condition.shown.text}")
    if result.plan.self_care:
        lines += ["", "What can help now:"] + [f"  - {item.title}" for item in result.plan.self_care]
    if result.plan.safety_net:
        lines += ["", "Get help at once if:"] + [f"  - {line}" for line in result.plan.safety_net]
    lines += ["", result.disclaimer, f"(knowledge base {result.knowledge_version})", ""]
    return "\n".join(lines)


def _ask(question: Question, language: str, read: TextIO, out: TextIO) -> Any:
    """Ask one question until the answer is valid; an empty line skips it."""
    questionnaire = get_questionnaire()
    while True:
        out.write(f"\n{question.label(language)}\n")
        if question.options:
            for number, option in enumerate(question.options, 1):
                out.write(f"  {number}. {option.label(language)}\n")
        if question.type == "multi":
            out.write("  (numbers separated by spaces; 0 for none)\n")
        elif question.type == "regions":
            out.write("  (region ids separated by spaces, e.g. lower_back calf_left; 0 for none)\n")
        out.write("> ")
        out.flush()
        line = read.readline()
        if not line:
            raise EOFError
        raw = line.strip()
        if not raw:
            return None
        value: Any
        try:
            if question.type == "integer":
                value = int(raw)
            elif question.type == "choice":
                value = question.options[int(raw) - 1].value
            elif question.type == "multi":
                value = [] if raw == "0" else [question.options[int(n) - 1].value for n in raw.split()]
            else:
                value = [] if raw == "0" else raw.split()
            questionnaire.validate({question.link_id: value})
        except (ValueError, IndexError):
            out.write("Please answer with one of the numbers shown.\n")
            continue
        except AnswerError as error:
            out.write(f"{error.problems[0].message}\n")
            continue
        return value


def _interview(language: str, read: TextIO, out: TextIO) -> int:
    answers: dict[str, Any] = {}
    try:
        while True:
            step = plan_interview(answers, language=language)
            if step.done:
                break
            for question in step.questions:
                answers[question.link_id] = _ask(question, language, read, out)
    except EOFError:
        out.write("\n(stopped before the end: showing what we can)\n")
    out.write("\n" + render_text(assess(answers, language=language)))
    return 0


def _vignettes(paths: list[Path], verbose: bool, out: TextIO, *, reliability_table: bool = False) -> int:
    from spinepath.evaluation import (
        evaluate,
        evaluate_answer_sets,
        load_answer_sets,
        load_vignettes,
        reliability,
        reliability_lines,
    )

    files = paths or sorted(DEFAULT_VIGNETTES.glob("*.yaml"))
    if not files:
        return _error(f"no vignette files found in {DEFAULT_VIGNETTES}")
    try:
        vignettes = load_vignettes(files)
    except OSError as error:
        return _error(f"cannot read {error.filename}: {error.strerror}")
    except yaml.YAMLError as error:
        return _error(f"a vignette file is not valid YAML: {error}")
    except AnswerError as error:
        problem = error.problems[0]
        return _error(f"a vignette has a bad answer: {problem.link_id}: {problem.message}")
    except (KeyError, TypeError, AttributeError) as error:
        return _error(f"a vignette file is not a list of vignettes with id, answers, gold and ok ({error!r})")
    report = evaluate(vignettes)
    for line in report.lines():
        out.write(line + "\n")
    if verbose:
        for failure in report.failures():
            out.write(f"  miss {failure}\n")
    # The adversarial answer sets (skipped, mixed, atypical answers) beside the clean vignettes.
    adversarial = evaluate_answer_sets(load_answer_sets())
    for line in adversarial.lines():
        out.write(line + "\n")
    if verbose:
        for failure in adversarial.failures():
            out.write(f"  miss {failure}\n")
    if reliability_table:
        out.write("\nDisplayed numbers against diagnoses (top 5 causes of each vignette with a dx):\n")
        for line in reliability_lines(reliability(load_vignettes(files))):
            out.write(line + "\n")
    return 1 if report.emergency_under_triage or adversarial.under_triage else 0


if __name__ == "__main__":
    raise SystemExit(main())
