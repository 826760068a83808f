"""The API's front door: wrong content types and oversized bodies get a JSON 4xx before any view runs."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


def _json_error(status: int, message: str) -> HttpResponse:
    body = json.dumps({"detail": [{"field": None, "message": message}]})
    return HttpResponse(body, status=status, content_type="application/json")


class ApiBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and request.method in {"POST", "PUT", "PATCH"}:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _json_error(400, "Content-Length must be a number.")
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return _json_error(
                    413,
                    f"The request body is too large (limit {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes).",
                )
            content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            if length and content_type != "application/json":
                return _json_error(415, "Send the body as JSON with Content-Type: application/json.")
        return self.get_response(request)
