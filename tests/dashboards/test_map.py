"""The county map (issue 21, "The map"): the schematic tiles keep the counties' real relative positions; a
configured boundary file is served, a wrong one falls back to the tiles with the reason on the page; the page,
its table and its .xlsx show the numbers county_map_for_user gives, the other counties blank for a county user;
the download is audited."""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import COUNTY, PREFECTURE
from tests.dashboards.world import TODAY, dashboard_world
from tests.factories import make_user
from zhenxing.accounts.enums import Role
from zhenxing.audit.models import AuditEvent
from zhenxing.dashboards import county_map
from zhenxing.dashboards.figures.base import FIGURES
from zhenxing.dashboards.payload import number
from zhenxing.dashboards.selectors import county_map_for_user

pytestmark = pytest.mark.django_db

# The area centroids (lon, lat) of the county polygons in ../shared/data/dali_counties.geojson.
CENTROIDS = {
    "532901": (100.21, 25.71),
    "532922": (99.87, 25.57),
    "532923": (100.76, 25.51),
    "532924": (100.63, 25.85),
    "532925": (100.60, 25.15),
    "532926": (100.42, 24.91),
    "532927": (100.17, 25.24),
    "532928": (99.61, 25.41),
    "532929": (99.31, 25.86),
    "532930": (99.88, 26.09),
    "532931": (99.75, 26.41),
    "532932": (100.29, 26.35),
}


def _square(lon: float, lat: float, code: str) -> dict[str, object]:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"adcode": code, "name": "x"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _collection(codes: list[str]) -> dict[str, object]:
    return {"type": "FeatureCollection", "features": [_square(*CENTROIDS[code], code) for code in codes]}


def _tile_centres() -> dict[str, list[float]]:
    return {f["properties"]["adcode"]: f["properties"]["cp"] for f in county_map.tile_geojson()["features"]}


def test_the_tiles_are_the_12_counties_laid_out_as_their_centroids() -> None:
    # when the tiles are built
    tiles = county_map.tile_geojson()
    # then there are 12 squares, one per county
    codes = [f["properties"]["adcode"] for f in tiles["features"]]
    assert sorted(codes) == sorted(CENTROIDS)
    assert {f["geometry"]["type"] for f in tiles["features"]} == {"Polygon"}
    # and no pair of counties is swapped east-west or north-south (all 66 pairs)
    centres = _tile_centres()
    for a, b in itertools.combinations(CENTROIDS, 2):
        if centres[a][0] < centres[b][0]:
            assert CENTROIDS[a][0] < CENTROIDS[b][0], (a, b)
        if centres[a][1] < centres[b][1]:
            assert CENTROIDS[a][1] < CENTROIDS[b][1], (a, b)
    # e.g. 云龙 west of 大理市, 剑川 north of 南涧, 巍山 west of 弥渡 and south of 漾濞
    assert centres["532929"][0] < centres["532901"][0]
    assert centres["532931"][1] > centres["532926"][1]
    assert centres["532927"][0] < centres["532925"][0] and centres["532927"][1] < centres["532922"][1]
    # and the tiles do not overlap (distinct grid cells)
    assert len({tuple(c) for c in centres.values()}) == 12


def test_without_configuration_the_geometry_is_the_tiles(
    client: Client, settings: Any, shipped_data: None
) -> None:
    settings.ZHENXING_COUNTY_GEOJSON = ""
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE, username="m_zhou"))
    served = client.get("/dashboards/map/geometry.json").json()
    assert served == county_map.tile_geojson()
    page = client.get("/dashboards/map/")
    assert page.status_code == 200
    assert 'data-kind="tiles"' in page.content.decode()


def test_a_configured_file_is_served_and_a_wrong_one_falls_back_with_the_reason(
    client: Client,
    tmp_path: Path,
    settings: Any,
    shipped_data: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE, username="m_zhou"))
    # given a valid boundary file of the 12 counties
    good = tmp_path / "counties.geojson"
    good.write_text(json.dumps(_collection(list(CENTROIDS))), encoding="utf-8")
    settings.ZHENXING_COUNTY_GEOJSON = str(good)
    # then its polygons are served (with a label point inside each square), and the page draws boundaries
    served = client.get("/dashboards/map/geometry.json").json()
    assert len(served["features"]) == 12
    by_code = {f["properties"]["adcode"]: f for f in served["features"]}
    lon, lat = CENTROIDS["532926"]
    assert by_code["532926"]["geometry"]["coordinates"][0][0] == [lon, lat]
    assert by_code["532926"]["properties"]["cp"] == [round(lon + 0.05, 5), round(lat + 0.05, 5)]
    body = client.get("/dashboards/map/").content.decode()
    assert 'data-kind="boundaries"' in body and "map-geometry-error" not in body

    # given a file missing a county, one with a foreign code, one that is not JSON, and one that is not there
    cases = {
        "missing.geojson": (json.dumps(_collection(list(CENTROIDS)[:11])), "缺少鹤庆县"),
        "foreign.geojson": (json.dumps(_collection(list(CENTROIDS))).replace("532932", "530102"), "530102"),
        "broken.geojson": ("{not json", "无法读取"),
    }
    for name, (text, reason) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        settings.ZHENXING_COUNTY_GEOJSON = str(path)
        # then the tiles are served and the page says why, never an error page
        assert client.get("/dashboards/map/geometry.json").json() == county_map.tile_geojson(), name
        page = client.get("/dashboards/map/")
        assert page.status_code == 200
        body = page.content.decode()
        assert 'data-kind="tiles"' in body and "map-geometry-error" in body and reason in body, name
        # and the log names the file and the reason
        assert any(str(path) in r.getMessage() and reason in r.getMessage() for r in caplog.records), name
    settings.ZHENXING_COUNTY_GEOJSON = str(tmp_path / "nowhere.geojson")
    body = client.get("/dashboards/map/").content.decode()
    assert "文件不存在" in body and 'data-kind="tiles"' in body


