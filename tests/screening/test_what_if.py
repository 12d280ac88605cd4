"""What-if (issue 6): a new line over one snapshot, counts per area, entering and leaving; nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from zhenxing.accounts.enums import Role
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household
from zhenxing.screening.models import Lead, ScreeningRun
from zhenxing.screening.whatif import what_if

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user

pytestmark = pytest.mark.django_db


def _households() -> dict[str, Household]:
    made = {}
    for code, wage in (
        ("W-low", 500_000),
        ("W-atline", 1_740_000),
        ("W-mid", 1_850_000),
        ("W-rich", 4_000_000),
    ):
        household = make_household(VILLAGE, code=code)
        assert isinstance(household, Household)
        registry.household_year_upsert(
            actor=None, household=household, year=2025, values={"wage": wage, "business": 0}
        )
        made[code] = household
    return made


def test_what_if_counts_entering_households_and_writes_nothing() -> None:
    made = _households()
    result = what_if(
        year=2025, lines_yuan=[Decimal(8700), Decimal(9500)], prefixes=[COUNTY], area_length=9, area_names={}
    )
    current, proposed = result.settings
    assert current.households == {made["W-low"].pk}
    assert proposed.households == {made["W-low"].pk, made["W-atline"].pk, made["W-mid"].pk}
    assert result.entering == sorted([made["W-atline"].pk, made["W-mid"].pk])
    assert result.leaving == []
    assert (current.by_area[TOWNSHIP], proposed.by_area[TOWNSHIP]) == (1, 3)
    assert proposed.by_type["脱贫不稳定户"] == 3
    assert not Lead.objects.exists() and not ScreeningRun.objects.exists()


def test_what_if_page_for_a_county_user(client: Client) -> None:
    _households()
    client.force_login(make_user(Role.COUNTY, COUNTY))
    html = client.get("/leads/what-if/", {"year": 2025, "line_b": "9500"}).content.decode()
    assert 'data-area="532926101"' in html
    assert "1 户 → 3 户" in html
