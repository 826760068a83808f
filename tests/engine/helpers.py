"""Answer sets for engine tests: a calm baseline that individual tests change one thing at a time."""

from __future__ import annotations

from typing import Any

from spinepath.evaluation import complete_answers


def baseline(**changes: Any) -> dict[str, Any]:
    """A 36-year-old man with 3 days of low back pain after lifting, nothing else: a self-care case."""
    answers: dict[str, Any] = {
        "age": 36,
        "sex": "male",
        "pain_regions": ["lower_back"],
        "numb_regions": [],
        "pain_score": 5,
        "duration": "under_1_week",
        "onset": "lifting_or_twisting",
        "course": "better",
        "bladder_bowel": [],
        "leg_weakness": [],
        "general_health": [],
        "medical_history": [],
        "injury": "none",
        "emergency_signs": [],
        "better_with": ["moving"],
    }
    answers.update(changes)
    return complete_answers({k: v for k, v in answers.items() if v is not None})


def sciatica(**changes: Any) -> dict[str, Any]:
    """A 43-year-old man with 4 weeks of left S1-pattern leg pain and numbness of the outer foot."""
    defaults: dict[str, Any] = {
        "age": 43,
        "pain_regions": ["lower_back", "buttock_left", "thigh_back_left", "calf_left", "foot_outer_left"],
        "numb_regions": ["foot_outer_left"],
        "numbness_change": "old_unchanged",
        "worse_part": "leg",
        "duration": "1_to_6_weeks",
        "onset": "gradual",
        "course": "same",
        "worse_with": ["cough_sneeze", "sitting"],
        "better_with": [],
    }
    return baseline(**{**defaults, **changes})
