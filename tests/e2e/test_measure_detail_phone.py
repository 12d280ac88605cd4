"""On a phone (375 px) a village cadre details a recommended measure (P7) before it starts, and sees who applied
on a portal case with the ID masked (P8 群众自主申报)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.divisions.models import Division
from zhenxing.portal import services as portal

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import id_number_for, make_user
from ..monitoring.helpers import confirmed, poor_household
from .phone import shot
from .test_registry_flow import _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_recommended_measure_is_detailed_on_a_phone(live_server: object, page: Page, clock_at) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    user = {
        "village": make_user(Role.VILLAGE, VILLAGE, username="xishan"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="nanjianzhen"),
        "county": make_user(Role.COUNTY, COUNTY, username="nanjianxian"),
    }
    case = confirmed(user, poor_household("532926101202E0009"))
    measure = case.measures.filter(recommended=True).order_by("pk").first()
    assert measure is not None
    _login(page, base, "xishan")
    page.goto(f"{base}/cases/{case.pk}/")
    row = page.get_by_test_id(f"measure-detail-{measure.pk}")
    row.locator("summary").click()
    prefix = f"#id_m{measure.pk}-"
    row.locator(f"{prefix}content").fill("安排户主到县内扶贫车间务工，每月不少于20天")
    row.locator(f"{prefix}funds").fill("1,500")
    row.locator(f"{prefix}funds_source").fill("衔接资金")
    row.locator(f"{prefix}responsible_unit").fill("南涧镇人社中心")
    shot(page, "measure-detail-form-375")
    row.get_by_role("button", name="保存细化").click()
    expect(page.locator(".messages")).to_contain_text("已细化措施")
    row = page.get_by_test_id("measures").locator(f"tr[data-measure={measure.category}]")
    expect(row).to_contain_text("扶贫车间务工")
    expect(row).to_contain_text("1,500.00元")
    expect(row).to_have_attribute("data-status", "计划")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "measure-detailed-375")


def test_the_applicant_shows_masked_on_a_phone(live_server: object, page: Page, clock_at) -> None:  # type: ignore[no-untyped-def]
    import datetime

    base = str(live_server)
    make_user(Role.VILLAGE, VILLAGE, username="xishan")
    number = id_number_for("532926", datetime.date(1980, 1, 2), 905)
    application = portal.application_submit(
        village=Division.objects.get(code=VILLAGE), name="字文秀", id_number=number, phone="13912345678",
        difficulties=["医疗"], description="丈夫住院", on_behalf=False, ip_address="10.0.0.7",
    )  # fmt: skip
    _login(page, base, "xishan")
    page.goto(f"{base}/cases/{application.case_id}/")
    applicants = page.get_by_test_id("applicants")
    expect(applicants).to_contain_text("字文秀")
    expect(applicants).to_contain_text("139****5678")
    expect(applicants).to_contain_text("未匹配")
    assert number not in page.content()
    applicants.get_by_text("查看完整号码").first.click()
    applicants.get_by_label("查看理由（将记入审计日志）").first.fill("电话回访核实身份")
    shot(page, "applicant-375")
    applicants.get_by_role("button", name="查看").first.click()
    expect(page.get_by_test_id("revealed-applicant")).to_have_text(number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
