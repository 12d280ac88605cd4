"""The project library on a phone (375 px), under the site's Content-Security-Policy, from the pages only (P14):
西山村's cadre proposes a road, announces the proposal and records an objection, which is answered; once the
announcement has run out the village sends it to the township; the township, the county's 交通运输局, the
county's leading group (with its minutes) and the prefecture's leading group (a batch of the county's list,
one opinion, one minutes file) approve it; the county announces its library, and the project goes 开工 → 在建 →
竣工 → 验收; then the village adjusts it, and the new version starts again at 村申报 with the old one kept."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from zhenxing.accounts.enums import Role
from zhenxing.common import clock
from zhenxing.projects.models import PrefectureBatch, Project, ProjectObjection, ProjectStep

from ..conftest import COUNTY, TOWNSHIP, VILLAGE
from ..factories import make_user
from ..projects.builders import sector_user
from .phone import as_user, fits, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _minutes(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _move(page: Page, target: str, *, opinion: str = "", minutes: str = "", on: str = "") -> None:
    form = page.locator(f"form.move[data-move='{target}']")
    if opinion:
        form.locator("textarea[name=opinion]").fill(opinion)
    if on:
        form.locator("input[name=on]").fill(on)
    if minutes:
        form.locator("input[name=files]").set_input_files(_minutes(minutes))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("project-status")).to_be_visible()


def _status(page: Page, label: str) -> None:
    expect(page.get_by_test_id("project-status")).to_have_text(label)


def test_p14_a_village_road_from_proposal_to_acceptance_and_adjustment_on_a_phone(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    base = str(live_server)
    clock.travel_to(datetime.date(2026, 3, 2))  # a Monday
    make_user(Role.VILLAGE, VILLAGE, username="xishan")
    make_user(Role.TOWNSHIP, TOWNSHIP, username="nanjianzhen")
    sector_user("transport", username="jiaotong")
    make_user(Role.COUNTY, COUNTY, username="nanjianxian")
    make_user(Role.PREFECTURE, "5329", username="dalizhou")

    # the village proposes: a missing item is named and nothing is stored; then the full proposal
    as_user(page, base, "xishan")
    page.goto(f"{base}/projects/new/")
    page.locator("#p-name").fill("西山村大村组道路硬化")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("建设内容")
    assert Project.objects.count() == 0
    page.locator("#p-category").select_option("construction_roads")
    page.locator("#p-unit").fill("南涧镇人民政府")
    page.locator("#p-content").fill("硬化大村组至公路连接线")
    page.locator("#p-scale").fill("2.5公里，宽4.5米")
    page.locator("#p-starts").fill("2026-05-01")
    page.locator("#p-ends").fill("2026-10-31")
    page.locator("#place-v-0").select_option(VILLAGE)
    page.locator("#place-n-0").fill("大村组")
    page.locator("#p-total").fill("120.5")
    page.locator("#src-central").fill("100")
    page.locator("#src-county").fill("20.5")
    for row, (indicator, value) in enumerate(
        (("新建硬化道路长度", "≥2.5公里"), ("受益脱贫人口", "≥120人"), ("受益群众满意度", "≥90%")), start=1
    ):
        page.locator(f"#t-k-{row}").select_option(("output", "benefit", "satisfaction")[row - 1])
        page.locator(f"#t-i-{row}").fill(indicator)
        page.locator(f"#t-v-{row}").fill(value)
    fits(page)
    page.get_by_role("button", name="提交申报").click()
    _status(page, "村申报")
    project = Project.objects.get()
    assert project.total_fen == 120_500_000 and project.level == "village"
    shot(page, "project-proposed")
    fits(page)

    # it cannot go to the township before its announcement has run: the move is shown disabled, with why
    expect(page.locator("form.move[data-move='township_review'] button[type=submit]")).to_be_disabled()
    expect(page.get_by_test_id("move-blocked")).to_contain_text("公示")
    _status(page, "村申报")

    # the announcement: drafted, posted, an objection recorded and answered
    page.goto(f"{base}/projects/notices/new/?kind=proposal")
    page.locator("[name=object_to]").fill("西山村委会 0879-1234567")
    page.get_by_role("button", name="生成公示草稿").click()
    page.get_by_role("button", name="张贴公示（今天开始）").click()
    objection = page.get_by_test_id("objection-form")
    objection.locator("[name=content]").fill("道路走向经过我家承包地，请说明补偿")
    objection.get_by_role("button", name="登记").click()
    answer = page.get_by_test_id("answer-form")
    answer.locator("[name=answer]").fill("走向已调整，不占用承包地")
    answer.get_by_role("button", name="答复").click()
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
    assert ProjectObjection.objects.get().status == "answered"
    fits(page)
    shot(page, "project-notice")

    # after the period (10 calendar days) the village sends it on, and every level approves it
    clock.travel_to(datetime.date(2026, 3, 12))
    _approve(page, base, project.pk, batch_opinion="同意南涧县2026年第一批项目入库")
    project.refresh_from_db()
    assert project.status == "reserved" and project.batch_id is not None

    # the county announces its library, then the project starts and is built
    _announce_library(page, base)
    page.goto(f"{base}/projects/{project.pk}/")
    _status(page, "储备")
    _move(page, "started", on="2026-03-12")
    _status(page, "开工")
    _move(page, "building")
    _status(page, "在建")

    # an adjustment while building: the road grows, a new version goes back to 村申报 with the old one kept
    as_user(page, base, "xishan")
    page.goto(f"{base}/projects/{project.pk}/")
    page.get_by_test_id("adjust-link").click()
    page.locator("#p-total").fill("130")
    page.locator("#src-central").fill("109.5")
    page.locator("#p-reason").fill("道路延长0.3公里至小村组")
    fits(page)
    page.get_by_role("button", name="提交调整").click()
    _status(page, "村申报")
    adjusted = Project.objects.get(code=project.code, version=2)
    assert adjusted.total_fen == 130_000_000 and adjusted.previous_id == project.pk
    project.refresh_from_db()
    assert project.status == "building"  # the old version stays in the library until the new one is decided
    _announce_proposal(page, base, objection=False)
    clock.travel_to(datetime.date(2026, 3, 23))
    _approve(page, base, adjusted.pk, batch_opinion="同意调整")
    adjusted.refresh_from_db()
    project.refresh_from_db()
    assert adjusted.status == "building" and project.status == "adjusted"
    assert adjusted.started_on == datetime.date(2026, 3, 12)  # it takes over where the old version stood

    # the adjusted version is announced again (县级项目库公告) before its work goes on, then 竣工 and 验收
    _announce_library(page, base)
    assert adjusted.notice_entries.exclude(notice__status="draft").exists()
    page.goto(f"{base}/projects/{adjusted.pk}/")
    expect(page.get_by_test_id("versions")).to_contain_text("第1版")
    clock.travel_to(datetime.date(2026, 10, 30))
    _move(page, "completed")
    _status(page, "竣工")
    _move(page, "accepted", opinion="工程质量合格，同意验收")
    _status(page, "验收")
    fits(page)
    shot(page, "project-accepted")
    outcomes = set(ProjectStep.objects.filter(project=adjusted).values_list("outcome", flat=True))
    assert {"township_review", "department_review", "county_review", "prefecture_decision", "building",
            "completed", "accepted"} <= outcomes  # fmt: skip
    assert PrefectureBatch.objects.count() == 2


def _announce_proposal(page: Page, base: str, *, objection: bool) -> None:
    """The village posts its proposal's announcement (as 西山村's cadre, already signed in)."""
    page.goto(f"{base}/projects/notices/new/?kind=proposal")
    page.locator("[name=object_to]").fill("西山村委会 0879-1234567")
    page.get_by_role("button", name="生成公示草稿").click()
    page.get_by_role("button", name="张贴公示（今天开始）").click()
    expect(page.get_by_test_id("notice-post")).to_have_count(0)


def _announce_library(page: Page, base: str) -> None:
    as_user(page, base, "nanjianxian")
    page.goto(f"{base}/projects/notices/new/?kind=library")
    page.locator("[name=object_to]").fill("南涧县乡村振兴局 0879-7654321")
    page.get_by_role("button", name="生成公示草稿").click()
    page.get_by_role("button", name="张贴公示（今天开始）").click()
    expect(page.get_by_test_id("notice-post")).to_have_count(0)


def _approve(page: Page, base: str, pk: int, *, batch_opinion: str) -> None:
    """村 报乡镇审核 → 乡审核 → 县交通运输局审查 → 县领导小组审核 (minutes) → 州领导小组 batch (one minutes file)."""
    as_user(page, base, "xishan")
    page.goto(f"{base}/projects/{pk}/")
    _move(page, "township_review")
    _status(page, "乡审核")
    as_user(page, base, "nanjianzhen")
    page.goto(f"{base}/projects/{pk}/")
    _move(page, "department_review", opinion="同意，报县交通运输局审查")
    _status(page, "县(市)部门审查")
    as_user(page, base, "jiaotong")
    page.goto(f"{base}/projects/{pk}/")
    _move(page, "county_review", opinion="技术方案可行")
    _status(page, "县市领导小组审核")
    as_user(page, base, "nanjianxian")
    page.goto(f"{base}/projects/{pk}/")
    _move(page, "prefecture_decision", opinion="同意报州审定", minutes="县领导小组纪要.pdf")
    _status(page, "州领导小组审定")
    as_user(page, base, "dalizhou")
    page.goto(f"{base}/projects/batches/?county={COUNTY}")
    batch = page.get_by_test_id("batch-form")
    batch.locator("[name=opinion]").fill(batch_opinion)
    batch.locator("[name=minutes]").set_input_files(_minutes("州领导小组纪要.pdf"))
    fits(page)
    batch.get_by_role("button", name="审定入库").click()
    expect(page.get_by_text(batch_opinion).first).to_be_visible()
