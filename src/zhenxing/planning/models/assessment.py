"""The yearly county assessment (P16): the assessors' field findings, each computed assessment (a new version
each time, with its inputs, the parameter versions and the records behind every score), the 约谈提醒 / 挂牌督办
records of a county graded 一般 or at 规模性返贫 risk, and their rectification tasks on the workflow kernel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.common.steps import StepRecord
from zhenxing.planning.enums import Dimension, Grade, SupervisionKind, SupervisionReason, TaskStatus

_USER = settings.AUTH_USER_MODEL


class FieldFinding(models.Model):
    """抽查: what the prefecture's assessors found in a county, with the points it costs and the evidence."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    dimension = models.CharField("考核维度", max_length=16, choices=Dimension.choices)
    description = models.TextField("抽查发现")
    deduction = models.DecimalField("扣分", max_digits=7, decimal_places=2)
    entered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("录入时间")
    withdrawn_reason = models.TextField("撤销原因", blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "实地抽查发现"
        verbose_name_plural = "实地抽查发现"
        ordering = ["-year", "county__code", "entered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values), name="finding_dimension_known"
            ),
            models.CheckConstraint(
                condition=Q(deduction__gt=0, deduction__lte=100), name="finding_deduction_range"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason=""),
                name="finding_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} {self.get_dimension_display()}"


class Assessment(models.Model):
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    grade = models.CharField("等次", max_length=4, choices=Grade.choices)
    # per dimension and item: points, full, explanation; per item the records behind it (model and ids)
    scores = models.JSONField("得分明细", default=dict)
    # the figures and indicator values read, the parameter versions cited (P13)
    inputs = models.JSONField("计算依据", default=dict)
    large_scale_return = models.BooleanField("规模性返贫风险", default=False)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "县级考核评估"
        verbose_name_plural = "县级考核评估"
        ordering = ["-year", "county__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], condition=Q(is_current=True), name="assessment_one_current"
            ),
            models.UniqueConstraint(fields=["county", "year", "version"], name="assessment_version_unique"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="assessment_grade_known"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} v{self.version}（{self.grade}）"


class Supervision(models.Model):
    """约谈提醒 or 挂牌督办 of a county for a year (P11, P16), opened by its assessment."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    kind = models.CharField("类型", max_length=10, choices=SupervisionKind.choices)
    reasons = models.JSONField("原因", default=list)  # SupervisionReason values
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="supervisions")
    held_on = models.DateField("约谈/挂牌日期", null=True, blank=True)
    note = models.TextField("情况记录", blank=True)
    opened_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("建立时间")

    class Meta:
        verbose_name = "约谈督办"
        verbose_name_plural = "约谈督办"
        ordering = ["-year", "county__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "kind"], name="supervision_one_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=SupervisionKind.values), name="supervision_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} {self.get_kind_display()}"

    def reason_labels(self) -> list[str]:
        labels = dict(SupervisionReason.choices)
        return [labels.get(r, r) for r in self.reasons]


class RectificationTask(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="tasks")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("整改任务", max_length=200)
    detail = models.TextField("整改要求", blank=True)
    owner = models.CharField("责任单位", max_length=100)
    owner_person = models.CharField("责任人", max_length=50)
    due_on = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices)
    step_started_on = models.DateField("环节开始", null=True, blank=True)
    step_due = models.DateField("环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField(default=False)
    result = models.TextField("整改结果", blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("下达时间")
    closed_on = models.DateField("销号日期", null=True, blank=True)

    class Meta:
        verbose_name = "整改任务"
        verbose_name_plural = "整改任务"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_known"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.CLOSED) | Q(closed_on__isnull=False) & ~Q(result=""),
                name="task_closed_has_result",
            ),
        ]
        indexes = [models.Index(fields=["county", "status", "due_on"], name="task_county_status_due")]

    def __str__(self) -> str:
        return self.title


class TaskStep(StepRecord):
    subject_field = "task"

    task = models.ForeignKey(RectificationTask, on_delete=models.PROTECT, related_name="steps")

    class Meta(StepRecord.Meta):
        verbose_name = "整改环节"
        verbose_name_plural = "整改环节"


class StatsTemplate(models.Model):
    """The yearly statistics a county sends up: rows (an indicator each, or a heading) and columns, as data."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("报表名称", max_length=100)
    rows = models.JSONField("行", default=list)  # [{"label": ..., "indicator": code or ""}]
    columns = models.JSONField("列", default=list)  # keys of planning.stats.COLUMNS
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "统计报表模板"
        verbose_name_plural = "统计报表模板"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlanningAttachment(models.Model):
    """Evidence: a reported value's 佐证材料, a field finding's, a rectification result's; accepted by their bytes
    (common/uploads.py), served by a scoped view."""

    file = models.FileField(upload_to="planning_attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    report = models.ForeignKey(
        "planning.IndicatorReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    finding = models.ForeignKey(
        FieldFinding, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    task = models.ForeignKey(
        RectificationTask, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考核佐证材料"
        verbose_name_plural = "考核佐证材料"
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, finding__isnull=True, task__isnull=True)
                | Q(report__isnull=True, finding__isnull=False, task__isnull=True)
                | Q(report__isnull=True, finding__isnull=True, task__isnull=False),
                name="planning_attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
