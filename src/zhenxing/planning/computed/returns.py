"""返贫人口 (P16): the members on 31 December of 脱贫户 whose case was confirmed in the year and whose year's
per-capita net income is below the year's national poverty standard, or whose case names an unmet
两不愁三保障 item — decided per household by policy.rules.planning.returned_to_poverty. Without the standard
(未配置) the count cannot be made: every county's figure is 未配置, the basic-needs part kept.

`returns_of` is the one count: the selector's figures and the assessment's 返贫 item (planning/process.py, with
the households behind it for the drill-down) both read it. The households are not put in the frozen provenance
(only counts are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.cases import COUNTY, identified_in
from zhenxing.planning.computed.income import members_at_year_end, net_income_expression, tuopin_years
from zhenxing.planning.parameters import poverty_standard
from zhenxing.policy.rules.planning import BASIC_NEEDS_RISK_TYPES, returned_to_poverty
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD


@dataclass
class Returns:
    """返贫 per county: the people counted (the returned, or only the basic-needs part when the standard is
    未配置), the basic-needs part, and the households counted (sorted ids)."""

    configured: bool
    people: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    basic_needs_people: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    households: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def returns_of(context: Context) -> Returns:
    standard, citation = poverty_standard(context.year)
    if citation is not None:
        context.citations["poverty_standard"] = citation
    cases = identified_in(context).filter(household__kind=TUOPIN_HOUSEHOLD)
    unmet: dict[int, bool] = defaultdict(bool)
    county_of: dict[int, str] = {}
    for household, county, risk_types in cases.values_list("household", COUNTY, "risk_types"):
        unmet[household] |= any(risk in BASIC_NEEDS_RISK_TYPES for risk in risk_types or ())
        county_of[household] = county
    years = tuopin_years(context.year).filter(household__in=list(county_of))
    net_of = dict(years.annotate(net=net_income_expression()).values_list("household", "net"))
    members = members_at_year_end(context.year, list(county_of))  # with or without a household year
    out = Returns(configured=standard is not None)
    for household, county in sorted(county_of.items()):
        net = net_of.get(household)
        returned = returned_to_poverty(
            net_income_fen=net if net is not None else 0,
            members=members.get(household, 0),
            standard_yuan=standard if net is not None else None,  # no household year: income unknown
            unmet_basic_needs=unmet[household],
        )
        if unmet[household]:
            out.basic_needs_people[county] += members.get(household, 0)
        if returned:  # 未配置: True only for an unmet basic need, the part that can be counted
            out.people[county] += members.get(household, 0)
            out.households[county].append(household)
    return out


def returned_households(context: Context) -> dict[str, list[int]]:
    """The households counted in each county's 返贫 figure (sorted ids; a county with none is absent)."""
    return dict(returns_of(context).households)


@computed(
    "returned_people",
    version=1,
    definition="当年确定纳入监测（识别监测时间在当年）的脱贫户中，当年人均纯收入低于当年国家扶贫标准（纯收入 < 标准"
    "× 12月31日在户人口），或风险类型含住房安全、义务教育失学辍学、饮水安全问题的户的12月31日在户人口；"
    "扶贫标准未配置时为未配置",
)
def returned_people(context: Context) -> dict[str, Figure]:
    counted = returns_of(context)
    if not counted.configured:
        counties = Division.objects.filter(level=DivisionLevel.COUNTY).values_list("code", flat=True)
        return {
            county: Figure(
                Decimal(counted.basic_needs_people[county]),
                unconfigured=True,
                parts={"basic_needs_people": counted.basic_needs_people[county]},
            )
            for county in counties
        }
    return {
        county: Figure(
            Decimal(counted.people[county]),
            parts={"basic_needs_people": counted.basic_needs_people[county],
                   "households": len(counted.households[county])},
        )
        for county in set(counted.people) | set(counted.basic_needs_people)
    }  # fmt: skip
