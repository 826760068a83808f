"""The personal care plan and the next step (who, how soon), from the triage and the differential."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .guards import Concerns, Firing, concerns, first_firing
from .knowledge import Knowledge, SelfCareAdvice, Treatment
from .model import (
    LEVEL_WITHIN_HOURS,
    AvoidedItem,
    CarePlan,
    ConditionResult,
    Level,
    NextStep,
    PlanItem,
    Triage,
)
from .text import localise

# Conditions that shape the plan: the leaders, plus anything a red flag asks to rule out.
_PLAN_CONDITIONS = 3
_EMERGENCY_CLINICIANS = {"emergency_department", "maternity_unit"}


def care_plan(
    knowledge: Knowledge,
    *,
    findings: Mapping[str, bool],
    triage: Triage,
    differential: Sequence[ConditionResult],
    language: str,
) -> CarePlan:
    leading = [condition.id for condition in differential[:_PLAN_CONDITIONS]]
    emergency = triage.level is Level.EMERGENCY

    self_care: list[PlanItem] = []
    avoid: list[AvoidedItem] = []
    raised = concerns(knowledge, findings)
    if not emergency:  # when the advice is "go now", home remedies would only delay
        for advice in knowledge.self_care:
            if "all" not in advice.for_conditions and not advice.for_conditions & set(leading):
                continue
            if advice.when is not None and not advice.when.satisfied(findings):
                continue
            why = _withheld_because(advice, findings=findings, raised=raised, language=language)
            if why is not None:
                avoid.append(AvoidedItem(advice.id, localise(advice.title, language), why))
                continue
            cautions = [
                localise(g.text, language) for g in advice.caution_if if g.when and g.when.satisfied(findings)
            ]
            self_care.append(
                PlanItem(
                    id=advice.id,
                    kind=advice.kind,
                    title=localise(advice.title, language),
                    text=" ".join(
                        [localise(advice.text, language)]
                        + [
                            localise(note, language)
                            for condition, note in advice.condition_notes
                            if condition in leading
                        ]
                    ),
                    source=advice.source,
                    caution=" ".join(cautions) or None,
                )
            )

    prevention = tuple(
        PlanItem(
            id=item.id,
            kind="prevention",
            title=localise(item.title, language),
            text=localise(item.text, language),
            source=item.source,
            caution=localise(item.evidence_note, language) or None,
        )
        for item in knowledge.prevention
        if not emergency and (item.when is None or item.when.satisfied(findings))
    )

    plan_conditions = {condition.id for condition in differential[:_PLAN_CONDITIONS]}
    treatment_ids: list[str] = []
    for condition in differential[:_PLAN_CONDITIONS]:
        for treatment_id in knowledge.condition(condition.id).treatments:
            if treatment_id not in treatment_ids:
                treatment_ids.append(treatment_id)
    self_care_by_id = {advice.id: advice for advice in knowledge.self_care}

    def guarded(treatment: Treatment) -> str | None:
        if treatment.guarded_by is None:
            return None
        advice = self_care_by_id[treatment.guarded_by]
        return _withheld_because(advice, findings=findings, raised=raised, language=language)

    treatments = tuple(
        PlanItem(
            id=treatment.id,
            kind="treatment",
            title=localise(treatment.title, language),
            text=localise(treatment.text, language),
            source=treatment.source,
            caution=guarded(treatment),
        )
        for treatment in (knowledge.treatments[t] for t in treatment_ids)
        # "Do not offer" for any condition shown wins over "consider" for another.
        if not treatment.not_for & plan_conditions
    )

    safety_net = tuple(
        localise(item.text, language)
        for item in knowledge.safety_net
        if item.when is None or item.when.satisfied(findings)
    )
    contributing = tuple(
        PlanItem(
            id=cause.id,
            kind="contributing",
            title=localise(cause.title, language),
            text=localise(cause.text, language),
            source=cause.source,
        )
        for cause in knowledge.contributing
        if not emergency and cause.when.satisfied(findings)
    )
    return CarePlan(
        contributing=contributing,
        self_care=tuple(self_care),
        avoid=tuple(avoid),
        prevention=prevention,
        treatments=treatments,
        safety_net=safety_net,
    )


def _withheld_because(
    advice: SelfCareAdvice, *, findings: Mapping[str, bool], raised: Concerns, language: str
) -> str | None:
    """Why this advice is withheld from this person (the deciding guard's reason), or None."""
    blocked = first_firing(advice.avoid_if, findings=findings, raised=raised)
    if blocked is None:
        return None
    guard, state = blocked
    text = guard.unknown_text if state is Firing.POSSIBLE and guard.unknown_text else guard.text
    return localise(text, language)


def next_step(
    knowledge: Knowledge, *, triage: Triage, differential: Sequence[ConditionResult], language: str
) -> NextStep:
    """Which clinician, within what time, and why: from the reason that set the level."""
    deciding = (
        next(reason for reason in triage.reasons if reason.level is triage.level) if triage.reasons else None
    )
    if triage.level is Level.EMERGENCY:
        clinician = (
            deciding.clinician
            if deciding and deciding.clinician in _EMERGENCY_CLINICIANS
            else ("emergency_department")
        )
    elif deciding is not None:
        clinician = deciding.clinician
    else:
        clinician = differential[0].clinician if differential else "gp"
    if triage.level.rank < Level.URGENT.rank and clinician in _EMERGENCY_CLINICIANS:
        clinician = "spine_physician"  # an emergency service is never the answer to a non-urgent need
    name = localise(knowledge.clinicians[clinician].name, language)
    template = localise(knowledge.level_text[triage.level].next_step, language)
    why = ""
    if deciding is not None:
        reasons = "; ".join(reason.text for reason in deciding.because[:3])
        why = deciding.title + (
            ". " + knowledge.message("why_rule", language).format(reasons=reasons) if reasons else ""
        )
    return NextStep(
        level=triage.level,
        clinician=clinician,
        clinician_name=name,
        within_hours=LEVEL_WITHIN_HOURS[triage.level],
        text=template.format(clinician=name.lower() if language == "en" else name),
        why=why,
    )
