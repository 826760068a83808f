"""Admin: clinic configuration and staff accounts for clinic admins; the audit log read-only for all."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import ForeignKey, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from . import audit
from .models import AuditEvent, Case, CaseNote, StaffProfile

User = get_user_model()


def _own_clinic(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        return None
    profile = StaffProfile.objects.filter(user=request.user).select_related("clinic").first()
    return profile.clinic if profile else None


class StaffProfileForm(forms.ModelForm[StaffProfile]):
    """Changing a role (or giving someone one) asks for the changer's own password again, and nobody
    changes their own role: a stolen session cannot quietly make itself a clinician."""

    confirm_password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed to give or change a role.",
    )
    request: HttpRequest

    class Meta:
        model = StaffProfile
        fields = ["user", "role", "clinic"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role_changes = self.instance.pk is None or "role" in self.changed_data or "user" in self.changed_data
        if not role_changes:
            return data
        user = self.request.user
        if data.get("user") == user or (self.instance.pk and self.instance.user_id == user.pk):
            raise forms.ValidationError("You cannot change your own role; ask another administrator.")
        if not user.check_password(self.cleaned_data.get("confirm_password") or ""):
            raise forms.ValidationError("Enter your own password to give or change a role.")
        return data


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    """A clinic admin manages the staff of their own clinic only; role changes are re-confirmed and
    go into the audit log."""

    list_display = ["user", "role", "clinic"]
    list_filter = ["role"]
    form = StaffProfileForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request: HttpRequest, obj: StaffProfile, form: Any, change: bool) -> None:
        before = (
            StaffProfile.objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        if before != obj.role:
            change_text = f"{before or 'none'} -> {obj.role}"
            audit.record(request, "role_changed", "user", str(obj.user_id), change_text, clinic=obj.clinic)

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
