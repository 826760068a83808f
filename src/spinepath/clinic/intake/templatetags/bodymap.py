"""The body drawing's frame, defined once (bodymap_svg.py) for the intake pages and the staff portal."""

from __future__ import annotations

from django import template

from spinepath.clinic.intake.bodymap_svg import VIEWBOX

register = template.Library()


@register.simple_tag
def bodymap_viewbox() -> str:
    return VIEWBOX
