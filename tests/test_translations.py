"""Every string the shell marks for translation has a Spanish translation, including new ones.

The strings are extracted afresh from the source (Django's makemessages, in a copy of the package),
so a string added in code but never translated fails here rather than showing English to a Spanish
speaker.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "spinepath"
PO = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _entries(po_text: str) -> list[str]:
    return [block for block in po_text.split("\n\n")[1:] if "msgid" in block and not block.startswith("#~")]


def _untranslated(block: str) -> bool:
    if "#, fuzzy" in block:
        return True
    for line_index, line in enumerate(lines := block.splitlines()):
        if line.startswith("msgstr") and line.endswith('""'):
            following = lines[line_index + 1] if line_index + 1 < len(lines) else ""
            if not following.startswith('"'):
                return True
    return False


def test_the_committed_catalogue_is_complete() -> None:
    missing = [block for block in _entries(PO.read_text()) if _untranslated(block)]
    assert not missing, missing[:3]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_every_string_in_the_source_is_in_the_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "spinepath"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "es", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = (copy / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text()
    missing = [block for block in _entries(fresh) if _untranslated(block)]
    assert not missing, f"{len(missing)} strings need a Spanish translation (run makemessages): {missing[:3]}"
