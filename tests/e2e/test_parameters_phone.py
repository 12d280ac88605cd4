"""Policy parameters on a phone (375 px): the list reads as labelled values, and the administrator revises the
monitoring line through its labelled field in yuan (P4); the old version stays."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.policy import selectors
from zhenxing.policy.enums import ParameterKind

from ..factories import make_user
from .phone import shot
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_administrator_revises_the_line_in_yuan_on_a_phone(live_server: object, page: Page) -> None:
    base = str(live_server)
    make_user(Role.ADMIN, username="guanli")
    line = selectors.parameter_for(ParameterKind.MONITORING_LINE, year=2025)
    _login(page, base, "guanli")
    page.goto(f"{base}/policy/parameters/")
    table = page.get_by_test_id("parameter-table")
    expect(table).to_contain_text("标准：8,700.00 元/人·年")
    expect(page.get_by_test_id("total")).to_contain_text("共")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "parameters-375")
    page.goto(f"{base}/policy/parameters/{line.pk}/")
    form = page.get_by_test_id("parameter-form")
    form.get_by_label("标准（元）").fill("9,000")
    form.get_by_label("修改理由").fill("省里发布新标准")
    shot(page, "parameter-form-375")
    form.get_by_role("button", name="保存修改").click()
    expect(page.locator(".messages")).to_contain_text("现行版本为第2版")
    expect(page.get_by_test_id("parameter-value")).to_contain_text("9,000.00 元/人·年")
    expect(page.get_by_test_id("parameter-history")).to_contain_text("第1版")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_parameter_list_on_a_desktop_gives_values_room_and_never_breaks_a_date(
    live_server: object, page: Page
) -> None:
    """P17 review: at 1280 px the 取值 column was ~130 px and dates broke as "2026-12-\\n06"."""
    base = str(live_server)
    make_user(Role.ADMIN, username="guanli")
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, base, "guanli")
    page.goto(f"{base}/policy/parameters/")
    table = page.get_by_test_id("parameter-table")
    expect(table).to_contain_text("标准：8,700.00 元/人·年")
    widths = page.eval_on_selector_all(
        "td.value-cell", "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 256, widths  # 16rem
    # every entry date on one line: its box is no taller than one line of its text
    heights = page.eval_on_selector_all(
        "td[data-label='录入'] .nowrap-text",
        "spans => spans.map(s => [s.getClientRects().length, s.textContent])",
    )
    assert heights and all(lines == 1 for lines, _ in heights), heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "parameters-1280")
