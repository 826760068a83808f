"""Shapes of contact details that every form in the shell checks the same way."""

from __future__ import annotations

import re

PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
