"""A village cadre on a phone: log in, see the village, try another village's URL, log out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role

from ..conftest import OTHER_COUNTY_VILLAGE, VILLAGE
from ..factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_village_cadre_logs_in_sees_village_gets_404_elsewhere_and_logs_out(
    live_server: object, page: Page
) -> None:
    # given
    make_user(Role.VILLAGE, VILLAGE, username="xishan", display_name="西山村 村干部")
    base = str(live_server)
    # when: logging in
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="登录振兴平台")).to_be_visible()
    page.get_by_label("用户名").fill("xishan")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    # then: the home page shows the village
    jurisdiction = page.get_by_test_id("jurisdiction")
    expect(jurisdiction).to_contain_text("西山村委会")
    # and the page fits a 375 px phone without sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # when: opening the village page
    jurisdiction.get_by_role("link", name="西山村委会").click()
    expect(page.get_by_test_id("division-name")).to_have_text("西山村委会")
    # when: opening another village's URL
    response = page.goto(f"{base}/divisions/{OTHER_COUNTY_VILLAGE}/")
    # then: not found, in Chinese
    assert response is not None
    assert response.status == 404
    expect(page.get_by_test_id("not-found")).to_contain_text("页面未找到")
    # when: logging out through the phone menu
    page.goto(f"{base}/")
    page.locator("label.nav-toggle-label").click()
    page.get_by_role("button", name="退出登录").click()
    # then: back at the login page, and the home page asks for login again
    expect(page.get_by_role("heading", name="登录振兴平台")).to_be_visible()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/")


def test_county_user_expands_the_division_tree(live_server: object, page: Page) -> None:
    make_user(Role.COUNTY, "532926", username="nanjian")
    base = str(live_server)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("nanjian")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/divisions/")
    # when: expanding the county, then a township, through htmx
    page.get_by_role("button", name="展开 南涧彝族自治县").click()
    page.get_by_role("button", name="展开 南涧镇").click()
    # then: the villages of 南涧镇 appear in place
    expect(page.locator('[data-code="532926101202"]')).to_contain_text("西山村")
    expect(page.locator('[data-code="532901"]')).to_have_count(0)
