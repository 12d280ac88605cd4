"""Project assets on a phone (375 px), from the pages only (P15): the county's 乡村振兴局 registers two assets from
an accepted, paid project (a photovoltaic station and a road), 确权 and hands the station over; the village
inspects it (闲置) and records a year's income; the village's distribution plan goes through all eight steps of
四议两公开 to the bank 代发 file, while a second plan that hands every household the same cash is refused as
一分了之; and the village's application to scrap the road is approved up the chain (乡镇审核, 县行业主管部门审批)."""

from __future__ import annotations

import datetime
import io

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from zhenxing.accounts.enums import Role
from zhenxing.accounts.models import Sector
from zhenxing.assets.models import Asset, DistributionPlan, PlanPayout
from zhenxing.audit.models import AuditEvent
from zhenxing.common import clock
from zhenxing.registry.models import Membership

from ..assets.builders import accepted_project
from ..conftest import COUNTY, PREFECTURE, TOWNSHIP, VILLAGE
from ..factories import make_household, make_user
from .phone import as_user, fits, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WAN = 1_000_000  # fen in one 万元


def _meeting(form, step: str, attendees: str, expected: str, minutes: str) -> None:  # type: ignore[no-untyped-def]
    form.locator(f"#{step}-held").fill((clock.today() - datetime.timedelta(days=1)).isoformat())
    form.locator(f"#{step}-expected").fill(expected)
    form.locator(f"#{step}-attendees").fill(attendees)
    form.locator(f"#{step}-minutes").fill(minutes)


def _plan_form(page: Page, base: str, title: str, kind: str, amounts: dict[int, str]) -> None:
    page.goto(f"{base}/assets/plans/new/?village={VILLAGE}")
    page.locator("#p-title").fill(title)
    page.locator("#p-year").fill(str(clock.today().year - 1))
    page.locator("#p-income").fill("20000")
    page.locator("#p-held").fill((clock.today() - datetime.timedelta(days=3)).isoformat())
    page.locator("#p-expected").fill("9")
    page.locator("#p-attendees").fill("8")
    page.locator("#p-minutes").fill("村党组织提议光伏电站收益分配")
    page.locator("#line-0-kind").select_option(kind)
    page.locator("#line-0-description").fill("参与村内道路养护" if kind == "labour" else "")
    page.get_by_test_id("line-0").locator("summary").click()  # the village's members, folded until needed
    for person, amount in amounts.items():
        page.locator(f"input[name='line-0-pay-{person}']").fill(amount)
    fits(page)
    page.get_by_role("button", name="提交方案（村党组织提议）", exact=True).click()


def _step(page: Page, to: str) -> object:
    form = page.get_by_test_id(f"move-{to}")
    expect(form).to_be_visible()
    return form


