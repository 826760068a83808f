"""Demo staff and a few demo cases, so `make run` shows a working worklist. Idempotent."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from spinepath.clinic.booking.models import Clinic
from spinepath.clinic.booking.selectors import offer_for
from spinepath.clinic.booking.services import Person, book_appointment
from spinepath.clinic.intake.models import Interview
from spinepath.clinic.intake.services import add_diary_entry, record_assessment
from spinepath.evaluation import complete_answers

from .models import Role, StaffProfile

# Demo only: printed by `make run`. Real deployments create staff in the admin.
DEMO_STAFF = [
    ("clinician", "demo-clinician-pass", Role.CLINICIAN),
    ("frontdesk", "demo-frontdesk-pass", Role.FRONT_DESK),
    ("admin", "demo-admin-pass-1", Role.CLINIC_ADMIN),
]

# Each demo person's story; `complete_answers` (the one builder of complete answer sets, shared with
# the tests) answers every checklist and body map they do not mention with "none of these".
DEMO_STORIES = [
    {  # new saddle numbness with pain in both legs: an emergency
        "age": 47,
        "sex": "female",
        "pregnancy": "no",
        "pain_regions": ["lower_back", "calf_left", "calf_right"],
        "duration": "3_to_12_months",
        "bladder_bowel": ["numb_saddle"],
        "bladder_bowel_timing": "new_or_worse",
        "injury": "none",
    },
    {  # a new foot drop: urgent
        "age": 49,
        "sex": "male",
        "pain_regions": ["buttock_right", "shin_outer_right", "foot_top_right"],
        "worse_part": "leg",
        "duration": "under_1_week",
        "course": "worse",
        "leg_weakness": ["foot_drop"],
        "weakness_change": "new_stable",
        "injury": "none",
    },
    {  # neurogenic claudication: booked
        "age": 73,
        "sex": "female",
        "pain_regions": ["buttock_left", "buttock_right", "calf_left", "calf_right"],
        "worse_part": "leg",
        "duration": "over_1_year",
        "both_legs_timing": "only_when_walking",
        "injury": "none",
        "walking_pain": "eases_sitting_or_bending",
        "better_with": ["sitting", "leaning_forward"],
    },
    {  # a few days of back pain after lifting: self-care, then a worse diary entry
        "age": 36,
        "sex": "male",
        "pain_regions": ["lower_back"],
        "duration": "under_1_week",
        "onset": "lifting_or_twisting",
        "course": "better",
        "injury": "none",
    },
]


def load_demo_cases(clinic: Clinic) -> None:
    """Assess the demo answer sets; book the third person and log a worse diary check-in for the last."""
    records = []
    for story in DEMO_STORIES:
        interview = Interview.objects.create(answers=complete_answers(story))
        records.append(record_assessment(interview=interview, language="en"))
    now = timezone.now()
    offer = offer_for(clinic=clinic, assessment=records[2].assessment, now=now)
    if offer.slots:
        slot = offer.slots[0]
        book_appointment(
            clinic=clinic,
            record=records[2],
            clinician_id=slot.clinician_id,
            start=slot.start,
            person=Person("Maria Lopez (demo)", date(1952, 3, 14), "maria@example.org", "07700 900123"),
            idempotency_key=f"demo:{records[2].public_id}",
            now=now,
        )
    add_diary_entry(
        interview=records[3].interview,
        pain=8,
        function=7,
        new_symptoms={"leg_weakness": ["foot_drop"]},
        language="en",
    )


def load_demo_staff(clinic: Clinic) -> list[tuple[str, str, str]]:
    """Demo accounts (one per role) and, on an empty database, a few assessed demo cases.

    Returns (username, password, role label) for printing. Running it again changes nothing but
    resets the demo accounts' roles: the admin is a clinic admin, not a superuser.
    """
    users = get_user_model()
    for username, password, role in DEMO_STAFF:
        user, created = users.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
        user.is_superuser = False
        user.save()
        profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={"role": role, "clinic": clinic})
        profile.role = role
        profile.save()  # puts the user in the role's group; only the admin may use the admin site
    if not Interview.objects.exists():
        load_demo_cases(clinic)
    return [(u, p, r.label) for u, p, r in DEMO_STAFF]
