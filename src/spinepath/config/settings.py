"""Django settings, read from the environment (12-factor).

Everything that differs between a laptop demo and a production deployment comes from environment
variables; nothing secret is committed. With nothing set, spinepath runs on an embedded SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from spinepath.engine.languages import DEFAULT_LANGUAGE
from spinepath.engine.languages import LANGUAGES as SUPPORTED_LANGUAGES

SRC_DIR = Path(__file__).resolve().parents[1]  # the installed package (its locale files)
# Where the embedded database, outbox and collected static files live: `var/` in the directory the
# server is started from (the checkout, for `make run`), or SPINEPATH_VAR_DIR. Created at start-up
# (IntakeConfig.ready), never on importing these settings.
VAR_DIR = Path(os.environ.get("SPINEPATH_VAR_DIR") or Path.cwd() / "var").resolve()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; a value that is neither (a typo) stops start-up instead of meaning "no"."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole-number setting; anything else (or below `minimum`) stops start-up with the reason."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: must be at least {minimum}")
    return number


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SPINEPATH_DEBUG", False)
# The demo key is only for local runs; production settings refuse to start without a real one.
SECRET_KEY = os.environ.get("SPINEPATH_SECRET_KEY", "insecure-demo-key-change-me-" + "x" * 40)
ALLOWED_HOSTS = env_list("SPINEPATH_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The one public address: e-mailed links, staff alerts and the URLs `load_demo` prints (no request there).
# `make run PORT=...` sets it to match the port it serves on.
SITE_URL = os.environ.get("SPINEPATH_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SPINEPATH_SITE_URL={SITE_URL!r}: expected e.g. https://spine.example.org")
if _site.hostname not in ALLOWED_HOSTS and "SPINEPATH_ALLOWED_HOSTS" not in os.environ:
    ALLOWED_HOSTS.append(_site.hostname)
CSRF_TRUSTED_ORIGINS = env_list(
    "SPINEPATH_CSRF_TRUSTED_ORIGINS",
    ",".join(
        dict.fromkeys([f"{_site.scheme}://{_site.netloc}", "http://127.0.0.1:8000", "http://localhost:8000"])
    ),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI's files from this site (the CSP allows only our own files)
    "spinepath.clinic.intake",
    "spinepath.clinic.booking",
    "spinepath.clinic.portal",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "spinepath.clinic.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "spinepath.clinic.api.middleware.NoStoreMiddleware",
    "spinepath.clinic.api.middleware.DatabaseBusyMiddleware",
    "spinepath.clinic.api.middleware.ApiBoundaryMiddleware",
    "spinepath.clinic.limits.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "spinepath.config.urls"
WSGI_APPLICATION = "spinepath.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default (WAL + busy timeout so concurrent writers queue instead of failing);
# PostgreSQL when DATABASE_URL is set, with connection health checks so a restarted server is survived.
_default_sqlite = f"sqlite:///{VAR_DIR / 'spinepath.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("SPINEPATH_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # A file (not :memory:) so live-server and multi-process tests share it; one per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SPINEPATH_TEST_DB", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SPINEPATH_TEST_DB", "test_spinepath")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = DEFAULT_LANGUAGE
LANGUAGES = list(SUPPORTED_LANGUAGES.items())
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve app static files straight from the apps (no collectstatic step needed for `make run`).
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Logs carry request metadata only; health data never goes to a log (see docs/architecture.md).
# Private links (/i/<token>/, booking links) open health answers, so they are redacted from log lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"private_links": {"()": "spinepath.clinic.intake.privacy.RedactPrivateLinks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["private_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["private_links"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["private_links"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SPINEPATH_LOG_LEVEL", "WARNING")},
}

# Background jobs (appointment reminders) live in the database, so they survive restarts and any
# number of app servers share one queue; `manage.py db_worker` runs them (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail: SMTP when SPINEPATH_EMAIL_HOST is set; otherwise the demo writes messages to var/outbox.
if os.environ.get("SPINEPATH_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SPINEPATH_EMAIL_HOST"]
    EMAIL_PORT = env_int("SPINEPATH_EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = os.environ.get("SPINEPATH_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SPINEPATH_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("SPINEPATH_EMAIL_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox"
# Only the background worker talks to the mail server (booking/outbox.py): a request never waits on SMTP.
# A server that accepts and never answers is dropped after EMAIL_TIMEOUT seconds; a failed send is tried
# again after 1, 2, 4 ... minutes (at most an hour apart) until its deadline, then staff are asked to phone.
EMAIL_TIMEOUT = env_int("SPINEPATH_EMAIL_TIMEOUT", 15, minimum=1)
SPINEPATH_EMAIL_RETRY_FIRST_SECONDS = env_int("SPINEPATH_EMAIL_RETRY_FIRST_SECONDS", 60, minimum=1)
SPINEPATH_EMAIL_RETRY_LONGEST_SECONDS = env_int("SPINEPATH_EMAIL_RETRY_LONGEST_SECONDS", 3600, minimum=1)
SPINEPATH_EMAIL_GIVE_UP_HOURS = env_int("SPINEPATH_EMAIL_GIVE_UP_HOURS", 12)
DEFAULT_FROM_EMAIL = os.environ.get("SPINEPATH_FROM_EMAIL", "spinepath <no-reply@spinepath.example>")
# Who is alerted about emergencies and diary escalations when a clinic has no duty address of its own.
DUTY_EMAIL = os.environ.get("SPINEPATH_DUTY_EMAIL", "")
# The staff worklist reloads itself this often (a meta refresh: no script needed).
WORKLIST_REFRESH_SECONDS = env_int("SPINEPATH_WORKLIST_REFRESH_SECONDS", 60, minimum=10)

# Staff sign-in: django-axes locks an account (and address) after repeated failures.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
SPINEPATH_LOGIN_FAILURE_LIMIT = env_int("SPINEPATH_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# Also per username across every address (higher, so one address cannot lock a colleague out):
SPINEPATH_LOGIN_FAILURE_LIMIT_ANY_ADDRESS = env_int(
    "SPINEPATH_LOGIN_FAILURE_LIMIT_ANY_ADDRESS", 20, minimum=1
)
AXES_FAILURE_LIMIT = "spinepath.clinic.portal.lockout.failure_limit"
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_LOCKOUT_TEMPLATE = "portal/locked.html"
# Behind N trusted proxies the client address comes from X-Forwarded-For (audit log and lockout).
SPINEPATH_PROXY_COUNT = env_int("SPINEPATH_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "spinepath.clinic.portal.network.client_ip"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:worklist"

# Idle timeout: a staff session ends after 30 minutes without a request.
SESSION_COOKIE_AGE = env_int("SPINEPATH_SESSION_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): only our own files; scripts need a nonce if ever inline.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Request bodies above this are refused (413): answers and bookings are a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# Stateless app servers: sessions and cache live in shared stores, so any number of servers can sit
# behind a load balancer. Redis when SPINEPATH_REDIS_URL is set (cache, and sessions cached in Redis
# but written through to the database); otherwise the database itself.
REDIS_URL = os.environ.get("SPINEPATH_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis is a cache here, never the only copy: if it is down, requests carry on (sessions are
            # read from the database) instead of failing.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "spinepath_cache"}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"


# Anti-automation (ASVS V2.4.1; spinepath/clinic/limits.py): writes per client address and per interview
# token, as "count/period" (period s, m, h or d). Each is an environment variable (docs/deploy.md); an
# empty value turns that one limit off.
_RATE_LIMIT_VARIABLES = {
    ("start", "address"): ("SPINEPATH_RATE_START_ADDRESS", "60/h"),
    ("answer", "address"): ("SPINEPATH_RATE_ANSWER_ADDRESS", "3000/h"),
    ("answer", "token"): ("SPINEPATH_RATE_ANSWER_TOKEN", "400/h"),
    ("book", "address"): ("SPINEPATH_RATE_BOOK_ADDRESS", "30/h"),
    ("book", "token"): ("SPINEPATH_RATE_BOOK_TOKEN", "10/h"),
    ("waitlist", "address"): ("SPINEPATH_RATE_WAITLIST_ADDRESS", "20/h"),
    ("waitlist", "token"): ("SPINEPATH_RATE_WAITLIST_TOKEN", "5/h"),
    ("diary", "address"): ("SPINEPATH_RATE_DIARY_ADDRESS", "120/h"),
    ("diary", "token"): ("SPINEPATH_RATE_DIARY_TOKEN", "30/h"),
    ("contact", "address"): ("SPINEPATH_RATE_CONTACT_ADDRESS", "30/h"),
    ("contact", "token"): ("SPINEPATH_RATE_CONTACT_TOKEN", "10/h"),
    ("sign_in", "address"): ("SPINEPATH_RATE_SIGN_IN_ADDRESS", "30/h"),
}
RATE_LIMITS: dict[str, dict[str, str]] = {}
for (_action, _key), (_variable, _default) in _RATE_LIMIT_VARIABLES.items():
    RATE_LIMITS.setdefault(_action, {})[_key] = os.environ.get(_variable, _default).strip()
RATELIMIT_ENABLE = env_bool("SPINEPATH_RATE_LIMITS_ENABLED", True)
# Counters: in Redis when there is one (exact across every app server). Without Redis they are kept in
# each app process's memory rather than in the database cache: counting there would add write
# transactions to every counted request, which on SQLite queue behind the patients' own writes.
# Each process then counts alone, so with N processes a client can get up to N x a limit (docs/deploy.md).
if REDIS_URL:
    RATELIMIT_USE_CACHE = "default"
else:
    CACHES["rate_limits"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "spinepath-rate-limits",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
    RATELIMIT_USE_CACHE = "rate_limits"
# If the counters cannot be read (Redis down), serve rather than refuse everyone: limits are a guard
# against floods, not a reason for an outage (see docs/deploy.md).
RATELIMIT_FAIL_OPEN = True
# Cases per worklist page.
SPINEPATH_WORKLIST_PAGE_SIZE = env_int("SPINEPATH_WORKLIST_PAGE_SIZE", 50, minimum=1)
# Sign-in records (django-axes), expired sessions and finished job results are kept this long
# (`manage.py purge_expired`), however long health records are kept.
SPINEPATH_SECURITY_LOG_DAYS = env_int("SPINEPATH_SECURITY_LOG_DAYS", 90, minimum=1)
