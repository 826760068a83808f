"""Anti-automation (OWASP ASVS 5.0 V2.4.1): how often one client address, and one interview token, may
start interviews, answer, book, join the waiting list, write the diary, leave contact details and try to
sign in.

Counting is django-ratelimit's, over the configured cache (Redis when set, else the database). The limits
are settings (RATE_LIMITS, documented in docs/deploy.md). Over a limit, the API answers 429 JSON
and the web a plain page, both with Retry-After; nothing is written.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from spinepath.clinic.api.middleware import API_PREFIX, json_error
from spinepath.clinic.portal.network import client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """A limited action at one URL: `token_from` names where the request's private token is."""

    action: str
    token_from: str | None = None  # a URL keyword, or "body" for the API's JSON body


# Writes only (POST): reading a page is never limited here. One action may have many doors.
ROUTES: dict[str, Route] = {
    "intake:start": Route("start"),
    "api-v1:start_interview": Route("start"),
    "intake:step": Route("answer", "token"),
    "api-v1:submit_answers": Route("answer", "token"),
    "api-v1:assess_answers": Route("answer"),
    "booking:offer": Route("book", "token"),
    "booking:claim": Route("book", "signed"),
    "booking:reschedule": Route("book", "signed"),
    "api-v1:book": Route("book", "body"),
    "api-v1:reschedule": Route("book", "token"),
    "booking:waitlist": Route("waitlist", "token"),
    "intake:diary": Route("diary", "token"),
    "intake:contact": Route("contact", "token"),
    "portal:login": Route("sign_in"),
    "portal:two_factor": Route("sign_in"),
}


@dataclass(frozen=True)
class Refusal:
    action: str
    retry_after: int


def _token(request: HttpRequest, route: Route, view_kwargs: dict[str, Any]) -> str | None:
    if route.token_from is None:
        return None
    if route.token_from != "body":
        value = view_kwargs.get(route.token_from)
        return str(value) if value else None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None


# Who is over a limit, and until when, remembered in this process: a flood's refusals then cost no trip
# to the shared cache (on the database cache each would be a write). Bounded: cleared when it grows large.
_REFUSING: dict[tuple[str, str, str], float] = {}
_REFUSING_MAX = 10_000


def _count(request: HttpRequest, *, group: str, rate: str, value: str) -> int | None:
    """Count this request; the seconds until the window resets when it is over the limit, else None."""
    now = time.monotonic()
    until = _REFUSING.get((group, rate, value))
    if until is not None and until > now:
        return max(1, int(until - now))
    try:
        usage = get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=True)
    except DatabaseError as error:  # the database cache is down (or not created): serve, do not fail
        logger.warning("rate-limit counter unavailable: %s", type(error).__name__)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    wait = max(1, int(usage["time_left"]))
    if len(_REFUSING) >= _REFUSING_MAX:
        _REFUSING.clear()
    _REFUSING[(group, rate, value)] = now + wait
    return wait


def check(request: HttpRequest, view_name: str, view_kwargs: dict[str, Any]) -> Refusal | None:
    """Count a write against its limits (address, then token); a Refusal when one is exceeded."""
    route = ROUTES.get(view_name)
    if route is None or request.method != "POST":
        return None
    limits: dict[str, str] = settings.RATE_LIMITS.get(route.action, {})
    keys = {"address": client_ip(request) or "unknown", "token": _token(request, route, view_kwargs)}
    for kind in ("address", "token"):
        rate, value = limits.get(kind), keys[kind]
        if rate and value:
            wait = _count(request, group=f"spinepath.{route.action}.{kind}", rate=rate, value=value)
            if wait is not None:
                return Refusal(route.action, wait)
    return None


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        response = json_error(429, f"Too many requests. Try again in {refusal.retry_after} seconds.")
    else:
        minutes = max(1, -(-refusal.retry_after // 60))
        response = render(request, "throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Runs after the URL is resolved (process_view), before the view: a refused write never starts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        refusal = check(request, match.view_name, view_kwargs)
        return refused(request, refusal) if refusal else None
