from __future__ import annotations

from django.contrib import admin

from zhenxing.common.admin import ReadOnlyAdminMixin
from zhenxing.divisions.models import Division


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Division]):
    """Read-only: the tree comes from the NBS file through `zhenxing divisions load`."""

    list_display = ("code", "name", "short_name", "level", "is_tuopin_county", "is_key_county", "edition")
    list_filter = ("level", "is_tuopin_county", "is_key_county")
    search_fields = ("code", "name")
