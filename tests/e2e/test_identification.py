"""Identification end to end on a phone-sized screen (issue 7): a household applies on the portal and gets a
tracking code; the village accepts, analyses and visits; the notice PDF is generated; after the notice period
(the test clock moves) the township reviews and the county confirms; the applicant's status page shows each
stage. A second run: an objection blocks the township step until it is resolved."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common.crypto import decrypt_id_number
from zhenxing.registry import services as registry
from zhenxing.registry.models import Household

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user
from .phone import as_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MONDAY = datetime.date(2025, 9, 1)


def _household() -> tuple[Household, str]:
    household = make_household(VILLAGE, code="532926101202P0001", head_name="李秀英")
    assert isinstance(household, Household)
    registry.household_year_upsert(
        actor=None, household=household, year=2025, values={"wage": 900_000, "business": 0}
    )
    number = decrypt_id_number(household.memberships.get(relation="户主").person.id_number_encrypted)
    return household, number


def _apply(page: Page, base: str, number: str) -> str:
    page.goto(f"{base}/apply/")
    page.locator("#county").select_option(COUNTY)
    page.locator("#township").select_option(TOWNSHIP)
    page.locator("#id_village").select_option(VILLAGE)
    page.get_by_label("需要帮助的人（姓名）").fill("李秀英")
    page.get_by_label("身份证号").fill(number)
    page.get_by_label("联系电话").fill("13900001111")
    page.get_by_text("医疗", exact=True).click()
    page.get_by_label("困难情况说明").fill("丈夫住院，看病花了很多钱")
    question = page.locator("label[for=id_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    page.get_by_label(re.compile("验证")).fill(str(a + b))
    page.get_by_role("button", name="提交申请").click()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    return code


def _step(page: Page, button: str, findings: str = "") -> None:
    form = page.locator("form.move").filter(has=page.get_by_role("button", name=button, exact=True))
    if findings:
        form.locator("textarea").fill(findings)
    form.get_by_role("button", name=button, exact=True).click()


def _village_to_notice(page: Page, base: str, case_url: str) -> str:
    page.goto(case_url)
    _step(page, "受理")
    _step(page, "研判完成", "医保、民政、残联数据已比对，情况属实")
    page.get_by_label("地点").fill("李秀英家中")
    page.get_by_label("核实情况").fill("丈夫住院，家庭收入低于监测范围")
    page.get_by_label("农户已签署家庭经济状况核查授权书").check()
    page.get_by_role("button", name="保存走访记录").click()
    _step(page, "调查完成")
    page.get_by_label("会议记录（参会人员、评议意见）").fill("党员群众代表12人参加，一致同意")
    page.get_by_role("button", name="保存评议会记录").click()
    expect(page.locator(".messages")).to_contain_text("已录入评议会")
    page.goto(f"{base}/cases/notices/")
    page.get_by_label("异议受理（单位、电话）").fill("西山村委会 0872-1234567")
    page.get_by_role("button", name="生成公示").click()
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_test_id("notice-period")).to_contain_text("2025-09-01 至 2025-09-05")
    pdf = page.request.get(
        page.get_by_test_id("notice-pdf").get_attribute("href")
        and f"{base}{page.get_by_test_id('notice-pdf').get_attribute('href')}"
    )
    assert (
        pdf.status == 200
        and pdf.headers["content-type"] == "application/pdf"
        and pdf.body().startswith(b"%PDF")
    )
    return page.url


def _setup(clock_at) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    clock_at(MONDAY)
    _, number = _household()
    make_user(Role.VILLAGE, VILLAGE, username="xishan")
    make_user(Role.TOWNSHIP, TOWNSHIP, username="nanjianzhen")
    make_user(Role.COUNTY, COUNTY, username="nanjianxian")
    return number, "xishan"


def test_an_application_goes_from_the_portal_to_county_confirmation(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    number, village_user = _setup(clock_at)
    code = _apply(page, base, number)
    # the village finds it in its inbox
    as_user(page, base, village_user)
    page.goto(f"{base}/cases/")
    page.get_by_test_id("case-list").get_by_role("link").first.click()
    case_url = page.url
    expect(page.get_by_test_id("case-status")).to_have_text("申报")
    _village_to_notice(page, base, case_url)
    # the township cannot start before the notice period ends
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.locator(".messages")).to_contain_text("期满后方可报乡镇审核")
    clock_at(datetime.date(2025, 9, 8))
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.get_by_test_id("case-status")).to_have_text("乡镇审核")
    as_user(page, base, "nanjianzhen")
    page.goto(case_url)
    expect(page.get_by_role("button", name="确定纳入")).to_have_count(0)  # a township user cannot confirm
    _step(page, "审核通过", "同意")
    as_user(page, base, "nanjianxian")
    page.goto(case_url)
    page.get_by_test_id("confirm-form").get_by_role("button", name="确定纳入").click()
    expect(page.get_by_test_id("classification")).to_contain_text("脱贫不稳定户")
    # the applicant sees every stage, without an account
    page.context.clear_cookies()
    # the code is filled in from the address; the ID tail is posted, never part of a URL
    page.goto(f"{base}/apply/status/?code={code}")
    page.get_by_label("身份证号后四位").fill(number[-4:])
    page.get_by_role("button", name="查询").click()
    progress = page.get_by_test_id("progress")
    expect(progress).to_contain_text("纳入防止返贫监测")
    expect(progress.locator("li[data-state=done]")).to_have_count(6)
    assert number not in page.content()


def test_an_objection_blocks_the_township_step_until_it_is_resolved(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    number, village_user = _setup(clock_at)
    _apply(page, base, number)
    as_user(page, base, village_user)
    page.goto(f"{base}/cases/")
    page.get_by_test_id("case-list").get_by_role("link").first.click()
    case_url = page.url
    notice_url = _village_to_notice(page, base, case_url)
    page.get_by_label("异议内容").fill("该户家中新购小汽车一辆")
    page.get_by_role("button", name="登记异议").click()
    expect(page.get_by_test_id("objections")).to_contain_text("待处理")
    clock_at(datetime.date(2025, 9, 8))
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.locator(".messages")).to_contain_text("未处理的异议")
    page.goto(notice_url)
    page.get_by_label("核实处理结果").fill("经核实，车辆为亲属所有，不影响认定")
    page.get_by_role("button", name="处理完毕").click()
    page.goto(case_url)
    _step(page, "报乡镇审核")
    expect(page.get_by_test_id("case-status")).to_have_text("乡镇审核")
