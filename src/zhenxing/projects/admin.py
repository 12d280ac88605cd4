from __future__ import annotations

from django.contrib import admin

from zhenxing.common.admin import AuditedModelAdmin
from zhenxing.projects.models import ProjectCategory


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(AuditedModelAdmin):
    """The category catalogue and its category → sector map are data (P14), kept by the administrator."""

    list_display = ("group", "name", "code", "sector", "needs_linkage", "is_industry", "sort")
    list_filter = ("group", "sector")
    ordering = ("sort", "code")
