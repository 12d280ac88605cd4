"""P3 income and P5 monitoring range, at the line and around it."""

from __future__ import annotations

import pytest

from zhenxing.policy.household import Income, RigidExpenses
from zhenxing.policy.rules.income import adjusted_income, monitoring_range, net_income
from zhenxing.policy.rules.money import below_line, per_capita_yuan, yuan_to_fen

from .builders import LINE, household, person


def test_p3_net_income_formula_excludes_insurance_payouts() -> None:
    h = household(
        income=Income(wage=100, business=200, property=30, transfer=40, business_cost=50),
        insurance_payouts=999,
    )
    assert net_income(h) == 320


def test_p3_adjusted_income_adds_payouts_and_takes_rigid_expenses() -> None:
    h = household(
        income=Income(wage=10_000),
        insurance_payouts=500,
        rigid=RigidExpenses(medical=1_000, education=200, rehabilitation=300, accident=400, disaster=100),
    )
    assert adjusted_income(h) == 10_000 + 500 - 2_000


def test_p3_per_capita_rounds_half_up_for_display_only() -> None:
    assert per_capita_yuan(1_000_001, 2) == 5000.01  # 5000.005 → 5000.01
    assert per_capita_yuan(31_000_00, 4) == 7750.0
    assert per_capita_yuan(-3, 2) == -0.02  # -0.015 → -0.02 (half away from zero)


def test_p3_comparison_is_exact_without_division() -> None:
    # 3 members, line 8700: exactly 26100 is not below; one fen less is
    assert not below_line(2_610_000, LINE, 3)
    assert below_line(2_609_999, LINE, 3)


def test_p3_yuan_to_fen_is_exact() -> None:
    from decimal import Decimal

    assert yuan_to_fen(Decimal("0.1")) + yuan_to_fen(Decimal("0.2")) == yuan_to_fen(Decimal("0.3"))
    with pytest.raises(ValueError, match="decimals"):
        yuan_to_fen(Decimal("0.001"))


def test_p5_equal_to_the_line_is_not_in_range() -> None:
    result = monitoring_range(household(person(), person(), net_per_head=LINE), line_fen=LINE)
    assert not result.within
    assert result.suggested_type is None


def test_p5_one_fen_below_the_line_is_in_range() -> None:
    h = household(person(), person(), income=Income(wage=LINE * 2 - 1))
    result = monitoring_range(h, line_fen=LINE)
    assert result.within
    assert result.by_income
    assert result.suggested_type == "脱贫不稳定户"


def test_p5_ordinary_household_below_line_is_marginal() -> None:
    h = household(kind="一般农户", net_per_head=LINE - 100)
    assert monitoring_range(h, line_fen=LINE).suggested_type == "边缘易致贫户"


def test_p5_sudden_hardship_when_rigid_expenses_push_adjusted_income_below() -> None:
    h = household(net_per_head=LINE + 1_000, rigid=RigidExpenses(medical=2_000))
    result = monitoring_range(h, line_fen=LINE)
    assert result.within
    assert result.by_sudden_hardship
    assert not result.by_income
    assert result.suggested_type == "突发严重困难户"


def test_p5_insurance_payout_can_keep_a_household_out() -> None:
    h = household(net_per_head=LINE + 1_000, rigid=RigidExpenses(medical=2_000), insurance_payouts=1_000)
    assert not monitoring_range(h, line_fen=LINE).within  # adjusted income equals the line exactly


def test_p5_housing_or_water_problem_alone_does_not_put_in_range() -> None:
    from zhenxing.policy.household import Water

    h = household(net_per_head=LINE * 3, housing_grade="D", water=Water(supply_cut_days=90))
    assert not monitoring_range(h, line_fen=LINE).within
