"""P3 income, P5 monitoring range — each with its SQL twin for screening (conventions in rules/sql.py)."""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.policy.household import Household
from zhenxing.policy.rules.money import below_line
from zhenxing.policy.rules.people import YEAR_END_MEMBERS_SQL
from zhenxing.policy.vocab import MARGINAL, SUDDEN_HARDSHIP, TUOPIN_HOUSEHOLD, UNSTABLE_TUOPIN


class NoMembersAtYearEnd(ValueError):
    """P1, P3: a year's members are those in the household on 31 December, and per-capita income is the
    year's income divided by them. A year with none (a household that formed after that day, or whose
    members all left before it) has no per-capita income: it cannot be judged by income, and saying
    "below the line" or "above it" would both be invented."""

    code = "no_member_at_year_end"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年12月31日该户没有家庭成员：{year}年度没有人均收入，不能按收入判断"
            "（P1：年度家庭成员以当年12月31日在户人员为准）"
        )


def require_year_end_members(household: Household, *, year: int) -> None:
    """P1/P3: refuse to judge a year without members on 31 December (NoMembersAtYearEnd)."""
    if not household.members:
        raise NoMembersAtYearEnd(year)


# P3 家庭纯收入: these income components (Income's fields, registry_householdyear's columns) less these costs
NET_INCOME_PLUS = ("wage", "business", "property", "transfer")
NET_INCOME_MINUS = ("business_cost",)
# P3 adjusted income: plus insurance payouts (理赔收入), less the rigid expenditure (RigidExpenses' fields,
# registry_householdyear's `<field>_expense` columns)
RIGID_EXPENSES = ("medical", "education", "rehabilitation", "accident", "disaster")


def net_income(household: Household) -> int:
    """P3: 家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出 (fen). Insurance payouts excluded."""
    income = household.income
    return sum(getattr(income, name) for name in NET_INCOME_PLUS) - sum(
        getattr(income, name) for name in NET_INCOME_MINUS
    )


def adjusted_income(household: Household) -> int:
    """P3: 家庭纯收入 + 理赔收入 − 刚性支出 (fen); divided by members it is the adjusted per-capita income."""
    rigid = household.rigid_expenses
    return (
        net_income(household)
        + household.insurance_payouts
        - sum(getattr(rigid, name) for name in RIGID_EXPENSES)
    )


# SQL twins over the year's row `y` of registry_householdyear
NET_INCOME_SQL = (
    "("
    + " + ".join(f"y.{name}" for name in NET_INCOME_PLUS)
    + "".join(f" - y.{name}" for name in NET_INCOME_MINUS)
    + ")"
)
ADJUSTED_INCOME_SQL = (
    f"({NET_INCOME_SQL} + y.insurance_payouts"
    + "".join(f" - y.{name}_expense" for name in RIGID_EXPENSES)
    + ")"
)
# P5 over the year's members `c` (YEAR_END_MEMBERS_SQL: a household without members on 31 December has no row,
# as `monitoring_range` is never asked about it): the income test, and the sudden-hardship test
BELOW_LINE_BY_INCOME_SQL = f"{NET_INCOME_SQL} < :line_fen * c.n"
BELOW_LINE_BY_HARDSHIP_SQL = (
    f"{NET_INCOME_SQL} >= :line_fen * c.n AND {ADJUSTED_INCOME_SQL} < :line_fen * c.n"
)
YEAR_END_MEMBERS_JOIN_SQL = f"JOIN {YEAR_END_MEMBERS_SQL} c ON c.household_id = y.household_id"


@dataclass(frozen=True)
class RangeResult:
    within: bool
    by_income: bool  # P5 test 1
    by_sudden_hardship: bool  # P5 test 2
    suggested_type: str | None


def suggested_type(kind: str, *, by_income: bool, by_sudden_hardship: bool) -> str | None:
    """P5: 脱贫不稳定户 / 边缘易致贫户 by the income test (by household kind), 突发严重困难户 by the hardship test."""
    if by_income:
        return UNSTABLE_TUOPIN if kind == TUOPIN_HOUSEHOLD else MARGINAL
    if by_sudden_hardship:
        return SUDDEN_HARDSHIP
    return None


def monitoring_range(household: Household, *, line_fen: int) -> RangeResult:
    """P5: within range by the income test, else by the sudden-hardship test; income decides, not 三保障 alone.

    Equal to the line is not below it (P3: `net < line × members`).
    """
    members = len(household.members)
    by_income = below_line(net_income(household), line_fen, members)
    by_hardship = not by_income and below_line(adjusted_income(household), line_fen, members)
    suggested = suggested_type(household.kind, by_income=by_income, by_sudden_hardship=by_hardship)
    return RangeResult(
        within=by_income or by_hardship,
        by_income=by_income,
        by_sudden_hardship=by_hardship,
        suggested_type=suggested,
    )
