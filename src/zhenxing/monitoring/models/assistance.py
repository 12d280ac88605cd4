"""Assistance (P7, P9, P11): one plan per monitoring episode (一户一策), its measures with responsible cadres,
per-person items (一人一方案), evaluations, and the housing-safety ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.monitoring.enums import (
    EvaluationKind,
    HousingWay,
    LedgerStatus,
    MeasureStatus,
    PersonItemKind,
)
from zhenxing.monitoring.models.cases import Case, village_by_code
from zhenxing.policy.vocab import MEASURES

_USER = settings.AUTH_USER_MODEL


class Plan(models.Model):
    """帮扶计划, made when the county confirms a case and prefilled from the policy engine's recommendation
    (P7); `decision` keeps what the engine saw and the parameter versions it used (P13)."""

    case = models.OneToOneField(Case, verbose_name="监测记录", on_delete=models.PROTECT, related_name="plan")
    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="plans"
    )
    recommended = models.JSONField("系统推荐措施", default=list)
    comprehensive = models.BooleanField("综合性帮扶", default=False)
    decision = models.JSONField("推荐依据", default=dict)
    created_at = models.DateTimeField("制定时间")
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "帮扶计划"
        verbose_name_plural = "帮扶计划"

    def __str__(self) -> str:
        return f"帮扶计划 {self.household_id}"


class Measure(models.Model):
    """A P7 measure on a case's plan (or, before confirmation, through the green channel)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    category = models.CharField("类别", max_length=20, choices=[(m, m) for m in MEASURES])
    motivation = models.BooleanField("扶志扶智", default=False)
    content = models.CharField("内容", max_length=300)
    responsible_unit = models.CharField("责任单位", max_length=100, blank=True)
    responsible_person = models.ForeignKey(
        _USER, verbose_name="帮扶责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    funds_fen = models.BigIntegerField("资金（分）", default=0)
    funds_source = models.CharField("资金来源", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    outcome = models.TextField("成效", blank=True)
    continues_after_elimination = models.BooleanField("消除后继续实施", default=False)
    before_confirmation = models.BooleanField("确定前（绿色通道）", default=False)
    recommended = models.BooleanField("系统推荐", default=False)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeasureStatus.values), name="measure_status_known"),
            models.CheckConstraint(condition=Q(funds_fen__gte=0), name="measure_funds_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("started_on")),
                name="measure_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[MeasureStatus.COMPLETED, MeasureStatus.TERMINATED]) | ~Q(outcome=""),
                name="measure_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}：{self.content}"


class PersonItem(models.Model):
    """一人一方案: what one member gets under a measure (a training, a job, a school subsidy, a welfare job)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="items")
    person = models.ForeignKey(
        "registry.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=8, choices=PersonItemKind.choices)
    detail = models.CharField("内容", max_length=200)
    amount_fen = models.BigIntegerField("金额（分）", default=0)
    started_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "到人帮扶"
        verbose_name_plural = "到人帮扶"
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="person_item_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}：{self.detail}"


class Evaluation(models.Model):
    """A P9 eligibility check on a monitored household: periodic, on demand, or the 帮扶成效评议 that starts
    an elimination. Keeps its inputs, the parameter versions and the verdict (P13)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField("类型", max_length=12, choices=EvaluationKind.choices)
    evaluated_at = models.DateTimeField("评估时间")
    evaluated_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField("符合风险消除条件", null=True)
    reasons = models.JSONField("不符合的原因", default=list)
    note = models.TextField("评估意见", blank=True)
    decision = models.JSONField("评估依据", default=dict)

    class Meta:
        verbose_name = "帮扶成效评估"
        verbose_name_plural = "帮扶成效评估"
        ordering = ["evaluated_at", "pk"]
        indexes = [models.Index(fields=["case", "evaluated_at"], name="evaluation_case_time")]

    def __str__(self) -> str:
        return f"评估 {self.case_id} {self.evaluated_at:%Y-%m-%d}"


class HousingLedgerEntry(models.Model):
    """住房安全台账 (P11): one entry per C/D house; closed when the house is solved (解决一户、销号一户)."""

    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="housing_entries"
    )
    village = village_by_code()
    grade = models.CharField("鉴定等级", max_length=1, choices=[("C", "C级"), ("D", "D级")])
    way = models.CharField("改造方式", max_length=8, choices=HousingWay.choices)
    status = models.CharField("状态", max_length=8, choices=LedgerStatus.choices, default=LedgerStatus.OPEN)
    opened_on = models.DateField("登记日期")
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completion = models.TextField("竣工验收情况", blank=True)
    guarantee_years = models.PositiveSmallIntegerField("安全使用年限")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "住房安全台账"
        verbose_name_plural = "住房安全台账"
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="housing_one_open_entry_per_household"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False) & ~Q(completion=""),
                name="housing_closed_with_date_and_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.grade} {self.way}"
