"""One public address: the configured base URL is what e-mails, alerts and printed URLs use, and the
site trusts it for forms; `make run PORT=...` sets it. The API docs load their files from the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def _settings_with(env: dict[str, str], expression: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPINEPATH_")} | env
    environment["DJANGO_SETTINGS_MODULE"] = "spinepath.config.settings"
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()


def test_the_site_url_sets_trusted_origin_and_host() -> None:
    out = _settings_with(
        {"SPINEPATH_SITE_URL": "http://127.0.0.1:8765/"},
        "settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS[0], '127.0.0.1' in settings.ALLOWED_HOSTS",
    )
    assert out == "http://127.0.0.1:8765 http://127.0.0.1:8765 True"


def test_a_site_url_without_a_scheme_stops_start_up() -> None:
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings_with({"SPINEPATH_SITE_URL": "spine.example.org"}, "settings.SITE_URL")
    assert "SPINEPATH_SITE_URL" in failure.value.stderr


def test_make_run_passes_its_port_as_the_site_url() -> None:
    clean = {k: v for k, v in os.environ.items() if k != "SPINEPATH_SITE_URL"}
    printed = subprocess.run(
        ["make", "-n", "run", "PORT=8765"], cwd=ROOT, capture_output=True, text=True, check=True, env=clean
    ).stdout
    assert "SPINEPATH_SITE_URL=http://127.0.0.1:8765 " in printed  # load_demo prints this address
    assert "export SPINEPATH_SITE_URL=http://127.0.0.1:8765;" in printed  # the worker and the server use it
    chosen = subprocess.run(
        ["make", "-n", "run", "PORT=8765"], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**clean, "SPINEPATH_SITE_URL": "https://spine.example.org"},
    ).stdout  # fmt: skip
    assert "export SPINEPATH_SITE_URL=https://spine.example.org;" in chosen  # an explicit address wins


@pytest.mark.django_db
def test_load_demo_prints_the_configured_address(settings: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.SITE_URL = "https://spine.example.org"  # type: ignore[attr-defined]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "https://spine.example.org/staff/" in out.getvalue()
    assert ":8000" not in out.getvalue()


@pytest.mark.django_db
def test_api_docs_load_swagger_from_this_site(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    script = client.get("/static/ninja/swagger-ui-bundle.js")
    try:
        assert script.status_code == 200
        assert b"SwaggerUIBundle" in b"".join(script.streaming_content)  # type: ignore[attr-defined]
    finally:
        script.close()
