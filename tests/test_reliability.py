"""The reliability table counts each shown cause once, in the row of the number it was shown with."""

from __future__ import annotations

from spinepath.evaluation import Vignette, reliability, reliability_lines
from tests.engine.helpers import baseline


def _vignette(name: str, answers: dict[str, object], dx: str) -> Vignette:
    return Vignette(
        id=name, narrative="", answers=answers, gold="routine", ok=("routine",), dx=(dx,) if dx else ()
    )


def test_shares_calibrated_ranges_and_no_numbers_are_counted_in_their_own_rows() -> None:
    ces = baseline(bladder_bowel=["numb_saddle"], bladder_bowel_timing="new_or_worse")
    rows = reliability(
        [
            _vignette("ces", ces, "cauda equina syndrome"),
            _vignette("strain", baseline(), "nonspecific low back pain"),
            _vignette("no dx", baseline(), ""),
        ]
    )
    by_label = {row.label: row for row in rows}
    calibrated = by_label["calibrated range (midpoint)"]
    assert (calibrated.shown, calibrated.confirmed) == (1, 1)
    assert calibrated.mean_displayed == (0.06 + 0.22) / 2
    shares = rows[:-2]
    assert sum(row.confirmed for row in shares) == 1, "the strain's leading cause is confirmed"
    assert sum(row.shown for row in rows) <= 10, "at most 5 causes per vignette with a diagnosis"
    top_bin = next(row for row in shares if row.confirmed)
    assert top_bin.mean_displayed is not None and top_bin.mean_displayed > 0.5
    assert len(reliability_lines(rows)) == len(rows) + 2
