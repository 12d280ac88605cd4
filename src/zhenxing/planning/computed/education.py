"""Vocational schooling (P12): 脱贫家庭“两后生” and 易地搬迁家庭新成长劳动力 in vocational schools, from the
在校生状况 of the members on 31 December, in the planning_rules parameter's age ranges."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from zhenxing.planning.computed import Context, Figure, computed
from zhenxing.planning.computed.employment import aged, per_county, tuopin_members
from zhenxing.planning.computed.income import year_end_memberships
from zhenxing.policy.vocab import NON_COMPULSORY_SCHOOLING_PREFIXES
from zhenxing.registry.models import Membership

# the vocational schools among the non-compulsory schooling (policy.vocab SCHOOLING): 中职, 高职高专, 技师学院
VOCATIONAL_PREFIXES = tuple(
    p for p in NON_COMPULSORY_SCHOOLING_PREFIXES if p in ("中职", "高职高专", "技师学院")
)
# 中等职业教育 (the relocated households' indicator): 中职 and 技师学院
SECONDARY_VOCATIONAL_PREFIXES = tuple(p for p in VOCATIONAL_PREFIXES if p != "高职高专")


def schooling_in(prefixes: tuple[str, ...]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(person__schooling__startswith=prefix)
    return condition


def _share(people: QuerySet[Membership], prefixes: tuple[str, ...]) -> dict[str, Figure]:
    """Of the members out of school or in one of the `prefixes` schools, those in one."""
    in_school = schooling_in(prefixes)
    totals = per_county(people.filter(Q(person__schooling="") | in_school))
    hits = per_county(people.filter(in_school))
    return {
        county: Figure(hits.get(county, Figure(Decimal(0))).numerator, figure.numerator, 100)
        for county, figure in totals.items()
    }


@computed(
    "two_after_vocational",
    version=1,
    definition="脱贫户12月31日在户成员中，年末年龄在“两后生”年龄段（规划指标统计口径参数）且未在义务教育、普通高中、本科"
    "就读的（在校生状况为空或中职、高职高专、技师学院）为分母，其中在中职、高职高专、技师学院就读的比例",
    ratio=True,
    scale=100,
)
def two_after_vocational(context: Context) -> dict[str, Figure]:
    rules = context.rules
    people = aged(
        tuopin_members(context.year), context.year, rules["two_after_min_age"], rules["two_after_max_age"]
    )
    return _share(people, VOCATIONAL_PREFIXES)


@computed(
    "relocated_vocational",
    version=1,
    definition="易地扶贫搬迁户12月31日在户成员中，年末年龄在新成长劳动力年龄段（规划指标统计口径参数）、在校生状况为空或"
    "中职、技师学院的为分母，其中在中职、技师学院就读的比例",
    ratio=True,
    scale=100,
)
def relocated_vocational(context: Context) -> dict[str, Figure]:
    rules = context.rules
    relocated = year_end_memberships(context.year).filter(household__is_relocated=True)
    people = aged(relocated, context.year, rules["new_labour_min_age"], rules["new_labour_max_age"])
    return _share(people, SECONDARY_VOCATIONAL_PREFIXES)
