"""A department uploads a feed; a village cadre sees the lead with its evidence and dismisses it with a
reason; the department sees the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.screening.services import screening_run

from ..conftest import VILLAGE
from ..factories import make_household, make_user
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_feed_lead_dismissal_round_trip(live_server: object, page: Page, tmp_path: Path) -> None:
    household = make_household(VILLAGE, code="532926101202FEED1")
    head = household.memberships.get(relation="户主").person  # type: ignore[attr-defined]
    make_user(Role.DEPARTMENT, department="health", username="weijian")
    make_user(Role.VILLAGE, VILLAGE, username="xishan")
    feed = tmp_path / "health.csv"
    feed.write_text(
        f"id_number,disease_class,date\n{decrypt_id_number(bytes(head.id_number_encrypted))},大病,2025-05-01\n",
        encoding="utf-8",
    )
    base = str(live_server)
    # the department uploads
    _login(page, base, "weijian")
    page.goto(f"{base}/feeds/")
    page.get_by_label("数据文件（CSV 或 .xlsx，首行为字段名）").set_input_files(str(feed))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_test_id("batch-counts")).to_contain_text("接收")
    batch_url = page.url
    # the monthly round runs
    screening_run(year=2025)
    # the village cadre sees the lead and its evidence, and dismisses it
    page.context.clear_cookies()
    _login(page, base, "xishan")
    page.goto(f"{base}/leads/")
    page.get_by_test_id("leads").get_by_role("link", name="532926101202FEED1").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("R09 登记为大病患者")
    page.get_by_label("不纳入的理由").fill("已入户核实，医保报销后负担不重")
    page.get_by_test_id("dismiss-lead").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("核实不纳入")
    # the department sees the outcome of its data
    page.context.clear_cookies()
    _login(page, base, "weijian")
    page.goto(batch_url)
    expect(page.get_by_test_id("lead-outcomes")).to_contain_text("核实不纳入 1")
