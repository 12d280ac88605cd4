"""Announcements of the project library (P14 公告公示): the village's proposals, the approved county library, and
each project's plan and result, posted at a level down to the natural village for a period in calendar days
(a parameter), with the objections and questions the public raises and their answers.

What an announcement shows is the project's public facts; a 到户 project's households are named only on the
printed notice while it runs (P17), never on the public village page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from zhenxing.projects.enums import (
    NoticeKind,
    NoticeStatus,
    ObjectionChannel,
    ObjectionKind,
    ObjectionStatus,
)

_USER = settings.AUTH_USER_MODEL


class ProjectNotice(models.Model):
    kind = models.CharField("公示类型", max_length=16, choices=NoticeKind.choices)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    # where it is posted: a village's board (reaching its natural villages), a township's, the county's or the
    # prefecture's portal
    division = models.ForeignKey(
        "divisions.Division", verbose_name="公示范围", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("说明", blank=True)
    object_to = models.CharField("异议受理单位及电话", max_length=200)
    status = models.CharField("状态", max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    supplementary = models.BooleanField("补公示", default=False)  # an emergency project's, after its start
    period_days = models.PositiveSmallIntegerField("公示期（天）", null=True, blank=True)
    posted_on = models.DateField("公示开始", null=True, blank=True)
    ends_on = models.DateField("公示截止", null=True, blank=True)
    parameter_version = models.JSONField("公示期依据", default=dict, blank=True)
    created_by = models.ForeignKey(_USER, verbose_name="创建人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    posted_by = models.ForeignKey(
        _USER, verbose_name="发布人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "项目公告公示"
        verbose_name_plural = "项目公告公示"
        ordering = ["-posted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="project_notice_kind_known"),
            models.CheckConstraint(
                condition=Q(status=NoticeStatus.DRAFT) | Q(posted_on__isnull=False, ends_on__isnull=False),
                name="project_notice_posted_has_period",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("posted_on")),
                name="project_notice_ends_after_posting",
            ),
        ]
        indexes = [models.Index(fields=["division", "status"], name="project_notice_division_status")]

    def __str__(self) -> str:
        return self.title


class ProjectNoticeEntry(models.Model):
    notice = models.ForeignKey(ProjectNotice, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="notice_entries")

    class Meta:
        verbose_name = "公示项目"
        verbose_name_plural = "公示项目"
        constraints = [
            models.UniqueConstraint(fields=["notice", "project"], name="project_notice_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.project_id}"


class ProjectObjection(models.Model):
    """An objection or a question from the public: raised at the board, by phone, or on the public village
    page; answered by the village, township or county. The caller's phone only encrypted, never shown."""

    village = models.ForeignKey(
        "divisions.Division", verbose_name="行政村", on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        ProjectNotice, verbose_name="公示", null=True, blank=True, on_delete=models.PROTECT,
        related_name="objections",
    )  # fmt: skip
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", null=True, blank=True, on_delete=models.PROTECT,
        related_name="objections",
    )  # fmt: skip
    kind = models.CharField("类型", max_length=16, choices=ObjectionKind.choices)
    channel = models.CharField("渠道", max_length=16, choices=ObjectionChannel.choices)
    content = models.TextField("内容")
    raised_on = models.DateField("提出日期")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone_encrypted = models.BinaryField("联系电话（加密）", null=True, blank=True, editable=False)
    contact_phone_masked = models.CharField("联系电话（脱敏）", max_length=20, blank=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        "状态", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        _USER, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        _USER, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # none: left by the public on the village page
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "异议与咨询"
        verbose_name_plural = "异议与咨询"
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.OPEN) | ~Q(answer="") & Q(answered_on__isnull=False),
                name="project_objection_answered_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["village", "created_at"], name="project_objection_village")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
