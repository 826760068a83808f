"""Load the knowledge base (YAML under knowledge/), validate it and freeze it into typed objects.

A bad file fails loudly with the file, the entry and the reason (KnowledgeError). The version is a
hash of every file's bytes, so a stored result can always be traced to the knowledge that made it.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import schema
from .errors import KnowledgeError
from .expressions import Expr, ExpressionError, parse
from .languages import LANGUAGES
from .model import Level
from .questionnaire import BodyMap, Option, Question, Questionnaire, Region, Section
from .text import LocalText, localise

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
SpecT = TypeVar("SpecT", bound=BaseModel)

# Numbers a threshold can test besides an integer answer: computed in findings.py from these answers.
MEASURES: Mapping[str, tuple[str, ...]] = {"bmi": ("height_cm", "weight_kg")}


@dataclass(frozen=True)
class Threshold:
    """A derived finding that is a cut-off on one number (findings.yaml `threshold:`)."""

    finding: str
    of: str
    at_least: float | None
    above: float | None
    below: float | None
    only_if: str | None
    source: str

    def holds(self, value: float) -> bool:
        return (
            (self.at_least is None or value >= self.at_least)
            and (self.above is None or value > self.above)
            and (self.below is None or value < self.below)
        )

    @property
    def bounds(self) -> tuple[float, ...]:
        return tuple(bound for bound in (self.at_least, self.above, self.below) if bound is not None)


@dataclass(frozen=True)
class Count:
    """A derived finding present when at least `at_least` of `of` are (findings.yaml `count:`)."""

    finding: str
    of: tuple[str, ...]
    at_least: int
    source: str


@dataclass(frozen=True)
class EvidenceItem:
    finding: str
    log_lr_pos: float
    log_lr_neg: float
    lr_pos: float
    lr_neg: float
    group: str
    source: str
    estimate: bool


@dataclass(frozen=True)
class Escalation:
    probability: float
    level: Level
    source: str


@dataclass(frozen=True)
class Condition:
    id: str
    name: LocalText
    clinical_name: str
    aliases: tuple[str, ...]
    summary: LocalText
    explanation: LocalText
    prior: float
    prior_source: str
    clinician: str
    disposition: Level
    escalate: Escalation | None
    radicular: bool
    requires: Expr | None
    treatments: tuple[str, ...]
    evidence: tuple[EvidenceItem, ...]

    @cached_property
    def prior_log_odds(self) -> float:
        return math.log(self.prior / (1 - self.prior))

    @cached_property
    def evidence_findings(self) -> tuple[str, ...]:
        return tuple(item.finding for item in self.evidence)

    @cached_property
    def scoring(self) -> tuple[tuple[int, str, str, float, float], ...]:
        """(index, finding, group, log LR if present, log LR if absent) per evidence item: what
        differential.score reads, unpacked once (it runs for every condition at every assessment)."""
        return tuple(
            (index, item.finding, item.group, item.log_lr_pos, item.log_lr_neg)
            for index, item in enumerate(self.evidence)
        )


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    when: Expr
    title: LocalText
    action: LocalText
    clinician: str
    source: str
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class Guard:
    """A condition on the person that withholds (avoid) or qualifies (caution) a piece of advice.

    It fires on `when` (findings) or on any of `concerns` (conditions raised by a rule or an escalation).
    With `unknown_text`, it also fires while it could still turn out true, and says so with that text.
    """

    when: Expr | None
    text: LocalText
    source: str
    concerns: frozenset[str] = frozenset()
    unknown_text: LocalText | None = None


@dataclass(frozen=True)
class SelfCareAdvice:
    id: str
    kind: str
    title: LocalText
    text: LocalText
    source: str
    for_conditions: frozenset[str]
    avoid_if: tuple[Guard, ...]
    caution_if: tuple[Guard, ...]
    when: Expr | None = None
    condition_notes: tuple[tuple[str, LocalText], ...] = ()


@dataclass(frozen=True)
class ContributingCause:
    """Something in the person's daily life that may be adding to the pain, shown when `when` is true."""

    id: str
    when: Expr
    title: LocalText
    text: LocalText
    source: str


