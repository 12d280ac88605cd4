from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


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
    is_relocated: bool
    members: list[PersonOut]
    years: list[YearOut] | None


class YearIn(Schema):
    wage: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    business: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    property: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    transfer: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    business_cost: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    insurance_payouts: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    medical_expense: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    education_expense: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    rehabilitation_expense: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    accident_expense: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
    disaster_expense: Decimal = Field(default=Decimal(0), ge=0, decimal_places=2)
