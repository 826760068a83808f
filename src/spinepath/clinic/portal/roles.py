"""Roles are Django groups whose membership follows the StaffProfile.

Least privilege: what a role may see in the portal is decided by `StaffProfile.role` (see access.py);
the groups carry the Django admin permissions, and only clinic admins get any: clinic configuration,
staff accounts and reading (never changing) the audit log. Patient data is not in their admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Role, StaffProfile

EVERYTHING = ("add", "change", "delete", "view")
CONFIGURATION = ("clinic", "clinician", "service", "weeklyavailability", "break", "availabilityexception")
ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "booking": dict.fromkeys(CONFIGURATION, EVERYTHING),
    "portal": {"staffprofile": EVERYTHING, "auditevent": ("view",)},
    "auth": {"user": ("add", "change", "view")},
}


def _admin_permissions() -> list[Permission]:
    wanted = Q(pk__in=[])
    for app_label, models in ADMIN_PERMISSIONS.items():
        for model, actions in models.items():
            wanted |= Q(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    return list(Permission.objects.filter(wanted))


def role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=role)
    if role == Role.CLINIC_ADMIN:
        group.permissions.set(_admin_permissions())
    return group


def sync_role_groups(**kwargs: Any) -> None:
    """Create the three role groups (run after every migrate)."""
    for role in Role.values:
        role_group(role)


def apply_role(profile: StaffProfile) -> None:
    """Put the user in exactly their role's group; only clinic admins (and superusers) reach the admin."""
    user = profile.user
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=profile.role))
    user.groups.add(role_group(profile.role))
    is_staff = profile.role == Role.CLINIC_ADMIN or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def remove_role(profile: StaffProfile) -> None:
    user = profile.user
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
