"""The shape of every knowledge-base file, checked by pydantic when the files are loaded.

Unknown keys are errors (a typo must not silently drop a rule). Cross-file references (finding ids,
clinician ids, treatment ids) are checked afterwards in knowledge.py, which knows every file.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .model import Level

LocalTextSpec = str | dict[str, str]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- questionnaire.yaml
class OptionSpec(Spec):
    value: str
    finding: str | None = None
    text: LocalTextSpec
    # Other options of the same question whose findings this answer leaves unknown (a partly sure answer).
    unknown: list[str] = Field(default_factory=list)


class QuestionSpec(Spec):
    linkId: str
    section: str
    phase: Literal["core", "red_flag", "adaptive", "plan"]
    type: Literal["integer", "choice", "multi", "regions"]
    required: bool = False
    min: int | None = None
    max: int | None = None
    text: LocalTextSpec
    help: LocalTextSpec | None = None
    # How "none" reads on a body map ("No pain anywhere"); checklists use "None of these".
    none_text: LocalTextSpec | None = None
    options: list[OptionSpec] = Field(default_factory=list)
    enable_when: Any = None
    diary: bool = False  # asked again at each pain-diary check-in ("anything new?")
    first: bool = False  # on the first screen, before anything else (the emergency warning signs)


class SectionSpec(Spec):
    id: str
    title: LocalTextSpec


class QuestionnaireFile(Spec):
    sections: list[SectionSpec]
    questions: list[QuestionSpec]


# ---------------------------------------------------------------- bodymap.yaml
class RegionSpec(Spec):
    id: str
    sided: bool
    zone: Literal["back", "trunk_front", "perineum", "buttock", "leg_above_knee", "knee", "below_knee"]
    view: Literal["front", "back"]
    label: LocalTextSpec
    roots: list[str] = Field(default_factory=list)


class BodyMapFile(Spec):
    source: str
    regions: list[RegionSpec]
    weakness_roots: dict[str, list[str]]


# ---------------------------------------------------------------- findings.yaml
class ThresholdSpec(Spec):
    """A cut-off on one number: present when the number meets every bound given, absent when not."""

    of: str  # an integer question's linkId, or a number the engine computes (knowledge.MEASURES)
    at_least: float | None = None  # n >= at_least
    above: float | None = None  # n > above
    below: float | None = None  # n < below
    only_if: str | None = None  # absent whenever this finding is absent (weeks of pregnancy: `pregnant`)

    @model_validator(mode="after")
    def _bounded(self) -> ThresholdSpec:
        if self.at_least is None and self.above is None and self.below is None:
            raise ValueError("a threshold needs at_least, above or below")
        if self.at_least is not None and self.above is not None:
            raise ValueError("give at_least or above, not both")
        return self


class CountSpec(Spec):
    """Present when at least `at_least` of the findings `of` are present (three-valued)."""

    of: list[str] = Field(min_length=2)
    at_least: int = Field(ge=1)


class DerivedFindingSpec(Spec):
    id: str
    says: LocalTextSpec
    # How the finding reads when it is ABSENT; without it, FindingsFile.absent_template is used.
    says_not: LocalTextSpec | None = None
    source: str | None = None
    threshold: ThresholdSpec | None = None
    count: CountSpec | None = None

    @model_validator(mode="after")
    def _numbers_cite_a_source(self) -> DerivedFindingSpec:
        if self.threshold is not None and self.count is not None:
            raise ValueError("give threshold or count, not both")
        if (self.threshold or self.count) and len(self.source or "") < 3:
            raise ValueError("a threshold or count needs its source")
        return self


class BmiSpec(Spec):
    """Body mass index (weight_kg / (height_cm / 100)²), computed only from a plausible height."""

    min_height_cm: int = Field(gt=0)
    source: str = Field(min_length=3)


class FindingsFile(Spec):
    # Wording for an absent finding with no `says_not`; "{text}" stands for its `says`.
    absent_template: LocalTextSpec
    bmi: BmiSpec
    derived: list[DerivedFindingSpec]
    # How a questionnaire answer reads in "because you told us ..." when the option text alone does not.
    statements: list[DerivedFindingSpec] = Field(default_factory=list)


# ---------------------------------------------------------------- conditions/*.yaml
class PriorSpec(Spec):
    value: float = Field(gt=0, lt=1)
    source: str = Field(min_length=3)
    estimate: bool = False


class EscalateSpec(Spec):
    probability: float = Field(gt=0, lt=1)
    level: Level
    source: str = Field(min_length=3)


class EvidenceSpec(Spec):
    finding: str
    lr_pos: float = Field(default=1.0, ge=0.01, le=100)
    lr_neg: float = Field(default=1.0, ge=0.01, le=100)
    group: str | None = None
    source: str = Field(min_length=3)
    estimate: bool = False


class ConditionSpec(Spec):
    id: str
    name: LocalTextSpec
    clinical_name: str
    aliases: list[str] = Field(default_factory=list)
    summary: LocalTextSpec
    explanation: LocalTextSpec
    prior: PriorSpec
    clinician: str
    disposition: Level
    escalate: EscalateSpec | None = None
    radicular: bool = False
    requires: Any = None
    treatments: list[str] = Field(default_factory=list)
    evidence: list[EvidenceSpec]


class ConditionsFile(Spec):
    conditions: list[ConditionSpec]


# ---------------------------------------------------------------- triage_rules.yaml
class RuleSpec(Spec):
    id: str
    level: Level
    when: Any
    title: LocalTextSpec
    action: LocalTextSpec
    clinician: str
    source: str = Field(min_length=3)
    conditions: list[str] = Field(default_factory=list)
    estimate: bool = False


class LevelTextSpec(Spec):
    label: LocalTextSpec
    window: LocalTextSpec = ""
    headline: LocalTextSpec
    action: LocalTextSpec
    next_step: LocalTextSpec


class TriageFile(Spec):
    levels: dict[Level, LevelTextSpec]
    messages: dict[str, LocalTextSpec]
    rules: list[RuleSpec]


# ---------------------------------------------------------------- advice.yaml
class ClinicianSpec(Spec):
    id: str
    name: LocalTextSpec
    bookable: bool = False


class AvoidIfSpec(Spec):
    # At least one of `when` (findings) and `concerns` (conditions a rule or an escalation raises).
    when: Any = None
    concerns: list[str] = Field(default_factory=list)
    why: LocalTextSpec
    # When given, the guard also fires while its answer is unknown (skipped or unasked), with this text.
    unknown_why: LocalTextSpec | None = None
    source: str = Field(min_length=3)


class CautionIfSpec(Spec):
    when: Any
    text: LocalTextSpec
    source: str = Field(min_length=3)


class ConditionNoteSpec(Spec):
    condition: str
    text: LocalTextSpec


class SelfCareSpec(Spec):
    id: str
    kind: Literal["activity", "stretch", "heat_cold", "massage", "medicine", "rest_position", "information"]
    title: LocalTextSpec
    text: LocalTextSpec
    source: str = Field(min_length=3)
    for_conditions: list[str]
    # Offered only when this is certainly true of the person (e.g. bending forward makes it worse).
    when: Any = None
    # Text that is about one condition, added only when that condition is among those shown.
    condition_notes: list[ConditionNoteSpec] = Field(default_factory=list)
    avoid_if: list[AvoidIfSpec] = Field(default_factory=list)
    caution_if: list[CautionIfSpec] = Field(default_factory=list)


class PreventionSpec(Spec):
    id: str
    title: LocalTextSpec
    text: LocalTextSpec
    source: str = Field(min_length=3)
    when: Any = None
    evidence_note: LocalTextSpec | None = None


class TreatmentSpec(Spec):
    id: str
    title: LocalTextSpec
    text: LocalTextSpec
    source: str = Field(min_length=3)
    # Conditions for which a guideline says "do not offer": never listed for them (checked at load, and
    # left out of a plan where one of them is shown).
    not_for: list[str] = Field(default_factory=list)
    not_for_source: str | None = None
    # A self-care item whose guards also qualify this treatment (e.g. NSAIDs): its reason is shown.
    guarded_by: str | None = None


class SafetyNetSpec(Spec):
    id: str
    text: LocalTextSpec
    when: Any = None
    level: Level = Level.EMERGENCY


class ContributingSpec(Spec):
    id: str
    when: Any
    title: LocalTextSpec
    text: LocalTextSpec
    source: str = Field(min_length=3)


class AdviceFile(Spec):
    clinicians: list[ClinicianSpec]
    self_care: list[SelfCareSpec]
    # Answers about daily life shown as things that may be adding to the pain (not only prevention tips).
    contributing: list[ContributingSpec] = Field(default_factory=list)
    prevention: list[PreventionSpec]
    treatments: list[TreatmentSpec]
    safety_net: list[SafetyNetSpec]


# ---------------------------------------------------------------- calibration.yaml
class CalibratedSpec(Spec):
    condition: str
    low: float = Field(gt=0, lt=1)
    high: float = Field(gt=0, lt=1)
    population: LocalTextSpec
    source: str = Field(min_length=3)
    # The series only describe people with this finding (e.g. a history of cancer); without it: no number.
    applies_when: Any = None


class CalibrationTextsSpec(Spec):
    calibrated: LocalTextSpec
    must_check: LocalTextSpec


class CalibrationFile(Spec):
    calibrated: list[CalibratedSpec]
    texts: CalibrationTextsSpec
