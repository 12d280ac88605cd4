"""P1 and P6 definitions about people that several rules share: the year's members, age on 31 December,
labour, compulsory schooling — each with its SQL twin for screening (conventions in rules/sql.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from zhenxing.policy.household import Household, Member
from zhenxing.policy.rules.sql import texts
from zhenxing.policy.vocab import FULL_LABOUR, WEAK_LABOUR

WORKING_AGE = (16, 64)
COMPULSORY_SCHOOL_AGE = (6, 15)
# the education feed's statuses (P10) that mean 失学辍学 or 未入学; 休学 (a suspension) is not one
OUT_OF_SCHOOL_STATUSES = ("辍学", "未入学")


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def member_on(joined_on: datetime.date, left_on: datetime.date | None, day: datetime.date) -> bool:
    """P1: in the household on `day` (31 December for the year's members): joined on or before it and not
    left by it — a person who left on the day itself is no longer a member that day."""
    return joined_on <= day and (left_on is None or left_on > day)


def year_end_member_sql(alias: str) -> str:
    """SQL twin of `member_on(…, year_end(year))` for the membership row `alias`."""
    return f"{alias}.joined_on <= :year_end AND ({alias}.left_on IS NULL OR {alias}.left_on > :year_end)"


# P1/P3: the number of the year's members per household; a household with none has no row (no per-capita
# income: it cannot be judged by income, see income.NoMembersAtYearEnd). Constants only, no input.
YEAR_END_MEMBERS_SQL = (
    "(SELECT m.household_id, COUNT(*) AS n FROM registry_membership m "  # noqa: S608
    f"WHERE {year_end_member_sql('m')} GROUP BY m.household_id)"
)


def age_on_year_end(birth_date: datetime.date, year: int) -> int:
    """P6: age in whole years on 31 December of the assessment year."""
    return year - birth_date.year  # on 31 December every birthday of the year has passed


def born_between(ages: tuple[int, int], year: int) -> tuple[datetime.date, datetime.date]:
    """The birth dates of everyone whose age on 31 December of `year` is within `ages` (both ends included):
    the SQL twins compare birth dates with these bounds, so that no engine computes an age."""
    low, high = ages
    return datetime.date(year - high, 1, 1), datetime.date(year - low, 12, 31)


# placeholder prefix → age range; the engines fill `<prefix>_born_from` and `<prefix>_born_to` for the year
AGE_PLACEHOLDERS = {"working_age": WORKING_AGE, "school_age": COMPULSORY_SCHOOL_AGE}


def age_parameters(year: int) -> dict[str, datetime.date]:
    parameters = {}
    for prefix, ages in AGE_PLACEHOLDERS.items():
        parameters[f"{prefix}_born_from"], parameters[f"{prefix}_born_to"] = born_between(ages, year)
    return parameters


def in_working_age(member: Member, year: int) -> bool:
    low, high = WORKING_AGE
    return low <= age_on_year_end(member.birth_date, year) <= high


def has_labour(member: Member, year: int) -> bool:
    """P6: a member with labour is 普通劳动力 or 技能劳动力 aged 16-64."""
    return member.labour in FULL_LABOUR and in_working_age(member, year)


def has_labour_sql(alias: str) -> str:
    """SQL twin of `has_labour` for the person row `alias`."""
    return (
        f"{alias}.labour IN ({texts(FULL_LABOUR)}) "
        f"AND {alias}.birth_date BETWEEN :working_age_born_from AND :working_age_born_to"
    )


def household_has_labour(household: Household, year: int) -> bool:
    return any(has_labour(member, year) for member in household.members)


def only_labour_lost(departed: Member, others: Iterable[Member], year: int) -> bool:
    """P6 缺劳动力 brought about by one death or move-out (P10 rule R11): the person who went had labour and
    none of the year's other members (those in the household on 31 December) has."""
    return has_labour(departed, year) and not any(has_labour(member, year) for member in others)


def can_work_at_all(member: Member, year: int) -> bool:
    """P7: 普通, 技能 or 弱/半劳动力, aged 16-64."""
    return (member.labour in FULL_LABOUR or member.labour == WEAK_LABOUR) and in_working_age(member, year)


def compulsory_school_dropout(member: Member, year: int) -> bool:
    """P6 义务教育阶段失学辍学: aged 6-15, recorded as out of school, not exempted by the county committee."""
    low, high = COMPULSORY_SCHOOL_AGE
    age = age_on_year_end(member.birth_date, year)
    return low <= age <= high and member.out_of_school and not member.education_exempt


def compulsory_school_dropout_sql(record: str, person: str) -> str:
    """SQL twin of `compulsory_school_dropout` for an education feed record `record` about the person row
    `person`: its status says out of school (OUT_OF_SCHOOL_STATUSES)."""
    return (
        f"{record}.code IN ({texts(OUT_OF_SCHOOL_STATUSES)}) "
        f"AND {person}.birth_date BETWEEN :school_age_born_from AND :school_age_born_to "
        f"AND {person}.education_exempt = FALSE"
    )
