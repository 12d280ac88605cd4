"""Housing and drinking water (P12, P6): the 住房安全 ledger's entries open at the period's end and closed in it,
and the households whose year's record has a P6 drinking-water problem (policy.rules.risks.unsafe_water)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from zhenxing.monitoring.models import HousingLedgerEntry
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.common import housing_open_on as housing_open_on  # the rule, for process too
from zhenxing.planning.computed.income import COUNTY
from zhenxing.policy.rules.risks import WATER_CUT_DAYS_LIMIT
from zhenxing.registry.models import HouseholdYear


def _households(queryset: QuerySet[HousingLedgerEntry] | QuerySet[HouseholdYear]) -> dict[str, Figure]:
    rows = queryset.values(COUNTY).annotate(n=Count("household", distinct=True)).order_by()
    return {row[COUNTY]: Figure(Decimal(row["n"])) for row in rows}


@computed("housing_open", version=1, definition="住房安全台账中登记日期不晚于期末、期末尚未销号的户")
def housing_open(context: Context) -> dict[str, Figure]:
    return _households(housing_open_on(context.ends_on))


@computed("housing_closed", version=1, definition="住房安全台账中销号日期在期内的户")
def housing_closed(context: Context) -> dict[str, Figure]:
    return _households(
        HousingLedgerEntry.objects.filter(closed_on__gte=context.starts_on, closed_on__lte=context.ends_on)
    )


def unsafe_water_filter() -> Q:
    """policy.rules.risks.unsafe_water over a HouseholdYear: cut more than 30 days, or quality or access not ok."""
    return (
        Q(water_supply_cut_days__gt=WATER_CUT_DAYS_LIMIT)
        | Q(water_quality_ok=False)
        | Q(water_access_ok=False)
    )


@computed(
    "water_problem_households",
    version=1,
    definition="当年度收支记录中断水超过30天、水质不达标或取水不便的户（P6饮水安全问题）",
)
def water_problem_households(context: Context) -> dict[str, Figure]:
    return _households(HouseholdYear.objects.filter(year=context.year).filter(unsafe_water_filter()))
