"""P6 risk types detected from household data."""

from __future__ import annotations

from zhenxing.policy.household import Household, Member
from zhenxing.policy.rules.people import compulsory_school_dropout, has_labour, household_has_labour
from zhenxing.policy.vocab import (
    CHRONIC_ILLNESS,
    NON_COMPULSORY_SCHOOLING_PREFIXES,
    RISK_TYPES,
    SERIOUS_ILLNESS,
    UNSAFE_HOUSING_GRADES,
)

WATER_CUT_DAYS_LIMIT = 30  # P6: "cut for more than 30 days"


def _severe_disability(member: Member) -> bool:
    """P6 因残: grade 1 or 2, or category 5 (智力) / 6 (精神) at grade 3 or 4."""
    disability = member.disability
    if disability is None:
        return False
    return disability.grade in (1, 2) or (disability.category in (5, 6) and disability.grade in (3, 4))


def _non_compulsory_student(member: Member) -> bool:
    return member.schooling is not None and member.schooling.startswith(NON_COMPULSORY_SCHOOLING_PREFIXES)


def detect_risk_types(household: Household, *, year: int, within_by_income: bool) -> list[str]:
    """P6: every detected risk type, in the order of the P6 list. 其他 only when within range by the income
    test and nothing else was detected. Flags are taken as recorded; each rule applies its own age test."""
    members = household.members
    rigid = household.rigid_expenses
    water = household.water
    labour = household_has_labour(household, year)
    detected = {
        "因病": rigid.medical > 0
        and any(SERIOUS_ILLNESS in m.health or CHRONIC_ILLNESS in m.health for m in members),
        "因残": any(_severe_disability(m) for m in members),
        "因学": rigid.education > 0 and any(_non_compulsory_student(m) for m in members),
        "因自然灾害": household.disaster is not None or rigid.disaster > 0,
        "因意外事故": rigid.accident > 0 or household.accident,
        "因产业项目失败": household.industry_failure,
        # 零就业家庭: has labour, nobody worked a month, nobody holds a public-welfare job. Never without labour.
        "因务工就业不稳": labour
        and not any(m.work_months > 0 for m in members)
        and not any(m.welfare_job_months > 0 for m in members),
        "缺劳动力": not labour,
        "住房出现安全问题": household.housing_grade in UNSAFE_HOUSING_GRADES,
        "义务教育阶段失学辍学": any(compulsory_school_dropout(m, year) for m in members),
        "饮水安全问题": water.supply_cut_days > WATER_CUT_DAYS_LIMIT
        or not water.quality_ok
        or not water.access_ok,
    }
    found = [risk for risk in RISK_TYPES if detected.get(risk)]
    if not found and within_by_income:
        found = ["其他"]
    return found


def members_with_labour(household: Household, year: int) -> list[int]:
    return [index for index, member in enumerate(household.members) if has_labour(member, year)]
