from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    INVALID = "invalid", "有错误，未导入"
    VALIDATED = "validated", "校验通过，待确认"
    QUEUED = "queued", "已确认，排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败，数据未改动"


class ImportBatch(models.Model):
    """One uploaded 台账 workbook and what became of it. The file is kept only encrypted (ImportUpload), while
    the batch may still be committed: until it is done, or a few days after it was left or failed."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    scope_division = models.ForeignKey(
        "divisions.Division", verbose_name="导入范围", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices)
    member_rows = models.PositiveIntegerField("成员行数", default=0)
    year_rows = models.PositiveIntegerField("收支行数", default=0)
    errors = models.JSONField("错误", default=list)
    warnings = models.JSONField("提示", default=list)
    summary = models.JSONField("结果", default=dict)
    failure = models.TextField("失败原因", blank=True)
    # while set, a failed batch may be confirmed again: its file is kept encrypted (ImportUpload) until then
    reconfirm_until = models.DateTimeField("可重新确认至", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class StagedRow(models.Model):
    """Validated rows of one sheet waiting for confirmation — a chunk of up to a few thousand, by column, from
    `row_number` on (transfer/staging.py; before issue 22 one row each) — sealed (transfer/uploads.seal_staged):
    they hold health, disability, 低保/特困 and income, which are never in plain text at rest. Purged when the
    batch is committed or fails."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(max_length=16)
    row_number = models.PositiveIntegerField()
    sealed = models.BinaryField()

    class Meta:
        verbose_name = "待确认导入行"
        verbose_name_plural = "待确认导入行"
        indexes = [models.Index(fields=["batch", "sheet", "row_number"], name="staged_row_order")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.sheet}:{self.row_number}"


class ImportUpload(models.Model):
    """The uploaded workbook, AES-GCM encrypted (transfer/uploads.py), kept so that a batch whose job failed
    can be validated and confirmed again without a new upload. Deleted when the batch is done or expires."""

    batch = models.OneToOneField(
        ImportBatch, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    cipher = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "导入文件（加密）"
        verbose_name_plural = "导入文件（加密）"

    def __str__(self) -> str:
        return f"upload of {self.batch_id}"
