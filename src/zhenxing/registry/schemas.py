from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from zhenxing.policy.rules.money import MAX_YUAN


class HouseholdRow(Schema):
    id: int
    code: str | None
    kind: str
    village_code: str
    village_name: str
    head_name: str | None


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    relation: str | None = None
    id_number_masked: str
    phone_masked: str
    labour: str
    work_place: str
    work_months: int
    health: str | None = None  # sensitive: null for roles without the capability
    disability_category: int | None = None
    disability_grade: int | None = None
    dibao: bool | None = None
    tekun: bool | None = None


class YearOut(Schema):
    """Yuan, as JSON numbers (never strings), exact to the fen."""

    year: int
    wage: float
    business: float
    property: float
    transfer: float
    business_cost: float


class HouseholdOut(HouseholdRow):
    address: str
    contact_phone_masked: str
    is_relocated: bool
    members: list[PersonOut]
    years: list[YearOut] | None


def _yuan() -> Any:
    return Field(default=Decimal(0), ge=0, le=MAX_YUAN, decimal_places=2, allow_inf_nan=False)


class YearIn(Schema):
    wage: Decimal = _yuan()
    business: Decimal = _yuan()
    property: Decimal = _yuan()
    transfer: Decimal = _yuan()
    business_cost: Decimal = _yuan()
    insurance_payouts: Decimal = _yuan()
    medical_expense: Decimal = _yuan()
    education_expense: Decimal = _yuan()
    rehabilitation_expense: Decimal = _yuan()
    accident_expense: Decimal = _yuan()
    disaster_expense: Decimal = _yuan()
