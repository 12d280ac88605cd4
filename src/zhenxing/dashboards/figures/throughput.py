"""Identification and elimination month by month (P5, P9): households confirmed as monitoring objects in a month
(识别监测时间 in it, the case confirmed then, whatever it has become since) and households risk-eliminated in a
month (风险消除时间 in it). A flow: the by-place view sums the last twelve months."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count as CountOf
from django.db.models.functions import TruncMonth

from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, month_ends, month_key, register
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.monitoring.enums import CaseStatus
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.on_day import CONFIRMED_EVER

MONTHS = 24
PLACE_MONTHS = 12
IDENTIFIED, ELIMINATED = "identified", "eliminated"


def throughput_counts(as_of: datetime.date) -> Iterator[Count]:
    months = month_ends(as_of, MONTHS)
    first = months[0].replace(day=1)
    # every month is a period even when nothing happened in it anywhere (a zero at the top of the tree), so
    # that the twelve months the by-place view sums are the calendar's, not the last twelve with records
    for top in Division.objects.filter(level=DivisionLevel.PREFECTURE).values_list("code", flat=True):
        for day in months:
            yield from (Count(top, series, 0, month_key(day)) for series in (IDENTIFIED, ELIMINATED))
    for series, field, statuses in (
        (IDENTIFIED, "identified_on", CONFIRMED_EVER),
        (ELIMINATED, "eliminated_on", (CaseStatus.ELIMINATED,)),
    ):
        rows = (
            Case.objects.filter(status__in=statuses, **{f"{field}__gte": first, f"{field}__lte": as_of})
            .annotate(month=TruncMonth(field))
            .values_list("village_id", "month")
            .annotate(n=CountOf("pk"))
            .order_by()
        )
        for village, month, n in rows:
            yield Count(village, series, n, month_key(month))


def throughput_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    # a month's bar opens that month; a place's twelve-month sum the twelve calendar months up to the run's
    # month; either counted up to the run's day (a record dated after it is not in the number)
    since = month_key(month_ends(as_of, PLACE_MONTHS)[0])
    when = {"month": period} if period else {"since": since}
    tab = ELIMINATED if measure == ELIMINATED else IDENTIFIED
    return link("monitoring:list", {"tab": tab, **when, "until": as_of.isoformat(), "place": code})


register(
    Figure(
        key="throughput",
        title="识别与消除（按月）",
        note=(
            "识别纳入：识别监测时间在当月、经县级确定纳入的户（含此后已进入消除程序或已风险消除的户）；"
            "风险消除：风险消除时间在当月、已完成风险消除的户。近24个月按月统计（本月统计至统计日）；"
            "分地区数为近12个月合计。按案件所在行政村汇总。"
        ),
        version=1,
        level="village",
        series=((IDENTIFIED, "识别纳入"), (ELIMINATED, "风险消除")),
        measures=(
            Measure(IDENTIFIED, "识别纳入", "户", IDENTIFIED),
            Measure(ELIMINATED, "风险消除", "户", ELIMINATED),
        ),
        compute=throughput_counts,
        drill=throughput_drill,
        chart="bar",
        periodic=True,
        place_periods=PLACE_MONTHS,
    )
)