@dataclass(frozen=True)
class PreventionAdvice:
    id: str
    title: LocalText
    text: LocalText
    source: str
    when: Expr | None
    evidence_note: LocalText | None


@dataclass(frozen=True)
class Treatment:
    id: str
    title: LocalText
    text: LocalText
    source: str
    not_for: frozenset[str] = frozenset()
    guarded_by: str | None = None


@dataclass(frozen=True)
class SafetyNet:
    id: str
    text: LocalText
    when: Expr | None
    level: Level


@dataclass(frozen=True)
class Clinician:
    id: str
    name: LocalText
    bookable: bool


@dataclass(frozen=True)
class Calibration:
    """The range published series observe among people referred with a must-rule-out condition's signs."""

    condition: str
    low: float
    high: float
    population: LocalText
    source: str
    applies_when: Expr | None


@dataclass(frozen=True)
class LevelText:
    label: LocalText
    window: LocalText
    headline: LocalText
    action: LocalText
    next_step: LocalText


@dataclass(frozen=True)
class Knowledge:
    version: str
    questionnaire: Questionnaire
    body_map: BodyMap
    derived_says: Mapping[str, LocalText]
    derived_says_not: Mapping[str, LocalText]
    absent_template: LocalText
    thresholds: Mapping[str, Threshold]
    counts: Mapping[str, Count]
    bmi_min_height_cm: int
    option_of_finding: Mapping[str, tuple[Question, Option]]
    finding_ids: frozenset[str]
    conditions: tuple[Condition, ...]
    rules: tuple[Rule, ...]
    level_text: Mapping[Level, LevelText]
    messages: Mapping[str, LocalText]
    clinicians: Mapping[str, Clinician]
    self_care: tuple[SelfCareAdvice, ...]
    prevention: tuple[PreventionAdvice, ...]
    treatments: Mapping[str, Treatment]
    safety_net: tuple[SafetyNet, ...]
    contributing: tuple[ContributingCause, ...] = ()
    calibration: Mapping[str, Calibration] = field(default_factory=dict)
    calibration_texts: Mapping[str, LocalText] = field(default_factory=dict)

    def message(self, key: str, language: str) -> str:
        return localise(self.messages[key], language)

    def finding_text(self, finding: str, present: bool, language: str) -> str:
        """The finding in the person's terms: what they told us (or told us was not the case).

        Reads after "because ...". An absent finding uses its `says_not`, or else the absent template
        of findings.yaml around the present wording ("you did not tell us that ...").
        """
        if not present and finding in self.derived_says_not:
            return localise(self.derived_says_not[finding], language)
        if finding in self.derived_says:
            text = localise(self.derived_says[finding], language)
        elif finding in self.option_of_finding:
            text = self.option_of_finding[finding][1].label(language)
            text = text[:1].lower() + text[1:] if not text.startswith("I ") else text
        else:
            text = finding.replace("_", " ")
        if present:
            return text
        return localise(self.absent_template, language).replace("{text}", text)

    def condition(self, condition_id: str) -> Condition:
        return next(condition for condition in self.conditions if condition.id == condition_id)


# ---------------------------------------------------------------- loading
def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise KnowledgeError(path.name, "(file)", f"not valid YAML: {error}") from error


def _validate(file: str, data: Any, model: type[SpecT]) -> SpecT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = list(first["loc"])
        entry = _entry_name(data, location)
        reason = f"{'.'.join(str(part) for part in location)}: {first['msg']}"
        raise KnowledgeError(file, entry, reason) from error


def _entry_name(data: Any, location: list[Any]) -> str:
    """Name the offending entry by its id (or linkId) rather than by list index where possible."""
    node = data
    name = "(file)"
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            name = str(node.get("id") or node.get("linkId") or name)
    return name


def _expr(file: str, entry: str, raw: Any, known: frozenset[str]) -> Expr:
    try:
        expression = parse(raw)
    except ExpressionError as error:
        raise KnowledgeError(file, entry, f"bad expression: {error}") from error
    for finding in expression.leaves():
        if finding not in known:
            raise KnowledgeError(file, entry, f"unknown finding '{finding}'")
    return expression


