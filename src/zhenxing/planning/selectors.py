"""Scoped reads of the planning app (P12, P16, P11): everything under the user's division (planning/scope.py);
the prefecture's totals are readable by every planning user. Outside the scope a `*_get_for_user` answers
NotFound (404), so that another county's records do not leak their existence."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from zhenxing.accounts.capabilities import Capability, has_capability
from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import User
from zhenxing.common import clock
from zhenxing.common.errors import NotFound, PermissionDenied
from zhenxing.divisions.codes import PREFECTURE_CODE, county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.planning.enums import ReportStatus, TaskStatus
from zhenxing.planning.models import (
    Assessment,
    FieldFinding,
    Indicator,
    IndicatorReport,
    IndicatorValue,
    Period,
    PlanningAttachment,
    RectificationTask,
    Supervision,
    VillageProfile,
    WorkTeamMember,
)
from zhenxing.planning.scope import planning_prefix
from zhenxing.planning.transitions import TASK

M = TypeVar("M", bound=Model)


def require_view(user: User) -> str:
    """The user's prefix, or PermissionDenied (403) for a role without the planning pages."""
    prefix = planning_prefix(user)
    if prefix is None or not has_capability(user, Capability.VIEW_PLANNING):
        raise PermissionDenied("您没有查看规划指标与考核的权限")
    return prefix


def _within(queryset: QuerySet[M], user: User, field: str) -> QuerySet[M]:
    return queryset.filter(**{f"{field}__code__startswith": require_view(user)})


def _within_county(queryset: QuerySet[M], user: User, field: str) -> QuerySet[M]:
    """County-level records (assessments, findings, 督办): a township or village reads its county's."""
    prefix = require_view(user)
    if len(prefix) > len(PREFECTURE_CODE):
        prefix = county_of(prefix)
    return queryset.filter(**{f"{field}__code__startswith": prefix})


def _get(queryset: QuerySet[M], pk: int, what: str) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return found


# indicators, periods, values


def indicator_list(*, user: User) -> QuerySet[Indicator]:
    require_view(user)
    return Indicator.objects.filter(active=True).select_related("sector").order_by("sort", "code")


def indicator_get(*, user: User, code: str) -> Indicator:
    require_view(user)
    found = Indicator.objects.select_related("sector").filter(code=code).first()
    if found is None:
        raise NotFound("指标不存在")
    return found


def period_list(*, user: User) -> QuerySet[Period]:
    require_view(user)
    return Period.objects.order_by("-year", "kind", "-number")


def period_get(*, user: User, pk: int) -> Period:
    require_view(user)
    return _get(Period.objects.all(), pk, "统计期")


def value_list_for_user(
    *, user: User, period: Period | None = None, current: bool = True
) -> QuerySet[IndicatorValue]:
    """Frozen values of the counties in scope and the prefecture's totals; a township's or village's users read
    their county's figures (values are per county and name no household)."""
    prefix = require_view(user)
    if len(prefix) > len(PREFECTURE_CODE):
        prefix = county_of(prefix)
    rows = IndicatorValue.objects.filter(
        Q(division__code__startswith=prefix) | Q(division__level=DivisionLevel.PREFECTURE)
    ).select_related("indicator", "period", "division", "recorded_by", "report")
    if period is not None:
        rows = rows.filter(period=period)
    if current:
        rows = rows.filter(is_current=True)
    return rows.order_by("indicator__sort", "division__code", "-version")


def value_get_for_user(*, user: User, pk: int) -> IndicatorValue:
    return _get(value_list_for_user(user=user, current=False), pk, "指标数值")


def value_history(*, value: IndicatorValue) -> QuerySet[IndicatorValue]:
    return (
        IndicatorValue.objects.filter(
            indicator=value.indicator_id, period=value.period_id, division=value.division_id
        )
        .select_related("recorded_by", "report")
        .order_by("-version")
    )


# reported values


def report_list_for_user(*, user: User) -> QuerySet[IndicatorReport]:
    rows = _within(IndicatorReport.objects.all(), user, "division")
    if user.role == Role.PREFECTURE:
        rows = IndicatorReport.objects.all()
    return rows.select_related("indicator", "period", "division", "county", "entered_by")


def report_get_for_user(*, user: User, pk: int) -> IndicatorReport:
    return _get(report_list_for_user(user=user), pk, "指标填报")


