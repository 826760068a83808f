"""Request and response shapes of the API (pydantic, via django-ninja): the OpenAPI document's source.

Assessments are described by the engine's own frozen dataclasses, so the document cannot drift from
what `engine.assess` returns. Contact details are checked by clinic/contact.py, the same rules as the
web forms: control characters, line breaks, lone surrogates and bidirectional overrides are refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_type_hints

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, create_model, field_validator, model_validator

from spinepath.clinic import contact
from spinepath.engine import Assessment, Language, Level

# Bookable times: far outside this range a date is a typo, and date arithmetic near year 1 or 9999 overflows.
_EARLIEST, _LATEST = 2000, 2100


def bookable_time(value: datetime) -> datetime:
    if not _EARLIEST <= value.year <= _LATEST:
        raise ValueError(f"must be between {_EARLIEST} and {_LATEST}")
    return value


# An aware time (with its UTC offset): a bare local time would be ambiguous across time zones and DST.
BookableTime = Annotated[AwareDatetime, AfterValidator(bookable_time)]


class Problem(Schema):
    field: str | None = Field(None, description="the linkId, field or header at fault, if any")
    message: str


class ErrorOut(Schema):
    detail: list[Problem]


# Documented error responses: every operation may answer 503 (database briefly unavailable: retry);
# every operation with a body 400 (not JSON), 413 (too large), 415 (not application/json), 422 (invalid).
UNAVAILABLE: dict[int, Any] = {503: ErrorOut}
NOT_FOUND: dict[int, Any] = {404: ErrorOut, **UNAVAILABLE}
BODY_ERRORS: dict[int, Any] = {400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut, **UNAVAILABLE}


class HealthOut(Schema):
    status: Literal["ok"]


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
    version: str = Field(..., description="knowledge-base version")
    language: Language
    questions: list[QuestionOut]
    regions: list[OptionOut] = Field(..., description="values for questions of type `regions`")


# A valid (partial) answer set, shown in the OpenAPI document and used by schemathesis as a seed.
EXAMPLE_ANSWERS: dict[str, Any] = {
    "age": 43,
    "sex": "male",
    "pain_regions": ["lower_back", "calf_left"],
    "pain_score": 6,
    "duration": "1_to_6_weeks",
    "bladder_bowel": [],
    "leg_weakness": [],
}


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ...,
        description='{"linkId": value}; see GET /questionnaire for the types and allowed values',
        examples=[EXAMPLE_ANSWERS],
    )
    language: Language = Language.EN


QUESTIONNAIRE_RESPONSE_HELP = (
    "A FHIR R4 QuestionnaireResponse answering GET /questionnaire?format=fhir; items may be grouped. "
    "A checklist or body map answered 'none' carries the code `none_of_these`; an item with no answer "
    "counts as skipped."
)


class AnswerStepIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description='{"linkId": value}; `null` means skipped', examples=[{"age": 43, "sex": "male"}]
    )
    language: Language | None = Field(None, description="defaults to the interview's language")


class StartIn(Schema):
    language: Language = Language.EN


class EmergencyOut(Schema):
    level: Level
    headline: str
    action: str
    reasons: list[str] = Field(..., description="the warning signs, in the person's language")


class StepOut(Schema):
    token: str = Field(..., description="the interview's private token: the only handle to it")
    done: bool
    emergency: EmergencyOut | None = Field(None, description="set when an answer already means emergency")
    questions: list[QuestionOut] = Field(..., description="the next 1-3 questions to ask")
    asked: int
    remaining: int = Field(..., description="estimate of questions left")


# The stored result: the engine's Assessment plus the stored record's public id.
ResultOut: type[Schema] = create_model(  # type: ignore[call-overload]
    "ResultOut",
    __base__=Schema,
    id=(str, Field(..., description="the stored assessment's public id")),
    **{name: (hint, ...) for name, hint in get_type_hints(Assessment).items()},
)


class SlotOut(Schema):
    clinician_id: int
    clinician: str
    start: datetime = Field(..., description="UTC")
    end: datetime = Field(..., description="UTC")
    urgent_slot: bool


class OfferOut(Schema):
    level: Level
    clinician_role: str | None
    clinician_role_name: str
    emergency: bool
    phone_clinic: bool
    clinic_phone: str
    time_zone: str = Field(..., description="the clinic's IANA time zone, for showing slot times")
    why: str
    slots: list[SlotOut]


ClinicianId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class BookingIn(Schema):
    token: str = Field(..., max_length=64, description="the interview's private token")
    clinician_id: ClinicianId
    start: BookableTime = Field(..., description="slot start with its UTC offset, as returned by /slots")
    # The same rules as the web forms and the booking service (clinic/contact.py).
    name: str = Field(..., min_length=1, max_length=contact.NAME_MAX, description="no line breaks")
    date_of_birth: date
    email: str | None = Field(None, max_length=contact.EMAIL_MAX)
    phone: str | None = Field(
        None, max_length=contact.PHONE_MAX, description="digits, spaces, brackets, dashes, optional +"
    )

    @field_validator("name")
    @classmethod
    def name_is_plain(cls, value: str) -> str:
        return contact.clean_name(value)

    @field_validator("email")
    @classmethod
    def email_looks_like_one(cls, value: str | None) -> str | None:
        return contact.clean_email(value or "") or None

    @field_validator("phone")
    @classmethod
    def phone_is_a_number(cls, value: str | None) -> str | None:
        return contact.clean_phone(value or "") or None

    @field_validator("date_of_birth")
    @classmethod
    def plausible_birth_date(cls, value: date) -> date:
        today = date.today()
        if not today.year - 120 <= value.year or value >= today:
            raise ValueError("must be a real date of birth in the past")
        return value

    @model_validator(mode="after")
    def reachable(self) -> BookingIn:
        if not (self.email or self.phone):
            raise ValueError("give an e-mail address or a phone number")
        return self


class RescheduleIn(Schema):
    clinician_id: ClinicianId
    start: BookableTime


class AppointmentOut(Schema):
    id: str
    status: Literal["booked", "cancelled"]
    urgency: str
    start: datetime
    end: datetime
    clinician: str
    service: str
    manage_token: str = Field(..., description="signed, expiring token for cancel/reschedule")


class WorklistRowOut(Schema):
    case_id: str = Field(..., description="the case's public id (a UUID)")
    received: datetime
    level: Level
    status: str
    flags: list[str]
    top_condition: str | None = Field(..., description="clinicians only; null for other roles")
    next_clinician: str | None
    appointment_start: datetime | None