def _optional_expr(file: str, entry: str, raw: Any, known: frozenset[str]) -> Expr | None:
    return None if raw is None else _expr(file, entry, raw, known)


def _check_unique(file: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise KnowledgeError(file, item, "duplicate id")
        seen.add(item)


def _check_refs(file: str, entry: str, refs: Iterable[str], known: Iterable[str], what: str) -> None:
    known_set = set(known)
    for ref in refs:
        if ref not in known_set:
            raise KnowledgeError(file, entry, f"unknown {what} '{ref}'")


def _check_languages(file: str, entry: str, texts: Iterable[LocalText | None]) -> None:
    for text in texts:
        if isinstance(text, Mapping) and not {"en", "es"} <= set(text):
            raise KnowledgeError(file, entry, "patient-facing text needs both 'en' and 'es'")


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> Knowledge:
    """Read and check every knowledge file in `directory`."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("conditions/*.yaml")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:12]

    body_spec = _validate("bodymap.yaml", _read(directory / "bodymap.yaml"), schema.BodyMapFile)
    _check_unique("bodymap.yaml", (region.id for region in body_spec.regions))
    body_map = BodyMap(
        regions=tuple(
            Region(r.id, r.sided, r.zone, r.view, r.label, tuple(r.roots)) for r in body_spec.regions
        ),
        weakness_roots={key: tuple(value) for key, value in body_spec.weakness_roots.items()},
    )

    questionnaire = _load_questionnaire(directory, body_map)
    option_of_finding: dict[str, tuple[Question, Option]] = {}
    for question in questionnaire.questions:
        for option in question.options:
            if option.finding and option.finding not in option_of_finding:
                option_of_finding[option.finding] = (question, option)

    findings_spec = _validate("findings.yaml", _read(directory / "findings.yaml"), schema.FindingsFile)
    _check_unique("findings.yaml", (item.id for item in findings_spec.derived))
    _check_absent_template(findings_spec.absent_template)
    derived_says = {item.id: item.says for item in findings_spec.derived}
    finding_ids = frozenset(option_of_finding) | frozenset(derived_says)
    _check_unique("findings.yaml", (item.id for item in findings_spec.statements))
    for item in findings_spec.statements:
        _check_refs("findings.yaml", "statements", [item.id], option_of_finding, "questionnaire finding")
    for item in [*findings_spec.derived, *findings_spec.statements]:
        _check_languages("findings.yaml", item.id, [item.says, item.says_not])
    derived_says.update({item.id: item.says for item in findings_spec.statements})
    derived_says_not = {
        item.id: item.says_not
        for item in [*findings_spec.derived, *findings_spec.statements]
        if item.says_not is not None
    }
    for weakness in body_map.weakness_roots:
        _check_refs("bodymap.yaml", "weakness_roots", [weakness], finding_ids, "finding")
    thresholds, counts = _cut_offs(findings_spec, questionnaire, option_of_finding, finding_ids)

    advice_spec = _validate("advice.yaml", _read(directory / "advice.yaml"), schema.AdviceFile)
    clinicians = {c.id: Clinician(c.id, c.name, c.bookable) for c in advice_spec.clinicians}
    _check_unique("advice.yaml", (c.id for c in advice_spec.clinicians))
    treatments = {
        t.id: Treatment(t.id, t.title, t.text, t.source, frozenset(t.not_for), t.guarded_by)
        for t in advice_spec.treatments
    }
    _check_unique("advice.yaml", (t.id for t in advice_spec.treatments))

    conditions = _load_conditions(directory, finding_ids, clinicians, treatments)
    condition_ids = {condition.id for condition in conditions}

    triage_spec = _validate("triage_rules.yaml", _read(directory / "triage_rules.yaml"), schema.TriageFile)
    _check_unique("triage_rules.yaml", (rule.id for rule in triage_spec.rules))
    rules = []
    for rule in triage_spec.rules:
        _check_refs("triage_rules.yaml", rule.id, [rule.clinician], clinicians, "clinician")
        _check_refs("triage_rules.yaml", rule.id, rule.conditions, condition_ids, "condition")
        _check_languages("triage_rules.yaml", rule.id, [rule.title, rule.action])
        rules.append(
            Rule(
                id=rule.id,
                level=Level(rule.level),
                when=_expr("triage_rules.yaml", rule.id, rule.when, finding_ids),
                title=rule.title,
                action=rule.action,
                clinician=rule.clinician,
                source=rule.source,
                conditions=tuple(rule.conditions),
            )
        )
    missing_levels = {level.value for level in Level} - set(triage_spec.levels)
    if missing_levels:
        raise KnowledgeError("triage_rules.yaml", "levels", f"missing text for {sorted(missing_levels)}")

    self_care = tuple(_self_care(item, finding_ids, condition_ids) for item in advice_spec.self_care)
    _check_unique("advice.yaml", (item.id for item in self_care))
    _check_treatments(advice_spec.treatments, conditions, {item.id for item in self_care})
    prevention = tuple(
        PreventionAdvice(
            p.id,
            p.title,
            p.text,
            p.source,
            _optional_expr("advice.yaml", p.id, p.when, finding_ids),
            p.evidence_note,
        )
        for p in advice_spec.prevention
    )
    safety_net = tuple(
        SafetyNet(s.id, s.text, _optional_expr("advice.yaml", s.id, s.when, finding_ids), Level(s.level))
        for s in advice_spec.safety_net
    )
    _check_statements(conditions, rules, derived_says, derived_says_not)

    calibration, calibration_texts = _load_calibration(directory, condition_ids, finding_ids)
    contributing = tuple(
        ContributingCause(c.id, _expr("advice.yaml", c.id, c.when, finding_ids), c.title, c.text, c.source)
        for c in advice_spec.contributing
    )
    _check_unique("advice.yaml", (c.id for c in contributing))
    for cause in contributing:
        _check_languages("advice.yaml", cause.id, [cause.title, cause.text])

    return Knowledge(
        version=version,
        questionnaire=questionnaire,
        body_map=body_map,
        derived_says=derived_says,
        derived_says_not=derived_says_not,
        absent_template=findings_spec.absent_template,
        thresholds=thresholds,
        counts=counts,
        bmi_min_height_cm=findings_spec.bmi.min_height_cm,
        option_of_finding=option_of_finding,
        finding_ids=finding_ids,
        conditions=conditions,
        rules=tuple(rules),
        level_text={
            Level(name): LevelText(text.label, text.window, text.headline, text.action, text.next_step)
            for name, text in triage_spec.levels.items()
        },
        messages=triage_spec.messages,
        clinicians=clinicians,
        self_care=self_care,
        prevention=prevention,
        treatments=treatments,
        safety_net=safety_net,
        contributing=contributing,
        calibration=calibration,
        calibration_texts=calibration_texts,
    )


def _cut_offs(
    spec: schema.FindingsFile,
    questionnaire: Questionnaire,
    option_of_finding: Mapping[str, tuple[Question, Option]],
    finding_ids: frozenset[str],
) -> tuple[dict[str, Threshold], dict[str, Count]]:
    """The derived findings that are numbers' cut-offs, checked: each tests a number the person gives
    (or one computed from such numbers), is not also an answer option, and says its number in its
    wording in every language (so changing the number without the words is caught here)."""
    file = "findings.yaml"
    numbers = {q.link_id for q in questionnaire.questions if q.type == "integer"}
    for measure, inputs in MEASURES.items():
        _check_refs(file, measure, inputs, numbers, "integer question")
    thresholds: dict[str, Threshold] = {}
    counts: dict[str, Count] = {}
    for item in spec.derived:
        if item.id in option_of_finding and (item.threshold or item.count):
            raise KnowledgeError(file, item.id, "a cut-off cannot also be an answer option's finding")
        if item.threshold is not None:
            t = item.threshold
            _check_refs(file, item.id, [t.of], numbers | set(MEASURES), "integer question or measure")
            if t.only_if is not None:
                _check_refs(file, item.id, [t.only_if], option_of_finding, "questionnaire finding")
            threshold = Threshold(item.id, t.of, t.at_least, t.above, t.below, t.only_if, item.source or "")
            _check_number_in_words(item, threshold.bounds)
            thresholds[item.id] = threshold
        if item.count is not None:
            _check_refs(file, item.id, item.count.of, finding_ids, "finding")
            count = Count(item.id, tuple(item.count.of), item.count.at_least, item.source or "")
            _check_number_in_words(item, (count.at_least,))
            counts[item.id] = count
    return thresholds, counts


def _check_number_in_words(item: schema.DerivedFindingSpec, numbers: Iterable[float]) -> None:
    texts = [text for text in (item.says, item.says_not) if text is not None]
    for language in LANGUAGES:
        words = " ".join(localise(text, language) for text in texts)
        for number in numbers:
            if not re.search(rf"(?<![\d.]){number:g}(?![\d])", words):
                raise KnowledgeError(
                    "findings.yaml", item.id, f"its wording ({language}) does not say the number {number:g}"
                )


def _check_statements(
    conditions: Sequence[Condition],
    rules: Sequence[Rule],
    says: Mapping[str, LocalText],
    says_not: Mapping[str, LocalText],
) -> None:
    """Every finding that can be given as a reason reads as a sentence: present (`says`) for any
    finding a rule or a condition names, and absent (`says_not`) where its absence counts."""
    in_rules = {finding for rule in rules for finding in rule.when.leaves()}
    named = in_rules | {item.finding for condition in conditions for item in condition.evidence}
    missing = sorted(named - set(says))
    if missing:
        raise KnowledgeError("findings.yaml", "statements", f"no `says` for {missing}")
    absence_counts = in_rules | {
        item.finding for condition in conditions for item in condition.evidence if item.lr_neg != 1.0
    }
    missing = sorted(absence_counts - set(says_not))
    if missing:
        raise KnowledgeError("findings.yaml", "statements", f"no `says_not` for {missing}")


def _check_warning_sign_question(file: str, q: schema.QuestionSpec) -> None:
    """A warning-sign screen is a checklist (`multi`: an empty list says "none of these") or a
    follow-up choice; every checklist option names the finding that a rule can fire on."""
    if q.type not in {"multi", "choice"}:
        raise KnowledgeError(file, q.linkId, f"a red_flag question must be multi or choice, not {q.type}")
    if q.type == "multi":
        silent = [o.value for o in q.options if not o.finding]
        if silent:
            raise KnowledgeError(file, q.linkId, f"red_flag checklist options without a finding: {silent}")


def _check_absent_template(template: LocalText) -> None:
    _check_languages("findings.yaml", "absent_template", [template])
    texts = [template] if isinstance(template, str) else list(template.values())
    if not all("{text}" in text for text in texts):
        raise KnowledgeError("findings.yaml", "absent_template", "every language needs '{text}'")


def _load_questionnaire(directory: Path, body_map: BodyMap) -> Questionnaire:
    file = "questionnaire.yaml"
    spec = _validate(file, _read(directory / file), schema.QuestionnaireFile)
    _check_unique(file, (q.linkId for q in spec.questions))
    section_ids = {section.id for section in spec.sections}
    questions: list[Question] = []
    for q in spec.questions:
        _check_refs(file, q.linkId, [q.section], section_ids, "section")
        _check_languages(file, q.linkId, [q.text, q.help, q.none_text, *(o.text for o in q.options)])
        if q.type in {"choice", "multi"} and not q.options:
            raise KnowledgeError(file, q.linkId, f"a {q.type} question needs options")
        if q.phase == "red_flag":
            _check_warning_sign_question(file, q)
        _check_unique(f"{file} {q.linkId}", (o.value for o in q.options))
        _check_partly_sure(file, q)
        if q.first and q.phase != "red_flag":
            raise KnowledgeError(file, q.linkId, "only a warning-sign (red_flag) question can be asked first")
        if q.enable_when is not None:
            earlier = {x.link_id: x for x in questions}
            _check_enable_when(file, q.linkId, q.enable_when, earlier, body_map)
        questions.append(
            Question(
                link_id=q.linkId,
                section=q.section,
                phase=q.phase,
                type=q.type,
                required=q.required,
                minimum=q.min,
                maximum=q.max,
                text=q.text,
                help=q.help,
                options=tuple(Option(o.value, o.finding, o.text, tuple(o.unknown)) for o in q.options),
                enable_when=q.enable_when,
                diary=q.diary,
                first=q.first,
                none_text=q.none_text,
            )
        )
    return Questionnaire(
        sections=tuple(Section(s.id, s.title) for s in spec.sections),
        questions=tuple(questions),
        body_map=body_map,
    )


def _check_partly_sure(file: str, q: schema.QuestionSpec) -> None:
    """A partly sure option ("yes, but I am not sure how") names other options of its own choice question."""
    values = {o.value for o in q.options}
    for option in q.options:
        if not option.unknown:
            continue
        if q.type != "choice":
            raise KnowledgeError(
                file, q.linkId, f"'{option.value}': only a choice option can leave others unknown"
            )
        strangers = sorted(set(option.unknown) - values) + (
            [option.value] if option.value in option.unknown else []
        )
        if strangers:
            raise KnowledgeError(
                file, q.linkId, f"'{option.value}' leaves unknown options it cannot: {strangers}"
            )


_ENABLE_FORMS = {"equals", "in", "between", "includes", "any_selected", "has_leg_region", "has_both_legs"}


def _check_enable_when(
    file: str, entry: str, rule: Any, earlier: Mapping[str, Question], body_map: BodyMap
) -> None:
    """enable_when may only look at questions asked earlier, in one of the known forms."""
    if not isinstance(rule, dict):
        raise KnowledgeError(file, entry, f"enable_when must be a mapping, got {rule!r}")
    if set(rule) in ({"all"}, {"any"}):
        for item in next(iter(rule.values())):
            _check_enable_when(file, entry, item, earlier, body_map)
        return
    forms = set(rule) - {"question"}
    if "question" not in rule or len(forms) != 1 or not forms <= _ENABLE_FORMS:
        raise KnowledgeError(file, entry, f"unknown enable_when form {rule!r}")
    if rule["question"] not in earlier:
        raise KnowledgeError(
            file, entry, f"enable_when refers to '{rule['question']}', not an earlier question"
        )
    if "includes" in rule:
        source = earlier[rule["question"]]
        allowed = body_map.region_ids if source.type == "regions" else source.option_values
        if source.type not in {"multi", "regions"} or rule["includes"] not in allowed:
            raise KnowledgeError(
                file, entry, f"'includes' needs a list question and one of its values: {rule!r}"
            )


def _load_conditions(
    directory: Path,
    finding_ids: frozenset[str],
    clinicians: Mapping[str, Clinician],
    treatments: Mapping[str, Treatment],
) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    for path in sorted((directory / "conditions").glob("*.yaml")):
        file = f"conditions/{path.name}"
        spec = _validate(file, _read(path), schema.ConditionsFile)
        for c in spec.conditions:
            _check_refs(file, c.id, [c.clinician], clinicians, "clinician")
            _check_refs(file, c.id, c.treatments, treatments, "treatment")
            _check_refs(file, c.id, (e.finding for e in c.evidence), finding_ids, "finding")
            _check_languages(file, c.id, [c.name, c.summary, c.explanation])
            conditions.append(
                Condition(
                    id=c.id,
                    name=c.name,
                    clinical_name=c.clinical_name,
                    aliases=tuple(c.aliases),
                    summary=c.summary,
                    explanation=c.explanation,
                    prior=c.prior.value,
                    prior_source=c.prior.source,
                    clinician=c.clinician,
                    disposition=Level(c.disposition),
                    escalate=(
                        Escalation(c.escalate.probability, Level(c.escalate.level), c.escalate.source)
                        if c.escalate
                        else None
                    ),
                    radicular=c.radicular,
                    requires=_optional_expr(file, c.id, c.requires, finding_ids),
                    treatments=tuple(c.treatments),
                    evidence=tuple(
                        EvidenceItem(
                            finding=e.finding,
                            log_lr_pos=math.log(e.lr_pos),
                            log_lr_neg=math.log(e.lr_neg),
                            lr_pos=e.lr_pos,
                            lr_neg=e.lr_neg,
                            group=e.group or f"_{e.finding}",
                            source=e.source,
                            estimate=e.estimate,
                        )
                        for e in c.evidence
                    ),
                )
            )
    if not conditions:
        raise KnowledgeError("conditions/", "(directory)", "no conditions found")
    _check_unique("conditions/", (condition.id for condition in conditions))
    return tuple(conditions)


def _load_calibration(
    directory: Path, condition_ids: set[str], finding_ids: frozenset[str]
) -> tuple[dict[str, Calibration], dict[str, LocalText]]:
    file = "calibration.yaml"
    spec = _validate(file, _read(directory / file), schema.CalibrationFile)
    _check_unique(file, (item.condition for item in spec.calibrated))
    calibration = {}
    for item in spec.calibrated:
        _check_refs(file, item.condition, [item.condition], condition_ids, "condition")
        _check_languages(file, item.condition, [item.population])
        if not item.low < item.high:
            raise KnowledgeError(file, item.condition, "low must be below high")
        calibration[item.condition] = Calibration(
            item.condition,
            item.low,
            item.high,
            item.population,
            item.source,
            _optional_expr(file, item.condition, item.applies_when, finding_ids),
        )
    texts: dict[str, LocalText] = {"calibrated": spec.texts.calibrated, "must_check": spec.texts.must_check}
    _check_languages(file, "texts", texts.values())
    return calibration, texts


def _check_treatments(
    specs: list[schema.TreatmentSpec], conditions: tuple[Condition, ...], self_care_ids: set[str]
) -> None:
    """A treatment a guideline says not to offer for a condition is never listed for that condition."""
    condition_ids = {condition.id for condition in conditions}
    for spec in specs:
        _check_refs("advice.yaml", spec.id, spec.not_for, condition_ids, "condition")
        if spec.not_for and not spec.not_for_source:
            raise KnowledgeError("advice.yaml", spec.id, "`not_for` needs `not_for_source`")
        if spec.guarded_by is not None:
            _check_refs("advice.yaml", spec.id, [spec.guarded_by], self_care_ids, "self-care item")
        for condition in conditions:
            if condition.id in spec.not_for and spec.id in condition.treatments:
                problem = f"lists '{spec.id}', which a guideline says not to offer for it"
                raise KnowledgeError("conditions/", condition.id, problem)


def _self_care(
    spec: schema.SelfCareSpec, finding_ids: frozenset[str], condition_ids: set[str]
) -> SelfCareAdvice:
    file = "advice.yaml"
    _check_refs(file, spec.id, (c for c in spec.for_conditions if c != "all"), condition_ids, "condition")
    _check_refs(file, spec.id, (note.condition for note in spec.condition_notes), condition_ids, "condition")
    _check_languages(file, spec.id, (note.text for note in spec.condition_notes))
    guard: Callable[[Any, LocalText, str], Guard] = lambda when, text, source: Guard(  # noqa: E731
        _expr(file, spec.id, when, finding_ids), text, source
    )
    avoid_if = []
    for avoid in spec.avoid_if:
        if avoid.when is None and not avoid.concerns:
            raise KnowledgeError(file, spec.id, "an avoid_if guard needs `when`, `concerns` or both")
        _check_refs(file, spec.id, avoid.concerns, condition_ids, "condition")
        _check_languages(file, spec.id, [avoid.why, avoid.unknown_why])
        avoid_if.append(
            Guard(
                when=_optional_expr(file, spec.id, avoid.when, finding_ids),
                text=avoid.why,
                source=avoid.source,
                concerns=frozenset(avoid.concerns),
                unknown_text=avoid.unknown_why,
            )
        )
    return SelfCareAdvice(
        id=spec.id,
        kind=spec.kind,
        title=spec.title,
        text=spec.text,
        source=spec.source,
        for_conditions=frozenset(spec.for_conditions),
        avoid_if=tuple(avoid_if),
        when=_optional_expr(file, spec.id, spec.when, finding_ids),
        condition_notes=tuple((note.condition, note.text) for note in spec.condition_notes),
        caution_if=tuple(guard(c.when, c.text, c.source) for c in spec.caution_if),
    )


@cache
def get_knowledge() -> Knowledge:
    """The packaged knowledge base, loaded once per process."""
    return load_knowledge()
