"""The API's front door: oversized bodies (413) and wrong content types (415) get a JSON answer before
any view runs, and errors produced outside the API's views (an unknown URL, a wrong method) are JSON too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
_MESSAGES = {
    404: "Not found: check the address (see /api/v1/openapi.json).",
    405: "This address does not accept that method (see /api/v1/openapi.json).",
}


def json_error(status: int, message: str) -> HttpResponse:
    body = json.dumps({"detail": [{"field": None, "message": message}]})
    return HttpResponse(body, status=status, content_type="application/json")


def refusal(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"POST", "PUT", "PATCH"}:
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return json_error(400, "Content-Length must be a number.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return json_error(413, f"The request body is too large (limit {limit} bytes).")
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if length and content_type != "application/json":
        return json_error(415, "Send the body as JSON with Content-Type: application/json.")
    return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        response = refusal(request) or self.get_response(request)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if response.status_code >= 400 and not is_json:
            status = response.status_code
            message = _MESSAGES.get(status) or _phrase(status)
            replacement = json_error(status, message)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


# Pages and answers that can carry health data or staff views: never stored by a browser or a proxy
# (a shared computer's Back button, a caching proxy). Public, data-free API documents may be cached.
NO_STORE_PREFIXES = ("/staff/", "/admin/", API_PREFIX)
CACHEABLE = ("/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs")


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(NO_STORE_PREFIXES) and not request.path.startswith(CACHEABLE):
            response["Cache-Control"] = "no-store, private"
        return response


class DatabaseBusyMiddleware:
    """A database that is locked (SQLite under a long write) or briefly unreachable gives a plain 503
    page that says to try again, with Retry-After, never a bare 500. Nothing was saved: the request's
    transaction did not commit. (The API answers its own JSON 503 the same way, in errors.py.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s: %s", request.method, type(exception).__name__)
        if request.path.startswith(API_PREFIX):
            response = json_error(503, "Database unavailable, try again shortly.")
        else:
            response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
