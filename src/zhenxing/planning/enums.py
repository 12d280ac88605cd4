"""The planning app's choices (P12, P16, P11): how an indicator is measured and reported, the periods, the
review of a reported value, the assessment's supervision and the rectification tasks."""

from __future__ import annotations

from django.db import models


class Direction(models.TextChoices):
    AT_LEAST = ">=", "不低于（≥）"
    AT_MOST = "<=", "不高于（≤）"
    WATCH = "", "监测（无方向）"


class IndicatorLevel(models.TextChoices):
    PREFECTURE = "prefecture", "州级"
    COUNTY = "county", "县级"


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", "系统计算"
    REPORTED = "reported", "部门填报"


class Aggregation(models.TextChoices):
    """How township values add up to the county's and counties' to the prefecture's."""

    SUM = "sum", "逐级相加"
    RATIO = "ratio", "按分子分母重算（不相加）"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class ValueState(models.TextChoices):
    VALUE = "value", "有值"
    UNCONFIGURED = "unconfigured", "未配置"  # a parameter it needs is not entered (e.g. the poverty standard)
    MISSING = "missing", "未填报"  # a reported indicator nobody entered and had accepted by the deadline
    NO_DATA = "no_data", "无统计对象"  # a share whose denominator is zero in this county


class ReportStatus(models.TextChoices):
    ENTERED = "entered", "已填报"
    TOWNSHIP_REVIEWED = "township_reviewed", "乡镇审核通过"
    COUNTY_REVIEWED = "county_reviewed", "县级审核通过"
    ACCEPTED = "accepted", "州级确认"
    RETURNED = "returned", "退回修改"


OPEN_REPORT_STATES = (
    ReportStatus.ENTERED,
    ReportStatus.TOWNSHIP_REVIEWED,
    ReportStatus.COUNTY_REVIEWED,
    ReportStatus.RETURNED,
)


class TeamRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", "第一书记"
    MEMBER = "member", "工作队队员"


class Dimension(models.TextChoices):
    """The four P16 assessment dimensions (the keys are policy.rules.assessment.DIMENSIONS')."""

    RESPONSIBILITY = "responsibility", "责任落实"
    POLICY = "policy", "政策落实"
    WORK = "work", "工作落实"
    RESULTS = "results", "巩固成效"


class Grade(models.TextChoices):
    GOOD = "好", "好"
    FAIR = "较好", "较好"
    GENERAL = "一般", "一般"


class SupervisionKind(models.TextChoices):
    TALK = "talk", "约谈提醒"
    LISTING = "listing", "挂牌督办"


class SupervisionReason(models.TextChoices):
    GRADE = "grade", "考核评估等次为“一般”"
    LARGE_SCALE_RETURN = "large_scale_return", "存在规模性返贫风险"


class TaskStatus(models.TextChoices):
    OPEN = "open", "整改中"
    SUBMITTED = "submitted", "已报整改结果"
    CLOSED = "closed", "已销号"
