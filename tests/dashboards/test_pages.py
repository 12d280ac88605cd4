"""The dashboard pages (issue 21): a card per figure for the reader's place, the table view whose numbers are the
payload's and link to their records, the .xlsx of the same numbers (audited), all scoped to the reader."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from tests.conftest import COUNTY, OTHER_COUNTY, TOWNSHIP, VILLAGE
from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.dashboards.payload import figure_payload
from zhenxing.dashboards.selectors import current_run, figure_data, figures_for_user
from zhenxing.divisions.models import Division

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """Each table's rows by data-testid: (row key, [(data-value, link or '')]) — the numbers as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
        self._table = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "table" and "data-testid" in found:
            self._table = found["data-testid"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table and ("data-code" in found or "data-period" in found):
            self.tables[self._table].append((found.get("data-code") or found.get("data-period", ""), []))
        elif tag == "td" and self._table and "data-value" in found:
            self._cell = [found["data-value"], ""]
            self.tables[self._table][-1][1].append(("", ""))
        elif tag == "a" and self._cell is not None:
            self._cell[1] = found.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.tables[self._table][-1][1][-1] = (self._cell[0], self._cell[1])
            self._cell = None
        elif tag == "table":
            self._table = ""


def _tables(html: str) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_for_each_level_their_tables_and_downloads_equal_the_payload_and_stay_in_scope(
    clock_at, shipped_data
) -> None:  # type: ignore[no-untyped-def]
    # given a synthetic Dali counted, and readers at each level
    clock_at(TODAY)
    dashboard_world(freeze_and_assess=False)
    prefecture = make_user(Role.PREFECTURE, "5329", username="p_zhou")
    county = make_user(Role.COUNTY, COUNTY, username="p_xian")
    township = make_user(Role.TOWNSHIP, TOWNSHIP, username="p_zhen")
    village = make_user(Role.VILLAGE, VILLAGE, username="p_cun")
    run = current_run()
    assert run is not None

    # when each opens the dashboard: their own place, a card per figure with its chart, table and download
    for user, code, children in (
        (prefecture, "5329", 12),
        (county, COUNTY, None),
        (township, TOWNSHIP, None),
    ):
        place = Division.objects.get(code=code)
        figures = figures_for_user(user=user, place=place)
        reader = _client(user)
        with CaptureQueriesContext(connection) as queries:
            response = reader.get("/dashboards/")
        # the page reads stored rows only: one query per figure, below the prefecture one for every figure's
        # periods, one for the children's names of all figures (a figure's drill link may look up what it links
        # to — figures/planning.py's frozen year's period)
        sql = [q["sql"] for q in queries.captured_queries if "planning_period" not in q["sql"]]
        assert sum('"dashboards_aggregate"' in q for q in sql) == len(figures) + (code != "5329")
        assert sum('"divisions_division"."parent_id" =' in q for q in sql) == 1
        assert len(sql) <= 10 + len(figures), sql
        assert response.status_code == 200
        # under the site's policy: no inline script or style (the charts draw their tooltips on the canvas)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe" not in policy
        html = response.content.decode()
        assert 'data-figure="monitoring"' in html and 'id="dashboard-data"' in html
        assert "数据截至 2026年3月2日" in html
        assert html.count('data-testid="table-link"') == len(figures) >= 1
        data = json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
        monitoring = next(p for p in data["figures"] if p["key"] == "monitoring")
        expected = Division.objects.filter(parent=place).count()
        assert len(monitoring["rows"]) == expected == (children or expected) > 0
        assert monitoring["place"]["code"] == code

    # a county reader may drill into a township, not into another county; a village reader has no dashboard
    county_client = _client(county)
    page = county_client.get(f"/dashboards/?place={TOWNSHIP}")
    assert page.status_code == 200 and "南涧镇" in page.content.decode()
    assert 'href="/dashboards/?place=5329"' not in page.content.decode()  # its crumbs start at its county
    assert county_client.get(f"/dashboards/?place={OTHER_COUNTY}").status_code == 404
    assert county_client.get(f"/dashboards/figures/monitoring/?place={OTHER_COUNTY}").status_code == 404
    assert county_client.get(f"/dashboards/figures/monitoring.xlsx?place={OTHER_COUNTY}").status_code == 404
    assert county_client.get("/dashboards/figures/no_such_figure/").status_code == 404
    assert _client(village).get("/dashboards/").status_code == 403

    # when the prefecture opens the monitoring table: every number is the payload's, linked to its records
    place = Division.objects.get(code="5329")
    figure = next(f for f in figures_for_user(user=prefecture, place=place) if f.key == "monitoring")
    payload = figure_payload(figure_data(run=run, figure=figure, place=place))
    client = _client(prefecture)
    response = client.get("/dashboards/figures/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    tables = _tables(html)
    shown = dict(tables["table-place"])
    assert list(shown) == [row["code"] for row in payload["rows"]] + ["5329"]
    for row in [*payload["rows"], payload["total"]]:
        assert [value for value, _ in shown[row["code"]]] == [_as_text(v) for v in row["values"]]
        for (value, link), drill in zip(shown[row["code"]], row["links"], strict=True):
            assert link == (drill if value else "")
    assert f'href="/dashboards/?place={payload["rows"][0]["code"]}"' in html  # a county drills down a level
    over_time = dict(tables["table-time"])
    assert len(over_time) == 24
    for point in payload["over_time"]:
        assert [value for value, _ in over_time[point["period"]]] == [_as_text(v) for v in point["values"]]
    total_measure = [m["key"] for m in payload["measures"]].index("total")
    assert int(shown["5329"][total_measure][0]) > 0

    # when it downloads the figure: the same numbers, by place and by month, with units and 口径; audited
    download = client.get("/dashboards/figures/monitoring.xlsx")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(download.content))
    assert book.sheet_names == ["按地区", "按月"]
    places = book.get_sheet_by_name("按地区").to_python()
    assert str(places[1][0]).startswith("口径：")
    header = places[3]
    assert header[:2] == ["区划代码", "地区"] and "（户）" in str(header[2])
    by_code = {str(line[0]): line[2:] for line in places[4:]}
    for code, cells in shown.items():
        assert [_as_text(int(v)) if v != "" else "" for v in by_code[code]] == [value for value, _ in cells]
    months = book.get_sheet_by_name("按月").to_python()
    by_month = {str(line[0]): line[1:] for line in months[4:]}
    for period, cells in over_time.items():
        assert [_as_text(int(v)) if v != "" else "" for v in by_month[period]] == [
            value for value, _ in cells
        ]
    event = AuditEvent.objects.get(action="dashboards.export", actor=prefecture)
    assert event.new_values == {"figure": "monitoring", "place": "5329"}
    assert event.target_id == str(run.pk)


def test_without_a_run_the_dashboard_says_how_to_count_and_draws_nothing(clock_at, shipped_data) -> None:  # type: ignore[no-untyped-def]
    # given no refresh has run yet
    clock_at(TODAY)
    county = make_user(Role.COUNTY, COUNTY, username="e_xian")
    # when the county opens its dashboard and a figure's table
    client = _client(county)
    response = client.get("/dashboards/")
    table = client.get("/dashboards/figures/monitoring/")
    # then both say the numbers are not counted yet, with the command to run; no chart data is sent
    assert response.status_code == 200 and table.status_code == 200
    html = response.content.decode()
    assert "尚未统计" in html and "<code>zhenxing dashboards refresh</code>" in html
    assert 'id="dashboard-data"' not in html and "data-figure=" not in html
    assert "<code>zhenxing dashboards refresh</code>" in table.content.decode()
