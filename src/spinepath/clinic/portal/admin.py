from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, Case, CaseNote, StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    list_display = ["user", "role", "clinic"]
    list_filter = ["role", "clinic"]


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

    list_display = ["at", "actor_name", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
