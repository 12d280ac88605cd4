from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhenxing.common.enums import Department


class FeedBatch(models.Model):
    """One delivery of a department's records. The checksum makes the same delivery twice a no-op."""

    department = models.CharField("部门", max_length=32, choices=Department.choices)
    checksum = models.CharField("内容摘要", max_length=64)
    source = models.CharField("来源", max_length=16, choices=[("upload", "上传"), ("api", "接口推送")])
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_key = models.ForeignKey(
        "accounts.DepartmentApiKey",
        verbose_name="接口密钥",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField("文件名", max_length=200, blank=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    rows = models.PositiveIntegerField("记录数", default=0)
    accepted = models.PositiveIntegerField("已接收", default=0)
    quarantined = models.PositiveIntegerField("隔离（有错误）", default=0)
    unmatched = models.PositiveIntegerField("未匹配到农村人口", default=0)
    # A roster snapshot (P17: 民政's 低保/特困/低保边缘/刚性支出困难 rosters arrive as dated full snapshots per
    # county): the county and date it describes; the newest one of a county is current, the one it
    # replaced is marked superseded. An event-style batch leaves all three empty.
    county_code = models.CharField("县级区划代码", max_length=6, blank=True)
    snapshot_on = models.DateField("名册日期", null=True, blank=True)
    superseded_at = models.DateTimeField("被新名册替代时间", null=True, blank=True)

    class Meta:
        verbose_name = "部门数据批次"
        verbose_name_plural = "部门数据批次"
        constraints = [
            models.UniqueConstraint(fields=["department", "checksum"], name="feed_batch_once"),
            models.CheckConstraint(
                condition=Q(department__in=Department.values), name="feed_batch_department_known"
            ),
            # a snapshot names both its county and its date; an event batch neither, and is never superseded
            models.CheckConstraint(
                condition=Q(county_code="", snapshot_on__isnull=True, superseded_at__isnull=True)
                | (~Q(county_code="") & Q(snapshot_on__isnull=False)),
                name="feed_batch_snapshot_complete",
            ),
            models.UniqueConstraint(
                fields=["department", "county_code"],
                condition=~Q(county_code="") & Q(superseded_at__isnull=True),
                name="feed_batch_one_current_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {timezone.localtime(self.received_at):%Y-%m-%d %H:%M}"


class FeedRecord(models.Model):
    """One accepted record, matched to a person's current household (or a household, or a village).

    The columns are shared by every department (feeds/adapters.py says which fills which), so that a rule
    reads feed data the same way on every engine. No ID number is kept: the match is by blind index."""

    batch = models.ForeignKey(FeedBatch, on_delete=models.PROTECT, related_name="records")
    department = models.CharField("部门", max_length=32, choices=Department.choices)
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village_code = models.CharField("行政村代码", max_length=12, blank=True)
    record_date = models.DateField("日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    amount_fen = models.BigIntegerField("金额（分）", null=True, blank=True)
    amount2_fen = models.BigIntegerField("金额2（分）", null=True, blank=True)
    code = models.CharField("类别", max_length=20, blank=True)
    number = models.IntegerField("数值", null=True, blank=True)
    flag = models.BooleanField("标记", null=True, blank=True)

    class Meta:
        verbose_name = "部门数据记录"
        verbose_name_plural = "部门数据记录"
        indexes = [
            models.Index(fields=["department", "record_date"], name="feed_record_department_date"),
            models.Index(fields=["household", "department"], name="feed_record_household"),
        ]

    def __str__(self) -> str:
        return f"{self.department}:{self.batch_id}:{self.row_number}"


class QuarantinedRow(models.Model):
    """A row that could not be accepted, with why — and nothing personal (no ID number, no name)."""

    batch = models.ForeignKey(FeedBatch, on_delete=models.PROTECT, related_name="quarantine")
    row_number = models.PositiveIntegerField("行号")
    field = models.CharField("字段", max_length=40, blank=True)
    reason = models.CharField("原因", max_length=200)

    class Meta:
        verbose_name = "隔离记录"
        verbose_name_plural = "隔离记录"

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.reason}"
