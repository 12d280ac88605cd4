"""P1 data-quality checks, as pure functions over plain facts (import and the standing report use them)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

ERROR, SUSPICIOUS = "error", "suspicious"

# code → (severity, Chinese description). Codes are stable: reports, imports and tests use them.
CHECKS: dict[str, tuple[str, str]] = {
    "id_invalid": (ERROR, "证件号码校验位或格式错误"),
    "id_duplicate": (ERROR, "证件号码重复"),
    "head_count": (ERROR, "户主人数不是1人"),
    "spouse_count": (ERROR, "配偶多于1人"),
    "spouse_sex": (ERROR, "配偶与户主性别相同"),
    "education_xor_schooling": (ERROR, "文化程度与在校生状况应有且只有一项"),
    "work_place_months": (ERROR, "务工所在地与务工时间不一致"),
    "phone_format": (ERROR, "联系电话不是11位数字"),
    "health_empty": (ERROR, "健康状况为空"),
    "insurance_both": (ERROR, "同时参加城乡居民和职工基本医疗保险"),
    "healthy_adult_no_labour": (SUSPICIOUS, "16-59岁健康非在校人员登记为无劳动力或弱劳动力"),
    "no_labour_working": (SUSPICIOUS, "无劳动力或丧失劳动力人员登记为外出务工"),
    # P1/P3: the year's members are those on 31 December; without any, the year has no per-capita income
    "year_without_members": (ERROR, "有年度收支记录，但该年12月31日没有家庭成员（无法计算人均收入）"),
}
PHONE = re.compile(r"^\d{11}$")


@dataclass(frozen=True)
class PersonFacts:
    sex: str
    birth_date: datetime.date
    relation: str
    education: str
    schooling: str
    health: str  # "、"-joined
    labour: str
    work_place: str
    work_months: int
    phone: str
    resident_insurance: bool
    employee_insurance: bool


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person_issues(person: PersonFacts, *, today: datetime.date) -> list[str]:
    """P1 checks on one person, as codes."""
    issues = []
    if bool(person.education) == bool(person.schooling):
        issues.append("education_xor_schooling")
    if bool(person.work_place) != (person.work_months > 0):
        issues.append("work_place_months")
    if person.phone and not PHONE.match(person.phone):
        issues.append("phone_format")
    if not person.health:
        issues.append("health_empty")
    if person.resident_insurance and person.employee_insurance:
        issues.append("insurance_both")
    age = age_on(person.birth_date, today)
    if (
        person.health == "健康"
        and 16 <= age <= 59
        and not person.schooling
        and person.labour in ("无劳动力", "弱劳动力或半劳动力")
    ):
        issues.append("healthy_adult_no_labour")
    if person.labour in ("无劳动力", "丧失劳动力") and person.work_place:
        issues.append("no_labour_working")
    return issues


def household_issues(members: list[PersonFacts]) -> list[str]:
    """P1 checks across a household's current members: one 户主; at most one 配偶, of the opposite sex."""
    issues = []
    heads = [m for m in members if m.relation == "户主"]
    spouses = [m for m in members if m.relation == "配偶"]
    if len(heads) != 1:
        issues.append("head_count")
    if len(spouses) > 1:
        issues.append("spouse_count")
    if len(heads) == 1 and any(s.sex == heads[0].sex for s in spouses):
        issues.append("spouse_sex")
    return issues
