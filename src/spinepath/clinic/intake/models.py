"""Stored interviews and the assessments the engine produced for them.

A person reaches their interview only through `token`, a long random secret: no sequential
identifier ever appears in a patient-facing URL.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import models


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
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
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
    result = models.JSONField()
    triage_level = models.CharField(max_length=16, db_index=True)
    triage_rank = models.PositiveSmallIntegerField(db_index=True)
    knowledge_version = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-triage_rank", "created_at"]

    def __str__(self) -> str:
        return f"Assessment {self.public_id} ({self.triage_level})"

    @property
    def top_condition(self) -> dict[str, Any] | None:
        differential = self.result.get("differential") or []
        return differential[0] if differential else None
