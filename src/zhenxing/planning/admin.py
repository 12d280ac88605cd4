"""The plan's indicators in the Django admin (staff only): the indicator catalogue and the yearly statistics
template are data the administrator keeps (a new indicator, a renamed one, one retired — never deleted, values
point at it); everything else changes only through the planning pages and their audit, so it is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenxing.common.admin import AuditedModelAdmin, ReadOnlyAdminMixin
from zhenxing.planning.models import Indicator, IndicatorValue, StatsTemplate


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "unit", "direction", "source", "period", "level", "department", "active")
    list_filter = ("source", "period", "level", "active")
    search_fields = ("code", "name")
    ordering = ("sort", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatsTemplate)
class StatsTemplateAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[IndicatorValue]):
    """Read-only: a frozen value changes only by a correction (a new version with its reason)."""

    list_display = ("indicator", "period", "division", "version", "is_current", "state", "value")
    list_filter = ("state", "is_current")
