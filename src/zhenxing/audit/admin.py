from __future__ import annotations

from django.contrib import admin

from zhenxing.audit.models import AuditEvent
from zhenxing.common.admin import ReadOnlyAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditEvent]):
    """Read-only: the log is append-only (guards in the model, a trigger on PostgreSQL)."""

    list_display = ("created_at", "actor_label", "action", "target_type", "target_id", "division")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "target_id")
    date_hierarchy = "created_at"
