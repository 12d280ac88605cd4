from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenxing.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the log is append-only (guards in the model, a trigger on PostgreSQL)."""

    list_display = ("created_at", "actor_label", "action", "target_type", "target_id", "division")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "target_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
