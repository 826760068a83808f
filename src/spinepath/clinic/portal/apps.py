from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "spinepath.clinic.portal"
    label = "portal"
    verbose_name = "Clinician portal"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the case-opening signal
