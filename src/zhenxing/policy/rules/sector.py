"""P11 sector rules the plan fixes in numbers."""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.policy.household import Household
from zhenxing.policy.vocab import OUTSIDE_COUNTY, TUOPIN_HOUSEHOLD


@dataclass(frozen=True)
class MedicalSubsidySchedule:
    """资助参保, yuan per person for one year: monitoring objects, members of 脱贫户 not monitored, others."""

    monitoring_object: int
    tuopin_household: int
    other: int = 0


def medical_insurance_subsidy(
    household: Household, schedule: MedicalSubsidySchedule | None
) -> list[int] | None:
    """P11: per member, in input order; None for a year with no configured schedule."""
    if schedule is None:
        return None
    if household.is_monitoring_object:
        amount = schedule.monitoring_object
    elif household.kind == TUOPIN_HOUSEHOLD:
        amount = schedule.tuopin_household
    else:
        amount = schedule.other
    return [amount for _ in household.members]


def transport_subsidy_members(household: Household, *, min_months: int | None) -> list[int] | None:
    """P11: members of a 脱贫户 or a monitoring-object household working outside the county (县外省内, 省外)
    for `min_months` or more (以上 includes the number itself). 0-based indices, ascending.
    None for a year with no configured rule (P17: the rule tied to 脱贫 status ended with the transition;
    nothing silently continues or stops)."""
    if min_months is None:
        return None
    if not (household.kind == TUOPIN_HOUSEHOLD or household.is_monitoring_object):
        return []
    return [
        index
        for index, member in enumerate(household.members)
        if member.work_place in OUTSIDE_COUNTY and member.work_months >= min_months
    ]


def extra_medical_assistance(out_of_pocket_in_catalogue_fen: int, *, line_fen: int) -> bool:
    """P11 (and the P10 medical trigger): a low-income person's annual out-of-pocket costs within the insurance
    catalogue above the year's monitoring line."""
    return out_of_pocket_in_catalogue_fen > line_fen


# SQL twin of `extra_medical_assistance` over one person's medical-insurance feed records `f` of the year
EXTRA_MEDICAL_ASSISTANCE_SQL = "SUM(f.amount_fen) > :line_fen"


@dataclass(frozen=True)
class WorkTeamRequirement:
    first_secretary: bool
    members: int  # work-team members besides the first secretary
    at_least: bool  # True: a minimum ("at least 3 including the first secretary"), not an exact size


@dataclass(frozen=True)
class VillageProfile:
    is_tuopin_village: bool = False
    is_relocation_village: bool = False  # 易地扶贫搬迁安置村(社区)
    is_haixi_key_village: bool = False  # 海西片区 key village of 大理市
    weak_party_organisation: bool = False
    red_village_pilot: bool = False
    border_defence: bool = False  # 强边固防
    unstable_tuopin_people: int = 0  # 脱贫不稳定 people in the village


@dataclass(frozen=True)
class WorkTeamThresholds:
    large_village_people: int = 200
    large_team_members: int = 4
    small_team_total: int = 3
    haixi_team_members: int = 2


def work_team_requirement(village: VillageProfile, thresholds: WorkTeamThresholds) -> WorkTeamRequirement:
    """P11 village work teams (驻村第一书记和工作队)."""
    if village.is_haixi_key_village:
        return WorkTeamRequirement(
            first_secretary=True, members=thresholds.haixi_team_members, at_least=False
        )
    if village.is_tuopin_village or village.is_relocation_village:
        if village.unstable_tuopin_people >= thresholds.large_village_people:
            return WorkTeamRequirement(
                first_secretary=True, members=thresholds.large_team_members, at_least=False
            )
        return WorkTeamRequirement(
            first_secretary=True, members=thresholds.small_team_total - 1, at_least=True
        )
    if village.weak_party_organisation or village.red_village_pilot or village.border_defence:
        return WorkTeamRequirement(first_secretary=True, members=0, at_least=True)
    return WorkTeamRequirement(first_secretary=False, members=0, at_least=False)


COLLECTIVE_TIER_LABELS = ("2万元以下", "2万元（含）至5万元", "5万元（含）至10万元", "10万元及以上")


def collective_economy_tier(
    income_fen: int, *, bounds_yuan: tuple[int, int, int] = (20_000, 50_000, 100_000)
) -> int:
    """P11: tier 0 below 2万; 1 from 2万 (inclusive) below 5万; 2 from 5万 below 10万; 3 from 10万."""
    return sum(1 for bound in bounds_yuan if income_fen >= bound * 100)


HOUSING_WAY_FOR_GRADE = {"C": "修缮加固", "D": "拆除重建"}
HOUSING_GUARANTEE_YEARS = {"修缮加固": 15, "拆除重建": 30}


def housing_renovation_problem(*, grade: str, way: str, had_other_housing_support: bool) -> str | None:
    """P11 housing: C-grade houses are repaired and reinforced, D-grade houses rebuilt; a household that
    already had 城镇保障性安居工程 or relocation support is not eligible again. None when allowed, else why."""
    if grade not in HOUSING_WAY_FOR_GRADE:
        return "只有鉴定为C级或D级的危房纳入住房安全台账"
    if had_other_housing_support:
        return "已享受城镇保障性安居工程或易地扶贫搬迁住房支持，不再重复享受农村危房改造"
    if HOUSING_WAY_FOR_GRADE[grade] != way:
        return f"{grade}级危房应{HOUSING_WAY_FOR_GRADE[grade]}"
    return None


def housing_guarantee_years(way: str) -> int:
    """P11: repaired houses must last 15 years, new ones 30."""
    return HOUSING_GUARANTEE_YEARS[way]
