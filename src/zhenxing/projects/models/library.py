"""The project library (P14): the catalogue, the project with its places, money, targets and households, the
steps of its approval (the workflow kernel's step record), the prefecture's batch decisions and attachments.

Money is integer fen. A project keeps one row per version: an adjustment (项目调整) is a new row with the same
`code` and the next `version`, pointing at the version it changes, which stays as it was."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from zhenxing.common.steps import StepRecord
from zhenxing.policy.rules.projects import MAX_FEN
from zhenxing.projects.enums import (
    PENDING_STATES,
    EmergencyKind,
    FundSource,
    ProjectLevel,
    ProjectStatus,
    TargetKind,
)

_USER = settings.AUTH_USER_MODEL


class ProjectCategory(models.Model):
    """The category catalogue kept as data (P14), with the sector that reviews each category (the category →
    sector map) and whether its projects need a 联农带农 mechanism (产业发展, 就业)."""

    code = models.CharField("代码", max_length=32, unique=True)
    group = models.CharField("大类", max_length=30)
    name = models.CharField("类别", max_length=30)
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name="主管行业部门", on_delete=models.PROTECT, related_name="categories"
    )
    needs_linkage = models.BooleanField("须联农带农", default=False)
    is_industry = models.BooleanField("产业发展类", default=False)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "项目类别"
        verbose_name_plural = "项目类别"
        ordering = ["sort", "code"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="project_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.group}·{self.name}" if self.name != self.group else self.name


class Project(models.Model):
    code = models.CharField("项目编号", max_length=32)
    version = models.PositiveSmallIntegerField("版本", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="调整前版本", null=True, blank=True, on_delete=models.PROTECT,
        related_name="adjustments",
    )  # fmt: skip
    adjustment_reason = models.TextField("调整原因", blank=True)
    name = models.CharField("项目名称", max_length=200)
    year = models.PositiveSmallIntegerField("项目年度")
    category = models.ForeignKey(
        ProjectCategory, verbose_name="项目类别", on_delete=models.PROTECT, related_name="projects"
    )
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name="审查行业部门", on_delete=models.PROTECT, related_name="projects"
    )
    level = models.CharField("项目层级", max_length=16, choices=ProjectLevel.choices)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    # the proposing unit's division: the village, the township, or the county for a county department
    division = models.ForeignKey(
        "divisions.Division", verbose_name="申报单位区划", on_delete=models.PROTECT, related_name="+"
    )
    implementing_unit = models.CharField("实施单位", max_length=100)
    content = models.TextField("建设内容")
    scale = models.CharField("建设规模", max_length=200)
    starts_on = models.DateField("计划开工")
    ends_on = models.DateField("计划完工")
    total_fen = models.BigIntegerField("计划总投资（分）")
    to_households = models.BooleanField("到户项目", default=False)
    linkage_mechanisms = models.JSONField("联农带农机制", default=list, blank=True)
    linked_tuopin_people = models.PositiveIntegerField("带动脱贫人口", null=True, blank=True)
    linked_monitoring_people = models.PositiveIntegerField("带动监测对象", null=True, blank=True)
    emergency = models.BooleanField("应急项目", default=False)
    emergency_kind = models.CharField(
        "突发事件类型", max_length=16, choices=EmergencyKind.choices, blank=True
    )
    emergency_reason = models.TextField("应急理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=ProjectStatus.choices)
    step_started_on = models.DateField("环节开始", null=True, blank=True)
    step_due = models.DateField("环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField(default=False)
    decided_on = models.DateField("审定日期", null=True, blank=True)
    prefecture_filed_on = models.DateField(
        "州级备案日期", null=True, blank=True
    )  # emergency: 审定 as a filing
    started_on = models.DateField("实际开工", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    withdrawn_reason = models.TextField("出库原因", blank=True)
    # the last day its proposer changed it after a send-back (services.project_revise): a village's proposal
    # announced before then is announced again (guards.proposal_notice_closed)
    revised_on = models.DateField("退回后修改日期", null=True, blank=True)
    batch = models.ForeignKey(
        "projects.PrefectureBatch", verbose_name="州审定批次", null=True, blank=True, on_delete=models.PROTECT,
        related_name="projects",
    )  # fmt: skip
    created_by = models.ForeignKey(_USER, verbose_name="申报人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("申报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="project_code_version_unique"),
            # one proposal under way per project: its first version, or one adjustment at a time
            models.UniqueConstraint(
                fields=["code"], condition=Q(status__in=PENDING_STATES), name="project_one_pending_version"
            ),
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="project_status_known"),
            models.CheckConstraint(condition=Q(level__in=ProjectLevel.values), name="project_level_known"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="project_ends_after_start"),
            models.CheckConstraint(
                condition=Q(total_fen__gt=0, total_fen__lte=MAX_FEN), name="project_total_in_range"
            ),
            models.CheckConstraint(
                condition=Q(emergency=False, emergency_kind="") | Q(emergency=True) & ~Q(emergency_kind=""),
                name="project_emergency_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(version=1, previous__isnull=True) | Q(version__gt=1, previous__isnull=False),
                name="project_adjustment_has_previous",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "year"], name="project_county_status_year"),
            models.Index(fields=["status", "step_due"], name="project_status_due"),
            # the library list's order (newest year first): its first page is read off the index, not sorted
            models.Index(fields=["-year", "code", "-version"], name="project_list_order"),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.code} {self.name}{suffix}"


class ProjectPlace(models.Model):
    """Where a project is: an administrative village, and a natural village it serves (none: the whole village)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="places")
    village = models.ForeignKey(
        "divisions.Division", verbose_name="行政村", on_delete=models.PROTECT, related_name="+"
    )
    natural_village = models.ForeignKey(
        "registry.NaturalVillage", verbose_name="自然村", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "项目地点"
        verbose_name_plural = "项目地点"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "village", "natural_village"], name="project_place_unique",
                nulls_distinct=False,
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["village"], name="project_place_village")]

    def __str__(self) -> str:
        return f"{self.village_id}:{self.natural_village_id or ''}"