def report_attachment_get_for_user(*, user: User, pk: int) -> PlanningAttachment:
    found = PlanningAttachment.objects.filter(pk=pk, report__in=report_list_for_user(user=user)).first()
    if found is None:
        raise NotFound("文件不存在或不在您的管辖范围内")
    return found


REPORT_WAITING_FOR: dict[str, Q] = {
    Role.TOWNSHIP: Q(status=ReportStatus.ENTERED, division__level=DivisionLevel.TOWNSHIP),
    Role.COUNTY: Q(status=ReportStatus.ENTERED, division__level=DivisionLevel.COUNTY)
    | Q(status=ReportStatus.TOWNSHIP_REVIEWED),
    Role.PREFECTURE: Q(status=ReportStatus.COUNTY_REVIEWED),
}


def reports_waiting_for(*, user: User) -> QuerySet[IndicatorReport]:
    """Reports waiting for this user's review (never their own), or their own returned ones to revise."""
    rows = report_list_for_user(user=user)
    waiting = REPORT_WAITING_FOR.get(user.role)
    mine = Q(status=ReportStatus.RETURNED, entered_by=user)
    if waiting is None:
        return rows.filter(mine)
    return rows.filter((waiting & ~Q(entered_by=user)) | mine)


# assessments, findings, supervision, tasks


def assessment_list_for_user(*, user: User, year: int | None = None) -> QuerySet[Assessment]:
    rows = _within_county(Assessment.objects.filter(is_current=True), user, "county").select_related("county")
    return rows.filter(year=year) if year is not None else rows


def assessment_get_for_user(*, user: User, pk: int) -> Assessment:
    rows = _within_county(Assessment.objects.all(), user, "county").select_related("county", "computed_by")
    return _get(rows, pk, "考核评估")


def finding_list_for_user(*, user: User, year: int | None = None) -> QuerySet[FieldFinding]:
    rows = _within_county(FieldFinding.objects.all(), user, "county").select_related("county", "entered_by")
    return rows.filter(year=year) if year is not None else rows


def finding_get_for_user(*, user: User, pk: int) -> FieldFinding:
    return _get(finding_list_for_user(user=user), pk, "抽查发现")


def supervision_list_for_user(*, user: User) -> QuerySet[Supervision]:
    return _within_county(Supervision.objects.all(), user, "county").select_related("county", "assessment")


def supervision_get_for_user(*, user: User, pk: int) -> Supervision:
    return _get(supervision_list_for_user(user=user), pk, "约谈督办")


def task_list_for_user(*, user: User) -> QuerySet[RectificationTask]:
    rows = _within_county(RectificationTask.objects.all(), user, "county").select_related(
        "county", "supervision"
    )
    return TASK.annotate_overdue(rows, clock.today())


def task_get_for_user(*, user: User, pk: int) -> RectificationTask:
    return _get(task_list_for_user(user=user), pk, "整改任务")


def tasks_overdue(*, today=None) -> QuerySet[RectificationTask]:  # type: ignore[no-untyped-def]
    return RectificationTask.objects.filter(TASK.overdue(today or clock.today()))


TASK_WAITING_FOR: dict[str, Q] = {
    Role.COUNTY: Q(status=TaskStatus.OPEN),
    Role.PREFECTURE: Q(status=TaskStatus.SUBMITTED),
}


def tasks_waiting_for(*, user: User) -> QuerySet[RectificationTask]:
    """Tasks waiting for the user's step: the county's open ones, the prefecture's to close."""
    waiting = TASK_WAITING_FOR.get(user.role)
    rows = task_list_for_user(user=user)
    return rows.filter(waiting) if waiting is not None else rows.none()


# village flags and work teams


def profile_list_for_user(*, user: User) -> QuerySet[VillageProfile]:
    return _within(VillageProfile.objects.all(), user, "village").select_related("village")


def team_list_for_user(*, user: User, current_on=None) -> QuerySet[WorkTeamMember]:  # type: ignore[no-untyped-def]
    rows = _within(WorkTeamMember.objects.all(), user, "village").select_related("village", "county")
    if current_on is not None:
        rows = rows.filter(starts_on__lte=current_on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=current_on)
        )
    return rows


def team_member_get_for_user(*, user: User, pk: int) -> WorkTeamMember:
    return _get(team_list_for_user(user=user), pk, "驻村工作队队员")
