"""The county map in a browser (issue 21): at 1920 and 375 px the prefecture sees the map drawn on its canvas under
the Content-Security-Policy (the page fixture fails the test on any violation or script error), clicks a county
and lands on that county's dashboard; a county user sees the other counties without numbers; axe-core reports no
critical or serious violation. With ZHENXING_COUNTY_GEOJSON set the same runs over the real boundaries."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.dashboards.world import TODAY, dashboard_world
from zhenxing.accounts.enums import Role
from zhenxing.dashboards.county_map import county_geometry

from ..conftest import COUNTY, PREFECTURE
from ..factories import make_user
from .phone import as_user, fits, shot
from .smoke_checks import AXE_RUN, axe_source

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PIXEL = """([lon, lat]) => {
  const el = document.getElementById("county-map");
  const chart = echarts.getInstanceByDom(el);
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [lon, lat]);
  // the point in the middle of the viewport (a mouse cannot click below the fold)
  window.scrollBy(0, el.getBoundingClientRect().top + y - window.innerHeight / 2);
  const box = el.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


def _serious(page: Page) -> list[str]:
    page.evaluate(axe_source())
    found = page.evaluate(AXE_RUN)
    return [f"{v['id']} {v['targets']}" for v in found if v["impact"] in ("critical", "serious")]


def _map_drawn(page: Page) -> None:
    expect(page.locator("#county-map[data-ready='1'] canvas").first).to_be_visible()
    # the canvas has been painted, not just created
    assert page.evaluate(
        "() => { const c = document.querySelector('#county-map canvas'); return c.width > 200 && c.height > 200; }"
    )


def _click_county(page: Page, code: str, hovered: str = "") -> None:
    centre = county_geometry().centers[code]
    x, y = page.evaluate(PIXEL, centre)
    page.mouse.move(x, y)  # the tooltip (drawn on the canvas: no inline style for the CSP to refuse)
    if hovered:
        page.wait_for_timeout(200)
        shot(page, hovered)
    page.mouse.click(x, y)


@pytest.mark.parametrize("width", [1920, 375])
def test_the_prefecture_sees_the_map_and_clicks_through_to_a_county(
    live_server: object, page: Page, clock_at: Callable[..., object], width: int
) -> None:
    # given a synthetic Dali counted and the prefecture signed in at the width
    base = str(live_server)
    clock_at(TODAY)
    dashboard_world(freeze_and_assess=False)
    make_user(Role.PREFECTURE, PREFECTURE, username="map_zhou")
    make_user(Role.COUNTY, COUNTY, username="map_xian")
    page.set_viewport_size({"width": width, "height": 1080 if width > 1000 else 740})
    as_user(page, base, "map_zhou")
    kind = county_geometry().kind

    # when the map is opened
    page.goto(f"{base}/dashboards/map/")
    shot(page, f"county-map-{kind}-{width}")
    # then it is drawn, the table lists the 12 counties with numbers, and nothing spills sideways on a phone
    _map_drawn(page)
    expect(page.get_by_test_id("map-table").locator("tbody tr")).to_have_count(12)
    expect(page.get_by_test_id("map-table").locator("td[data-value='']")).to_have_count(0)
    if width == 375:
        fits(page)
        box = page.locator("#county-map").bounding_box()
        assert box is not None and box["width"] <= 375 and box["height"] > 250
    else:
        box = page.locator("#county-map").bounding_box()
        assert box is not None and box["width"] > 900 and box["height"] > 560
    assert _serious(page) == []

    # when the prefecture chooses another measure
    page.locator("#map-measure").select_option(label="边缘易致贫户（户）")
    page.get_by_role("button", name="显示").click()
    # then the map is drawn for it, its legend and table in 户
    page.wait_for_url(re.compile(r"figure=monitoring&measure=%E8%BE%B9"))
    _map_drawn(page)
    expect(page.get_by_test_id("map-table").locator("caption")).to_contain_text("边缘易致贫户（户）")

    # when the prefecture clicks 南涧 on the map
    _click_county(page, COUNTY, hovered=f"county-map-{kind}-{width}-hover")
    # then it lands on 南涧's dashboard
    page.wait_for_url(re.compile(rf"/dashboards/\?place={COUNTY}$"))

    # when the county user opens the map
    as_user(page, base, "map_xian")
    page.goto(f"{base}/dashboards/map/")
    _map_drawn(page)
    # then only its own county has a number
    expect(page.get_by_test_id("map-table").locator("td[data-value='']")).to_have_count(11)
    assert _serious(page) == []
    shot(page, f"county-map-{kind}-{width}-county")
    # and clicking another county goes nowhere
    _click_county(page, "532901")
    page.wait_for_timeout(300)
    assert page.url.endswith("/dashboards/map/")
