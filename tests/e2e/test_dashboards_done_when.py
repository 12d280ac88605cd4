"""Issue 21's done-when in a browser: at 1920 and 375 px, as the prefecture and as a county user, the dashboard and
the map open (every chart and the map drawn, no CSP violation or script error — the page fixture fails on one —
axe-core without a critical or serious violation); the prefecture clicks a county on the map, reaches its
dashboard, clicks a township's bar and reaches its records, as many as an independent SQL count; a chart's
numbers downloaded as .xlsx equal an independent SQL count, place by place."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.dashboards.world import TODAY, dashboard_world
from zhenxing.accounts.enums import Role
from zhenxing.divisions.models import Division

from ..conftest import COUNTY, PREFECTURE
from ..factories import make_user
from .phone import as_user, fits
from .test_county_map_browser import _click_county, _map_drawn, _serious
from .test_dashboard_browser import BIGGEST_BAR, CANVASES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


def _monitored(prefix: str) -> dict[str, dict[str, int]]:
    """Independent of the app: households monitored on TODAY by type, per child of the place `prefix` (the
    child's code read from the division tree by joins, never cut from the case's code)."""
    level_join = {
        6: "JOIN divisions_division t ON t.id = v.parent_id",  # a county's townships
        4: "JOIN divisions_division u ON u.id = v.parent_id JOIN divisions_division t ON t.id = u.parent_id",
    }[len(prefix)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT t.code, k.monitoring_type, COUNT(*) FROM monitoring_case k
                JOIN divisions_division v ON v.code = k.village_code {level_join}
                WHERE k.status IN ('confirmed', 'elim_evaluation', 'elim_village', 'elim_township',
                                   'elim_county', 'eliminated')
                  AND k.identified_on <= %s AND (k.eliminated_on IS NULL OR k.eliminated_on > %s)
                  AND k.village_code LIKE %s
                GROUP BY t.code, k.monitoring_type""",  # noqa: S608 - the join is one of two constants
            [TODAY, TODAY, prefix + "%"],
        )
        counts: dict[str, dict[str, int]] = {}
        for code, kind, n in cursor.fetchall():
            counts.setdefault(code, {})[kind] = n
        return counts


def _drawn_and_clean(page: Page) -> None:
    expect(page.locator(".chart canvas").first).to_be_attached()
    page.wait_for_timeout(300)
    charts = page.evaluate(CANVASES)
    assert charts and all(c["drawn"] for c in charts), charts
    assert _serious(page) == []


def _download(page: Page, figure: str, folder: str) -> list[list[object]]:
    with page.expect_download() as download:
        page.get_by_test_id(f"figure-{figure}").get_by_test_id("xlsx-link").click()
    path = f"{folder}/{figure}.xlsx"
    download.value.save_as(path)
    return CalamineWorkbook.from_path(path).get_sheet_by_name("按地区").to_python()


@pytest.mark.parametrize("width", [1920, 375])
def test_dashboard_and_map_as_prefecture_and_county_click_through_and_download_match_sql(
    live_server: object, page: Page, clock_at: Callable[..., object], width: int, tmp_path: object
) -> None:
    # given a synthetic Dali, 2025 frozen and assessed, counted; the prefecture and 南涧's county user
    base = str(live_server)
    clock_at(TODAY)
    dashboard_world()
    make_user(Role.PREFECTURE, PREFECTURE, username="dw_zhou")
    make_user(Role.COUNTY, COUNTY, username="dw_xian")
    page.set_viewport_size({"width": width, "height": 1080 if width > 1000 else 740})

    # when the prefecture opens its dashboard and the map
    as_user(page, base, "dw_zhou")
    page.goto(f"{base}/dashboards/")
    _drawn_and_clean(page)
    if width == 375:
        fits(page)
    # then the downloaded numbers of the monitoring chart are the independent count, county by county
    rows = _download(page, "monitoring", str(tmp_path))
    header = [str(cell) for cell in rows[3]]
    expected = _monitored(PREFECTURE)
    counties = set(Division.objects.filter(parent__code=PREFECTURE).values_list("code", flat=True))
    listed = {str(row[0]): row for row in rows[4:] if str(row[0]) in counties}
    assert set(listed) == counties
    for code, row in listed.items():
        for kind in TYPES:
            column = next(i for i, text in enumerate(header) if text.startswith(kind))
            assert int(row[column] or 0) == expected.get(code, {}).get(kind, 0), (code, kind)
    assert sum(sum(by_type.values()) for by_type in expected.values()) > 0

    page.goto(f"{base}/dashboards/map/")
    _map_drawn(page)
    assert _serious(page) == []
    # when it clicks 南涧 on the map
    _click_county(page, COUNTY)
    # then it reaches 南涧's dashboard, drawn for its townships
    page.wait_for_url(re.compile(rf"/dashboards/\?place={COUNTY}$"))
    _drawn_and_clean(page)
    # when it clicks the biggest township bar of the monitoring chart
    names = page.evaluate(
        "JSON.parse(document.getElementById('dashboard-data').textContent).figures[0].rows.map((r) => [r.code, r.name])"
    )
    page.locator('.chart[data-figure="monitoring"][data-kind="place"]').scroll_into_view_if_needed()
    bar = page.evaluate(BIGGEST_BAR, "monitoring")
    township, township_name = names[bar["row"]]
    page.mouse.click(bar["x"], bar["y"])
    # then it reaches that township's monitored households of the bar's type, as many as SQL counts
    expect(page.get_by_test_id("case-filters")).to_contain_text(township_name)
    kind = parse_qs(urlsplit(page.url).query)["type"][0]
    total = int(
        page.get_by_test_id("total").first.inner_text().split("共")[1].split("条")[0].replace(",", "")
    )
    assert total == _monitored(COUNTY)[township][kind] == bar["value"] > 0

    # when the county user opens the dashboard and the map
    as_user(page, base, "dw_xian")
    page.goto(f"{base}/dashboards/")
    _drawn_and_clean(page)
    if width == 375:
        fits(page)
    # then its download lists its townships with the independent count
    rows = _download(page, "monitoring", str(tmp_path))
    header = [str(cell) for cell in rows[3]]
    expected = _monitored(COUNTY)
    for row in rows[4:]:
        code = str(row[0])
        if code in expected:
            column = next(i for i, text in enumerate(header) if text.startswith(TYPES[0]))
            assert int(row[column] or 0) == expected[code].get(TYPES[0], 0), code
    page.goto(f"{base}/dashboards/map/")
    _map_drawn(page)
    assert _serious(page) == []
    # and clicking its own county opens its dashboard
    _click_county(page, COUNTY)
    page.wait_for_url(re.compile(rf"/dashboards/\?place={COUNTY}$"))
