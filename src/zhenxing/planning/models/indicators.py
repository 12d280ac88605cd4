"""The plan's indicators as data (P12, P16): what each measures, where its value comes from (computed by a named,
versioned selector over the platform's own records, or reported by the responsible department and reviewed
upward), its 2020 baseline and yearly targets (the prefecture's totals and its split per county), the reporting
periods, the reported values under review, and the value frozen at each period's deadline with its provenance —
a correction is a new version with a reason, never an overwrite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.common.steps import StepRecord
from zhenxing.planning.enums import (
    OPEN_REPORT_STATES,
    Aggregation,
    Direction,
    IndicatorLevel,
    IndicatorSource,
    PeriodKind,
    ReportStatus,
    ValueState,
)

_USER = settings.AUTH_USER_MODEL


class Indicator(models.Model):
    code = models.CharField("指标代码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("单位", max_length=12)
    direction = models.CharField("方向", max_length=2, choices=Direction.choices, blank=True)
    baseline = models.DecimalField("2020年基期值", null=True, blank=True, max_digits=20, decimal_places=4)
    level = models.CharField("考核层级", max_length=12, choices=IndicatorLevel.choices)
    department = models.CharField("责任部门", max_length=60)
    # the county sector department that reports it (its users may enter the value), where it is one
    sector = models.ForeignKey(
        "accounts.Sector", verbose_name="县级填报部门", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    period = models.CharField("统计周期", max_length=8, choices=PeriodKind.choices)
    source = models.CharField("数据来源", max_length=10, choices=IndicatorSource.choices)
    # computed: the name of its selector in planning.computed.COMPUTED (the version is the selector's)
    selector = models.CharField("计算口径", max_length=40, blank=True)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    aggregation = models.CharField(
        "汇总方式", max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    plan_text = models.CharField("规划原文", max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "规划指标"
        verbose_name_plural = "规划指标"
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=IndicatorSource.values), name="indicator_source_known"
            ),
            models.CheckConstraint(condition=Q(period__in=PeriodKind.values), name="indicator_period_known"),
            models.CheckConstraint(
                condition=Q(level__in=IndicatorLevel.values), name="indicator_level_known"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_known"
            ),
            models.CheckConstraint(
                condition=Q(source=IndicatorSource.COMPUTED) & ~Q(selector="")
                | Q(source=IndicatorSource.REPORTED, selector=""),
                name="indicator_computed_has_selector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class IndicatorTarget(models.Model):
    """A year's target: the prefecture's total (county empty) or its split for one county (P16, data)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    note = models.CharField("依据", max_length=200, blank=True)
    entered_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        ordering = ["indicator__sort", "year", "county__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "county"], condition=Q(county__isnull=False),
                name="indicator_target_one_per_county",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=Q(county__isnull=True), name="indicator_target_one_total"
            ),
            models.CheckConstraint(condition=Q(year__gte=2021, year__lte=2100), name="indicator_target_year_range"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.county_id or '全州'}"


class Period(models.Model):
    """A reporting period (month, quarter, year) and its deadline; frozen once its values are (P16)."""

    kind = models.CharField("周期", max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号")  # month 1-12, quarter 1-4, 0 for the year
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    deadline = models.DateField("报送期限")
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    frozen_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "统计期"
        verbose_name_plural = "统计期"
        ordering = ["-year", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique"),
            models.CheckConstraint(condition=Q(kind__in=PeriodKind.values), name="period_kind_known"),
            models.CheckConstraint(
                condition=Q(kind=PeriodKind.YEAR, number=0)
                | Q(kind=PeriodKind.QUARTER, number__gte=1, number__lte=4)
                | Q(kind=PeriodKind.MONTH, number__gte=1, number__lte=12),
                name="period_number_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("ends_on")), name="period_deadline_after_end"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year}年"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年{self.number}月"


class IndicatorReport(models.Model):
    """A reported value for one township or county and period, entered with its evidence by the responsible
    department and reviewed upward (township → county → prefecture, planning/transitions.REPORT)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="填报区划", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县(市)", on_delete=models.PROTECT, related_name="+"
    )  # the division's county, copied for the lists
    value = models.DecimalField("填报值", max_digits=20, decimal_places=4)
    evidence = models.TextField("佐证说明")
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices)
    step_started_on = models.DateField("环节开始", null=True, blank=True)
    step_due = models.DateField("环节期限", null=True, blank=True)
    step_due_provisional = models.BooleanField(default=False)
    entered_by = models.ForeignKey(_USER, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("填报时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "指标填报"
        verbose_name_plural = "指标填报"
        ordering = ["-period__year", "indicator__sort", "division__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "division"], name="report_one_per_division"
            ),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_known"),
            models.CheckConstraint(condition=~Q(evidence=""), name="report_has_evidence"),
        ]
        indexes = [models.Index(fields=["county", "status"], name="report_county_status")]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.period_id}:{self.division_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REPORT_STATES


class ReportStep(StepRecord):
    subject_field = "report"

    report = models.ForeignKey(IndicatorReport, on_delete=models.PROTECT, related_name="steps")

    class Meta(StepRecord.Meta):
        verbose_name = "填报审核环节"
        verbose_name_plural = "填报审核环节"


class IndicatorValue(models.Model):
    """The value of an indicator for one county (or the prefecture) in one period, frozen at the deadline with
    its provenance: computed from the records as of a time by a selector's version, or entered by whom and
    reviewed by whom. A correction is the next version with its reason; the earlier one stays (P16, P13)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )  # a county, or the prefecture for the total
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    state = models.CharField("状态", max_length=14, choices=ValueState.choices)
    value = models.DecimalField("数值", null=True, blank=True, max_digits=20, decimal_places=4)
    # the figures it was made of (numerator, denominator, counts) and where from: selector and version, the
    # parameters cited, the time of the data; or the report, who entered it and who reviewed it
    provenance = models.JSONField("来源", default=dict)
    selector_version = models.PositiveSmallIntegerField("计算口径版本", null=True, blank=True)
    computed_as_of = models.DateTimeField("数据截至", null=True, blank=True)
    report = models.ForeignKey(
        IndicatorReport, null=True, blank=True, on_delete=models.PROTECT, related_name="frozen_values"
    )
    supersedes = models.OneToOneField(
        "self", verbose_name="更正前版本", null=True, blank=True, on_delete=models.PROTECT,
        related_name="superseded_by",
    )  # fmt: skip
    reason = models.TextField("更正原因", blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "指标冻结值"
        verbose_name_plural = "指标冻结值"
        ordering = ["indicator__sort", "division__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "division"], condition=Q(is_current=True),
                name="indicator_value_one_current",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "division", "version"], name="indicator_value_version_unique"
            ),
            models.CheckConstraint(condition=Q(state__in=ValueState.values), name="indicator_value_state_known"),
            models.CheckConstraint(
                condition=Q(state=ValueState.VALUE, value__isnull=False)
                | ~Q(state=ValueState.VALUE) & Q(value__isnull=True),
                name="indicator_value_has_value_iff_state",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True)
                | Q(version__gt=1, supersedes__isnull=False) & ~Q(reason=""),
                name="indicator_value_correction_has_reason",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["period", "division"], name="indicator_value_period_div")]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.period_id}:{self.division_id} v{self.version}"
