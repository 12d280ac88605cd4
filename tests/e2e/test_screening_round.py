"""A county user starts a screening round from its home page and follows it to its summary: the round runs as
a background job (here run by the test, as `zhenxing db_worker` would) while the page polls its progress."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.registry import services as registry
from zhenxing.screening.models import Lead

from ..conftest import COUNTY, VILLAGE
from ..factories import make_household, make_user
from ..screening.jobs import run_queued_jobs
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_county_starts_a_round_from_the_page_and_sees_its_summary(live_server: object, page: Page) -> None:
    # given a poor household in the county and its county user
    household = make_household(VILLAGE, code="532926101202RUN01")
    registry.household_year_upsert(
        actor=None, household=household, year=2025, values={"wage": 100_000, "business": 0, "transfer": 0}
    )
    make_user(Role.COUNTY, COUNTY, username="nanjian")
    base = str(live_server)
    _login(page, base, "nanjian")
    # when the county starts a round from its home page
    expect(page.get_by_test_id("round-card")).to_contain_text("尚未筛查")
    page.get_by_test_id("start-round-link").click()
    page.get_by_label("年度（收入与部门数据）").fill("2025")
    page.get_by_test_id("start").click()
    # then the run page shows it running, waiting for the worker, with its progress bar
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "running")
    expect(page.get_by_test_id("run-status").locator("progress")).to_be_visible()
    # when the worker runs the job, the page (polling) shows the summary
    assert run_queued_jobs() == 1
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.get_by_test_id("summary-new")).to_have_text("1")
    assert Lead.objects.filter(household=household).exists()
    # and the home page names the last round's status
    page.goto(f"{base}/")
    expect(page.get_by_test_id("last-run-status")).to_have_text("已完成")
