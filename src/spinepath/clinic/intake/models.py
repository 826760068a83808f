"""Stored interviews, the assessments the engine produced for them, and the pain diary.

A person reaches their interview only through `token`, a long random secret: no sequential
identifier ever appears in a patient-facing URL.
"""

from __future__ import annotations

import secrets
import uuid
from functools import cached_property

from django.db import models

from spinepath.clinic.choices import level_choices
from spinepath.engine import Assessment, ConditionResult, Level


def new_private_token() -> str:
    return secrets.token_urlsafe(32)


class Interview(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_private_token, editable=False)
    language = models.CharField(max_length=8, default="en")
    answers = models.JSONField(default=dict, blank=True)
    # The linkIds of each step in the order they were answered, so "Back" can reopen the last step.
    history = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    escalated = models.BooleanField(default=False, help_text="The pain diary raised the urgency.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Interview {self.public_id}"


class AssessmentRecord(models.Model):
    """One engine result, frozen with the answers and the knowledge version that produced it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="assessments")
    answers = models.JSONField()
    answers_hash = models.CharField(max_length=64, db_index=True, default="")
    result = models.JSONField()
    triage_level = models.CharField(max_length=16, db_index=True, choices=level_choices)
    triage_rank = models.PositiveSmallIntegerField(db_index=True)
    knowledge_version = models.CharField(max_length=64)
    source = models.CharField(max_length=16, default="interview")  # interview | diary | api
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-triage_rank", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "answers_hash", "knowledge_version"],
                name="one_assessment_per_answer_set",
            )
        ]

    def __str__(self) -> str:
        return f"Assessment {self.public_id} ({self.triage_level})"

    @cached_property
    def assessment(self) -> Assessment:
        """The stored result, read through the engine's typed model (never by hand-written keys)."""
        return Assessment.from_dict(self.result)

    @property
    def level(self) -> Level:
        return Level(self.triage_level)

    @property
    def top_condition(self) -> ConditionResult | None:
        differential = self.assessment.differential
        return differential[0] if differential else None


class PainDiaryEntry(models.Model):
    """A check-in from the private link: pain, function and any new warning signs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="diary")
    pain = models.PositiveSmallIntegerField()
    function = models.PositiveSmallIntegerField(
        help_text="0 = pain does not stop me, 10 = cannot do anything"
    )
    new_symptoms = models.JSONField(default=dict, blank=True)
    level_before = models.CharField(max_length=16, choices=level_choices)
    level_after = models.CharField(max_length=16, choices=level_choices)
    escalated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Diary entry {self.public_id}"


class FollowUpContact(models.Model):
    """How the clinic may reach a person told urgent or emergency who has not booked: given with consent,
    each part optional (a phone number or an e-mail address is enough)."""

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    consented_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact for {self.interview_id}"