def _table(body: str) -> dict[str, str]:
    """county code → the value cell's data-value ('' when blank)."""
    return dict(re.findall(r'<tr data-code="(\d{6})"><td[^>]*>[^<]*</td><td[^>]*data-value="([^"]*)"', body))


def _shown(value: object) -> str:
    return "" if value is None else str(number(value))  # type: ignore[arg-type]


def test_the_page_table_and_xlsx_show_the_selectors_numbers_and_the_download_is_audited(
    client: Client, clock_at: Callable[..., object], shipped_data: None
) -> None:
    # given a synthetic Dali counted
    clock_at(TODAY)
    run = dashboard_world(freeze_and_assess=False)
    prefecture = make_user(Role.PREFECTURE, PREFECTURE, username="m_zhou")
    county = make_user(Role.COUNTY, COUNTY, username="m_xian")
    figure = FIGURES["monitoring"]

    # when the prefecture opens the map (default: monitoring, total)
    client.force_login(prefecture)
    page = client.get("/dashboards/map/")
    assert page.status_code == 200
    _, expected = county_map_for_user(user=prefecture, figure=figure, measure_key="total")
    table = _table(page.content.decode())
    # then every county's number is the selector's, and there are some
    assert table == {c.code: _shown(c.value) for c in expected}
    assert sum(int(v) for v in table.values()) > 0
    data = page.context["map_data"]
    assert [(r["code"], r["value"]) for r in data["rows"]] == [(c.code, number(c.value)) for c in expected]
    # and another measure is honoured
    page = client.get("/dashboards/map/?figure=monitoring&measure=边缘易致贫户")
    _, edge = county_map_for_user(user=prefecture, figure=figure, measure_key="边缘易致贫户")
    assert _table(page.content.decode()) == {c.code: _shown(c.value) for c in edge}

    # when the prefecture downloads the numbers
    response = client.get("/dashboards/map/export.xlsx?figure=monitoring&measure=total")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    rows = {row[0]: row[2] for row in sheet[4:]}
    # then the workbook holds the table's numbers
    assert {code: f"{value:.0f}" for code, value in rows.items()} == table
    assert sheet[3][2] == "合计（户）"
    # and the download is audited
    event = AuditEvent.objects.get(action="dashboards.export", actor=prefecture)
    assert event.new_values is not None
    assert event.new_values["figure"] == "monitoring" and event.new_values["place"] == "map"
    assert event.target_id == str(run.pk)

    # when the county user opens the map
    client.force_login(county)
    page = client.get("/dashboards/map/")
    assert page.status_code == 200
    body = page.content.decode()
    table = _table(body)
    # then only its own county has a number, the others are blank and not linked
    assert table[COUNTY] == _shown(next(c.value for c in expected if c.code == COUNTY))
    assert all(value == "" for code, value in table.items() if code != COUNTY)
    assert body.count("不在管辖范围") == 11
    assert f"?place={COUNTY}" in body and "?place=532901" not in body
    # and its download leaves the other counties without numbers
    sheet = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(client.get("/dashboards/map/export.xlsx?figure=monitoring").content)
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    values = {row[0]: row[2] for row in sheet[4:]}
    assert values["532901"] == "不在管辖范围" and values[COUNTY] == float(table[COUNTY])


def test_an_unknown_figure_is_not_found_an_unknown_measure_falls_back_and_a_village_is_refused(
    client: Client, shipped_data: None
) -> None:
    client.force_login(make_user(Role.PREFECTURE, PREFECTURE, username="m_zhou"))
    assert client.get("/dashboards/map/?figure=nothing").status_code == 404
    # a measure the figure lacks falls back to its map measure
    page = client.get("/dashboards/map/?figure=monitoring&measure=nothing")
    assert page.status_code == 200 and page.context["measure"].key == "total"
    client.force_login(make_user(Role.VILLAGE, "532926101202", username="m_cun"))
    assert client.get("/dashboards/map/").status_code == 403
    assert client.get("/dashboards/map/export.xlsx").status_code == 403
