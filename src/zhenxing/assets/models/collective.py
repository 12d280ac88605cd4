"""A village's yearly 村级集体经济收入 (P11, P15), entered by its township with evidence; the project-asset income
of that year is kept beside it as one visible part, and the tier as the parameter in force put it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.policy.rules.projects import MAX_FEN

_USER = settings.AUTH_USER_MODEL


class CollectiveIncome(models.Model):
    village = models.ForeignKey(
        "divisions.Division", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    amount_fen = models.BigIntegerField("村级集体经济收入（分）")
    asset_income_fen = models.BigIntegerField("其中：项目资产收益（分）", default=0)
    tier = models.PositiveSmallIntegerField("收入档次")  # 0: < 2万 … 3: ≥ 10万 (policy.rules.assets)
    tier_parameter = models.ForeignKey(
        "policy.Parameter", verbose_name="分档参数", on_delete=models.PROTECT, related_name="+"
    )
    has_tuopin_population = models.BooleanField("有脱贫人口的村", default=True)
    evidence = models.CharField("依据（账簿、报表）", max_length=200)
    entered_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "村级集体经济收入"
        verbose_name_plural = "村级集体经济收入"
        ordering = ["county__code", "village__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="collective_income_unique_year"),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0, amount_fen__lte=MAX_FEN), name="collective_income_in_range"
            ),
            models.CheckConstraint(
                condition=Q(asset_income_fen__gte=0), name="collective_asset_income_not_negative"
            ),
            models.CheckConstraint(condition=Q(tier__lte=3), name="collective_tier_known"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="collective_year_in_range"
            ),
        ]
        indexes = [models.Index(fields=["county", "year", "tier"], name="collective_county_year_tier")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.amount_fen}"
