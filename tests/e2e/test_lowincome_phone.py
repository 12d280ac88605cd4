"""On a phone (375 px): the county compares its 民政 roster with monitoring (P17) from the 民政比对 page and sees
the differences by kind with links to their leads; the village cadre closes a comparison lead citing a visit
already made (one visit serves both)."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.monitoring.models import LowIncomeOutcome, Visit
from zhenxing.screening.models import Lead

from ..conftest import COUNTY, VILLAGE
from ..factories import make_user
from ..monitoring.lowincome_helpers import DAY, plant
from ..screening.jobs import run_queued_jobs
from .phone import shot
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_p17_the_county_compares_and_the_village_closes_citing_a_visit(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock_at(DAY)
    make_user(Role.COUNTY, COUNTY, username="nanjianxian")
    cadre = make_user(Role.VILLAGE, VILLAGE, username="xishan", display_name="王村干")
    planted = plant(make_user(Role.ADMIN))
    Visit.objects.create(
        household=planted.h["m1"], visited_by=cadre, place="家中", findings="入户了解务工和收入情况",
        visited_at=clock.now() - datetime.timedelta(days=7),
    )  # fmt: skip

    # the county compares from the overview
    _login(page, base, "nanjianxian")
    page.goto(f"{base}/leads/")
    page.get_by_test_id("lowincome-link").click()
    expect(page.get_by_test_id("lowincome-counties")).to_contain_text("2026-11-30")
    _fits(page)
    shot(page, "lowincome-overview-375")
    page.get_by_test_id(f"compare-{COUNTY}").click()
    expect(page.locator(".messages")).to_contain_text("已发起民政比对")
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "running")
    assert run_queued_jobs() == 1  # the worker compares; the run page follows it
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("summary-new")).to_have_text("4")
    _fits(page)
    page.get_by_test_id("lowincome-back").click()
    for code in ("M1", "M2", "M3", "M4"):
        expect(page.get_by_test_id(f"count-{code}")).to_have_text("1")
    expect(page.get_by_test_id("lowincome-differences").locator("tbody tr")).to_have_count(4)
    _fits(page)
    shot(page, "lowincome-county-375")

    # the village cadre closes the M1 lead, citing last week's visit
    page.context.clear_cookies()
    _login(page, base, "xishan")
    m2 = Lead.objects.get(household__code="L-m2")
    page.goto(f"{base}/leads/{m2.pk}/")
    expect(page.get_by_test_id("comparison-evidence")).to_contain_text("不计入")
    _fits(page)
    shot(page, "lowincome-lead-m2-375")
    lead = Lead.objects.get(household__code="L-m1")
    page.goto(f"{base}/leads/{lead.pk}/")
    page.get_by_test_id("lowincome-close").click()
    page.get_by_label("核实不纳入", exact=True).check()
    page.get_by_label("核实说明（将反馈民政）").fill("引用上周走访：务工收入已恢复")
    page.get_by_label("引用已有走访（一次走访、两边使用）").select_option(index=1)
    _fits(page)
    shot(page, "lowincome-close-375")
    page.get_by_test_id("close-lead").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("核实不纳入")
    assert LowIncomeOutcome.objects.get(lead=lead).visit is not None
