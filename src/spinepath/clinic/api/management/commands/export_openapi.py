"""Write the OpenAPI document to docs/openapi.json; a test compares the committed copy with the served one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from spinepath.clinic.api.api import api

DEFAULT = Path(__file__).resolve().parents[6] / "docs" / "openapi.json"


class Command(BaseCommand):
    help = "Export the OpenAPI document."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=str(DEFAULT))

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        document = api.get_openapi_schema(path_prefix="/api/v1/")
        Path(output).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        self.stdout.write(f"Wrote {output}")