class ProjectFunding(models.Model):
    """The planned investment of one fund source (P14), in fen."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices)
    amount_fen = models.BigIntegerField("计划投资（分）")

    class Meta:
        verbose_name = "计划投资"
        verbose_name_plural = "计划投资"
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="project_funding_unique_source"),
            models.CheckConstraint(
                condition=Q(source__in=FundSource.values), name="project_funding_source_known"
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0, amount_fen__lte=MAX_FEN), name="project_funding_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount_fen}"


class ProjectTarget(models.Model):
    """One 绩效目标 indicator with its target value (P14: at least one output, benefit and satisfaction)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField("指标类型", max_length=16, choices=TargetKind.choices)
    indicator = models.CharField("指标", max_length=100)
    target_value = models.CharField("目标值", max_length=60)
    # the result recorded once the work is done (竣工 or later): what was reached and whether the target was met
    # (P14 绩效评价 counts the met ones); not recorded yet: achieved is None and the value empty
    result_value = models.CharField("实际完成值", max_length=60, blank=True)
    achieved = models.BooleanField("是否完成", null=True, blank=True)
    result_note = models.TextField("完成情况说明", blank=True)
    result_recorded_on = models.DateField("填报日期", null=True, blank=True)
    result_recorded_by = models.ForeignKey(
        _USER, verbose_name="填报人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "绩效目标"
        verbose_name_plural = "绩效目标"
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TargetKind.values), name="project_target_kind_known"),
            # a result is a value and a verdict together, with its day: never one without the other
            models.CheckConstraint(
                condition=Q(achieved__isnull=True, result_value="", result_recorded_on__isnull=True)
                | Q(achieved__isnull=False, result_recorded_on__isnull=False) & ~Q(result_value=""),
                name="project_target_result_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.target_value}"


class ProjectHousehold(models.Model):
    """A household a 到户 project gives to, from the registry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey(
        "registry.Household", verbose_name="受益农户", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "受益农户"
        verbose_name_plural = "受益农户"
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="project_household_unique")
        ]
        indexes = [models.Index(fields=["household"], name="project_household_household")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.household_id}"


class PrefectureBatch(models.Model):
    """州领导小组审定 of one county's list: one decision, one opinion, one minutes file (P14); each project
    keeps its own step record pointing here."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审定日期")
    opinion = models.TextField("审定意见")
    decided_by = models.ForeignKey(_USER, verbose_name="审定人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "州审定批次"
        verbose_name_plural = "州审定批次"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"州审定 {self.county.name} {self.decided_on}"


class ProjectStep(StepRecord):
    """One step of a project's approval or execution done (the workflow kernel's step record)."""

    subject_field = "project"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField("环节", max_length=20, choices=ProjectStatus.choices)
    outcome = models.CharField("结果", max_length=20, choices=ProjectStatus.choices)
    batch = models.ForeignKey(
        PrefectureBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )

    class Meta(StepRecord.Meta):
        verbose_name = "项目办理环节"
        verbose_name_plural = "项目办理环节"

    def __str__(self) -> str:
        return f"{self.project_id}:{self.step}→{self.outcome}"


class ProjectAttachment(models.Model):
    """Minutes (会议纪要), opinions and acceptance papers: kept under var/media, served by a scoped view."""

    file = models.FileField(upload_to="project_attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    step = models.ForeignKey(
        ProjectStep, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    batch = models.ForeignKey(
        PrefectureBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "项目附件"
        verbose_name_plural = "项目附件"
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(batch__isnull=False),
                name="project_attachment_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name
