"""The registry as the policy rules see it: a stored household and year → policy.Household (money in fen)."""

from __future__ import annotations

import datetime

from zhenxing.policy.household import Disability, Household, Income, Member, RigidExpenses, Water
from zhenxing.registry import selectors
from zhenxing.registry.models import Household as StoredHousehold
from zhenxing.registry.models import HouseholdYear, Person


def policy_member(person: Person, relation: str) -> Member:
    disability = None
    if person.disability_category and person.disability_grade:
        disability = Disability(person.disability_category, person.disability_grade)
    return Member(
        birth_date=person.birth_date,
        relation=relation,
        labour=person.labour,
        health=tuple(part for part in person.health.split("、") if part),
        disability=disability,
        schooling=person.schooling or None,
        out_of_school=person.out_of_school,
        education_exempt=person.education_exempt,
        work_place=person.work_place or None,
        work_months=person.work_months,
        welfare_job_months=person.welfare_job_months,
        medical_insurance=person.resident_medical_insurance or person.employee_medical_insurance,
    )


def policy_household(
    household: StoredHousehold, record: HouseholdYear, *, is_monitoring_object: bool = False,
    monitoring_months: int = 0,
) -> Household:  # fmt: skip
    """P1: the year's members are those in the household on 31 December of that year."""
    members = selectors.members_on(household, datetime.date(record.year, 12, 31))
    return Household(
        kind=household.kind,
        members=tuple(policy_member(m.person, m.relation) for m in members),
        income=Income(
            wage=record.wage,
            business=record.business,
            property=record.property,
            transfer=record.transfer,
            business_cost=record.business_cost,
        ),
        insurance_payouts=record.insurance_payouts,
        rigid_expenses=RigidExpenses(
            medical=record.medical_expense,
            education=record.education_expense,
            rehabilitation=record.rehabilitation_expense,
            accident=record.accident_expense,
            disaster=record.disaster_expense,
        ),
        is_monitoring_object=is_monitoring_object,
        monitoring_months=monitoring_months,
        housing_grade=record.housing_grade or None,
        water=Water(
            supply_cut_days=record.water_supply_cut_days,
            quality_ok=record.water_quality_ok,
            access_ok=record.water_access_ok,
        ),
        disaster=record.disaster or None,
        accident=record.accident,
        industry_failure=record.industry_failure,
    )
