"""The figures the dashboards draw, kept as aggregates: a refresh (`zhenxing dashboards refresh`, daily, and after
the demo's generation) counts each figure once over the raw tables, at its finest level (a village for records,
a county for money, indicators and assessments), rolls the counts up to the township, county and prefecture, and
stores every level's rows under one run. A page reads only the rows of one place's children (a dozen to a few
hundred), never the 2-million-person tables. A run is complete or absent: its rows land in one transaction, and
the pages read the latest finished run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AggregateRun(models.Model):
    as_of = models.DateField("统计日")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("用时（秒）")
    row_count = models.PositiveIntegerField("行数")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # per figure: the version of its counting rule, so that a figure read years later says how it was counted
    versions = models.JSONField("口径版本", default=dict)

    class Meta:
        verbose_name = "图表统计批次"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=models.F("started_at")), name="aggrun_time_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} 统计（{self.row_count} 行）"


class Aggregate(models.Model):
    """One number of one figure: at one place (`code`, under `parent`), for one series and one period."""

    run = models.ForeignKey(AggregateRun, on_delete=models.CASCADE, related_name="rows")
    figure = models.CharField("图表", max_length=40)
    code = models.CharField("区划代码", max_length=12)
    parent = models.CharField("上级区划代码", max_length=12, blank=True)
    series = models.CharField("系列", max_length=40, blank=True)
    period = models.CharField("期间", max_length=7, blank=True)  # '' (as of the run), 'YYYY' or 'YYYY-MM'
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = "图表统计数"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["run", "figure", "code", "series", "period"], name="aggregate_one_number"
            )
        ]
        indexes = [
            models.Index(fields=["run", "figure", "parent"], name="aggregate_children"),
            models.Index(fields=["run", "figure", "code"], name="aggregate_place"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.code} {self.series} {self.period} = {self.value}"
