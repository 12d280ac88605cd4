"""衔接资金 支出进度 and the 产业发展 share per county and budget year (P14), summed by the funds app's own
functions — funds.progress.ledger_sums (the 支出进度 page's sums) and funds.watch.industry_shares (the industry
share the county's page warns on) — never a second definition. The sums are kept in fen, as the ledger keeps
them, so that the prefecture's rates are computed from the counties' sums."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, register
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.funds.models import AllocationLine
from zhenxing.funds.progress import ledger_sums
from zhenxing.funds.watch import industry_shares

YEARS = 5  # the budget years drawn over time, the latest last
ALLOCATED, PAID = "allocated_fen", "paid_fen"
INDUSTRY, INDUSTRY_BASE = "industry_fen", "industry_base_fen"
PROGRESS, SHARE = "progress", "industry_share"


def budget_years(as_of: datetime.date) -> list[int]:
    """The budget years with an allocation line up to the run's year, the latest `YEARS`, oldest first: a year
    without any allocation yet (early in the year) is not drawn as a zero."""
    years = (
        AllocationLine.objects.filter(allocation__budget_year__lte=as_of.year)
        .values_list("allocation__budget_year", flat=True)
        .distinct()
        .order_by("-allocation__budget_year")[:YEARS]
    )
    return sorted(years)


def fund_counts(as_of: datetime.date) -> Iterator[Count]:
    codes = dict(Division.objects.filter(level=DivisionLevel.COUNTY).values_list("pk", "code"))
    for year in budget_years(as_of):
        period = str(year)
        for (county,), sums in ledger_sums(budget_year=year, by=("county",)).items():
            if county in codes:
                yield Count(codes[county], ALLOCATED, sums.allocated_fen, period)
                yield Count(codes[county], PAID, sums.paid_fen, period)
        for county, share in industry_shares(list(codes), year).items():
            if share.rule.configured:  # before the parameter's first year the share is 未配置: no numbers
                yield Count(codes[county], INDUSTRY, share.used_fen, period)
                yield Count(codes[county], INDUSTRY_BASE, share.base_fen, period)


def fund_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The ledger's documents of the county and budget year (funds:allocations takes ?county= and ?year=). No
    query: a link without its period (a by-place number) names the county only — every year of its documents."""
    query: dict[str, str] = {}
    if period.isdigit():
        query["year"] = period
    if len(code) > 4:
        query["county"] = county_of(code)
    return link("funds:allocations", query)


register(
    Figure(
        key="funds",
        title="衔接资金支出进度与产业占比",
        note=(
            "按预算年度统计各县衔接资金（近5个有下达额的预算年度；按地区看为最近一个有下达额的年度，年初尚未下达的"
            "年度不显示）。支出进度＝已支付（扣除冲销）÷ 已下达，与“资金支出进度”页同一口径；产业占比＝分配到产业发展类"
            "项目的资金（扣除出库、终止释放）÷ 中央衔接资金产业比例参数所列资金来源的下达额，与资金页的产业比例预警同一"
            "口径，参数未配置的年度不计。州的比率由各县的分子、分母合计后计算，不是各县比率的平均。"
        ),
        version=1,
        level="county",
        series=(
            (ALLOCATED, "已下达（分）"),
            (PAID, "已支付（分）"),
            (INDUSTRY, "产业发展项目分配额（分）"),
            (INDUSTRY_BASE, "计入产业比例的下达额（分）"),
        ),
        measures=(
            Measure(PROGRESS, "支出进度", "%", PAID, ALLOCATED),
            Measure(SHARE, "产业占比", "%", INDUSTRY, INDUSTRY_BASE),
        ),
        compute=fund_counts,
        drill=fund_drill,
        periodic=True,
        place_periods=1,
        map_measure=PROGRESS,
    )
)
