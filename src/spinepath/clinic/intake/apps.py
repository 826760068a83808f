from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class IntakeConfig(AppConfig):
    name = "spinepath.clinic.intake"
    label = "intake"
    verbose_name = "Patient intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The state directory (embedded database, demo outbox) is made at start-up, not on import.
        for directory in (settings.VAR_DIR, settings.STATIC_ROOT, getattr(settings, "EMAIL_FILE_PATH", None)):
            if directory:
                Path(directory).mkdir(parents=True, exist_ok=True)
