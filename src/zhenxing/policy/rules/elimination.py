"""P9 eligibility for risk elimination."""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.policy.household import Household
from zhenxing.policy.rules.income import adjusted_income, net_income
from zhenxing.policy.rules.money import below_line
from zhenxing.policy.rules.people import compulsory_school_dropout, household_has_labour
from zhenxing.policy.rules.risks import unsafe_housing, unsafe_water

# In the contract's order when several apply.
ELIMINATION_REASONS: dict[str, str] = {
    "monitoring_too_short": "纳入监测时间不足{months}个月",
    "income_below_line": "家庭人均纯收入低于当年监测范围",
    "adjusted_income_below_line": "扣除刚性支出后的人均收入低于当年监测范围",
    "housing_unsafe": "住房安全问题未解决（C级或D级危房）",
    "water_unsafe": "饮水安全问题未解决",
    "education_dropout": "有义务教育阶段失学辍学人员",
    "uninsured_member": "有家庭成员未参加基本医疗保险",
    "no_labour": "家庭无劳动能力，不标注风险消除，继续落实社会保障措施并长期监测",
}


@dataclass(frozen=True)
class EliminationResult:
    eligible: bool
    reasons: list[str]


def elimination_eligibility(
    household: Household, *, year: int, line_fen: int, min_months: int
) -> EliminationResult:
    """P9: monitored long enough; per-capita and adjusted per-capita income at or above the current year's
    line; no open housing, water or compulsory-education problem; everyone insured; a member with labour."""
    members = len(household.members)
    checks = {
        "monitoring_too_short": household.monitoring_months < min_months,
        "income_below_line": below_line(net_income(household), line_fen, members),
        "adjusted_income_below_line": below_line(adjusted_income(household), line_fen, members),
        "housing_unsafe": unsafe_housing(household.housing_grade),
        "water_unsafe": unsafe_water(household.water),
        "education_dropout": any(compulsory_school_dropout(m, year) for m in household.members),
        "uninsured_member": not all(m.medical_insurance for m in household.members),
        "no_labour": not household_has_labour(household, year),
    }
    reasons = [code for code in ELIMINATION_REASONS if checks[code]]
    return EliminationResult(eligible=not reasons, reasons=reasons)


def reason_message(code: str, *, min_months: int) -> str:
    return ELIMINATION_REASONS[code].format(months=min_months)
