"""Model and form choices derived from the engine's single definitions (levels, clinicians).

Model fields take these callables (Django stores the reference in migrations), so adding a level or a
bookable clinician to the engine or knowledge base needs no edit and no migration here.
"""

from __future__ import annotations

from spinepath.engine import Level, get_knowledge, level_label


def level_choices() -> list[tuple[str, str]]:
    """Every triage level, most urgent first."""
    return [(level.value, level_label(level)) for level in Level.most_urgent_first()]


def bookable_level_choices() -> list[tuple[str, str]]:
    """The levels an appointment can be booked at: all but emergency (which is never booked online)."""
    return [(value, label) for value, label in level_choices() if value != Level.EMERGENCY]


def bookable_roles() -> tuple[str, ...]:
    """Clinician roles a clinic can book: `bookable: true` in the knowledge base's advice.yaml."""
    return tuple(role for role, clinician in get_knowledge().clinicians.items() if clinician.bookable)


def bookable_role_choices() -> list[tuple[str, str]]:
    clinicians = get_knowledge().clinicians
    return [(role, clinician_name(role)) for role in bookable_roles() if role in clinicians]


def clinician_name(role: str, language: str = "en") -> str:
    """A clinician role in words, in `language` (the role id itself if the knowledge base lacks it)."""
    clinician = get_knowledge().clinicians.get(role)
    if clinician is None:
        return role
    return clinician.name if isinstance(clinician.name, str) else clinician.name.get(language, role)
