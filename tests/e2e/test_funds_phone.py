"""The linkage funds on a phone (375 px), from the pages only (P14): the prefecture's finance bureau enters an
allocation document with lines for two counties; 南涧's finance bureau splits its lines to two library projects
from two sources, pays, and reverses part of a payment with a reason; the county's 乡村振兴局 takes the
unpaid project out of the library (出库), which returns its split to the line; then the county sees 支出进度, the
industry-share warning and the 绩效评价 explained down to its projects."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.funds.models import Allocation, AllocationLine, Payment, Release, Split
from zhenxing.projects.models import Project

from ..conftest import COUNTY, OTHER_COUNTY, PREFECTURE
from ..factories import make_user
from ..funds.builders import library_project
from .phone import as_user, fits, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WAN = 1_000_000  # fen in one 万元


def _line_row(page: Page, index: int, county: str, source: str, amount: str) -> None:
    page.locator(f"#line-{index}-county").select_option(county)
    page.locator(f"#line-{index}-source").select_option(source)
    page.locator(f"#line-{index}-amount").fill(amount)


def _split(page: Page, base: str, line: AllocationLine, project: Project, amount: str) -> None:
    page.goto(f"{base}/funds/lines/{line.pk}/")
    form = page.get_by_test_id("split-form")
    form.locator("#s-project").select_option(str(project.pk))
    form.locator("#s-amount").fill(amount)
    fits(page)
    form.get_by_role("button", name="分配").click()


def test_p14_a_document_split_paid_reversed_and_returned_then_watched_on_a_phone(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock.travel_to(datetime.date(2026, 10, 12))  # past the September month end of the schedule
    county = make_user(Role.COUNTY, COUNTY, username="nanjianxian")
    make_user(Role.FINANCE, COUNTY, username="nanjiancaizheng")
    make_user(Role.FINANCE, PREFECTURE, username="zhoucaizheng")
    road = library_project(county)  # 120.5 万元: central 100, county 20.5
    walnut = library_project(county, industry=True)  # 产业发展: the same money

    # the prefecture's finance bureau enters a document with lines for 南涧 and 大理市
    as_user(page, base, "zhoucaizheng")
    page.goto(f"{base}/funds/allocations/new/")
    page.locator("#a-doc").fill("大财农〔2026〕18号")
    page.locator("#a-issued").fill("2026-03-10")
    page.locator("#a-level").select_option("prefecture")
    page.locator("#a-year").fill("2026")
    _line_row(page, 0, COUNTY, "central", "150")
    _line_row(page, 1, COUNTY, "county", "50")
    _line_row(page, 2, OTHER_COUNTY, "central", "80.1234567")  # a seventh decimal of 万元
    fits(page)
    page.get_by_role("button", name="保存资金下达文件").click()
    expect(page.locator("[data-error='lines.2.amount']")).to_contain_text("6位小数")
    assert not Allocation.objects.exists()  # nothing stored while one line is wrong
    page.locator("#line-2-amount").fill("80.123456")
    page.get_by_role("button", name="保存资金下达文件").click()
    expect(page.get_by_text("大财农〔2026〕18号").first).to_be_visible()
    document = Allocation.objects.get()
    assert sorted(document.lines.values_list("county__code", "source", "amount_fen")) == [
        (OTHER_COUNTY, "central", 80_123_456),
        (COUNTY, "central", 150 * WAN),
        (COUNTY, "county", 50 * WAN),
    ]
    shot(page, "funds-document")
    fits(page)

    # 南涧's finance bureau splits its central line to the road and its county line to the walnut project
    as_user(page, base, "nanjiancaizheng")
    central = document.lines.get(county__code=COUNTY, source="central")
    own = document.lines.get(county__code=COUNTY, source="county")
    _split(page, base, central, road, "120")  # above the road's central plan of 100: refused, named
    expect(page.locator("[data-error='amount']")).to_contain_text("计划投资")
    assert not Split.objects.exists()
    _split(page, base, central, road, "100")
    _split(page, base, own, walnut, "20")
    road_split = Split.objects.get(project=road)
    walnut_split = Split.objects.get(project=walnut)
    assert (road_split.amount_fen, walnut_split.amount_fen) == (100 * WAN, 20 * WAN)

    # pays the road 30 万元, then reverses 10 万元 of it with a reason
    page.goto(f"{base}/funds/splits/{road_split.pk}/")
    form = page.get_by_test_id("payment-form")
    form.locator("#p-amount").fill("30")
    form.locator("#p-date").fill("2026-06-15")
    form.locator("#p-payee").fill("南涧县鑫达建筑工程有限公司")
    form.locator("#p-voucher").fill("记-2026-0615")
    form.get_by_role("button", name="录入支付").click()
    expect(page.get_by_test_id("unpaid")).to_contain_text("70")
    payment = Payment.objects.get()
    reverse = page.get_by_test_id(f"reverse-{payment.pk}")
    reverse.locator("summary").click()
    reverse.locator(f"#r-amount-{payment.pk}").fill("10")
    reverse.locator(f"#r-voucher-{payment.pk}").fill("冲-2026-0701")
    reverse.locator(f"#r-reason-{payment.pk}").fill("工程量核减，多付部分冲回")
    fits(page)
    reverse.get_by_role("button", name="冲销").click()
    expect(page.get_by_test_id("unpaid")).to_contain_text("80")
    reversal = Payment.objects.get(reverses=payment)
    assert reversal.amount_fen == -10 * WAN and reversal.reason == "工程量核减，多付部分冲回"
    assert Payment.objects.get(pk=payment.pk).amount_fen == 30 * WAN  # never overwritten
    shot(page, "funds-split-paid-reversed")
    fits(page)

    # the county's 乡村振兴局 takes the walnut project out of the library: its unpaid split goes back
    as_user(page, base, "nanjianxian")
    page.goto(f"{base}/projects/{walnut.pk}/")
    form = page.locator("form.move[data-move='withdrawn']")
    form.locator("textarea[name=opinion]").fill("选址与基本农田重叠，不再实施")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("project-status")).to_have_text("出库")
    release = Release.objects.get(split=walnut_split)
    assert release.kind == "returned" and release.amount_fen == 20 * WAN
    page.goto(f"{base}/funds/lines/{own.pk}/")
    expect(page.get_by_test_id("remaining")).to_contain_text("50")

    # the county sees 支出进度 (20 of 200 万元 paid: behind the September target), the industry-share warning
    # (no central money went to 产业发展) and the 绩效评价 explained down to its projects
    page.goto(f"{base}/funds/progress/?year=2026")
    expect(page.get_by_test_id("progress")).to_contain_text("10.00%")
    expect(page.get_by_test_id("county-behind")).to_be_visible()
    expect(page.get_by_test_id("share-warning")).to_be_visible()
    expect(page.get_by_test_id("share-citation")).to_contain_text("中央财政衔接资金")
    shot(page, "funds-progress-county")
    fits(page)
    page.goto(f"{base}/funds/performance/{COUNTY}/2026/")
    disbursement = page.get_by_test_id("indicator-disbursement")
    expect(disbursement.get_by_test_id("value")).to_contain_text("10")
    expect(page.get_by_test_id("indicator-completion")).to_contain_text(road.name)
    expect(page.get_by_test_id("performance-factor")).to_contain_text("不折算")
    shot(page, "funds-performance-county")
    fits(page)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"fund.allocation_create", "fund.split_create", "fund.pay", "fund.reverse", "fund.release",
            "project.withdraw"} <= actions  # fmt: skip
