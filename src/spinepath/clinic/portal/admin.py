"""Admin: clinic configuration and staff accounts for clinic admins; the audit log read-only for all."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import ForeignKey, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from .models import AuditEvent, Case, CaseNote, StaffProfile

User = get_user_model()


def _own_clinic(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        return None
    profile = StaffProfile.objects.filter(user=request.user).select_related("clinic").first()
    return profile.clinic if profile else None


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    """A clinic admin manages the staff of their own clinic only."""

    list_display = ["user", "role", "clinic"]
    list_filter = ["role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffProfile]:
        profiles = super().get_queryset(request).select_related("user", "clinic")
        if request.user.is_superuser:
            return profiles
        return profiles.filter(clinic=_own_clinic(request), user__is_superuser=False)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if not request.user.is_superuser:
            if db_field.name == "clinic":
                clinic = _own_clinic(request)
                kwargs["queryset"] = type(clinic).objects.filter(pk=getattr(clinic, "pk", None))
            if db_field.name == "user":
                kwargs["queryset"] = User.objects.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Clinic admins create and edit accounts but cannot grant superuser powers or touch superusers;
    roles (groups) follow the staff profile."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        clinic = _own_clinic(request)
        return users.filter(is_superuser=False).filter(
            Q(staff_profile__clinic=clinic) | Q(staff_profile__isnull=True)
        )


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["interview", "clinic", "status", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "clinic"]


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin[CaseNote]):
    list_display = ["case", "author", "created_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Readable by admins, changeable by nobody."""

    list_display = ["at", "actor_name", "action", "object_type", "object_id", "ip_address", "clinic"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        events = super().get_queryset(request)
        if request.user.is_superuser:
            return events
        return events.filter(Q(clinic=_own_clinic(request)) | Q(clinic__isnull=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
