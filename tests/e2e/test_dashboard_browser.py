"""The dashboard in a browser (issue 21): at 1920 px (a meeting-room screen) and 375 px (a phone), as the
prefecture and as a county, every chart draws on its canvas under the Content-Security-Policy with no violation
(tooltips are drawn on the canvas, not as styled markup), a bar and a table number each open the list of records
behind them with that many records, and axe-core finds no critical or serious problem. Screenshots go to
build/dashboards/ for a person to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.dashboards.test_refresh import _monitored_by_county_and_type
from tests.dashboards.world import TODAY, dashboard_world
from zhenxing.accounts.enums import Role

from ..conftest import COUNTY, PREFECTURE, TOWNSHIP
from ..factories import make_user
from .phone import as_user, fits
from .smoke_checks import Result, check_page, run_axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "build" / "dashboards"

# Every chart's canvas, and whether it has more than one colour on it (a blank canvas is one colour).
CANVASES = """() => [...document.querySelectorAll('.chart')].map((el) => {
  const canvas = el.querySelector('canvas');
  if (!canvas) return {figure: el.dataset.figure, kind: el.dataset.kind, drawn: false, height: 0};
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length && colours.size < 3; i += 4 * 97) colours.add(data[i] + ',' + data[i+1] + ',' + data[i+2]);
  return {figure: el.dataset.figure, kind: el.dataset.kind, drawn: colours.size > 2,
          height: el.getBoundingClientRect().height};
})"""

# Where on the page the biggest bar is (its middle; a stacked bar starts where the ones before it end), with its
# place and value.
BIGGEST_BAR = """(key) => {
  const el = document.querySelector(`.chart[data-figure="${key}"][data-kind="place"]`);
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  let best = {s: 0, i: 0, value: 0};
  option.series.forEach((series, s) => series.data.forEach((v, i) => {
    if ((v || 0) > best.value) best = {s, i, value: v};
  }));
  const series = option.series[best.s];
  let offset = 0;
  if (series.stack) option.series.slice(0, best.s).forEach((other) => { offset += other.data[best.i] || 0; });
  const [x, y] = chart.convertToPixel({xAxisIndex: series.xAxisIndex || 0, yAxisIndex: 0},
                                      [offset + best.value / 2, best.i]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, value: best.value, row: best.i};
}"""


def _look(page: Page, name: str, width: int, role: str) -> None:
    """Charts drawn, the page laid out without problems, axe-core clean; a screenshot for a person to check."""
    expect(page.locator(".chart canvas").first).to_be_attached()
    page.wait_for_timeout(300)
    charts: list[dict[str, Any]] = page.evaluate(CANVASES)
    assert charts and all(c["drawn"] for c in charts), charts
    result = Result(role, "/dashboards/", name, page.url, width, 200)
    check_page(page, result)
    run_axe(page, result)
    assert not result.problems, result.problems
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _download_matches_sql(page: Page) -> None:
    with page.expect_download() as download:
        page.get_by_test_id("figure-monitoring").get_by_test_id("xlsx-link").click()
    sheet = CalamineWorkbook.from_path(str(download.value.path())).get_sheet_by_name("按地区").to_python()
    header = [str(cell) for cell in sheet[3]]
    expected = _monitored_by_county_and_type(TODAY.isoformat())
    assert sum(expected.values()) > 0
    rows = {str(line[0]): line for line in sheet[4:]}
    assert len(rows) == 13  # 12 counties and the prefecture
    for kind in ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"):
        column = header.index(f"{kind}（户）")
        for code, line in rows.items():
            counted = sum(
                n for (c, k), n in expected.items() if k == kind and (code == PREFECTURE or c == code)
            )
            assert line[column] == counted, (code, kind)


def _total_shown(page: Page) -> int:
    text = page.get_by_test_id("total").first.inner_text()
    return int(text.split("共")[1].split("条")[0].strip().replace(",", ""))


def test_the_dashboard_draws_and_drills_at_1920_and_375_px_as_the_prefecture_and_a_county(
    live_server: object, page: Page, clock_at
) -> None:  # type: ignore[no-untyped-def]
    # given a synthetic Dali counted, a prefecture and a county reader
    clock_at(TODAY)
    dashboard_world(freeze_and_assess=False)
    make_user(Role.PREFECTURE, PREFECTURE, username="dash_zhou")
    make_user(Role.COUNTY, COUNTY, username="dash_xian")
    base = str(live_server)

    for username, role in (("dash_zhou", "prefecture"), ("dash_xian", "county")):
        as_user(page, base, username)
        # at a meeting-room screen: cards side by side, every chart drawn
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.goto(f"{base}/dashboards/")
        expect(page.get_by_test_id("as-of")).to_contain_text("数据截至")
        _look(page, role, 1920, role)
        columns = page.evaluate(
            "getComputedStyle(document.querySelector('.figure-grid')).gridTemplateColumns.split(' ').length"
        )
        assert columns >= 2, columns
        if role == "prefecture":  # the card's download: each county's numbers as an independent SQL count
            _download_matches_sql(page)
        # hovering a bar shows its tooltip (drawn on the canvas: no style="" markup for the policy to block)
        bar = page.evaluate(BIGGEST_BAR, "monitoring")
        page.mouse.move(bar["x"], bar["y"])
        page.wait_for_timeout(300)
        page.goto(f"{base}/dashboards/figures/monitoring/")
        page.screenshot(path=str(SHOTS / f"{role}-table-1920.png"), full_page=True)
        # on a phone: one column, nothing wider than the screen, the rows still readable
        page.set_viewport_size({"width": 375, "height": 740})
        page.goto(f"{base}/dashboards/")
        _look(page, role, 375, role)
        fits(page)
        charts = page.evaluate(CANVASES)
        place_chart = next(c for c in charts if c["figure"] == "monitoring" and c["kind"] == "place")
        rows = (
            12
            if role == "prefecture"
            else page.evaluate(
                "JSON.parse(document.getElementById('dashboard-data').textContent).figures[0].rows.length"
            )
        )
        assert place_chart["height"] >= rows * 20, (place_chart, rows)  # ≥ 20 px a place

        if role == "county":  # a township's villages, one readable row each on a phone
            page.goto(f"{base}/dashboards/?place={TOWNSHIP}")
            _look(page, "township", 375, role)
            villages = page.evaluate(
                "JSON.parse(document.getElementById('dashboard-data').textContent).figures[0].rows.length"
            )
            height = next(c for c in page.evaluate(CANVASES) if c["kind"] == "place")["height"]
            assert villages > 3 and height >= villages * 20, (villages, height)
            page.goto(f"{base}/dashboards/")

        # when a bar is clicked: the records behind it, as many as the bar says
        bar = page.evaluate(BIGGEST_BAR, "monitoring")
        assert bar["value"] > 0
        page.locator('.chart[data-figure="monitoring"][data-kind="place"]').scroll_into_view_if_needed()
        names = page.evaluate(
            "JSON.parse(document.getElementById('dashboard-data').textContent).figures[0].rows.map((r) => r.name)"
        )
        bar = page.evaluate(BIGGEST_BAR, "monitoring")
        page.mouse.click(bar["x"], bar["y"])
        expect(page.get_by_test_id("case-filters")).to_contain_text(names[bar["row"]])
        assert "/cases/" in page.url and "tab=monitored" in page.url
        assert _total_shown(page) == bar["value"]

        # when a number in the table view is followed: the same
        page.goto(f"{base}/dashboards/")
        page.get_by_test_id("figure-monitoring").get_by_test_id("table-link").click()
        expect(page.get_by_test_id("table-place")).to_be_visible()
        result = Result(role, "/dashboards/figures/", "table", page.url, 375, 200)
        check_page(page, result)
        run_axe(page, result)
        assert not result.problems, result.problems
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{role}-table-375.png"), full_page=True)
        link = page.get_by_test_id("table-place").locator("tfoot td a").last  # the place's total
        number = int(link.inner_text().replace(",", ""))
        link.click()
        expect(page.get_by_test_id("case-list")).to_be_visible()
        assert _total_shown(page) == number > 0

    # a county in the prefecture's table opens that county's dashboard (a level down)
    as_user(page, base, "dash_zhou")
    page.goto(f"{base}/dashboards/figures/monitoring/")
    page.get_by_test_id("place-link").first.click()
    expect(page.get_by_test_id("crumbs")).to_contain_text("大理")
    assert "place=5329" in page.url
