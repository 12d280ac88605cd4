"""Assistance coverage (P7): the households monitored on the run's day, and of them those whose plan has an
implemented development-type measure — the condition the plan check (满N个月无开发式措施) counts, taken from the
case list's own filter so that the figure and its drill-down agree."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count as CountOf

from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, register
from zhenxing.monitoring.identification.selectors import has_development_measure
from zhenxing.monitoring.on_day import cases_monitored_on

MONITORED, DEVELOPMENT, RATE = "monitored", "development", "development_rate"


def assistance_counts(as_of: datetime.date) -> Iterator[Count]:
    monitored = cases_monitored_on(as_of)
    for series, cases in (
        (MONITORED, monitored),
        (DEVELOPMENT, monitored.filter(has_development_measure())),
    ):
        for village, n in cases.values_list("village_id").annotate(n=CountOf("pk")).order_by():
            yield Count(village, series, n)


def assistance_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The households monitored on the run's day under the place; the development measure's: those with one."""
    query = {"tab": "monitored", "on": as_of.isoformat(), "place": code}
    if measure == DEVELOPMENT:
        query["development"] = "1"
    return link("monitoring:list", query)


register(
    Figure(
        key="assistance",
        title="帮扶措施覆盖",
        note=(
            "监测户：统计日处于监测中的户（识别监测时间在当日或之前、且当日未风险消除）。有开发式措施：其中"
            "帮扶计划有已实施（实施中或已完成）的开发式帮扶措施（产业、就业、金融、公益岗位帮扶）的户，与"
            "帮扶计划检查“满N个月无开发式措施”同一认定；覆盖率=有开发式措施÷监测户（不区分有无劳动力）。"
            "措施状态按统计日的记录。按案件所在行政村汇总。"
        ),
        version=1,
        level="village",
        series=((MONITORED, "监测户"), (DEVELOPMENT, "有开发式措施")),
        measures=(
            Measure(MONITORED, "监测户", "户", MONITORED),
            Measure(DEVELOPMENT, "有开发式措施", "户", DEVELOPMENT),
            Measure(RATE, "覆盖率", "%", DEVELOPMENT, denominator=MONITORED),
        ),
        compute=assistance_counts,
        drill=assistance_drill,
        chart="bar",
        map_measure=RATE,
    )
)
