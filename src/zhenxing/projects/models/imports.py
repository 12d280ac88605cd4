"""An existing library workbook being imported (projects/imports.py): the batch with its row-level problems and
counts, and its valid rows staged until the uploader confirms. A project row holds no personal data (no
household is named in the workbook), so the staged rows are kept as plain JSON; they are deleted once the
batch is applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LibraryImportStatus(models.TextChoices):
    INVALID = "invalid", "有错误，未导入"
    VALIDATED = "validated", "校验通过，待确认"
    DONE = "done", "已导入"


class LibraryImport(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=16, choices=LibraryImportStatus.choices)
    rows = models.PositiveIntegerField("数据行数", default=0)
    errors = models.JSONField("错误", default=list)
    warnings = models.JSONField("提示", default=list)
    # counts by what becomes of each row: to add, already in the library (unchanged), not imported (skipped)
    summary = models.JSONField("结果", default=dict)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "项目库导入"
        verbose_name_plural = "项目库导入"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LibraryImportStatus.values), name="library_import_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class LibraryImportRow(models.Model):
    """One valid row waiting for confirmation: the project as the workbook states it (ProjectInput's fields,
    its 状态, 审定日期 and 项目编号)."""

    batch = models.ForeignKey(LibraryImport, on_delete=models.CASCADE, related_name="staged")
    row_number = models.PositiveIntegerField("行号")
    payload = models.JSONField()

    class Meta:
        verbose_name = "待确认导入项目"
        verbose_name_plural = "待确认导入项目"
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="library_import_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
