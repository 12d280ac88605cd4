"""P6 risk types detected from household data, with the SQL twins the department screening (P10) applies
to the departments' records (conventions in rules/sql.py; the feed columns in feeds/adapters.py)."""

from __future__ import annotations

from zhenxing.policy.household import Disability, Household, Member, Water
from zhenxing.policy.rules.people import compulsory_school_dropout, has_labour, household_has_labour
from zhenxing.policy.rules.sql import integers, texts
from zhenxing.policy.vocab import (
    CHRONIC_ILLNESS,
    NON_COMPULSORY_SCHOOLING_PREFIXES,
    RISK_TYPES,
    SERIOUS_ILLNESS,
    UNSAFE_HOUSING_GRADES,
)

WATER_CUT_DAYS_LIMIT = 30  # P6: "cut for more than 30 days"
# the water feed's problem codes (P10) for the two P6 water flags besides the cut
WATER_QUALITY_PROBLEM, WATER_ACCESS_PROBLEM = "水质不达标", "取水不便"
# P6 因残: grade 1 or 2 of any category, or grade 3 or 4 of category 5 (智力) or 6 (精神)
SEVERE_DISABILITY_GRADES = (1, 2)
MENTAL_DISABILITY_CATEGORIES = (5, 6)
MENTAL_DISABILITY_GRADES = (3, 4)


def severe_disability(disability: Disability | None) -> bool:
    """P6 因残: grade 1 or 2, or category 5 (智力) / 6 (精神) at grade 3 or 4."""
    if disability is None:
        return False
    return disability.grade in SEVERE_DISABILITY_GRADES or (
        disability.category in MENTAL_DISABILITY_CATEGORIES and disability.grade in MENTAL_DISABILITY_GRADES
    )


def severe_disability_sql(record: str) -> str:
    """SQL twin of `severe_disability` for a disability feed record (certificate: category in `code` as text,
    grade in `number`)."""
    categories = texts(str(category) for category in MENTAL_DISABILITY_CATEGORIES)
    return (
        f"({record}.number IN ({integers(SEVERE_DISABILITY_GRADES)}) OR ({record}.code IN ({categories}) "
        f"AND {record}.number IN ({integers(MENTAL_DISABILITY_GRADES)})))"
    )


def unsafe_housing(grade: str | None) -> bool:
    """P6 住房出现安全问题: appraised C or D."""
    return grade in UNSAFE_HOUSING_GRADES


def unsafe_housing_sql(record: str) -> str:
    """SQL twin of `unsafe_housing` for a housing feed record (the appraisal grade in `code`)."""
    return f"{record}.code IN ({texts(UNSAFE_HOUSING_GRADES)})"


def unsafe_water(water: Water) -> bool:
    """P6 饮水安全问题: cut for more than 30 days in the year, or quality not up to standard, or fetching it too
    far or too long."""
    return water.supply_cut_days > WATER_CUT_DAYS_LIMIT or not water.quality_ok or not water.access_ok


def unsafe_water_sql(record: str) -> str:
    """SQL twin of `unsafe_water` for one water feed record (days cut in `number`, the problem in `code`)."""
    return (
        f"(COALESCE({record}.number, 0) > {int(WATER_CUT_DAYS_LIMIT)} "
        f"OR {record}.code IN ({texts((WATER_QUALITY_PROBLEM, WATER_ACCESS_PROBLEM))}))"
    )


def water_of_record(problem: str, days_cut: int | None) -> Water:
    """The P6 water flags one water feed record states (what `unsafe_water_sql` reads of it)."""
    return Water(
        supply_cut_days=days_cut or 0,
        quality_ok=problem != WATER_QUALITY_PROBLEM,
        access_ok=problem != WATER_ACCESS_PROBLEM,
    )


def _non_compulsory_student(member: Member) -> bool:
    return member.schooling is not None and member.schooling.startswith(NON_COMPULSORY_SCHOOLING_PREFIXES)


def detect_risk_types(household: Household, *, year: int, within_by_income: bool) -> list[str]:
    """P6: every detected risk type, in the order of the P6 list. 其他 only when within range by the income
    test and nothing else was detected. Flags are taken as recorded; each rule applies its own age test."""
    members = household.members
    rigid = household.rigid_expenses
    labour = household_has_labour(household, year)
    detected = {
        "因病": rigid.medical > 0
        and any(SERIOUS_ILLNESS in m.health or CHRONIC_ILLNESS in m.health for m in members),
        "因残": any(severe_disability(m.disability) for m in members),
        "因学": rigid.education > 0 and any(_non_compulsory_student(m) for m in members),
        "因自然灾害": household.disaster is not None or rigid.disaster > 0,
        "因意外事故": rigid.accident > 0 or household.accident,
        "因产业项目失败": household.industry_failure,
        # 零就业家庭: has labour, nobody worked a month, nobody holds a public-welfare job. Never without labour.
        "因务工就业不稳": labour
        and not any(m.work_months > 0 for m in members)
        and not any(m.welfare_job_months > 0 for m in members),
        "缺劳动力": not labour,
        "住房出现安全问题": unsafe_housing(household.housing_grade),
        "义务教育阶段失学辍学": any(compulsory_school_dropout(m, year) for m in members),
        "饮水安全问题": unsafe_water(household.water),
    }
    found = [risk for risk in RISK_TYPES if detected.get(risk)]
    if not found and within_by_income:
        found = ["其他"]
    return found


def members_with_labour(household: Household, year: int) -> list[int]:
    return [index for index, member in enumerate(household.members) if has_labour(member, year)]


def with_lead_evidence(risk_types: list[str], lead_risk_types: list[str]) -> list[str]:
    """P6, P10: a risk that a department's records raised (a lead's signals: large out-of-pocket medical costs,
    a C/D housing grade …) stands beside what the household's own facts show, in the order of the P6 list;
    其他 is dropped once a named risk is known."""
    found = set(risk_types) | set(lead_risk_types)
    if len(found) > 1:
        found.discard("其他")
    return [risk for risk in RISK_TYPES if risk in found]
