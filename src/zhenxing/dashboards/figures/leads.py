"""Warning leads and how they were handled (P10), as a funnel: the leads raised in the last twelve months, of them
those checked (closed either way) and those checked and included; beside them the leads open past the village's
check day on the run's day, by the screening kernel's one definition of overdue (the lead list's 已逾期)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count as CountOf

from zhenxing.dashboards.figures.base import Count, Figure, Measure, link, register
from zhenxing.policy.rules.measures import add_months
from zhenxing.screening.models import Lead, LeadStatus
from zhenxing.screening.selectors import ALL_LEADS, CHECKED_LEADS, raised_from
from zhenxing.screening.transitions import LEAD

MONTHS = 12
RAISED, CHECKED, INCLUDED, OVERDUE, RATE = "raised", "checked", "included", "overdue", "checked_rate"


def window_start(as_of: datetime.date) -> datetime.date:
    """The first day of the twelve months up to `as_of` (3 March 2025 → 2 March 2026)."""
    return add_months(as_of, -MONTHS) + datetime.timedelta(days=1)


def lead_counts(as_of: datetime.date) -> Iterator[Count]:
    raised = Lead.objects.filter(
        created_at__gte=raised_from(window_start(as_of)),
        created_at__lt=raised_from(as_of + datetime.timedelta(days=1)),
    )
    rows = raised.values_list("household__village_id", "status").annotate(n=CountOf("pk")).order_by()
    for village, status, n in rows:
        yield Count(village, RAISED, n)
        if status != LeadStatus.OPEN:
            yield Count(village, CHECKED, n)
        if status == LeadStatus.CONFIRMED:
            yield Count(village, INCLUDED, n)
    late = (
        Lead.objects.filter(LEAD.overdue(as_of))
        .values_list("household__village_id")
        .annotate(n=CountOf("pk"))
        .order_by()
    )
    for village, n in late:
        yield Count(village, OVERDUE, n)


def lead_drill(code: str, measure: str, period: str, as_of: datetime.date) -> str:
    # the twelve months the figure counts, up to the run's day (the list reads today's statuses)
    since = {"since": window_start(as_of).isoformat(), "until": as_of.isoformat()}
    query: dict[str, str] = {
        RAISED: {"status": ALL_LEADS, **since},
        RATE: {"status": CHECKED_LEADS, **since},
        CHECKED: {"status": CHECKED_LEADS, **since},
        INCLUDED: {"status": LeadStatus.CONFIRMED, **since},
        OVERDUE: {"status": LeadStatus.OPEN, "overdue": "1"},
    }.get(measure, {"status": ALL_LEADS})
    return link("screening:list", {**query, "place": code})


register(
    Figure(
        key="leads",
        title="预警线索处置",
        note=(
            "近12个月（统计日前12个月内，按线索生成时间）生成的预警线索数；其中已核实（核实纳入或核实不纳入、"
            "已办结）与核实纳入的条数，按统计日的线索状态；核实率=已核实÷预警。逾期未核实：统计日仍待核实且"
            "已过村级核实期限的线索（不限生成时间，与线索列表“已逾期”同一口径）。按农户所在行政村汇总。"
        ),
        version=1,
        level="village",
        series=((RAISED, "预警"), (CHECKED, "已核实"), (INCLUDED, "核实纳入"), (OVERDUE, "逾期未核实")),
        measures=(
            Measure(RAISED, "预警", "条", RAISED),
            Measure(CHECKED, "已核实", "条", CHECKED),
            Measure(INCLUDED, "核实纳入", "条", INCLUDED),
            Measure(OVERDUE, "逾期未核实", "条", OVERDUE),
            Measure(RATE, "核实率", "%", CHECKED, denominator=RAISED),
        ),
        compute=lead_counts,
        drill=lead_drill,
        chart="bar",
    )
)
