"""绩效评价 pages and reports (P14): who opens which route (PERFORMANCE_ROUTES, for the jurisdiction matrix), the
county page explaining every indicator down to its projects, the .xlsx reports read back with their numbers
matching the page, formula text kept as text, and every download audited."""

from __future__ import annotations

import io
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
from zhenxing.funds.performance import ALLOCATION_FACTOR, county_evaluation

from .builders import library_project
from .performance_world import build_world

pytestmark = pytest.mark.django_db

# route name → URL, from ids: "county" (a county code), "year", "project" (a project's pk)
PERFORMANCE_ROUTES: dict[str, Callable[[dict[str, Any]], str]] = {
    "funds:performance_county": lambda ids: f"/funds/performance/{ids['county']}/{ids['year']}/",
    "funds:performance_county_xlsx": lambda ids: f"/funds/performance/{ids['county']}/{ids['year']}/xlsx",
    "funds:performance_project_xlsx": lambda ids: f"/funds/projects/{ids['project']}/performance.xlsx",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_p14_performance_routes_by_role() -> None:
    """In scope: 200; another county's finance bureau: 404; a role without VIEW_FUNDS: 403."""
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
