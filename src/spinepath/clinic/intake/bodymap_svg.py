"""Where each body-map region is drawn: simple shapes on a front and a back outline.

Coordinates are for the person's LEFT side, as distance from the midline (dx), in the viewBox below;
the right side is the mirror image. In the front view the person's left is on the viewer's right; in
the back view it is on the viewer's left, as when looking at someone.

Every shape is at least MIN_SIZE units wide and high: shown at least 16 rem wide (phones stack the two
views), that is 24 x 24 CSS pixels or more, the WCAG 2.2 minimum target size (issue #13; measured in
tests/browser/test_bodymap.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from spinepath.engine import get_body_map

CENTRE = 100
VIEWBOX = "34 0 132 344"  # x from 34 to 166: the arms are the widest part
MIN_SIZE = 15
# region id -> (dx, y, width, height); midline regions use dx = -width/2.
SHAPES: dict[str, tuple[float, float, float, float]] = {
    # back view
    "upper_back": (-14, 50, 28, 22),
    "upper_back_side": (15, 50, 30, 22),
    "mid_back": (-14, 74, 28, 22),
    "mid_back_side": (15, 74, 30, 22),
    "lower_back": (-14, 98, 28, 24),
    "lower_back_side": (15, 98, 15, 24),
    "flank": (31, 98, 15, 24),
    "tailbone": (-8, 124, 16, 17),
    "sacroiliac": (8, 124, 16, 17),
    "saddle": (-8, 144, 16, 16),
    "buttock": (9, 144, 36, 32),
    "thigh_back": (8, 178, 34, 50),
    "knee_back": (8, 230, 34, 16),
    "calf": (8, 248, 34, 42),
    "heel": (10, 292, 20, 16),
    "foot_outer": (31, 292, 15, 32),
    "sole": (8, 310, 22, 16),
    # front view
    "chest_ribs": (6, 50, 38, 34),
    "abdomen": (-30, 86, 60, 36),
    "pubic": (-13, 124, 26, 18),
    "groin": (14, 124, 20, 18),
    "hip_outer": (35, 120, 15, 36),
    "thigh_inner": (1, 144, 15, 56),
    "thigh_front": (17, 144, 17, 56),
    "thigh_outer": (35, 158, 15, 42),
    "knee_front": (6, 202, 32, 18),
    "shin_inner": (4, 222, 16, 40),
    "shin_outer": (21, 222, 17, 40),
    "ankle_inner": (4, 264, 16, 16),
    "ankle_outer": (21, 264, 17, 16),
    "foot_inner": (2, 282, 15, 16),
    "foot_top": (18, 282, 22, 16),
    "big_toe": (2, 300, 18, 16),
    "little_toe": (24, 300, 16, 16),
}


@dataclass(frozen=True)
class Shape:
    region_id: str  # selectable id, e.g. calf_left
    label: str
    x: float
    y: float
    width: float
    height: float
    side: str = ""  # "left" or "right" (the person's own side); "" on the midline


# How the checkboxes are grouped under each view: the middle of the body, then each side.
SIDE_GROUPS = (("", _("Middle")), ("left", _("Left side")), ("right", _("Right side")))


def grouped(view: str, language: str) -> list[tuple[str, list[Shape]]]:
    """The view's regions as (group legend, shapes) for the fieldsets of checkboxes."""
    drawn = shapes(view, language)
    groups = [(str(legend), [s for s in drawn if s.side == side]) for side, legend in SIDE_GROUPS]
    return [(legend, members) for legend, members in groups if members]


def shapes(view: str, language: str) -> list[Shape]:
    body_map = get_body_map()
    drawn: list[Shape] = []
    for region in body_map.regions:
        if region.view != view:
            continue
        dx, y, width, height = SHAPES[region.id]
        if not region.sided:
            drawn.append(Shape(region.id, body_map.label(region.id, language), CENTRE + dx, y, width, height))
            continue
        for side in ("left", "right"):
            on_viewers_right = (side == "left") == (view == "front")
            x = CENTRE + dx if on_viewers_right else CENTRE - dx - width
            region_id = f"{region.id}_{side}"
            drawn.append(Shape(region_id, body_map.label(region_id, language), x, y, width, height, side))
    return drawn
