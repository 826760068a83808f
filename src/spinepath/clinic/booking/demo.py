"""A demo clinic with a realistic week, for `make run`. Idempotent: running it twice adds nothing."""

from __future__ import annotations

from datetime import time

from .models import Break, Clinic, Clinician, Service, WeeklyAvailability

TEAM = [
    ("Ms Aisha Rahman", "spine_surgeon"),
    ("Dr Tom Okafor", "spine_physician"),
    ("Sam Ortiz", "physiotherapist"),
    ("Dr Lena Fischer", "pain_specialist"),
]
SERVICES = [
    ("New-patient consultation (surgeon)", Service.Kind.NEW, "spine_surgeon", 30, 10),
    ("New-patient consultation (spine doctor)", Service.Kind.NEW, "spine_physician", 30, 5),
    ("Follow-up (spine doctor)", Service.Kind.FOLLOW_UP, "spine_physician", 15, 5),
    ("Physiotherapy session", Service.Kind.PHYSIO, "physiotherapist", 45, 0),
    ("Pain clinic consultation", Service.Kind.NEW, "pain_specialist", 40, 5),
]


def load_demo_clinic() -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(
        slug="demo-spine-clinic",
        defaults={
            "name": "Riverside Spine Clinic (demo)",
            "time_zone": "Europe/London",
            "phone": "020 7946 0000",
            "email": "clinic@spinepath.example",
            "address": "1 River Street, London",
        },
    )
    for name, role in TEAM:
        clinician, created = Clinician.objects.get_or_create(
            clinic=clinic, name=name, defaults={"role": role}
        )
        if not created:
            continue
        for weekday in range(5):  # Monday to Friday
            if role in {"spine_surgeon", "spine_physician"}:
                # 08:00-09:00 is held back for urgent cases (seen within 48 hours).
                WeeklyAvailability.objects.create(
                    clinician=clinician, weekday=weekday, start=time(8), end=time(9), urgent_only=True
                )
            WeeklyAvailability.objects.create(
                clinician=clinician, weekday=weekday, start=time(9), end=time(17)
            )
            Break.objects.create(clinician=clinician, weekday=weekday, start=time(12, 30), end=time(13, 30))
    for name, kind, role, minutes, buffer in SERVICES:
        Service.objects.get_or_create(
            clinic=clinic,
            name=name,
            defaults={"kind": kind, "role": role, "duration_minutes": minutes, "buffer_minutes": buffer},
        )
    return clinic
