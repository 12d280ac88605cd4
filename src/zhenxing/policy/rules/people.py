"""P6 definitions about people that several rules share: age on 31 December, labour."""

from __future__ import annotations

import datetime

from zhenxing.policy.household import Household, Member
from zhenxing.policy.vocab import FULL_LABOUR, WEAK_LABOUR

WORKING_AGE = (16, 64)
COMPULSORY_SCHOOL_AGE = (6, 15)


def age_on_year_end(birth_date: datetime.date, year: int) -> int:
    """P6: age in whole years on 31 December of the assessment year."""
    return year - birth_date.year  # on 31 December every birthday of the year has passed


def in_working_age(member: Member, year: int) -> bool:
    low, high = WORKING_AGE
    return low <= age_on_year_end(member.birth_date, year) <= high


def has_labour(member: Member, year: int) -> bool:
    """P6: a member with labour is 普通劳动力 or 技能劳动力 aged 16-64."""
    return member.labour in FULL_LABOUR and in_working_age(member, year)


def household_has_labour(household: Household, year: int) -> bool:
    return any(has_labour(member, year) for member in household.members)


def can_work_at_all(member: Member, year: int) -> bool:
    """P7: 普通, 技能 or 弱/半劳动力, aged 16-64."""
    return (member.labour in FULL_LABOUR or member.labour == WEAK_LABOUR) and in_working_age(member, year)


def compulsory_school_dropout(member: Member, year: int) -> bool:
    """P6 义务教育阶段失学辍学: aged 6-15, recorded as out of school, not exempted by the county committee."""
    low, high = COMPULSORY_SCHOOL_AGE
    age = age_on_year_end(member.birth_date, year)
    return low <= age <= high and member.out_of_school and not member.education_exempt
