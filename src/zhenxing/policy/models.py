from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.policy.enums import YUNNAN, ParameterKind


class Parameter(models.Model):
    """One version of a policy parameter, with its provenance (P4: carried as data, never buried in code).

    A revision never overwrites: it adds version n+1 and marks version n superseded, so a decision that
    cites a parameter id can always be explained with the value it used (P8, P13).
    `year` is null for a kind that does not vary by year.
    """

    kind = models.CharField("参数类型", max_length=40, choices=ParameterKind.choices)
    region = models.CharField("适用区域代码", max_length=12, default=YUNNAN)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    effective_from = models.DateField("执行日期", null=True, blank=True)
    value = models.JSONField("取值")
    document = models.CharField("依据文件", max_length=200)
    verified = models.BooleanField("已核实", default=False)
    note = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行", default=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["kind", "region", "year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "year"],
                condition=Q(is_current=True, year__isnull=False),
                name="parameter_one_current_per_year",
            ),
            models.UniqueConstraint(
                fields=["kind", "region"],
                condition=Q(is_current=True, year__isnull=True),
                name="parameter_one_current_all_years",
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "year", "version"], name="parameter_version_unique"
            ),
            models.CheckConstraint(condition=Q(kind__in=ParameterKind.values), name="parameter_kind_known"),
            models.CheckConstraint(
                condition=Q(is_current=True, superseded_at__isnull=True)
                | Q(is_current=False, superseded_at__isnull=False),
                name="parameter_superseded_iff_not_current",
            ),
        ]
        indexes = [models.Index(fields=["kind", "region", "is_current"], name="parameter_lookup")]

    def __str__(self) -> str:
        year = f"{self.year}年" if self.year else "不分年度"
        return f"{self.get_kind_display()} {year} v{self.version}"
