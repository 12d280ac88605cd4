from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

GRADES = ("红", "橙", "黄")  # P10, most urgent first
GRADE_RANK = {grade: index for index, grade in enumerate(GRADES)}


class RuleSet(models.Model):
    """A version of the screening rules. Leads keep the version that raised them."""

    version = models.PositiveIntegerField("版本", unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    is_current = models.BooleanField("现行", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "筛查规则集"
        verbose_name_plural = "筛查规则集"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="ruleset_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"规则集 v{self.version}"


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="rules")
    code = models.CharField("编号", max_length=10)
    name = models.CharField("名称", max_length=60)
    risk_type = models.CharField("风险类型（P6）", max_length=20)
    grade = models.CharField("预警等级", max_length=1, choices=[(g, g) for g in GRADES])
    policy_rule = models.CharField("依据", max_length=8)
    sql = models.TextField("条件（可移植 SQL）")
    params = models.JSONField("参数", default=dict)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "筛查规则"
        verbose_name_plural = "筛查规则"
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_once_per_set"),
            models.CheckConstraint(condition=Q(grade__in=GRADES), name="rule_grade_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "筛查中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败，线索未改动"


COMPARISON_ENGINE = "civil_affairs"
COMPARISON_STATUS: dict[str, str] = {
    RunStatus.RUNNING: "比对中",
    RunStatus.DONE: "已完成",
    RunStatus.FAILED: "失败",
}


class ScreeningRun(models.Model):
    """A screening round, recorded when it starts: a round whose process dies is failed by the job sweep
    (common/jobs.py) through the job it ran as (`job_id`), not left running."""

    year = models.PositiveSmallIntegerField("年度")
    engine = models.CharField("引擎", max_length=16)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices)
    failure = models.TextField("失败原因", blank=True)
    job_id = models.UUIDField("后台任务", null=True, blank=True, db_index=True)
    parameters = models.JSONField("使用的参数", default=dict)
    summary = models.JSONField("结果", default=dict)
    started_at = models.DateTimeField("开始", auto_now_add=True)
    finished_at = models.DateTimeField("结束", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # a county's own round (started from its page) reads and merges only its households; empty: the whole prefecture
    county = models.ForeignKey(
        "divisions.Division", verbose_name="筛查范围（县）", to_field="code", db_column="county_code", null=True,
        blank=True, on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    # {"done": rules evaluated, "total": rules}, written after each rule while the round runs (the page's bar)
    progress = models.JSONField("进度", default=dict, blank=True)

    class Meta:
        verbose_name = "筛查轮次"
        verbose_name_plural = "筛查轮次"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="screening_run_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.engine} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    # A 民政比对 (engine civil_affairs) is recorded as a run too, but is not a round: its own name and words.
    @property
    def is_comparison(self) -> bool:
        return self.engine == COMPARISON_ENGINE

    @property
    def title(self) -> str:
        """第 N 轮筛查, or 民政比对（县名） for a comparison."""
        if self.is_comparison:
            return f"民政比对（{self.county.name if self.county else '全州'}）"
        return f"第 {self.pk} 轮筛查"

    @property
    def status_label(self) -> str:
        return COMPARISON_STATUS[self.status] if self.is_comparison else self.get_status_display()


class LeadStatus(models.TextChoices):
    OPEN = "open", "待核实"
    CONFIRMED = "confirmed", "核实纳入"
    DISMISSED = "dismissed", "核实不纳入"


class Lead(models.Model):
    """A household-level warning lead (P10): at most one open per household; signals merge into it."""

    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", on_delete=models.PROTECT, related_name="leads"
    )
    status = models.CharField("状态", max_length=16, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    grade = models.CharField("预警等级", max_length=1, choices=[(g, g) for g in GRADES])
    risk_types = models.JSONField("风险类型", default=list)
    round = models.CharField("排查轮次（年月）", max_length=7)
    village_due = models.DateField("村级核实期限")
    township_due = models.DateField("乡镇复核期限")
    county_due = models.DateField("县级抽查期限")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("核实意见", blank=True)

    class Meta:
        verbose_name = "预警线索"
        verbose_name_plural = "预警线索"
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="lead_one_open_per_household"
            ),
            models.CheckConstraint(condition=Q(grade__in=GRADES), name="lead_grade_known"),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(reason=""), name="lead_dismissal_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "village_due"], name="lead_status_due")]

    def __str__(self) -> str:
        return f"{self.household} {self.grade} {self.get_status_display()}"


class LeadSignal(models.Model):
    """One rule that fired for the lead's household, with its evidence and the versions that decided it."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="signals")
    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="signals")
    rule_code = models.CharField("规则", max_length=10)
    rule_name = models.CharField("规则名称", max_length=60)
    rule_set_version = models.PositiveIntegerField("规则集版本")
    grade = models.CharField("等级", max_length=1)
    risk_type = models.CharField("风险类型", max_length=20)
    evidence = models.JSONField("证据")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "预警信号"
        verbose_name_plural = "预警信号"
        constraints = [models.UniqueConstraint(fields=["lead", "rule_code"], name="signal_once_per_rule")]

    def __str__(self) -> str:
        return f"{self.lead_id}:{self.rule_code}"


class Suppression(models.Model):
    """After a dismissal with a reason, the same rule stays quiet for the household until `until`, unless
    its evidence gets worse than `value` (P10)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(max_length=10)
    until = models.DateField()
    value = models.JSONField(null=True)
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "预警静默"
        verbose_name_plural = "预警静默"
        indexes = [models.Index(fields=["household", "rule_code", "until"], name="suppression_lookup")]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.rule_code} until {self.until}"
