from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class PortalConfig(AppConfig):
    name = "spinepath.clinic.portal"
    label = "portal"
    verbose_name = "Clinician portal"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the case-opening signals
        from .models import StaffProfile
        from .roles import apply_role, remove_role, sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)

        # Group membership follows the profile's role on every save.
        def profile_saved(sender: Any, instance: StaffProfile, **kwargs: Any) -> None:
            apply_role(instance)

        post_save.connect(profile_saved, sender=StaffProfile, weak=False)

        def profile_deleted(sender: Any, instance: StaffProfile, **kwargs: Any) -> None:
            remove_role(instance)

        post_delete.connect(profile_deleted, sender=StaffProfile, weak=False)
