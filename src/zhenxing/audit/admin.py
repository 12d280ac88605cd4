from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhenxing.audit.actions import action_label
from zhenxing.audit.display import actor_label, changes, target_label
from zhenxing.audit.models import AuditEvent
from zhenxing.common.admin import ReadOnlyAdminMixin


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditEvent]):
    """Read-only: the log is append-only (guards in the model, a trigger on PostgreSQL). The administrator
    reads it here, in the same Chinese words as the audit page."""

    list_display = ("created_at", "actor_name", "action_name", "target_name", "division")
    list_filter = (ActionFilter,)
    search_fields = ("actor_label", "target_id")
    date_hierarchy = "created_at"
    readonly_fields = ("old_display", "new_display")

    @admin.display(description="操作人", ordering="actor_label")
    def actor_name(self, event: AuditEvent) -> str:
        return actor_label(event.actor_label)

    @admin.display(description="操作", ordering="action")
    def action_name(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description="对象", ordering="target_type")
    def target_name(self, event: AuditEvent) -> str:
        return target_label(event.target_type, event.target_id)

    @admin.display(description="原值（说明）")
    def old_display(self, event: AuditEvent) -> str:
        return "；".join(f"{c.label}：{c.value}" for c in changes(event.target_type, event.old_values)) or "—"

    @admin.display(description="新值（说明）")
    def new_display(self, event: AuditEvent) -> str:
        return "；".join(f"{c.label}：{c.value}" for c in changes(event.target_type, event.new_values)) or "—"
