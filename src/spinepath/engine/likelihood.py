"""How a condition's likelihood is shown: never a tiny, falsely reassuring number for a must-rule-out one.

The differential's probabilities start from population priors. For someone whose answers fire an urgent or
emergency rule naming a condition (or push it past its own urgent or emergency escalation threshold), the
prior-based number is not calibrated to people like them: published series of such people find the condition
far more often. Such a condition is shown with that observed range (knowledge/calibration.yaml, cited), or,
where no series exists, with no number and "this must be checked".
"""

from __future__ import annotations

from collections.abc import Mapping

from .knowledge import Knowledge
from .model import ShownLikelihood
from .text import localise

SHARE = ShownLikelihood("share")


def shown_likelihood(
    knowledge: Knowledge, *, condition_id: str, must_check: bool, findings: Mapping[str, bool], language: str
) -> ShownLikelihood:
    if not must_check:
        return SHARE
    calibration = knowledge.calibration.get(condition_id)
    if calibration is None or (
        calibration.applies_when is not None and not calibration.applies_when.satisfied(findings)
    ):
        must_check_text = localise(knowledge.calibration_texts["must_check"], language)
        return ShownLikelihood("must_check", text=must_check_text)
    text = localise(knowledge.calibration_texts["calibrated"], language).format(
        population=localise(calibration.population, language),
        low=round(calibration.low * 100),
        high=round(calibration.high * 100),
    )
    return ShownLikelihood(
        "calibrated", text=text, low=calibration.low, high=calibration.high, source=calibration.source
    )
