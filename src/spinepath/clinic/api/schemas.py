"""Request and response shapes of the API (pydantic, via django-ninja): the OpenAPI document's source."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

Language = Literal["en", "es"]


class Problem(Schema):
    field: str | None = Field(None, description="the linkId or field at fault, if any")
    message: str


class ErrorOut(Schema):
    detail: list[Problem]


class OptionOut(Schema):
    value: str
    text: str


class QuestionOut(Schema):
    link_id: str
    text: str
    help: str
    type: Literal["integer", "choice", "multi", "regions"]
    phase: str
    section: str
    required: bool
    minimum: int | None
    maximum: int | None
    options: list[OptionOut]


class QuestionnaireOut(Schema):
    version: str
    language: Language
    questions: list[QuestionOut]
    regions: list[OptionOut]


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(..., description='{"linkId": value}; see GET /questionnaire for types')
    language: Language = "en"


class StartIn(Schema):
    language: Language = "en"


class StepOut(Schema):
    token: str = Field(..., description="the interview's private token: the only handle to it")
    done: bool
    emergency: dict[str, Any] | None = Field(None, description="set when an answer already means emergency")
    questions: list[QuestionOut]
    asked: int
    remaining: int


class SlotOut(Schema):
    clinician_id: int
    clinician: str
    start: datetime
    end: datetime
    urgent_slot: bool


class OfferOut(Schema):
    level: str
    clinician_role: str | None
    clinician_role_name: str
    emergency: bool
    phone_clinic: bool
    clinic_phone: str
    time_zone: str
    why: str
    slots: list[SlotOut]


class BookingIn(Schema):
    token: str = Field(..., description="the interview's private token")
    clinician_id: int
    start: datetime = Field(..., description="slot start with its UTC offset, as returned by /slots")
    name: str = Field(..., min_length=1, max_length=200)
    date_of_birth: date
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)


class RescheduleIn(Schema):
    clinician_id: int
    start: datetime


class AppointmentOut(Schema):
    id: str
    status: str
    urgency: str
    start: datetime
    end: datetime
    clinician: str
    service: str
    manage_token: str = Field(..., description="signed, expiring token for cancel/reschedule")


class WorklistRowOut(Schema):
    case_id: str
    received: datetime
    level: str
    status: str
    flags: list[str]
    top_condition: str | None
    next_clinician: str | None
    appointment_start: datetime | None


class HealthOut(Schema):
    status: str
