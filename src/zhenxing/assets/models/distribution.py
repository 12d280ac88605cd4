"""An income-distribution plan (收益分配方案, P15) of a village collective: its lines by kind, the planned payout
to each beneficiary household (from the registry), the meetings of 四议 with minutes and attendance, the two
公开 postings (where, from when to when), and the kernel's step records of its eight steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from zhenxing.assets.enums import LineKind, MeetingKind, PlanStatus, PostingKind
from zhenxing.common.steps import StepRecord
from zhenxing.policy.rules.projects import MAX_FEN

_USER = settings.AUTH_USER_MODEL


class DistributionPlan(models.Model):
    village = models.ForeignKey(
        "divisions.Division", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("收益年度")
    title = models.CharField("方案名称", max_length=100)
    income_fen = models.BigIntegerField("可分配收益（分）")
    status = models.CharField("状态", max_length=12, choices=PlanStatus.choices)
    step_started_on = models.DateField("环节开始", null=True, blank=True)
    step_due = models.DateField("环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField(default=False)
    implemented_on = models.DateField("实施日期", null=True, blank=True)
    proposed_by = models.ForeignKey(
        _USER, verbose_name="提议录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "收益分配方案"
        verbose_name_plural = "收益分配方案"
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_known"),
            models.CheckConstraint(
                condition=Q(income_fen__gt=0, income_fen__lte=MAX_FEN), name="plan_income_in_range"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="plan_year_in_range"),
        ]
        indexes = [models.Index(fields=["county", "year", "status"], name="plan_county_year_status")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class PlanLine(models.Model):
    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("分配类型", max_length=16, choices=LineKind.choices)
    description = models.CharField("说明（劳动、岗位或条件）", max_length=200, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")

    class Meta:
        verbose_name = "分配方案明细"
        verbose_name_plural = "分配方案明细"
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="plan_line_kind_known"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="plan_line_amount_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.kind} {self.amount_fen}"


class PlanPayout(models.Model):
    """What one beneficiary (a registry person, of a household of the village) gets from a line; paid at 实施."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="payouts")
    household = models.ForeignKey(
        "registry.Household", verbose_name="户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="领取人", on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField("金额（分）")
    paid_on = models.DateField("发放日期", null=True, blank=True)

    class Meta:
        verbose_name = "分配到人"
        verbose_name_plural = "分配到人"
        ordering = ["line", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "person"], name="plan_payout_unique_person"),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0, amount_fen__lte=MAX_FEN), name="plan_payout_amount_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}:{self.person_id} {self.amount_fen}"


class PlanMeeting(models.Model):
    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("会议", max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField("会议日期")
    attendees = models.PositiveIntegerField("实到人数")
    expected = models.PositiveIntegerField("应到人数")
    minutes = models.TextField("会议记录（要点）")
    recorded_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "四议会议"
        verbose_name_plural = "四议会议"
        ordering = ["plan", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="plan_meeting_kind_known"),
            models.CheckConstraint(
                condition=Q(attendees__lte=F("expected"), expected__gt=0), name="plan_meeting_attendance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.kind} {self.held_on}"


class PlanPosting(models.Model):
    """A 公开 posting: where and from when to when (P15); the village's public page shows it without names."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="postings")
    kind = models.CharField("公开", max_length=12, choices=PostingKind.choices)
    place = models.CharField("公开地点", max_length=100)
    posted_from = models.DateField("公开开始")
    posted_until = models.DateField("公开结束")
    recorded_by = models.ForeignKey(_USER, verbose_name="录入人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "分配方案公开"
        verbose_name_plural = "分配方案公开"
        ordering = ["plan", "posted_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="plan_posting_unique_kind"),
            models.CheckConstraint(condition=Q(kind__in=PostingKind.values), name="plan_posting_kind_known"),
            models.CheckConstraint(
                condition=Q(posted_until__gte=F("posted_from")), name="plan_posting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.kind} {self.place}"


class PlanStep(StepRecord):
    subject_field = "plan"

    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="steps")

    class Meta(StepRecord.Meta):
        verbose_name = "分配方案办理环节"
        verbose_name_plural = "分配方案办理环节"

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.step}→{self.outcome}"
