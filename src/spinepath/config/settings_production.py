"""Production settings: everything in settings.py, hardened. Refuses to start without a real secret.

DJANGO_SETTINGS_MODULE=spinepath.config.settings_production
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env_int

DEBUG = False
SECRET_KEY = os.environ.get("SPINEPATH_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SPINEPATH_SECRET_KEY to a random string of at least 50 characters.")

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One TLS proxy in front by default (docs/deploy.md); it appends the client address to X-Forwarded-For.
SPINEPATH_PROXY_COUNT = env_int("SPINEPATH_PROXY_COUNT", 1)
SECURE_HSTS_SECONDS = 63072000  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
