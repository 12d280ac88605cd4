"""Assistance to risk elimination on a phone-sized screen (issue 8): from a confirmed case, the 帮扶责任人 (a
county-bureau cadre from another county, through a dated assignment) adds measures and completes them; a
帮扶成效评议 finds the household eligible; meeting, consent, visit, notice (the clock moves), township review
and county approval mark it 风险消除; a new lead reopens it. A household without labour is refused, with the
P9 reason shown."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.monitoring.assistance import services as assistance
from zhenxing.monitoring.models import Case
from zhenxing.registry.models import Household, Person
from zhenxing.screening.models import Lead

from ..conftest import COUNTY, OTHER_COUNTY, TOWNSHIP, VILLAGE
from ..factories import make_user
from ..monitoring.helpers import confirmed, poor_household, raise_income
from .phone import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SIX_MONTHS_LATER = datetime.date(2026, 3, 9)  # a Monday; identified on 8 September 2025


def _step(page: Page, button: str, findings: str = "") -> None:
    form = page.locator("form.move").filter(has=page.get_by_role("button", name=button, exact=True))
    if findings:
        form.locator("textarea").fill(findings)
    form.get_by_role("button", name=button, exact=True).click()


def _people() -> dict[str, object]:
    return {
        "village": make_user(Role.VILLAGE, VILLAGE, username="xishan"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="nanjianzhen"),
        "county": make_user(Role.COUNTY, COUNTY, username="nanjianxian"),
    }


def _confirmed_household(user: dict, code: str) -> tuple[Household, Case]:  # type: ignore[type-arg]
    household = poor_household(code)
    case = confirmed(user, household)  # type: ignore[arg-type]
    raise_income(household)
    return household, case


def test_a_helper_completes_measures_and_the_household_goes_to_risk_elimination_then_reopens(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    user = _people()
    household, case = _confirmed_household(user, "532926101202E0001")
    helper = make_user(Role.COUNTY, OTHER_COUNTY, username="bangfu")  # a bureau cadre of 大理市
    assistance.helper_assign(
        actor=user["county"], household=household, helper=helper, starts_on=clock.today()
    )  # type: ignore[arg-type]
    clock_at(SIX_MONTHS_LATER)
    case_url = f"{base}/cases/{case.pk}/"
    # the helper finds the household on their own page, sees the plan check, adds and completes measures
    as_user(page, base, "bangfu")
    page.goto(f"{base}/cases/mine/")
    page.get_by_test_id("my-households").get_by_role("link", name="532926101202E0001").click()
    expect(page.get_by_test_id("plan-flag")).to_have_attribute(
        "data-flag", "error"
    )  # six months, no measure begun
    page.get_by_text("新增帮扶措施").click()
    form = page.get_by_test_id("measure-form")
    form.get_by_label("类别").select_option("产业帮扶")
    form.get_by_label("内容", exact=True).fill("核桃提质增效，免费发放嫁接苗")
    form.get_by_label("资金（元）").fill("3000")
    form.get_by_label("资金来源").fill("衔接资金")
    form.get_by_role("button", name="保存措施").click()
    expect(page.locator(".messages")).to_contain_text("已录入帮扶措施")
    page.get_by_role("button", name="就业帮扶开始实施").click()
    page.get_by_label("就业帮扶完成成效").fill("户主到昆明务工，月收入4000元")
    page.get_by_role("button", name="就业帮扶完成", exact=True).click()
    page.get_by_role("button", name="产业帮扶开始实施").click()
    measures = page.get_by_test_id("measures")
    expect(measures.locator("tr[data-measure=就业帮扶]")).to_have_attribute("data-status", "已完成")
    expect(measures.locator("tr[data-measure=产业帮扶]")).to_have_attribute("data-status", "实施中")
    expect(page.get_by_test_id("plan-flag")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the village: 帮扶成效评议 finds it eligible; meeting, consent, visit
    as_user(page, base, "xishan")
    page.goto(case_url)
    page.get_by_role("button", name="帮扶成效评议").click()
    expect(page.get_by_test_id("evaluation").first).to_have_attribute("data-eligible", "yes")
    _step(page, "启动风险消除")
    expect(page.get_by_test_id("case-status")).to_have_text("消除评议会")
    page.get_by_test_id("elimination-meeting-form").get_by_label("会议记录（参会人员、评议意见）").fill(
        "党员群众代表15人，一致同意"
    )
    page.get_by_role("button", name="保存评议会记录").click()
    _step(page, "评议通过")
    consent = page.get_by_test_id("consent-form")
    consent.get_by_label("签字同意的家庭成员").fill("杨建国")
    consent.get_by_label("与户主关系").select_option("户主")
    consent.get_by_role("button", name="登记知情同意").click()
    expect(page.get_by_test_id("consent")).to_contain_text("杨建国")
    _step(page, "已知情同意")
    page.get_by_label("地点").fill("杨建国家中")
    page.get_by_label("核实情况").fill("两人稳定务工，收入高于监测范围")
    page.get_by_role("button", name="保存走访记录").click()
    _step(page, "调查完成")
    # the elimination notice, 5 working days
    page.goto(f"{base}/cases/notices/")
    notice_form = page.get_by_test_id("elimination-notice-form")
    notice_form.get_by_label("异议受理（单位、电话）").fill("西山村委会 0872-1234567")
    notice_form.get_by_role("button", name="生成风险消除公示").click()
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_test_id("notice-period")).to_contain_text("2026-03-09 至 2026-03-13")
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.locator(".messages")).to_contain_text("期满后方可报乡镇审核")
    clock_at(datetime.date(2026, 3, 16))
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.get_by_test_id("case-status")).to_have_text("消除乡镇审核")
    # township review, county approval
    as_user(page, base, "nanjianzhen")
    page.goto(case_url)
    _step(page, "审核通过", "同意")
    as_user(page, base, "nanjianxian")
    page.goto(case_url)
    page.get_by_label("风险消除方式").select_option("帮扶消除")
    _step(page, "审定风险消除")
    expect(page.get_by_test_id("case-status")).to_have_text("风险消除")
    expect(page.get_by_test_id("eliminated")).to_contain_text("2026-03-16，帮扶消除")
    # a new lead about the household reopens monitoring, linked to its history
    lead = Lead.objects.create(
        household=household, grade="橙", risk_types=["因病"], round="2026-06", village_due=datetime.date(2026, 6, 20),
        township_due=datetime.date(2026, 6, 25), county_due=datetime.date(2026, 6, 30),
    )  # fmt: skip
    clock_at(datetime.date(2026, 6, 1))
    as_user(page, base, "xishan")
    page.goto(f"{base}/leads/{lead.pk}/")
    page.get_by_test_id("confirm-lead").click()
    expect(page.get_by_test_id("case-status")).to_have_text("申报")
    expect(page.get_by_test_id("reopens")).to_contain_text("2026-03-16")
    # the 责任追溯 page shows the first episode, read-only, and exports it
    page.get_by_role("link", name="责任追溯").first.click()
    trace = page.get_by_test_id("trace")
    expect(trace).to_contain_text("审定风险消除")
    expect(trace).to_contain_text("重新纳入")
    expect(page.locator("form")).to_have_count(1)  # only the sign-out form: nothing is editable
    export = page.request.get(f"{base}{page.get_by_test_id('trace-xlsx').get_attribute('href')}")
    assert export.status == 200 and export.body()[:2] == b"PK"


def test_a_household_without_labour_is_refused_elimination_with_the_reason(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    user = _people()
    household, case = _confirmed_household(user, "532926101202E0002")
    Person.objects.filter(memberships__household=household).update(labour="丧失劳动力")
    clock_at(SIX_MONTHS_LATER)
    as_user(page, base, "xishan")
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("button", name="帮扶成效评议").click()
    evaluation = page.get_by_test_id("evaluation").first
    expect(evaluation).to_have_attribute("data-eligible", "no")
    expect(evaluation).to_contain_text("家庭无劳动能力，不标注风险消除，继续落实社会保障措施并长期监测")
    _step(page, "启动风险消除")
    expect(page.locator(".messages")).to_contain_text("家庭无劳动能力")
    expect(page.get_by_test_id("case-status")).to_have_text("已纳入监测")
