"""The plan's indicators and the county assessment on a phone (375 px), from the pages only (P16, P11): a
township enters a reported value with its evidence and it is reviewed up to the prefecture; after the year is
frozen, the prefecture's assessors record two field findings against 南涧, compute the assessment (南涧 graded
一般 goes to 约谈提醒 and 挂牌督办), set a rectification task; the county reports its result and the prefecture
closes it."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.planning import freeze
from zhenxing.planning.enums import ReportStatus, SupervisionKind, TaskStatus
from zhenxing.planning.models import (
    Assessment,
    IndicatorReport,
    IndicatorValue,
    RectificationTask,
    Supervision,
)

from ..conftest import COUNTY, PREFECTURE, TOWNSHIP
from ..factories import make_user
from .phone import as_user, fits, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _move(page: Page, to: str, opinion: str) -> None:
    form = page.get_by_test_id(f"move-{to}")
    expect(form).to_be_visible()
    form.locator("textarea").first.fill(opinion)
    fits(page)
    form.locator("button[type=submit]").click()


def _finding(page: Page, base: str, dimension: str, deduction: str, description: str) -> None:
    page.goto(f"{base}/planning/findings/?year=2025")
    form = page.get_by_test_id("finding-add")
    form.locator("#id_county").select_option(COUNTY)
    form.locator("#id_year").select_option("2025")
    form.locator("#id_dimension").select_option(dimension)
    form.locator("#id_deduction").fill(deduction)
    form.locator("#id_description").fill(description)
    fits(page)
    form.get_by_role("button", name="录入").click()


def test_p16_p11_report_reviewed_assessment_graded_and_rectification_closed_on_a_phone(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock.travel_to(datetime.date(2026, 11, 20))
    for username, role, code in (
        ("nanjianzhen", Role.TOWNSHIP, TOWNSHIP), ("nanjianzhen2", Role.TOWNSHIP, TOWNSHIP),
        ("nanjianxian", Role.COUNTY, COUNTY), ("zhou", Role.PREFECTURE, PREFECTURE),
    ):  # fmt: skip
        make_user(role, code, username=username)

    # a township enters 2025's 创业致富带头人 with its evidence
    as_user(page, base, "nanjianzhen")
    page.goto(f"{base}/planning/reports/new/?indicator=entrepreneurship_leaders")
    page.locator("#r-year").select_option("2025")
    page.locator("#r-value").fill("12")
    page.locator("#r-evidence").fill("南涧镇创业致富带头人花名册（2025年12月）")
    fits(page)
    shot(page, "planning-report-new")
    page.get_by_role("button", name="提交填报").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("已填报")
    report_url = page.url
    # reviewed by a township colleague, the county and the prefecture
    for username, to, opinion in (
        ("nanjianzhen2", ReportStatus.TOWNSHIP_REVIEWED, "核实无误"),
        ("nanjianxian", ReportStatus.COUNTY_REVIEWED, "同意"),
        ("zhou", ReportStatus.ACCEPTED, "确认"),
    ):
        as_user(page, base, username)
        page.goto(report_url)
        _move(page, to, opinion)
        expect(page.get_by_test_id("report-status")).to_contain_text(
            {"township_reviewed": "乡镇审核通过", "county_reviewed": "县级审核通过", "accepted": "州级确认"}[
                to
            ]
        )
    shot(page, "planning-report-accepted")
    assert IndicatorReport.objects.get().status == ReportStatus.ACCEPTED

    # the year is frozen (its deadline passed long ago)
    freeze.period_freeze(period=freeze.period_ensure(kind="year", year=2025, number=0), actor=None)
    leaders = IndicatorValue.objects.get(indicator__code="entrepreneurship_leaders", division__code=COUNTY)
    page.goto(f"{base}/planning/values/{leaders.pk}/")
    expect(page.locator("main")).to_contain_text("nanjianzhen2")  # who reviewed it, in its provenance
    fits(page)
    shot(page, "planning-value")

    # the assessors record two findings against 南涧 and compute the assessment
    _finding(page, base, "work", "80", "抽查10户帮扶计划，8户措施与风险类型不对应")
    _finding(page, base, "results", "80", "抽查发现3户返贫风险未及时纳入监测")
    page.goto(f"{base}/planning/assessment/?year=2025")
    page.get_by_test_id("compute").locator("button").click()
    row = page.locator("tr", has_text="南涧")
    expect(row.get_by_test_id("grade")).to_contain_text("一般")
    fits(page)
    shot(page, "planning-assessments")
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("scores")).to_be_visible()
    fits(page)
    shot(page, "planning-assessment")
    assert Assessment.objects.filter(county__code=COUNTY, is_current=True, grade="一般").exists()

    # 南涧 is under 约谈提醒 and 挂牌督办; the prefecture sets a task under the listing
    listing = Supervision.objects.get(county__code=COUNTY, kind=SupervisionKind.LISTING)
    assert Supervision.objects.filter(county__code=COUNTY, kind=SupervisionKind.TALK).exists()
    page.goto(f"{base}/planning/supervision/")
    page.locator(f"#supervision-{listing.pk} summary", has_text="下达整改任务").click()  # folded until needed
    form = page.get_by_test_id(f"task-add-{listing.pk}")
    form.locator(f"#t-title-{listing.pk}").fill("帮扶计划措施与风险类型逐户核对整改")
    form.locator(f"#t-owner-{listing.pk}").fill("南涧县乡村振兴局")
    form.locator(f"#t-person-{listing.pk}").fill("张敏")
    form.locator(f"#t-due-{listing.pk}").fill((clock.today() + datetime.timedelta(days=30)).isoformat())
    fits(page)
    form.get_by_role("button", name="下达").click()
    task = RectificationTask.objects.get(supervision=listing)
    shot(page, "planning-supervision")

    # the county reports its result, the prefecture closes it
    as_user(page, base, "nanjianxian")
    page.goto(f"{base}/planning/supervision/tasks/{task.pk}/")
    form = page.get_by_test_id(f"move-{TaskStatus.SUBMITTED}")
    form.locator("#result").fill("已逐户核对80户帮扶计划，调整措施12户")
    fits(page)
    shot(page, "planning-task-county")
    form.locator("button[type=submit]").click()
    as_user(page, base, "zhou")
    page.goto(f"{base}/planning/supervision/tasks/{task.pk}/")
    _move(page, TaskStatus.CLOSED, "经抽查属实，销号")
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED
    assert AuditEvent.objects.filter(action="planning.task_close").count() == 1
