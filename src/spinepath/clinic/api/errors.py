"""Every failure becomes JSON: {"detail": [{"field": <linkId, field or header, or null>, "message": ...}]}.

One handler per failure a caller can act on; an unexpected error is logged and answered with a JSON 500
(schemathesis and the fault tests make sure there are none).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from spinepath.clinic.booking.services import AlreadyBooked, BookingError
from spinepath.clinic.booking.tokens import manage_token
from spinepath.engine import AnswerError

logger = logging.getLogger(__name__)

# Where pydantic puts a parameter: the first part of an error's `loc`, not part of the field's name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def problem(field: str | None, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def _field(loc: list[Any] | tuple[Any, ...]) -> str | None:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in {"body", "payload"}:  # the body parameter's own name
        parts = parts[1:]
    return ".".join(parts) or None


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, problems: list[dict[str, Any]]) -> HttpResponse:
        return api.create_response(request, {"detail": problems}, status=status)

    def answers_invalid(request: HttpRequest, error: AnswerError) -> HttpResponse:
        return respond(request, 422, [problem(p.link_id, p.message) for p in error.problems])

    def request_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return respond(request, 422, [problem(_field(e.get("loc", ())), _message(e)) for e in error.errors])

    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        message = str(error)
        if "parse request body" in message:
            message = "The body is not valid JSON (UTF-8 encoded)."
        return respond(request, error.status_code, [problem(None, message)])

    def booking_refused(request: HttpRequest, error: BookingError) -> HttpResponse:
        if isinstance(error, AlreadyBooked):  # offer the move: the existing booking's manage token
            token = manage_token(str(error.appointment.public_id))
            message = (
                f"This case already has an appointment ({error.appointment.start.isoformat()}). "
                f"To change it, move it: POST /api/v1/bookings/{token}/reschedule"
            )
            return respond(request, 409, [problem("manage_token", message)])
        return respond(request, error.status, [problem(None, error.message)])

    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return respond(request, 404, [problem(None, "Not found: check the token or identifier.")])

    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = respond(
            request, 401, [problem("Authorization", "A valid staff bearer token is required.")]
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def forbidden(request: HttpRequest, error: AuthorizationError) -> HttpResponse:
        return respond(request, 403, [problem(None, str(error.message))])

    def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, [problem(None, "The request body is too large.")])

    def database_down(request: HttpRequest, error: DatabaseError) -> HttpResponse:
        logger.warning("database unavailable: %s", type(error).__name__)
        response = respond(request, 503, [problem(None, "Database unavailable, try again shortly.")])
        response["Retry-After"] = "5"
        return response

    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unexpected error in %s %s", request.method, request.path)
        return respond(request, 500, [problem(None, "Something went wrong on our side. Please try again.")])

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, unexpected),
        (AnswerError, answers_invalid),
        (ValidationError, request_invalid),
        (HttpError, http_error),
        (BookingError, booking_refused),
        (Http404, not_found),
        (AuthenticationError, unauthenticated),
        (AuthorizationError, forbidden),
        (RequestDataTooBig, too_big),
        (OperationalError, database_down),
        (InterfaceError, database_down),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
