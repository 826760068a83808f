"""spinepath: safe triage, explained likely causes, care plans and booking for back and leg pain."""

__version__ = "0.1.0"
