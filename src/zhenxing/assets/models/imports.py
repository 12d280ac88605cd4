"""An asset workbook being imported (assets/imports.py): the batch with its row-level problems and counts, and
its valid rows staged until the uploader confirms (deleted once applied). An asset row names no person (an 到户类
asset's household is named by its 户编号 only), so staged rows are kept as plain JSON."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.assets.enums import ImportStatus


class AssetImport(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField("数据行数", default=0)
    errors = models.JSONField("错误", default=list)
    summary = models.JSONField("结果", default=dict)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "资产台账导入"
        verbose_name_plural = "资产台账导入"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="asset_import_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class AssetImportRow(models.Model):
    batch = models.ForeignKey(AssetImport, on_delete=models.CASCADE, related_name="staged")
    row_number = models.PositiveIntegerField("行号")
    payload = models.JSONField()

    class Meta:
        verbose_name = "待确认导入资产"
        verbose_name_plural = "待确认导入资产"
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="asset_import_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
