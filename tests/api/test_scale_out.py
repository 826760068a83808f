"""Stateless app servers: cache and sessions live in the database (default) or Redis, shared by every
process; nothing that matters is kept in one process's memory. Each check runs in fresh processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/15"

WRITE = """
import json
from importlib import import_module
from django.conf import settings
from django.core.cache import cache
cache.set("scale-out-probe", "VALUE", 60)
session = import_module(settings.SESSION_ENGINE).SessionStore()
session["probe"] = "VALUE"
session.save()
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"], "sessions": settings.SESSION_ENGINE,
                  "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"], "key": session.session_key}))
"""
READ = """
from django.core.cache import cache
from importlib import import_module
from django.conf import settings
session = import_module(settings.SESSION_ENGINE).SessionStore(session_key="KEY")
print(cache.get("scale-out-probe"), session.get("probe"))
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _shell(code: str, **env: str) -> str:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SPINEPATH_REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment,
                          check=True, capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'scale.sqlite3'}"
    _shell("from django.core.management import call_command as c; c('migrate', verbosity=0); "
           "c('createcachetable'); print('ready')", DATABASE_URL=url)  # fmt: skip
    return url


def test_by_default_cache_and_sessions_are_in_the_database_and_shared_between_processes(
    sqlite_url: str,
) -> None:
    value = uuid.uuid4().hex
    shown = json.loads(_shell(WRITE.replace("VALUE", value), DATABASE_URL=sqlite_url))
    assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db" and shown["health_checks"]
    assert (
        _shell(READ.replace("KEY", shown["key"]), DATABASE_URL=sqlite_url) == f"{value} {value}"
    )  # another process


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running at 127.0.0.1:6379")
def test_with_redis_the_cache_is_redis_and_sessions_are_cached_in_front_of_the_database(
    sqlite_url: str,
) -> None:
    value = uuid.uuid4().hex
    shown = json.loads(
        _shell(WRITE.replace("VALUE", value), DATABASE_URL=sqlite_url, SPINEPATH_REDIS_URL=REDIS)
    )
    assert shown["cache"] == "django_redis.cache.RedisCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    read = _shell(READ.replace("KEY", shown["key"]), DATABASE_URL=sqlite_url, SPINEPATH_REDIS_URL=REDIS)
    assert read == f"{value} {value}"


def test_if_redis_is_down_sessions_still_work_from_the_database(sqlite_url: str) -> None:
    down = "redis://127.0.0.1:1/0"  # nothing listens there
    value = uuid.uuid4().hex
    key = json.loads(
        _shell(WRITE.replace("VALUE", value), DATABASE_URL=sqlite_url, SPINEPATH_REDIS_URL=down)
    )["key"]
    assert (
        _shell(READ.replace("KEY", key), DATABASE_URL=sqlite_url, SPINEPATH_REDIS_URL=down) == f"None {value}"
    )
