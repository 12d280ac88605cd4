"""扶贫项目资产 and 村集体经济收入 (P11, P15): the held assets by the condition their latest inspection found, where
they stand; and the villages by the collective-income tier stored with each year's figure (the tier of the
collective_economy_tiers parameter in force, policy.rules.assets.TIER_LABELS — the tier table's own tiers)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count as CountOf

from zhenxing.assets.enums import HELD_STATES, Condition
from zhenxing.assets.models import Asset, CollectiveIncome
from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, register
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.policy.rules.assets import TIER_LABELS

UNINSPECTED = "uninspected"  # a held asset never inspected (condition blank)
CONDITION_ORDER = (Condition.GOOD, Condition.IDLE, Condition.UNDERUSED, Condition.DAMAGED, Condition.LOST)


def asset_counts(as_of: datetime.date) -> Iterator[Count]:
    """Held assets (已登记, 已确权, 已移交) per place and condition: counted at their village, or at the township or
    county they stand in when they belong to no village (a county-wide road)."""
    rows = (
        Asset.objects.filter(status__in=HELD_STATES)
        .values_list("division__code", "condition")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    for code, condition, n in rows:
        yield Count(code, condition if condition in Condition.values else UNINSPECTED, n)


def asset_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The register's held assets under the place, by condition."""
    query: dict[str, str] = {"status": "held"}
    if code != PREFECTURE_CODE:
        query["place"] = code
    if measure in Condition.values:
        query["condition"] = measure
    elif measure == UNINSPECTED:
        query["condition"] = "none"
    return link("assets:list", query)


register(
    Figure(
        key="assets",
        title="扶贫项目资产状况",
        note=(
            "资产登记簿中在册（已登记、已确权、已移交管护中）的项目资产个数，按最近一次管护巡查记录的资产状况分列，"
            "从未巡查的计为“未巡查”；已处置、已核销、已退出的不计。资产所在区划为行政村的计入该村，所在为乡镇或县的"
            "只计入乡镇或县的合计。统计日为刷新当日。"
        ),
        version=1,
        level="village",
        series=(
            *((c.value, c.label) for c in CONDITION_ORDER),
            (UNINSPECTED, "未巡查"),
        ),
        measures=(
            *(Measure(c.value, c.label, "个", c.value) for c in CONDITION_ORDER),
            Measure(UNINSPECTED, "未巡查", "个", UNINSPECTED),
        ),
        compute=asset_counts,
        drill=asset_drill,
        chart="stack",
    )
)


# 村集体经济收入分档

YEARS = 5


def tier_key(tier: int) -> str:
    return f"tier{tier}"


def collective_counts(as_of: datetime.date) -> Iterator[Count]:
    """Villages per stored tier, each year with entries up to the run's year (the latest `YEARS`)."""
    years = (
        CollectiveIncome.objects.filter(year__lte=as_of.year)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")[:YEARS]
    )
    rows = (
        CollectiveIncome.objects.filter(year__in=list(years))
        .values_list("village__code", "year", "tier")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    for code, year, tier, n in rows:
        yield Count(code, tier_key(tier), n, str(year))


def collective_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The collective-income page of the year, its villages under the place, of the tier (a tier's bar; the
    total: every tier); without the period, the page's own default year (the latest with figures in scope)."""
    query: dict[str, str] = {}
    if period.isdigit():
        query["year"] = period
    query["place"] = (
        code  # the prefecture's too: the page then lists only the villages with the year's figure
    )
    if measure.startswith("tier") and measure[4:].isdigit():
        query["tier"] = measure[4:]
    return link("assets:collective", query)


register(
    Figure(
        key="collective",
        title="村集体经济收入分档",
        note=(
            "乡镇录入的村级集体经济收入，按录入时依当年分档参数确定的档次（2万元以下、2万元（含）至5万元、5万元（含）"
            "至10万元、10万元及以上）统计行政村个数，含无脱贫人口的村（分档统计页只计有脱贫人口的村）。按地区看为最近"
            "一个有录入的年度；趋势为近5个有录入的年度。"
        ),
        version=1,
        level="village",
        series=tuple((tier_key(t), label) for t, label in enumerate(TIER_LABELS)),
        measures=tuple(
            Measure(tier_key(t), label, "个村", tier_key(t)) for t, label in enumerate(TIER_LABELS)
        ),
        compute=collective_counts,
        drill=collective_drill,
        chart="stack",
        periodic=True,
        place_periods=1,
    )
)
