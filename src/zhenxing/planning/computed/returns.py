"""返贫人口 (P16): the members on 31 December of 脱贫户 whose case was confirmed in the year and whose year's
per-capita net income is below the year's national poverty standard, or whose case names an unmet
两不愁三保障 item — decided per household by policy.rules.planning.returned_to_poverty. Without the standard
(未配置) the count cannot be made: every county's figure is 未配置, the basic-needs part kept."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.cases import COUNTY, identified_in
from zhenxing.planning.computed.income import members_at_year_end, net_income_expression, tuopin_years
from zhenxing.planning.parameters import poverty_standard
from zhenxing.policy.rules.planning import BASIC_NEEDS_RISK_TYPES, returned_to_poverty
from zhenxing.policy.vocab import TUOPIN_HOUSEHOLD


@computed(
    "returned_people",
    version=1,
    definition="当年确定纳入监测（识别监测时间在当年）的脱贫户中，当年人均纯收入低于当年国家扶贫标准（纯收入 < 标准"
    "× 12月31日在户人口），或风险类型含住房安全、义务教育失学辍学、饮水安全问题的户的12月31日在户人口；"
    "扶贫标准未配置时为未配置",
)
def returned_people(context: Context) -> dict[str, Figure]:
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
    people: dict[str, dict[str, int]] = defaultdict(lambda: {"returned": 0, "basic_needs": 0})
    for household, county in county_of.items():
        net = net_of.get(household)
        returned = returned_to_poverty(
            net_income_fen=net if net is not None else 0,
            members=members.get(household, 0),
            standard_yuan=standard if net is not None else None,  # no household year: income unknown
            unmet_basic_needs=unmet[household],
        )
        if returned:
            people[county]["returned"] += members.get(household, 0)
        if unmet[household]:
            people[county]["basic_needs"] += members.get(household, 0)
    if standard is None:
        counties = Division.objects.filter(level=DivisionLevel.COUNTY).values_list("code", flat=True)
        return {
            county: Figure(
                Decimal(people[county]["basic_needs"]),
                unconfigured=True,
                parts={"basic_needs_people": people[county]["basic_needs"]},
            )
            for county in counties
        }
    return {
        county: Figure(Decimal(s["returned"]), parts={"basic_needs_people": s["basic_needs"]})
        for county, s in people.items()
    }
