"""The household as the rules see it: plain frozen data, money in integer fen, no database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Disability:
    category: int  # 1-7 (P1)
    grade: int  # 1-4, 1 most severe


@dataclass(frozen=True)
class Member:
    birth_date: datetime.date
    relation: str
    labour: str
    health: tuple[str, ...]
    disability: Disability | None = None
    schooling: str | None = None
    out_of_school: bool = False
    education_exempt: bool = False
    work_place: str | None = None
    work_months: int = 0
    welfare_job_months: int = 0
    medical_insurance: bool = True


@dataclass(frozen=True)
class Income:
    """P3 components, in fen."""

    wage: int = 0
    business: int = 0
    property: int = 0
    transfer: int = 0
    business_cost: int = 0


@dataclass(frozen=True)
class RigidExpenses:
    """P3 刚性支出, in fen."""

    medical: int = 0
    education: int = 0
    rehabilitation: int = 0
    accident: int = 0
    disaster: int = 0

    @property
    def total(self) -> int:
        return self.medical + self.education + self.rehabilitation + self.accident + self.disaster


@dataclass(frozen=True)
class Water:
    supply_cut_days: int = 0
    quality_ok: bool = True
    access_ok: bool = True


@dataclass(frozen=True)
class Household:
    kind: str  # 脱贫户 / 一般农户
    members: tuple[Member, ...]
    income: Income = Income()
    insurance_payouts: int = 0  # fen; 理赔收入, outside 转移性收入 (P3)
    rigid_expenses: RigidExpenses = RigidExpenses()
    is_monitoring_object: bool = False
    monitoring_months: int = 0
    housing_grade: str | None = None
    water: Water = Water()
    disaster: str | None = None
    accident: bool = False
    industry_failure: bool = False
