"""spinepath's typed JSON API, /api/v1 (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Endpoints parse, call one engine function or service, and render. Every error is JSON:
{"detail": [{"field": <linkId, field or header, or null>, "message": <plain words>}]}.
"""

from __future__ import annotations

from ninja import NinjaAPI

from . import bookings, errors, interviews, staff

api = NinjaAPI(
    title="spinepath API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Triage, likely causes, care plans and booking for back and leg pain. spinepath supports, and does "
        "not replace, a clinician. Patient endpoints use the interview's private token (keep it secret); "
        "staff endpoints a bearer token from `manage.py create_api_token`. Request bodies are JSON "
        "(`Content-Type: application/json`, at most 256 KiB). Errors: "
        '`{"detail": [{"field": ..., "message": ...}]}`; 503 means the database is briefly unavailable: '
        "retry (writes with the same Idempotency-Key are safe to retry). 429 means too many writes from one "
        "address or for one interview (anti-automation limits, docs/deploy.md): wait `Retry-After` seconds."
    ),
)
errors.install(api)
api.add_router("", interviews.router)
api.add_router("", bookings.router)
api.add_router("/staff", staff.router)
