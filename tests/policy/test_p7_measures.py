"""P7 measure recommendation."""

from __future__ import annotations

from zhenxing.policy.household import RigidExpenses
from zhenxing.policy.rules.measures import is_comprehensive, recommend_measures
from zhenxing.policy.rules.risks import detect_risk_types

from .builders import YEAR, household, person


def measures(h: object, eligible: bool = True, within_by_income: bool = True) -> list[str]:
    found = detect_risk_types(h, year=YEAR, within_by_income=within_by_income)  # type: ignore[arg-type]
    return recommend_measures(h, year=YEAR, risk_types=found, eligible=eligible)  # type: ignore[arg-type]


def test_p7_nothing_outside_the_range() -> None:
    assert (
        measures(household(person(health=("患有大病",)), rigid=RigidExpenses(medical=5)), eligible=False)
        == []
    )


def test_p7_illness_with_labour_adds_employment_in_catalogue_order() -> None:
    h = household(person(health=("患有大病",)), rigid=RigidExpenses(medical=5))
    assert measures(h) == ["就业帮扶", "健康帮扶"]


def test_p7_industry_failure_brings_its_own_development_measures() -> None:
    assert measures(household(industry_failure=True)) == ["产业帮扶", "金融帮扶"]


def test_p7_weak_labour_only_gets_public_welfare_job() -> None:
    h = household(person(50, labour="弱劳动力或半劳动力"))
    assert measures(h) == ["公益岗位帮扶", "综合保障"]  # 缺劳动力 → 综合保障, plus the nearby job


def test_p7_nobody_can_work_gets_the_safety_net() -> None:
    h = household(person(75, labour="无劳动力"), person(72, relation="配偶", labour="普通劳动力"))
    assert measures(h) == ["综合保障"]


def test_p7_other_alone_recommends_employment_for_a_household_with_labour() -> None:
    assert measures(household()) == ["就业帮扶"]


def test_p7_each_risk_maps_to_its_measure() -> None:
    from zhenxing.policy.household import Water

    h = household(
        person(),
        person(10, relation="之子", labour="无劳动力", out_of_school=True),
        person(17, relation="之女", labour="无劳动力", schooling="中职一年级"),
        rigid=RigidExpenses(education=1),
        housing_grade="C",
        water=Water(supply_cut_days=40),
    )
    assert measures(h) == ["就业帮扶", "义务教育保障", "其他教育帮扶", "住房安全保障", "饮水安全保障"]


def test_p7_comprehensive_from_two_risk_types() -> None:
    assert not is_comprehensive(["因病"])
    assert is_comprehensive(["因病", "因学"])
