"""Where each body-map region is drawn: simple shapes on a front and a back outline.

Coordinates are for the person's LEFT side, as distance from the midline (dx), in a 200 x 420
viewBox; the right side is the mirror image. In the front view the person's left is on the
viewer's right; in the back view it is on the viewer's left, as when looking at someone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from spinepath.engine import get_body_map

CENTRE = 100
# region id -> (dx, y, width, height); midline regions use dx = -width/2.
SHAPES: dict[str, tuple[float, float, float, float]] = {
    "mid_back": (-20, 95, 40, 45),
    "lower_back": (-20, 141, 40, 31),
    "tailbone": (-7, 188, 14, 12),
    "flank": (22, 118, 14, 40),
    "sacroiliac": (8, 173, 14, 14),
    "buttock": (4, 201, 32, 32),
    "thigh_back": (8, 236, 26, 70),
    "knee_back": (10, 308, 22, 16),
    "calf": (10, 326, 22, 56),
    "heel": (14, 384, 14, 10),
    "sole": (12, 396, 18, 16),
    "foot_outer": (31, 390, 7, 22),
    "abdomen": (-20, 120, 40, 50),
    "pubic": (-12, 176, 24, 16),
    "groin": (8, 194, 18, 16),
    "hip_outer": (28, 188, 11, 28),
    "thigh_inner": (2, 214, 7, 72),
    "thigh_front": (10, 214, 18, 80),
    "thigh_outer": (29, 220, 9, 74),
    "knee_front": (10, 298, 20, 18),
    "shin_inner": (7, 320, 10, 58),
    "shin_outer": (18, 320, 12, 58),
    "ankle_inner": (6, 380, 9, 8),
    "foot_top": (13, 389, 16, 11),
    "foot_inner": (4, 392, 8, 14),
    "big_toe": (8, 402, 8, 9),
    "little_toe": (24, 402, 7, 9),
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
