"""The asset register in the Django admin (staff only): the asset-type catalogue is data the administrator keeps
(adds, renames, retires — never deletes, assets point at it); the assets themselves are read-only here, for they
change only through the services and leave the register only by an approved disposal (P15) — the database
refuses a DELETE in any case (migrations/0002)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhenxing.assets.models import Asset, AssetType
from zhenxing.common.admin import AuditedModelAdmin, ReadOnlyAdminMixin


@admin.register(AssetType)
class AssetTypeAdmin(AuditedModelAdmin):
    """The catalogue (P15's examples shipped): a type no longer used is retired (在用 off), not deleted."""

    list_display = ("code", "name", "category", "sector", "unit", "sort", "active")
    list_filter = ("category", "sector", "active")
    ordering = ("category", "sort", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Asset]):
    """Read-only: registration, 确权, 移交, care and disposal go through the register's pages and their audit."""

    list_display = ("code", "name", "category", "status", "county", "value_fen")
    list_filter = ("category", "status")
    search_fields = ("code", "name")
    exclude = ("owner_household",)  # a household's assets are shown on the household's own (scoped) page
