"""A village cadre finds a household by name, edits its income and sees the change in its history;
a township user of another township gets 404 for the same household."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role

from ..conftest import OTHER_TOWNSHIP, VILLAGE
from ..factories import TEST_PASSWORD, make_household, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("current-user")).to_be_attached()


def test_cadre_edits_income_and_sees_it_in_history(live_server: object, page: Page) -> None:
    household = make_household(VILLAGE, code="532926101202E2E01", head_name="段志强")
    make_user(Role.VILLAGE, VILLAGE, username="xishan")
    make_user(Role.TOWNSHIP, OTHER_TOWNSHIP, username="xiaowan")
    base = str(live_server)
    _login(page, base, "xishan")
    # when: searching by name
    page.goto(f"{base}/households/")
    page.get_by_label("姓名").fill("段志")
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("search-results").get_by_role("link", name="532926101202E2E01").click()
    # then: the household page, IDs masked
    expect(page.get_by_test_id("household-title")).to_contain_text("532926101202E2E01")
    expect(page.get_by_test_id("masked-id").first).to_contain_text("********")
    # when: editing the 2025 income
    page.get_by_test_id("years").get_by_role("link", name="修改").click()
    page.get_by_label("工资性收入（元）").fill("23456.78")
    page.get_by_role("button", name="保存").click()
    # the income reads in yuan with separators, to the fen (it used to be rounded to the yuan)
    expect(page.locator('[data-testid="years"] tr[data-year="2025"]')).to_contain_text("23,456.78")
    # then: the history tab shows the change, the income itself only as a hash
    page.get_by_test_id("history-link").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("修改年度收支")  # the action in words, as the audit log names it
    expect(history.locator('[data-action="household_year.update"]')).to_have_count(1)
    expect(history).to_contain_text("xishan")
    expect(history).not_to_contain_text("2345678")
    # and: a township user elsewhere gets 404 for the same household
    page.locator("label.nav-toggle-label").click()
    page.get_by_role("button", name="退出登录").click()
    _login(page, base, "xiaowan")
    response = page.goto(f"{base}/households/{household.pk}/")  # type: ignore[attr-defined]
    assert response is not None and response.status == 404
