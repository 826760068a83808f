"""The pain-diary chart as plain numbers for an inline SVG (no script, so the CSP stays strict)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 10, 34
SCALE_MAX = 10


class DiaryPoint(Protocol):
    pain: int
    function: int
    escalated: bool
    created_at: datetime


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    value: int
    label: str
    escalated: bool


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # SVG polyline "x,y x,y"
    marks: list[Mark]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    gridlines: list[tuple[float, int]]  # (y, value)
    dates: list[tuple[float, str]]  # (x, label)
    plot_left: int
    plot_right: int
    plot_bottom: int


def _y(value: int) -> float:
    span = HEIGHT - TOP - BOTTOM
    return round(TOP + span * (1 - min(max(value, 0), SCALE_MAX) / SCALE_MAX), 1)


def diary_chart(entries: Sequence[DiaryPoint]) -> Chart | None:
    """Pain and function (0-10) per check-in, oldest on the left; None without entries."""
    if not entries:
        return None
    span = WIDTH - LEFT - RIGHT
    step = span / (len(entries) - 1) if len(entries) > 1 else 0
    xs = [round(LEFT + (i * step if len(entries) > 1 else span / 2), 1) for i in range(len(entries))]
    series = []
    for name, attribute in (("pain", "pain"), ("function", "function")):
        marks = [
            Mark(
                x,
                _y(getattr(entry, attribute)),
                getattr(entry, attribute),
                entry.created_at.strftime("%d %b"),
                entry.escalated,
            )
            for x, entry in zip(xs, entries, strict=True)
        ]
        series.append(Series(name, " ".join(f"{m.x},{m.y}" for m in marks), marks))
    every = max(1, len(entries) // 6)  # at most about six date labels
    dates = [(x, e.created_at.strftime("%d %b")) for i, (x, e) in enumerate(zip(xs, entries, strict=True))]
    return Chart(
        WIDTH,
        HEIGHT,
        series,
        [(_y(v), v) for v in (0, 5, 10)],
        dates[::every],
        LEFT,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
    )
