"""One monitoring with 民政 (P17): the differences a comparison of a county's roster snapshot found, and the
outcome of each lead sent back to 民政 (with the visit it cites, so that one visit serves both)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.policy.rules.lowincome import KINDS, ROSTER_CATEGORIES

KIND_CHOICES = [(code, kind.short) for code, kind in KINDS.items()]


class LowIncomeDifference(models.Model):
    """One difference of one comparison (民政比对): a person (or, for M2, the household) whose roster
    entry and monitoring disagree. Unique per snapshot: comparing the same snapshot again adds nothing."""

    run = models.ForeignKey(
        "screening.ScreeningRun", verbose_name="比对轮次", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        "feeds.FeedBatch", verbose_name="民政名册", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县", to_field="code", db_column="county_code",
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    kind = models.CharField("差异类型", max_length=4, choices=KIND_CHOICES)
    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    record = models.ForeignKey(
        "feeds.FeedRecord", verbose_name="名册记录", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    category = models.CharField("救助类别", max_length=8)
    # the lead it was raised on; empty when the rule was quiet for the household (dismissed before, P10)
    lead = models.ForeignKey(
        "screening.Lead", verbose_name="预警线索", null=True, blank=True, on_delete=models.PROTECT,
        related_name="lowincome_differences",
    )  # fmt: skip
    key = models.CharField("差异标识", max_length=80)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    # when its outcome was last sent back to 民政 (the export); empty until then
    exported_at = models.DateTimeField("反馈民政时间", null=True, blank=True)

    class Meta:
        verbose_name = "民政比对差异"
        verbose_name_plural = "民政比对差异"
        constraints = [
            models.UniqueConstraint(fields=["batch", "key"], name="lowincome_difference_once_per_snapshot"),
            models.CheckConstraint(condition=Q(kind__in=list(KINDS)), name="lowincome_difference_kind_known"),
            models.CheckConstraint(
                condition=Q(category__in=list(ROSTER_CATEGORIES)), name="lowincome_difference_category_known"
            ),
        ]
        indexes = [models.Index(fields=["county", "batch"], name="lowincome_difference_county")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.household_id}:{self.category}"

    @property
    def kind_title(self) -> str:
        """The kind's Chinese name (P17), shown wherever its code appears."""
        return KINDS[self.kind].title


class LowIncomeOutcome(models.Model):
    """How a 民政比对 lead was closed for 民政: the note and, instead of a new visit, the household's visit it
    cites (P17: one visit serves both). The result itself is the lead's (核实纳入 / 核实不纳入)."""

    lead = models.OneToOneField(
        "screening.Lead", verbose_name="预警线索", on_delete=models.PROTECT, related_name="lowincome_outcome"
    )
    visit = models.ForeignKey(
        "monitoring.Visit", verbose_name="引用的走访", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    note = models.TextField("核实说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("核实时间")

    class Meta:
        verbose_name = "民政比对核实结果"
        verbose_name_plural = "民政比对核实结果"

    def __str__(self) -> str:
        return f"{self.lead_id} 核实结果"
