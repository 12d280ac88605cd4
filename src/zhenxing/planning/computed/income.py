"""脱贫人口 income (P12, P3): per-capita net income and the share of 生产经营性 income, from the household years
of 脱贫户 and their members on 31 December. 纯收入 is P3's (policy.rules.income NET_INCOME_PLUS / _MINUS); a
household without a member on 31 December has no per-capita income and is left out of both sums (P1/P3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.expressions import Combinable

from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.common import memberships_on
from zhenxing.policy.rules.income import NET_INCOME_MINUS, NET_INCOME_PLUS
from zhenxing.policy.rules.people import year_end
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD
from zhenxing.registry.models import HouseholdYear, Membership

COUNTY = "household__village__parent__parent__code"


def year_end_memberships(year: int) -> QuerySet[Membership]:
    """P1: the memberships of 31 December (computed.common.memberships_on: left on the day is gone)."""
    return memberships_on(year_end(year))


def members_at_year_end(year: int, households: QuerySet[Any] | Iterable[int]) -> dict[int, int]:
    """Members on 31 December per household of `households` (ids), none listed when none."""
    rows = (
        year_end_memberships(year)
        .filter(household__in=households)
        .values("household")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["household"]: row["n"] for row in rows}


def net_income_expression() -> Combinable:
    """P3 家庭纯收入 as a column expression over HouseholdYear (the components of policy.rules.income)."""
    total: Combinable = F(NET_INCOME_PLUS[0])
    for name in NET_INCOME_PLUS[1:]:
        total = total + F(name)
    for name in NET_INCOME_MINUS:
        total = total - F(name)
    return total


def tuopin_years(year: int) -> QuerySet[HouseholdYear]:
    return HouseholdYear.objects.filter(year=year, household__kind=TUOPIN_HOUSEHOLD)


def _sums(context: Context) -> dict[str, dict[str, int]]:
    """Per county: net income, 生产经营性 net income and members of the 脱贫户 with members on 31 December."""
    years = tuopin_years(context.year)
    members = members_at_year_end(context.year, years.values("household"))
    sums: dict[str, dict[str, int]] = defaultdict(lambda: {"net": 0, "business": 0, "people": 0})
    rows = years.annotate(net=net_income_expression(), business_net=F("business") - F("business_cost"))
    for household, county, net, business in rows.values_list("household", COUNTY, "net", "business_net"):
        people = members.get(household, 0)
        if not people:
            continue  # no per-capita income without a member on 31 December
        county_sums = sums[county]
        county_sums["net"] += net
        county_sums["business"] += business
        county_sums["people"] += people
    return sums


@computed(
    "income_per_capita",
    version=1,
    definition="脱贫户当年度纯收入合计（工资性+生产经营性+财产性+转移性−生产经营性支出，P3）÷ 这些户12月31日"
    "在户人口；12月31日无在户成员的户不计入",
    ratio=True,
    scale=1,
)
def income_per_capita(context: Context) -> dict[str, Figure]:
    return {
        county: Figure(
            Decimal(s["net"]) / 100, Decimal(s["people"]), 1, parts={"households_people": s["people"]}
        )
        for county, s in _sums(context).items()
    }


@computed(
    "income_business_share",
    version=1,
    definition="同上脱贫户：生产经营性净收入（生产经营性收入−生产经营性支出）合计 ÷ 纯收入合计",
    ratio=True,
    scale=100,
)
def income_business_share(context: Context) -> dict[str, Figure]:
    return {
        county: Figure(Decimal(s["business"]), Decimal(s["net"]), 100) for county, s in _sums(context).items()
    }
