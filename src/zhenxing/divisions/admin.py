from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenxing.divisions.models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    """Read-only: the tree comes from the NBS file through `zhenxing divisions load`."""

    list_display = ("code", "name", "short_name", "level", "is_tuopin_county", "is_key_county", "edition")
    list_filter = ("level", "is_tuopin_county", "is_key_county")
    search_fields = ("code", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
