"""Every patient page is light: HTML plus the CSS and JS it links, measured and written to build/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.engine.helpers import baseline

from .journey import start, walk

pytestmark = pytest.mark.django_db
REPORT = Path(__file__).resolve().parents[2] / "build" / "page-weight.txt"
LIMIT = 100 * 1024


def weight(html: bytes) -> int:
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    return len(html) + sum(Path(finders.find(asset.decode())).stat().st_size for asset in set(assets))


def test_pages_are_light(client: Client) -> None:
    interview = start(client)
    walk(client, interview, baseline())
    token = interview.token
    pages = {
        "start": "/",
        "interview step with body map": f"/i/{token}/?edit=pain_regions,numb_regions",
        "result": f"/i/{token}/result/",
        "answers": f"/i/{token}/answers/",
        "pain diary": f"/i/{token}/diary/",
    }
    sizes = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        sizes[name] = weight(response.content)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("".join(f"{name}: {size / 1024:.1f} KiB\n" for name, size in sizes.items()))
    assert all(size < LIMIT for size in sizes.values()), sizes
