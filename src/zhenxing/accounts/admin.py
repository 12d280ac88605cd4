from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from zhenxing.accounts.models import Assignment, DepartmentApiKey, Sector, User
from zhenxing.common.admin import AuditedAdminMixin, AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "jurisdiction",
        "department",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "department", "sector", "is_active")
    search_fields = ("username", "display_name", "jurisdiction__name", "jurisdiction__code")
    raw_id_fields = ("jurisdiction",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份", {"fields": ("display_name", "role", "jurisdiction", "department", "sector")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("身份", {"fields": ("display_name", "role", "jurisdiction", "department", "sector")}),
    )
    readonly_fields = ("last_login", "date_joined")


@admin.register(DepartmentApiKey)
class DepartmentApiKeyAdmin(AuditedModelAdmin):
    """Listing only: keys are created and revoked through `zhenxing apikey`, which shows the key once."""

    list_display = ("department", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("department",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(AuditedModelAdmin):
    list_display = ("user", "kind", "division", "starts_on", "ends_on")
    list_filter = ("kind",)
    raw_id_fields = ("user", "division", "created_by")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    """County sectors are data (P14): an administrator adds or renames one; codes are kept once used."""

    list_display = ("name", "code", "sort")
    ordering = ("sort", "code")
