"""Monitoring objects by place and type, month by month (P5, P8, P9): a household counts on a day when its case
was confirmed (识别监测时间) on or before it and not risk-eliminated by it — the same rule the plan's indicators
use (planning/computed/common.cases_monitored_on)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from urllib.parse import urlencode

from django.db.models import Count as CountOf
from django.urls import reverse

from zhenxing.dashboards.figures.base import Count, Figure, Measure, month_ends, month_key, register
from zhenxing.planning.computed.common import cases_monitored_on
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


def monitoring_drill(code: str, measure: str, period: str) -> str:
    query = {"tab": "monitored", "place": code}
    if measure in MONITORING_TYPES:
        query["type"] = measure
    return f"{reverse('monitoring:list')}?{urlencode(query)}"


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
