"""The plan's indicators against the counties' targets and the yearly assessment (P11, P16), per county: read
from the frozen yearly values and the current assessments, compared by the planning app's own rules — the
county's target as the statistics and the assessment take it (planning.stats.targets_for: its split, or the
prefecture's rate for a share) and policy.rules.planning.target_met (≥ or ≤, inclusive)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count as CountOf
from django.urls import reverse

from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, register
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.enums import Direction, Grade, PeriodKind, TaskStatus, ValueState
from zhenxing.planning.models import Assessment, Indicator, IndicatorValue, Period, RectificationTask
from zhenxing.planning.stats import targets_for
from zhenxing.policy.rules.planning import target_met

YEARS = 5
TARGETED, MET, NO_VALUE, MET_RATE = "targeted", "met", "no_value", "met_rate"


# frozen year → its Period's pk, for the drill links (a page's links are drawn without a query): a Period is never
# deleted (its values protect it), so a pk once found stays right; each count refreshes the map
_PERIOD_PKS: dict[int, int] = {}


def frozen_years(as_of: datetime.date) -> list[Period]:
    """The frozen yearly periods up to the run's year, the latest `YEARS`, oldest first."""
    periods = Period.objects.filter(
        kind=PeriodKind.YEAR, number=0, frozen_at__isnull=False, year__lte=as_of.year
    ).order_by("-year")[:YEARS]
    return sorted(periods, key=lambda p: p.year)


def indicator_counts(as_of: datetime.date) -> Iterator[Count]:
    """Per county and frozen year: the active indicators with a direction that have a target for the county,
    those whose current frozen value meets it, and those without a value (未填报, 未配置, 无统计对象)."""
    directions = dict(
        Indicator.objects.filter(
            active=True, direction__in=(Direction.AT_LEAST, Direction.AT_MOST)
        ).values_list("pk", "direction")
    )
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))
    periods = frozen_years(as_of)
    _PERIOD_PKS.clear()
    _PERIOD_PKS.update({period.year: period.pk for period in periods})
    for period in periods:
        values = {
            (division, indicator): value
            for division, indicator, value in IndicatorValue.objects.filter(
                period=period, is_current=True, state=ValueState.VALUE, division__level=DivisionLevel.COUNTY
            ).values_list("division_id", "indicator_id", "value")
        }
        for county in counties:  # 12 counties, two small target queries each
            targeted = met = missing = 0
            for indicator, target in targets_for(period.year, county).items():
                if indicator not in directions:
                    continue
                value = values.get((county.pk, indicator))
                targeted += 1
                missing += value is None
                met += bool(target_met(value, target, directions[indicator]))
            year = str(period.year)
            yield Count(county.code, TARGETED, targeted, year)
            yield Count(county.code, MET, met, year)
            yield Count(county.code, NO_VALUE, missing, year)


def _period_pk(year: int) -> int | None:
    if year not in _PERIOD_PKS:  # a process that has not counted (the web server): found once, then kept
        pk = (
            Period.objects.filter(kind=PeriodKind.YEAR, number=0, year=year, frozen_at__isnull=False)
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return None
        _PERIOD_PKS[year] = pk
    return _PERIOD_PKS[year]


def indicator_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The frozen yearly period's table (indicator × the counties in scope, each value with its target); the
    list of periods where no year is given."""
    pk = _period_pk(int(period)) if period.isdigit() else None
    return reverse("planning:period", args=[pk]) if pk is not None else link("planning:periods")


register(
    Figure(
        key="indicators",
        title="规划指标完成情况",
        note=(
            "已冻结的年度统计期（按地区看为最近一个已冻结的年度），各县启用且有方向（不低于、不高于）的规划指标中："
            "当年有本县目标的指标数（本县分解目标；比率类指标未分解时用州目标，与考核评估、统计报表同一口径），"
            "其中现行冻结值达到目标的指标数（不低于为≥，不高于为≤，含等于），以及没有冻结数值（未填报、未配置、"
            "无统计对象）的指标数，计为未达到。达标率＝达到目标数 ÷ 有目标数；州的达标率由各县合计计算。"
        ),
        version=1,
        level="county",
        series=((TARGETED, "有目标的指标数"), (MET, "达到目标的指标数"), (NO_VALUE, "无冻结值的指标数")),
        measures=(
            Measure(MET_RATE, "达标率", "%", MET, TARGETED),
            Measure(TARGETED, "有目标的指标", "项", TARGETED),
            Measure(MET, "达到目标的指标", "项", MET),
            Measure(NO_VALUE, "无冻结值", "项", NO_VALUE),
        ),
        compute=indicator_counts,
        drill=indicator_drill,
        periodic=True,
        place_periods=1,
        map_measure=MET_RATE,
    )
)


# 考核等次与督办

ASSESSED, SCORE, OPEN_TASKS, AVERAGE = "assessed", "score", "open_tasks", "average_score"


def assessment_counts(as_of: datetime.date) -> Iterator[Count]:
    """Per county and assessed year: its current assessment's grade (1 in that grade's series) and total; the
    rectification tasks not 销号 on the run's day, of every year, are counted in the latest assessed year."""
    years = list(
        Assessment.objects.filter(is_current=True, year__lte=as_of.year)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")[:YEARS]
    )
    if not years:
        return
    rows = Assessment.objects.filter(is_current=True, year__in=years).values_list(
        "county__code", "year", "grade", "total"
    )
    for code, year, grade, total in rows:
        yield Count(code, grade, 1, str(year))
        yield Count(code, ASSESSED, 1, str(year))
        yield Count(code, SCORE, Decimal(total), str(year))
    open_tasks = (
        RectificationTask.objects.exclude(status=TaskStatus.CLOSED)
        .values("county__code")
        .annotate(n=CountOf("pk"))
        .order_by()
        .values_list("county__code", "n")
    )
    for code, n in open_tasks:
        yield Count(code, OPEN_TASKS, n, str(max(years)))


def assessment_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The counties' assessments of the year (the page's default without it: the latest assessed); the open
    tasks: the supervision task list of every year, not 销号, of the county."""
    if measure == OPEN_TASKS:
        query = {"status": "open"}
        if len(code) > 4:
            query["county"] = county_of(code)
        return link("planning:supervisions", query)
    return link("planning:assessments", {"year": period} if period.isdigit() else None)


register(
    Figure(
        key="assessment",
        title="考核等次与督办",
        note=(
            "各县现行的年度考核评估结果（按地区看为最近一个已考核的年度）：各等次的县数、平均总分（州为各县总分之和"
            "÷ 已考核县数）；未销号整改任务为刷新当日状态为整改中或已报整改结果的约谈提醒、挂牌督办整改任务（各年度"
            "合计，记在最近一个已考核年度）。"
        ),
        version=1,
        level="county",
        series=(
            *((grade.value, grade.label) for grade in Grade),
            (ASSESSED, "已考核县数"),
            (SCORE, "总分合计"),
            (OPEN_TASKS, "未销号整改任务"),
        ),
        measures=(
            *(Measure(grade.value, f"等次“{grade.label}”", "个县", grade.value) for grade in Grade),
            Measure(AVERAGE, "平均总分", "分", SCORE, ASSESSED, scale=1),
            Measure(OPEN_TASKS, "未销号整改任务", "项", OPEN_TASKS),
        ),
        compute=assessment_counts,
        drill=assessment_drill,
        periodic=True,
        place_periods=1,
        map_measure=AVERAGE,
    )
)
