"""绩效评价 pages and reports (P14): who opens which route (PERFORMANCE_ROUTES, for the jurisdiction matrix), the
county page explaining every indicator down to its projects, the .xlsx reports read back with their numbers
matching the page, formula text kept as text, and every download audited."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import COUNTY, OTHER_COUNTY, VILLAGE
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.divisions.models import Division
from zhenxing.funds.performance import ALLOCATION_FACTOR, RESCALED_MARK, UNSCORED_NOTHING, county_evaluation
from zhenxing.policy.rules import performance as rules

from .builders import library_project
from .performance_world import build_world

pytestmark = pytest.mark.django_db

# route name → URL, from ids: "county" (a county code), "year", "project" (a project's pk)
PERFORMANCE_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "funds:performance_county": lambda ids: f"/funds/performance/{ids['county']}/{ids['year']}/",
    "funds:performance_county_xlsx": lambda ids: f"/funds/performance/{ids['county']}/{ids['year']}/xlsx",
    "funds:performance_project_xlsx": lambda ids: f"/funds/projects/{ids['project']}/performance.xlsx",
    "funds:performance_ranking_xlsx": lambda ids: f"/funds/performance/{ids['year']}/ranking.xlsx",
}
# the prefecture's ranking is the prefecture's: a county's roles (VIEW_FUNDS, one county) are out of its scope
PREFECTURE_ONLY = {"funds:performance_ranking_xlsx"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_p14_performance_routes_by_role() -> None:
    """In scope: 200; another county's finance bureau: 404; a role without VIEW_FUNDS: 403. The ranking's
    download: the prefecture's roles 200, every county's role 404 (out of scope, like another county's page)."""
    world = build_world()
    ids = {"county": COUNTY, "year": world.year, "project": world.p["A"].pk}
    village = make_user(Role.VILLAGE, VILLAGE, username="perf_cun")
    expected = {
        "finance": 200,
        "county": 200,
        "prefecture": 200,
        "prefecture_finance": 200,
        "other_finance": 404,
    }
    for name, url in PERFORMANCE_ROUTES.items():
        for role, status in expected.items():
            if name in PREFECTURE_ONLY and not role.startswith("prefecture"):
                status = 404
            response = _client(world.users[role]).get(url(ids))
            assert response.status_code == status, f"{role} {name}: {response.status_code}"
        assert _client(village).get(url(ids)).status_code == 403, name
    # an unknown county code or a year outside the 衔接 period: 404
    for bad in ({**ids, "county": "532999"}, {**ids, "year": 1999}):
        assert (
            _client(world.users["prefecture"])
            .get(PERFORMANCE_ROUTES["funds:performance_county"](bad))
            .status_code
            == 404
        )


def test_p14_the_overview_ranks_the_prefecture_and_sends_a_county_to_its_own() -> None:
    world = build_world()
    response = _client(world.users["county"]).get(f"/funds/performance/?year={world.year}")
    assert (
        response.status_code == 302 and response["Location"] == f"/funds/performance/{COUNTY}/{world.year}/"
    )
    response = _client(world.users["other_finance"]).get("/funds/performance/")
    assert response["Location"].startswith(f"/funds/performance/{OTHER_COUNTY}/")
    assert (
        _client(make_user(Role.VILLAGE, VILLAGE, username="perf_c2")).get("/funds/performance/").status_code
        == 403
    )
    page = _client(world.users["prefecture_finance"]).get(f"/funds/performance/?year={world.year}")
    html = page.content.decode()
    assert page.status_code == 200 and ALLOCATION_FACTOR in html
    assert html.count('<tr data-county="') == 12
    assert 'data-county="532926"' in html and "35.83" in html and "不合格" in html


def test_p14_the_county_page_explains_every_indicator_down_to_its_projects() -> None:
    world = build_world()
    html = _client(world.users["finance"]).get(f"/funds/performance/{COUNTY}/{world.year}/").content.decode()
    for shown in ("26.67%", "20.00%", "66.67%", "50.00%", "35.83", "不合格", ALLOCATION_FACTOR, "40.00 ÷ 150.00",
                  "出库项目不计入", world.p["D"].code, "带动人数为0", "已竣工，实施结果未公示"):  # fmt: skip
        assert shown in html, shown
    assert world.p["F"].code not in html and world.p["G"].code not in html  # 出库, last year's


def test_p14_the_county_report_reads_back_with_the_pages_numbers_and_is_audited() -> None:
    world = build_world()
    response = _client(world.users["prefecture"]).get(f"/funds/performance/{COUNTY}/{world.year}/xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheets = _sheets(b"".join(response.streaming_content) if response.streaming else response.content)
    evaluation = county_evaluation(Division.objects.get(code=COUNTY), world.year)
    assert list(sheets) == ["汇总", *(i.label for i in evaluation.indicators)]
    summary = sheets["汇总"]
    for row, indicator in zip(summary[2:7], evaluation.indicators, strict=True):
        assert row[0].startswith(indicator.label)
        assert (row[1], Decimal(str(row[2])), Decimal(str(row[3]))) == (
            indicator.weight,
            indicator.value,
            indicator.score,
        )
    by_label = {row[0]: row[1] for row in summary if row and row[0] in ("总分", "等级", "评价结果")}
    assert Decimal(str(by_label["总分"])) == Decimal("35.83") and by_label["等级"] == "不合格"
    assert by_label["评价结果"] == ALLOCATION_FACTOR
    completion = sheets["完工率"]
    assert {row[0]: row[2] for row in completion[2:-1]} == {
        world.p[k].code: ("达标" if k == "A" else "未达标") for k in "ABCDE"
    }
    assert completion[-1][-2:] == [1, 5]
    money = sheets["支出进度"]
    assert money[-1][-2:] == [40, 150]  # 万元
    event = AuditEvent.objects.get(action="fund.export", actor=world.users["prefecture"])
    assert event.new_values["report"] == "绩效评价（县）" and event.new_values["total_score"] == "35.83"


def test_p14_the_project_report_holds_its_targets_money_notices_and_linkage() -> None:
    world = build_world()
    project = world.p["A"]
    response = _client(world.users["finance"]).get(f"/funds/projects/{project.pk}/performance.xlsx")
    sheets = _sheets(response.content)
    assert list(sheets) == ["项目", "绩效目标", "资金", "公示"]
    targets = sheets["绩效目标"]
    assert [row[3:5] for row in targets[1:]] == [
        ["2.6公里", "已完成"],
        ["130人", "已完成"],
        ["85%", "未完成"],
    ]
    assert sheets["资金"][1][3] == 80 and any(
        row[:4][1:] == ["南涧县鑫达建筑公司", "记-A1", 30] for row in sheets["资金"]
    )
    assert sheets["公示"][1][1] == "项目实施计划公示"
    assert AuditEvent.objects.filter(
        action="fund.export", target_id=str(project.pk), new_values__report="绩效评价（项目）"
    ).exists()


def test_p14_a_formula_in_a_project_name_reaches_the_report_as_text() -> None:
    world = build_world()
    hostile = library_project(world.users["county"], name='=HYPERLINK("http://evil.example","点")')
    response = _client(world.users["finance"]).get(f"/funds/performance/{COUNTY}/{world.year}/xlsx")
    names = [row[1] for row in _sheets(response.content)["完工率"][2:]]
    assert "'" + hostile.name in names


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-county="[^"]*".*?</tr>', html, flags=re.S)


def test_p14_the_ranking_places_only_scored_counties_and_lists_the_rest_unranked_with_why() -> None:
    world = build_world()
    html = _client(world.users["prefecture"]).get(f"/funds/performance/?year={world.year}").content.decode()
    rows = _rows(html)
    ranks = [re.search(r'data-rank="([^"]*)"', row).group(1) for row in rows]  # type: ignore[union-attr]
    # 南涧 (35.83) and 大理市 (its one project) have a score; the 10 others nothing to count
    assert ranks[:2] == ["1", "2"] and ranks[2:] == ["-"] * 10
    for row in rows[2:]:
        assert '<td data-label="名次" data-testid="rank">—</td>' in row
        assert '<span class="nowrap-text">不适用</span>' in row
    # why, said once, between the ranked and the unranked
    assert html.count('data-testid="unranked-reason"') == 1
    note = html.index('data-testid="unranked-reason"')
    assert (
        html.index(rows[1]) < note < html.index(rows[2])
        and UNSCORED_NOTHING in html[note : html.index(rows[2])]
    )


def test_p14_the_ranking_says_which_totals_are_rescaled() -> None:
    world = build_world()
    html = (
        _client(world.users["prefecture_finance"])
        .get(f"/funds/performance/?year={world.year}")
        .content.decode()
    )
    by_county = {re.search(r'data-county="(\d+)"', row).group(1): row for row in _rows(html)}  # type: ignore[union-attr]
    assert 'data-testid="performance-rescaled-note"' in html and "折算为百分制" in html
    # 大理市: no money, no 联农带农 project → its total is over the other weights; 南涧: every indicator counts
    assert RESCALED_MARK in by_county[OTHER_COUNTY] and RESCALED_MARK not in by_county[COUNTY]
    # the total and the grade are kept whole (not broken inside a two-character word in a narrow cell)
    assert (
        '<td data-label="总分" data-testid="total"><span class="nowrap-text">35.83</span></td>'
        in by_county[COUNTY]
    )
    assert (
        '<td data-label="等级" data-testid="grade"><span class="nowrap-text">不合格</span></td>'
        in by_county[COUNTY]
    )


def test_p14_the_county_pages_year_switcher_is_a_form_that_goes_to_the_chosen_year() -> None:
    world = build_world()
    client = _client(world.users["finance"])
    page = f"/funds/performance/{COUNTY}/{world.year}/"
    html = client.get(page).content.decode()
    switcher = re.search(r'<form[^>]*data-testid="performance-year".*?</form>', html, flags=re.S)
    assert switcher is not None and 'method="get"' in switcher.group(0) and 'name="year"' in switcher.group(0)
    assert " · " not in switcher.group(0)
    response = client.get(page, {"year": world.year - 1})
    assert (
        response.status_code == 302
        and response["Location"] == f"/funds/performance/{COUNTY}/{world.year - 1}/"
    )
    assert client.get(page, {"year": "1999"})["Location"] == page  # outside the period: this year
    # another county's page stays out of scope before any redirect
    assert (
        client.get(f"/funds/performance/{OTHER_COUNTY}/{world.year}/", {"year": world.year}).status_code
        == 404
    )


def test_p14_the_county_page_shows_the_rules_grade_bands(monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world()
    monkeypatch.setattr(rules, "GRADE_BANDS", ((95, "优秀"), (85, "良好"), (70, "合格")))
    html = _client(world.users["finance"]).get(f"/funds/performance/{COUNTY}/{world.year}/").content.decode()
    assert "等级：优秀 ≥ 95，良好 ≥ 85，合格 ≥ 70，其余不合格。" in html


def test_p14_the_prefecture_ranking_downloads_as_xlsx_with_every_county_and_is_audited() -> None:
    world = build_world()
    user = world.users["prefecture_finance"]
    response = _client(user).get(f"/funds/performance/{world.year}/ranking.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = _sheets(response.content)["排名"]
    header = sheet[1]
    assert header[:6] == ["名次", "县(市)代码", "县(市)", "总分", "等级", "说明"]
    assert header[6:8] == ["支出进度得分率（%）", "支出进度加权得分（权重30）"]
    rows = sheet[2:14]
    assert [row[0] for row in rows] == [1, 2, *["—"] * 10]
    nanjian = next(row for row in rows if row[1] == COUNTY)
    evaluation = county_evaluation(Division.objects.get(code=COUNTY), world.year)
    assert (Decimal(str(nanjian[3])), nanjian[4]) == (Decimal("35.83"), "不合格")
    for k, indicator in enumerate(evaluation.indicators):
        assert Decimal(str(nanjian[6 + 2 * k])) == indicator.value
        assert Decimal(str(nanjian[7 + 2 * k])) == indicator.score
    assert next(row for row in rows if row[1] == OTHER_COUNTY)[5] == "总分" + RESCALED_MARK
    assert all(row[3] == "不适用" and row[5] == UNSCORED_NOTHING + "，不参与排名" for row in rows[2:])
    cited = {row[0]: row[1] for row in sheet[14:] if row and row[0]}
    assert f"第{evaluation.citation['version']}版" in cited["权重依据"]
    event = AuditEvent.objects.get(action="fund.export", actor=user)
    assert event.new_values["report"] == "绩效评价（排名）" and event.new_values["budget_year"] == world.year
    assert event.new_values["version"] == evaluation.citation["version"]
    # a year outside the 衔接 period: 404
    assert _client(user).get("/funds/performance/1999/ranking.xlsx").status_code == 404
