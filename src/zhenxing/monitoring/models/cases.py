"""Identification cases (P8): one open case per household, its step records, visits, notices and objections."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.common.steps import StepRecord
from zhenxing.monitoring.enums import (
    MONITORED_STATUSES,
    OPEN_STATUSES,
    AttachmentKind,
    CaseSource,
    CaseStatus,
    EliminationMethod,
    NoticePurpose,
    ObjectionStatus,
)

_USER = settings.AUTH_USER_MODEL


def village_by_code(verbose: str = "行政村") -> models.ForeignKey:
    # keyed by the division code, as households are, so that scoping is a LIKE on the code (no join)
    return models.ForeignKey(
        "divisions.Division", verbose_name=verbose, to_field="code", db_column="village_code",
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip


class Case(models.Model):
    household = models.ForeignKey(
        "registry.Household", verbose_name="农户", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", help_text="自主申报者不在农户台账中时为空，研判时关联",
    )  # fmt: skip
    village = village_by_code()
    source = models.CharField("来源", max_length=20, choices=CaseSource.choices)
    status = models.CharField(
        "环节", max_length=20, choices=CaseStatus.choices, default=CaseStatus.APPLICATION
    )
    lead = models.ForeignKey(
        "screening.Lead",
        verbose_name="预警线索",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField("困难情况", blank=True)
    opened_at = models.DateTimeField("发起时间")
    opened_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # deadlines (P8), in working days from the parameters, with the calendar's provisional flag
    step_started_on = models.DateField("本环节开始")
    step_due = models.DateField("本环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField("本环节期限暂定", default=False)
    due = models.DateField("全程期限")
    due_provisional = models.BooleanField("全程期限暂定", default=False)
    escalated_at = models.DateTimeField("逾期未受理上报时间", null=True, blank=True)
    green_channel = models.BooleanField("绿色通道", default=False)
    green_channel_reason = models.CharField("绿色通道理由", max_length=200, blank=True)
    meeting_on = models.DateField("评议会日期", null=True, blank=True)
    meeting_minutes = models.TextField("评议会记录", blank=True)
    monitoring_type = models.CharField("监测对象类型", max_length=10, blank=True)
    risk_types = models.JSONField("风险类型", default=list)
    identified_on = models.DateField("识别监测时间", null=True, blank=True)
    rejection_reason = models.TextField("未纳入理由", blank=True)
    # risk elimination (P9)
    elimination_meeting_on = models.DateField("消除评议会日期", null=True, blank=True)
    elimination_minutes = models.TextField("消除评议会记录", blank=True)
    consent_by = models.CharField("知情同意人", max_length=50, blank=True)
    consent_relation = models.CharField("与户主关系", max_length=8, blank=True)
    consent_on = models.DateField("知情同意日期", null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        _USER,
        verbose_name="知情同意登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    eliminated_on = models.DateField("风险消除日期", null=True, blank=True)
    elimination_method = models.CharField(
        "风险消除方式", max_length=8, blank=True, choices=EliminationMethod.choices
    )
    # a case opened for a household whose risk was eliminated before (P9, P13)
    reopens = models.ForeignKey(
        "self", verbose_name="重新纳入（原监测记录）", null=True, blank=True, on_delete=models.PROTECT,
        related_name="reopened_by",
    )  # fmt: skip
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "识别案件"
        verbose_name_plural = "识别案件"
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status__in=[*OPEN_STATUSES, *MONITORED_STATUSES]),
                name="case_one_open_per_household",
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="case_rejection_has_reason"),
            models.CheckConstraint(condition=~Q(status__in=[*MONITORED_STATUSES, "eliminated"])
                                   | Q(identified_on__isnull=False), name="case_confirmed_has_date"),
            models.CheckConstraint(condition=~Q(status="eliminated")
                                   | Q(eliminated_on__isnull=False) & ~Q(elimination_method=""),
                                   name="case_eliminated_has_date_and_method"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["status", "step_due"], name="case_status_due")]

    def __str__(self) -> str:
        return f"案件 {self.pk}（{self.get_status_display()}）"


class CaseStep(StepRecord):
    """One step of a case done (the kernel's step record): who, when, what was found, against which deadline,
    and — for decisions — a snapshot of the inputs, the parameter versions and the verdict (P8, P13)."""

    subject_field = "case"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("环节", max_length=20, choices=CaseStatus.choices)
    outcome = models.CharField("结果", max_length=20, choices=CaseStatus.choices)

    class Meta(StepRecord.Meta):
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return f"{self.case_id}:{self.step}→{self.outcome}"


class Visit(models.Model):
    """实地调查. `uuid` is made by the client (a phone offline), so a visit synced twice is stored once."""

    uuid = models.UUIDField("客户端编号", unique=True, default=uuid.uuid4)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField("走访时间")
    place = models.CharField("地点", max_length=200)
    findings = models.TextField("核实情况")
    authorization_signed = models.BooleanField("已签署家庭经济状况核查授权书", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["visited_at", "pk"]

    def __str__(self) -> str:
        return f"走访 {self.visited_at:%Y-%m-%d}"


class Notice(models.Model):
    """评议公示: a village posts one or more cases; objections may be raised until `ends_on`."""

    village = village_by_code()
    purpose = models.CharField(
        "公示事项", max_length=16, choices=NoticePurpose.choices, default=NoticePurpose.IDENTIFICATION
    )
    title = models.CharField("标题", max_length=100)
    object_to = models.CharField("异议受理", max_length=200, help_text="如：村委会，电话 0872-xxxxxxx")
    posted_on = models.DateField("公示开始", null=True, blank=True)
    ends_on = models.DateField("公示结束", null=True, blank=True)
    ends_provisional = models.BooleanField(default=False)
    cases = models.ManyToManyField(Case, related_name="notices", through="NoticeEntry")
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        constraints = [
            models.CheckConstraint(condition=Q(posted_on__isnull=True) | Q(ends_on__gt=models.F("posted_on")),
                                   name="notice_ends_after_posting"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notice_entries")

    class Meta:
        verbose_name = "公示名单条目"
        verbose_name_plural = "公示名单条目"
        constraints = [models.UniqueConstraint(fields=["notice", "case"], name="notice_case_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.case_id}"


class Objection(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="objections")
    raised_by = models.CharField("提出人", max_length=50, help_text="可填“匿名”")
    content = models.TextField("异议内容")
    received_on = models.DateField("收到日期")
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField("处理结果", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        constraints = [
            models.CheckConstraint(condition=~Q(status="resolved") | ~Q(resolution=""),
                                   name="objection_resolution_given"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"异议 {self.pk}"


class Attachment(models.Model):
    """A photo or scanned form, stored under var/media and served only through a scoped view."""

    file = models.FileField(upload_to="attachments/%Y/%m/")
    kind = models.CharField("类型", max_length=16, choices=AttachmentKind.choices)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    step = models.ForeignKey(
        CaseStep, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name
