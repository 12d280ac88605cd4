"""A county user tries a new monitoring line and sees the counts per township change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

from ..conftest import COUNTY, VILLAGE
from ..factories import make_household, make_user
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_county_user_runs_a_what_if(live_server: object, page: Page) -> None:
    for code, wage in (("E-low", 500_000), ("E-mid", 1_800_000)):
        household = make_household(VILLAGE, code=code)
        assert isinstance(household, Household)
        registry.household_year_upsert(
            actor=None, household=household, year=2025, values={"wage": wage, "business": 0}
        )
    make_user(Role.COUNTY, COUNTY, username="nanjian")
    base = str(live_server)
    _login(page, base, "nanjian")
    page.goto(f"{base}/leads/what-if/")
    page.get_by_label("年度").fill("2025")
    page.get_by_label("拟调整为（元/人·年）").fill("9500")
    page.get_by_role("button", name="测算").click()
    township = page.locator('[data-testid="what-if-areas"] tr[data-area="532926101"]')
    expect(township).to_contain_text("南涧镇")
    expect(township.locator("td").nth(1)).to_have_text("1")
    expect(township.locator("td").nth(2)).to_have_text("2")
    expect(page.get_by_test_id("what-if-totals")).to_contain_text("新进入 1 户")
