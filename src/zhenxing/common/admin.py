"""Django admin writes go to the audit log too, through the hooks admin calls inside its transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest

from zhenxing.audit import services as audit

# Never copied into the log, whatever the model.
_NEVER_LOGGED = {"password", "key_hash"}


def _snapshot(obj: models.Model) -> dict[str, Any]:
    values = model_to_dict(obj)
    return {key: str(value) for key, value in values.items() if key not in _NEVER_LOGGED}


class AuditedAdminMixin:
    def _actor(self, request: HttpRequest) -> Any:
        return request.user if request.user.is_authenticated else None

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit.record(actor=self._actor(request), action="admin.add", target=obj, new=_snapshot(obj))
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        audit.record(
            actor=self._actor(request),
            action="admin.change",
            target=obj,
            new=_snapshot(obj),
            reason=str(message),
        )
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit.record(actor=self._actor(request), action="admin.delete", target=obj, old=_snapshot(obj))
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyAdminMixin:
    """For records that only a command or a service may write (the division tree, the audit log)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from zhenxing.common.models import CalendarDay, CalendarYear  # noqa: E402 - the mixins above come first


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ("year", "source", "loaded_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ("day", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"
