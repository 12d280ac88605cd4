"""The watch pages on a phone (375 px, real Chromium): the county's 支出进度 page with its warnings, and the
prefecture's table of counties and per-person comparison, read as labelled cards without sideways scrolling."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from ..funds.test_watch import _ledger
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shot(phone: Page, name: str) -> None:
    folder = os.environ.get("ZHENXING_SHOTS")
    if folder:
        phone.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_p14_the_county_and_the_prefecture_read_the_watch_pages_on_a_phone(
    live_server: object, page: Page
) -> None:
    phone = page
    _ledger()  # 南涧: 52% paid, the industry share 50% < 60%; 大理市: nothing paid
    base = str(live_server)
    _login(phone, base, "f_xian")
    phone.goto(f"{base}/funds/progress/?year=2026")
    expect(phone.get_by_test_id("warnings")).to_contain_text("产业发展项目占比 50.00% 低于2026年目标 60%")
    expect(phone.get_by_test_id("progress")).to_have_text("52.00%")
    expect(phone.locator("[data-source='central'] td[data-label='支出进度']")).to_have_text("55.00%")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "funds-progress-county-375")
    phone.context.clear_cookies()
    _login(phone, base, "f_zhou")
    phone.goto(f"{base}/funds/progress/?year=2026")
    expect(phone.locator("[data-county='532901'] [data-testid='behind']")).to_be_visible()
    expect(phone.get_by_test_id("per-person")).to_contain_text("7个省级乡村振兴重点帮扶县")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "funds-progress-prefecture-375")
    phone.locator("[data-county='532901'] a").first.click()
    expect(phone.get_by_test_id("county-behind")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
