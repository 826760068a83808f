"""Demo staff and a few demo cases, so `make run` shows a working worklist. Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import record_assessment

from .models import Role, StaffProfile

# Demo only: printed by `make run`. Real deployments create staff in the admin.
DEMO_STAFF = [
    ("clinician", "demo-clinician-pass", Role.CLINICIAN),
    ("frontdesk", "demo-frontdesk-pass", Role.FRONT_DESK),
    ("admin", "demo-admin-pass-1", Role.CLINIC_ADMIN),
]

DEMO_CASES = [
    {
        "age": 47,
        "sex": "female",
        "pregnancy": "no",
        "pain_regions": ["lower_back", "calf_left", "calf_right"],
        "numb_regions": [],
        "duration": "3_to_12_months",
        "bladder_bowel": ["numb_saddle"],
        "bladder_bowel_timing": "new_or_worse",
        "leg_weakness": [],
        "general_health": [],
        "medical_history": [],
        "injury": "none",
        "emergency_signs": [],
    },
    {
        "age": 49,
        "sex": "male",
        "pain_regions": ["buttock_right", "shin_outer_right", "foot_top_right"],
        "numb_regions": [],
        "worse_part": "leg",
        "duration": "under_1_week",
        "course": "worse",
        "bladder_bowel": [],
        "leg_weakness": ["foot_drop"],
        "weakness_change": "new_stable",
        "general_health": [],
        "medical_history": [],
        "injury": "none",
        "emergency_signs": [],
    },
    {
        "age": 73,
        "sex": "female",
        "pain_regions": ["buttock_left", "buttock_right", "calf_left", "calf_right"],
        "numb_regions": [],
        "worse_part": "leg",
        "duration": "over_1_year",
        "both_legs_timing": "only_when_walking",
        "bladder_bowel": [],
        "leg_weakness": [],
        "general_health": [],
        "medical_history": [],
        "injury": "none",
        "emergency_signs": [],
        "walking_pain": "eases_sitting_or_bending",
        "better_with": ["sitting", "leaning_forward"],
    },
    {
        "age": 36,
        "sex": "male",
        "pain_regions": ["lower_back"],
        "numb_regions": [],
        "duration": "under_1_week",
        "onset": "lifting_or_twisting",
        "course": "better",
        "bladder_bowel": [],
        "leg_weakness": [],
        "general_health": [],
        "medical_history": [],
        "injury": "none",
        "emergency_signs": [],
    },
]


def load_demo_staff(clinic: Clinic) -> list[tuple[str, str, str]]:
    users = get_user_model()
    for username, password, role in DEMO_STAFF:
        user, created = users.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.is_staff = role == Role.CLINIC_ADMIN  # the admin site is for configuration only
            user.is_superuser = role == Role.CLINIC_ADMIN
            user.save()
        StaffProfile.objects.get_or_create(user=user, defaults={"role": role, "clinic": clinic})
    if not Interview.objects.exists():
        for answers in DEMO_CASES:
            interview = Interview.objects.create(answers=answers)
            record_assessment(interview=interview, language="en")
    return [(u, p, r.label) for u, p, r in DEMO_STAFF]
