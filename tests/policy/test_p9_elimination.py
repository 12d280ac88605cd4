"""P9 elimination eligibility and its reasons, in the contract's order."""

from __future__ import annotations

import pytest

from zhenxing.policy.household import Income, RigidExpenses, Water
from zhenxing.policy.rules.elimination import ELIMINATION_REASONS, elimination_eligibility

from .builders import LINE, YEAR, household, person


def check(h: object) -> tuple[bool, list[str]]:
    result = elimination_eligibility(h, year=YEAR, line_fen=LINE, min_months=6)  # type: ignore[arg-type]
    return result.eligible, result.reasons


def test_p9_eligible_household() -> None:
    assert check(household(is_monitoring_object=True, monitoring_months=6)) == (True, [])


def test_p9_monitoring_months_boundary() -> None:
    assert check(household(is_monitoring_object=True, monitoring_months=5))[1] == ["monitoring_too_short"]


def test_p9_income_at_the_line_is_enough() -> None:
    assert check(household(person(), person(), net_per_head=LINE, monitoring_months=12)) == (True, [])


def test_p9_income_below_line_also_fails_adjusted() -> None:
    h = household(income=Income(wage=LINE - 1), monitoring_months=12)
    assert check(h)[1] == ["income_below_line", "adjusted_income_below_line"]


def test_p9_rigid_expenses_not_under_control() -> None:
    h = household(net_per_head=LINE, rigid=RigidExpenses(medical=1), monitoring_months=12)
    assert check(h)[1] == ["adjusted_income_below_line"]


def test_p9_all_reasons_in_order() -> None:
    h = household(
        person(70, labour="丧失劳动力", medical_insurance=False),
        person(12, relation="之孙子", labour="无劳动力", out_of_school=True),
        income=Income(),
        housing_grade="D",
        water=Water(quality_ok=False),
        monitoring_months=1,
    )
    assert check(h) == (False, list(ELIMINATION_REASONS))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"housing_grade": "C"}, "housing_unsafe"),
        ({"water": Water(supply_cut_days=31)}, "water_unsafe"),
    ],
)
def test_p9_open_problems_block(fields: dict[str, object], reason: str) -> None:
    assert check(household(monitoring_months=12, **fields))[1] == [reason]


def test_p9_no_labour_is_not_eliminated() -> None:
    h = household(person(68, labour="普通劳动力"), net_per_head=LINE * 2, monitoring_months=24)
    assert check(h) == (False, ["no_labour"])
