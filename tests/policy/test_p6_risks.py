"""P6 risk types: each branch, the age tests on 31 December, the order."""

from __future__ import annotations

import pytest

from zhenxing.policy.household import RigidExpenses, Water
from zhenxing.policy.rules.people import age_on_year_end, has_labour
from zhenxing.policy.rules.risks import detect_risk_types

from .builders import YEAR, household, person


def risks(h: object, within_by_income: bool = False) -> list[str]:
    return detect_risk_types(h, year=YEAR, within_by_income=within_by_income)  # type: ignore[arg-type]


def test_p6_age_is_whole_years_on_31_december() -> None:
    import datetime

    assert age_on_year_end(datetime.date(2009, 12, 31), 2025) == 16
    assert age_on_year_end(datetime.date(2010, 1, 1), 2025) == 15


@pytest.mark.parametrize(("age", "expected"), [(15, False), (16, True), (64, True), (65, False)])
def test_p6_labour_means_full_labour_aged_16_to_64(age: int, expected: bool) -> None:
    assert has_labour(person(age), YEAR) is expected


def test_p6_weak_labour_is_not_labour() -> None:
    assert not has_labour(person(40, labour="弱劳动力或半劳动力"), YEAR)


def test_p6_illness_needs_cost_and_a_sick_member() -> None:
    sick = person(health=("长期慢性病",))
    assert "因病" in risks(household(sick, rigid=RigidExpenses(medical=1)))
    assert "因病" not in risks(household(sick))
    assert "因病" not in risks(household(person(), rigid=RigidExpenses(medical=1)))
    assert "因病" in risks(household(person(health=("患有大病",)), rigid=RigidExpenses(medical=1)))


@pytest.mark.parametrize(
    ("disability", "expected"),
    [
        ((4, 1), True),
        ((1, 2), True),
        ((4, 3), False),
        ((5, 3), True),
        ((6, 4), True),
        ((7, 3), False),
        ((2, 4), False),
    ],
)
def test_p6_disability_grades_and_categories(disability: tuple[int, int], expected: bool) -> None:
    h = household(person(), person(30, relation="配偶", health=("残疾",), disability=disability))
    assert ("因残" in risks(h)) is expected


@pytest.mark.parametrize(
    ("schooling", "expected"),
    [
        ("普通高中一年级", True),
        ("中职二年级", True),
        ("高职高专一年级", True),
        ("技师学院四年级", True),
        ("本科五年级", True),
        ("硕士研究生及以上", True),
        ("九年级", False),
        ("小学", False),
    ],
)
def test_p6_schooling_needs_non_compulsory_student_and_cost(schooling: str, expected: bool) -> None:
    child = person(17, relation="之子", labour="无劳动力", schooling=schooling)
    assert ("因学" in risks(household(person(), child, rigid=RigidExpenses(education=100)))) is expected
    assert "因学" not in risks(household(person(), child))


@pytest.mark.parametrize(("age", "expected"), [(5, False), (6, True), (15, True), (16, False)])
def test_p6_dropout_counts_only_aged_6_to_15_on_31_december(age: int, expected: bool) -> None:
    child = person(age, relation="之子", labour="无劳动力", out_of_school=True)
    assert ("义务教育阶段失学辍学" in risks(household(person(), child))) is expected


def test_p6_dropout_exempted_by_the_committee_does_not_count() -> None:
    child = person(12, relation="之子", labour="无劳动力", out_of_school=True, education_exempt=True)
    assert "义务教育阶段失学辍学" not in risks(household(person(), child))


@pytest.mark.parametrize(
    ("grade", "expected"), [("A", False), ("B", False), ("C", True), ("D", True), (None, False)]
)
def test_p6_housing(grade: str | None, expected: bool) -> None:
    assert ("住房出现安全问题" in risks(household(housing_grade=grade))) is expected


@pytest.mark.parametrize(
    ("water", "expected"),
    [
        (Water(30, True, True), False),
        (Water(31, True, True), True),
        (Water(0, False, True), True),
        (Water(0, True, False), True),
    ],
)
def test_p6_water(water: Water, expected: bool) -> None:
    assert ("饮水安全问题" in risks(household(water=water))) is expected


def test_p6_disaster_by_kind_or_cost() -> None:
    assert "因自然灾害" in risks(household(disaster="洪涝"))
    assert "因自然灾害" in risks(household(rigid=RigidExpenses(disaster=1)))
    assert "因自然灾害" not in risks(household())


def test_p6_accident_by_flag_or_cost_and_industry_failure() -> None:
    assert "因意外事故" in risks(household(accident=True))
    assert "因意外事故" in risks(household(rigid=RigidExpenses(accident=1)))
    assert risks(household(industry_failure=True)) == ["因产业项目失败"]


def test_p6_zero_employment_household_with_labour() -> None:
    idle = person(40, work_months=0)
    assert "因务工就业不稳" in risks(household(idle))
    assert "因务工就业不稳" not in risks(household(person(40, work_months=0, welfare_job_months=3)))
    assert "因务工就业不稳" not in risks(household(idle, person(35, relation="配偶", work_months=1)))


def test_p6_no_labour_is_never_unstable_employment() -> None:
    elder = person(70, labour="丧失劳动力")
    assert risks(household(elder)) == ["缺劳动力"]


def test_p6_other_only_when_in_range_by_income_and_nothing_else() -> None:
    assert risks(household(), within_by_income=True) == ["其他"]
    assert risks(household(), within_by_income=False) == []
    assert risks(household(accident=True), within_by_income=True) == ["因意外事故"]


def test_p6_every_type_reported_in_list_order() -> None:
    h = household(
        person(70, labour="丧失劳动力", health=("患有大病",)),
        person(12, relation="之孙子", labour="无劳动力", out_of_school=True),
        rigid=RigidExpenses(medical=1),
        housing_grade="D",
        water=Water(quality_ok=False),
        disaster="地震",
        accident=True,
        industry_failure=True,
    )
    assert risks(h) == [
        "因病", "因自然灾害", "因意外事故", "因产业项目失败", "缺劳动力", "住房出现安全问题", "义务教育阶段失学辍学", "饮水安全问题",
    ]  # fmt: skip