def test_p15_register_hand_over_inspect_earn_distribute_and_dispose_on_a_phone(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock.travel_to(datetime.date(2026, 11, 20))
    county = make_user(Role.COUNTY, COUNTY, username="nanjianxian")
    users = {
        "county": county,
        "finance": make_user(Role.FINANCE, COUNTY, username="nanjiancaizheng"),
        "village": make_user(Role.VILLAGE, VILLAGE, username="xishancun"),
        "township": make_user(Role.TOWNSHIP, TOWNSHIP, username="nanjianzhen"),
        "transport": make_user(
            Role.COUNTY_SECTOR, COUNTY, sector=Sector.objects.get(code="transport"), username="jiaotongju"
        ),
    }
    make_user(Role.PREFECTURE, PREFECTURE, username="zhou")
    project = accepted_project(users)  # 西山村's road, accepted, 80 万元 paid (central 60, county 20)
    households = [make_household(VILLAGE, year=None) for _ in range(5)]
    heads = list(
        Membership.objects.filter(household__in=households, relation="户主").order_by("household_id")
        .values_list("person_id", flat=True)
    )  # fmt: skip

    # the county registers two assets from the project: 50 + 30 万元, all that was paid
    as_user(page, base, "nanjianxian")
    page.goto(f"{base}/assets/")
    expect(page.get_by_text(project.name).first).to_be_visible()  # waiting for its assets
    page.goto(f"{base}/assets/projects/{project.pk}/register/")
    for index, (name, kind, quantity, value) in enumerate(
        (("西山村光伏电站", "photovoltaic", "1", "50"), ("大村组硬化道路", "road", "2.5", "40"))
    ):
        page.locator(f"#a{index}-name").fill(name)
        page.locator(f"#a{index}-type").select_option(kind)
        page.locator(f"#a{index}-quantity").fill(quantity)
        page.locator(f"#a{index}-division").select_option(VILLAGE)
        page.locator(f"#a{index}-value").fill(value)
    fits(page)
    page.get_by_role(
        "button", name="登记资产"
    ).click()  # 90 万元 is more than was paid: refused, nothing stored
    expect(page.get_by_test_id("general-error").first).to_contain_text("超过项目已支付")
    assert not Asset.objects.exists()
    page.locator("#a1-value").fill("30")
    page.get_by_role("button", name="登记资产", exact=True).click()
    station = Asset.objects.get(name="西山村光伏电站")
    road = Asset.objects.get(name="大村组硬化道路")
    assert (station.value_fen, road.value_fen) == (50 * WAN, 30 * WAN)
    assert sum(s.amount_fen for a in (station, road) for s in a.shares.all()) == 80 * WAN
    shot(page, "assets-registered")

    # 确权 of both to the village collective, and 移交 of the station with its care
    for asset in (road, station):
        page.goto(f"{base}/assets/{asset.pk}/")
        confirm = page.get_by_test_id("confirm-form")
        confirm.locator("#c-kind").select_option("collective")
        confirm.locator("#c-name").fill("西山村股份经济合作社")
        confirm.locator("#c-document").fill("南涧县资产确权书〔2026〕12号")
        confirm.locator("#c-on").fill("2026-11-10")
        confirm.get_by_role("button", name="确权", exact=True).click()
        expect(page.get_by_test_id("asset-status")).to_contain_text("已确权")
    hand_over = page.get_by_test_id("hand-over-form")
    hand_over.locator("#h-on").fill("2026-11-12")
    hand_over.locator("#h-receiver").fill("西山村股份经济合作社")
    hand_over.locator("#h-unit").fill("西山村委会")
    hand_over.locator("#h-person").fill("李管护")
    hand_over.locator("#h-phone").fill("13800000000")
    fits(page)
    hand_over.get_by_role("button", name="移交", exact=True).click()
    expect(page.get_by_test_id("asset-status")).to_contain_text("已移交")
    station.refresh_from_db()
    assert station.status == "handed_over" and station.care_unit == "西山村委会"
    assert station.inspection_due == datetime.date(
        2027, 11, 12
    )  # one interval (365 days) after the hand-over

    # the village inspects it (闲置) and records last year's income
    as_user(page, base, "xishancun")
    page.goto(f"{base}/assets/{station.pk}/")
    inspect = page.get_by_test_id("inspect-form")
    inspect.locator("#i-on").fill("2026-11-18")
    inspect.locator("#i-outcome").select_option("idle")
    inspect.locator("#i-notes").fill("并网手续未办完，电站尚未发电")
    inspect.get_by_role("button", name="录入巡查", exact=True).click()
    expect(page.get_by_test_id("inspections")).to_contain_text("闲置")
    income = page.get_by_test_id("income-form")
    income.locator("#r-year").fill("2026")
    income.locator("#r-amount").fill("36000")
    income.locator("#r-evidence").fill("电费结算单〔2026〕")
    fits(page)
    income.get_by_role("button", name="录入收益", exact=True).click()
    expect(page.get_by_test_id("incomes")).to_contain_text("36")
    station.refresh_from_db()
    assert station.condition == "idle" and station.incomes.get(year=2026).amount_fen == 3_600_000
    shot(page, "assets-station")

    # a plan that gives every household the same cash is refused as 一分了之 (P15), nothing stored
    _plan_form(page, base, "光伏收益平均分配", "cash", dict.fromkeys(heads, "500"))
    expect(page.get_by_text("一分了之").first).to_be_visible()
    assert not DistributionPlan.objects.exists()
    shot(page, "assets-plan-refused")

    # the village's plan for work, through 四议两公开
    _plan_form(page, base, "光伏收益分配方案", "labour", {p: str(400 + 100 * i) for i, p in enumerate(heads)})
    plan = DistributionPlan.objects.get()
    page.goto(f"{base}/assets/plans/{plan.pk}/")
    for step, attendees, expected in (
        ("discussed", "7", "9"),
        ("reviewed", "20", "26"),
        ("resolved", "30", "40"),
    ):
        form = _step(page, step)
        _meeting(form, step, attendees, expected, f"{step} 会议同意方案")
        fits(page)
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("plan-status")).to_contain_text(
            {"discussed": "商议", "reviewed": "审议", "resolved": "决议"}[step]
        )
    as_user(page, base, "nanjianzhen")
    page.goto(f"{base}/assets/plans/{plan.pk}/")
    form = _step(page, "audited")
    form.locator("#audited-opinion").fill("方案按劳分配，同意")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("乡镇已审核")
    as_user(page, base, "xishancun")
    page.goto(f"{base}/assets/plans/{plan.pk}/")
    for step in ("published", "implemented", "closed"):
        form = _step(page, step)
        if step != "implemented":
            form.locator(f"#{step}-place").fill("西山村务公开栏")
            form.locator(f"#{step}-from").fill("2026-11-20")
            form.locator(f"#{step}-until").fill("2026-11-27")
        fits(page)
        form.locator("button[type=submit]").click()
        if step == "published":
            # the bank 代发 file: one row per beneficiary, the full ID number revealed under audit
            with page.expect_download() as download:
                page.get_by_test_id("payroll").click()
            with open(download.value.path(), "rb") as payroll:
                rows = CalamineWorkbook.from_filelike(io.BytesIO(payroll.read()))
            sheet = rows.get_sheet_by_index(0).to_python()
            assert len([r for r in sheet if isinstance(r[0], int | float) and r[0] > 0]) == 5
            assert AuditEvent.objects.filter(action="asset.export", new_values__report="payroll").exists()
    expect(page.get_by_test_id("plan-status")).to_contain_text("实施结果已公开")
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.steps.count() == 7
    assert not PlanPayout.objects.filter(line__plan=plan, paid_on__isnull=True).exists()
    shot(page, "assets-plan-closed")

    # the village applies to scrap the road; the township and the transport bureau approve it
    page.goto(f"{base}/assets/{road.pk}/disposals/new/")
    page.locator("#d-kind").select_option("scrap")
    page.locator("#d-reason").fill("道路改线，原路段废弃")
    page.locator("#d-valuation").fill("1.2")
    page.locator("#d-basis").fill("南涧县资产评估报告〔2026〕8号")
    fits(page)
    page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("disposal-status")).to_contain_text("待乡镇审核")
    disposal = road.disposals.get()
    for username, to, status in (
        ("nanjianzhen", "township_ok", "待县行业主管部门审批"),
        ("jiaotongju", "approved", "已批准"),
    ):
        as_user(page, base, username)
        page.goto(f"{base}/assets/disposals/{disposal.pk}/")
        form = page.get_by_test_id(f"move-{to}")
        form.locator(f"#opinion-{to}").fill("经核实，同意")
        fits(page)
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("disposal-status")).to_contain_text(status)
    road.refresh_from_db()
    assert road.status == "disposed" and road.ended_reason.startswith("报废")
    assert AuditEvent.objects.filter(action="asset.disposed").count() == 1
    shot(page, "assets-disposal-approved")
