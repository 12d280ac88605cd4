"""Monitoring objects by place and type, month by month (P5, P8, P9): a household counts on a day when its case
was confirmed (识别监测时间) on or before it and not risk-eliminated by it — the same rule the plan's indicators
use and the case list's `on=` filter (monitoring/on_day.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count as CountOf

from zhenxing.dashboards.figures.base import (
    Count,
    Figure,
    Measure,
    link,
    month_ends,
    month_key,
    month_last_day,
    register,
)
from zhenxing.monitoring.identification.selectors import OTHER_TYPE
from zhenxing.monitoring.on_day import cases_monitored_on
from zhenxing.policy.vocab import MONITORING_TYPES

MONTHS = 24
OTHER = "其他"  # a type outside today's vocabulary (a regime's own name for it): counted, not lost


def monitoring_counts(as_of: datetime.date) -> Iterator[Count]:
    for day in month_ends(as_of, MONTHS):
        rows = (
            cases_monitored_on(day)
            .values_list("village_id", "monitoring_type")
            .annotate(n=CountOf("pk"))
            .order_by()
        )
        for village, kind, n in rows:
            yield Count(village, kind if kind in MONITORING_TYPES else OTHER, n, month_key(day))


def monitoring_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    """The households monitored on the day the number is counted on (a month's end, the run's day in its own
    month) under the place, of the type (其他类型: every type outside the vocabulary, blank included)."""
    day = month_last_day(period, as_of) if period else as_of
    query = {"tab": "monitored", "on": day.isoformat(), "place": code}
    if measure in MONITORING_TYPES:
        query["type"] = measure
    elif measure == OTHER:
        query["type"] = OTHER_TYPE
    return link("monitoring:list", query)


register(
    Figure(
        key="monitoring",
        title="监测对象（按类型）",
        note=(
            "每月末（本月为统计日）处于监测中的户数：识别监测时间在当日或之前、且当日未风险消除（含已消除后"
            "又返贫重新纳入的户）；按监测对象类型分列，近24个月。"
        ),
        version=1,
        level="village",
        series=(*((kind, kind) for kind in MONITORING_TYPES), (OTHER, "其他类型")),
        measures=(
            *(Measure(kind, kind, "户", kind) for kind in MONITORING_TYPES),
            Measure(OTHER, "其他类型", "户", OTHER),
        ),
        compute=monitoring_counts,
        drill=monitoring_drill,
        chart="stack",
        periodic=True,
        place_periods=1,
    )
)
