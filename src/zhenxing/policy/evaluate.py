"""The whole verdict for one household: P3, P5, P6, P7, P9 and P11 applied together. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.policy.household import Household
from zhenxing.policy.rules.elimination import EliminationResult, elimination_eligibility
from zhenxing.policy.rules.income import (
    adjusted_income,
    monitoring_range,
    net_income,
    require_year_end_members,
)
from zhenxing.policy.rules.measures import is_comprehensive, recommend_measures
from zhenxing.policy.rules.people import household_has_labour
from zhenxing.policy.rules.risks import detect_risk_types
from zhenxing.policy.rules.sector import (
    MedicalSubsidySchedule,
    medical_insurance_subsidy,
    transport_subsidy_members,
)


@dataclass(frozen=True)
class Verdict:
    year: int
    line_fen: int
    household_size: int
    net_income_fen: int
    adjusted_income_fen: int
    within_monitoring_range: bool
    within_by_income: bool
    within_by_sudden_hardship: bool
    suggested_type: str | None
    risk_types: list[str]
    measures: list[str]
    comprehensive: bool
    has_labour: bool
    elimination: EliminationResult | None
    medical_insurance_subsidy: list[int] | None
    transport_subsidy_members: list[int] | None  # None: the year's rule is not configured (P17)
    rules: list[str]


def evaluate_household(
    household: Household,
    *,
    year: int,
    line_fen: int,
    subsidy_schedule: MedicalSubsidySchedule | None,
    elimination_min_months: int,
    transport_min_months: int | None,
    cites_id_numbers: bool = False,
) -> Verdict:
    """Raises NoMembersAtYearEnd for a year without members on 31 December (P1, P3)."""
    require_year_end_members(household, year=year)
    in_range = monitoring_range(household, line_fen=line_fen)  # P5 (P3, P4)
    risks = detect_risk_types(household, year=year, within_by_income=in_range.by_income)  # P6
    measures_apply = in_range.within or household.is_monitoring_object
    measures = recommend_measures(household, year=year, risk_types=risks, eligible=measures_apply)  # P7
    elimination = (
        elimination_eligibility(household, year=year, line_fen=line_fen, min_months=elimination_min_months)
        if household.is_monitoring_object
        else None
    )  # P9
    rules = ["P2"] if cites_id_numbers else []
    rules += ["P3", "P4", "P5", "P6"]
    if measures_apply:
        rules.append("P7")
    if elimination is not None:
        rules.append("P9")
    rules.append("P11")
    return Verdict(
        year=year,
        line_fen=line_fen,
        household_size=len(household.members),
        net_income_fen=net_income(household),
        adjusted_income_fen=adjusted_income(household),
        within_monitoring_range=in_range.within,
        within_by_income=in_range.by_income,
        within_by_sudden_hardship=in_range.by_sudden_hardship,
        suggested_type=in_range.suggested_type,
        risk_types=risks,
        measures=measures,
        comprehensive=is_comprehensive(risks),
        has_labour=household_has_labour(household, year),
        elimination=elimination,
        medical_insurance_subsidy=medical_insurance_subsidy(household, subsidy_schedule),  # P11
        transport_subsidy_members=transport_subsidy_members(
            household, min_months=transport_min_months
        ),  # P11
        rules=rules,
    )
