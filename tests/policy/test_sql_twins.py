"""The SQL twins in policy/rules read what their Python functions read (P3, P6): every income component and
rigid expense, columns the registry has; the age bounds are exactly the ages on 31 December."""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import given
from hypothesis import strategies as st

from zhenxing.policy.household import Income, RigidExpenses
from zhenxing.policy.rules.income import NET_INCOME_MINUS, NET_INCOME_PLUS, RIGID_EXPENSES
from zhenxing.policy.rules.people import AGE_PLACEHOLDERS, age_on_year_end, born_between
from zhenxing.policy.rules.sql import text, texts
from zhenxing.registry.models import HouseholdYear


def test_p3_the_income_twins_name_every_component_and_expense_once() -> None:
    assert sorted(NET_INCOME_PLUS + NET_INCOME_MINUS) == sorted(f.name for f in dataclasses.fields(Income))
    assert sorted(RIGID_EXPENSES) == sorted(f.name for f in dataclasses.fields(RigidExpenses))
    columns = set(HouseholdYear.MONEY_FIELDS)
    assert set(NET_INCOME_PLUS + NET_INCOME_MINUS) <= columns
    assert {f"{name}_expense" for name in RIGID_EXPENSES} <= columns


@given(birth=st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)), year=st.integers(2000, 2040))
def test_p6_a_birth_date_is_within_the_bounds_exactly_when_the_age_on_31_december_is(
    birth: datetime.date, year: int
) -> None:
    for low, high in AGE_PLACEHOLDERS.values():
        first, last = born_between((low, high), year)
        assert (first <= birth <= last) == (low <= age_on_year_end(birth, year) <= high)


def test_literals_are_quoted_for_every_dialect() -> None:
    assert text("it's") == "'it''s'"
    assert texts(("C", "D")) == "'C', 'D'"
