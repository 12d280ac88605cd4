"""The county map's geometry, its rows and its .xlsx (issue 21, "The map").

Geometry: without configuration, a schematic tile map — 12 equal squares laid out by the counties' real relative
positions — so that the page needs no boundary file (none is shipped: its licence is the deployer's matter). With
`ZHENXING_COUNTY_GEOJSON` naming a GeoJSON FeatureCollection of the 12 counties (properties adcode, name), the
real boundaries are drawn instead. Both are served as GeoJSON, so the page draws either with the one ECharts
`map` series; a file that is missing or wrong falls back to the tiles with a Chinese sentence on the page and in
the log, never an error page.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from zhenxing.common.xlsx import Workbook
from zhenxing.dashboards.export import export_record
from zhenxing.dashboards.payload import number
from zhenxing.dashboards.selectors import MapCounty
from zhenxing.divisions.codes import PREFECTURE_CODE
from zhenxing.divisions.models import Division

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.dashboards.figures.base import Figure, Measure
    from zhenxing.dashboards.models import AggregateRun

log = logging.getLogger(__name__)

SETTING = "ZHENXING_COUNTY_GEOJSON"

# (column, row) of each county's tile, row 0 in the north. Derived from the area centroids (lon, lat) of the
# county polygons in ../shared/data/dali_counties.geojson:
#   剑川 99.75,26.41  鹤庆 100.29,26.35  云龙 99.31,25.86  洱源 99.88,26.09  宾川 100.63,25.85
#   永平 99.61,25.41  漾濞 99.87,25.57  大理市 100.21,25.71  祥云 100.76,25.51
#   巍山 100.17,25.24  弥渡 100.60,25.15  南涧 100.42,24.91
# For every pair of counties, a tile further east (column) or further north (row) is the county whose centroid
# is further east or north: no pair is swapped (tests/dashboards/test_map.py checks all 66 pairs).
TILES: dict[str, tuple[int, int]] = {
    "532931": (1, 0),  # 剑川县
    "532932": (3, 0),  # 鹤庆县
    "532929": (0, 1),  # 云龙县
    "532930": (2, 1),  # 洱源县
    "532924": (4, 1),  # 宾川县
    "532928": (1, 2),  # 永平县
    "532922": (2, 2),  # 漾濞彝族自治县
    "532901": (3, 2),  # 大理市
    "532923": (4, 2),  # 祥云县
    "532927": (3, 3),  # 巍山彝族回族自治县
    "532925": (4, 3),  # 弥渡县
    "532926": (3, 4),  # 南涧彝族自治县
}
COUNTY_CODES = frozenset(TILES)
# The short names drawn on the map (a tile has no room for 巍山彝族回族自治县); the table keeps the full name.
SHORT_NAMES: dict[str, str] = {
    "532901": "大理市",
    "532922": "漾濞",
    "532923": "祥云",
    "532924": "宾川",
    "532925": "弥渡",
    "532926": "南涧",
    "532927": "巍山",
    "532928": "永平",
    "532929": "云龙",
    "532930": "洱源",
    "532931": "剑川",
    "532932": "鹤庆",
}
COUNTY_NAMES: dict[str, str] = {
    "532901": "大理市",
    "532922": "漾濞彝族自治县",
    "532923": "祥云县",
    "532924": "宾川县",
    "532925": "弥渡县",
    "532926": "南涧彝族自治县",
    "532927": "巍山彝族回族自治县",
    "532928": "永平县",
    "532929": "云龙县",
    "532930": "洱源县",
    "532931": "剑川县",
    "532932": "鹤庆县",
}

# The tiles sit in degrees over Dali itself, so the page draws tiles and boundaries with the same settings. The
# page's aspectScale is cos(Dali's latitude) (a degree of longitude is that much shorter than one of latitude
# there): a tile ASPECT × its width tall in degrees is drawn square.
ASPECT = round(math.cos(math.radians(25.7)), 3)
WEST, NORTH = 99.2, 26.6  # the north-west corner of the grid
STEP = 0.36  # degrees of longitude from one tile to the next
SIDE = 0.32  # a tile's width in degrees of longitude (the rest is the gap between tiles)


@dataclass(frozen=True)
class Geometry:
    kind: str  # "tiles" or "boundaries"
    geojson: dict[str, Any]
    error: str = ""  # why a configured file was not used (the page says so above the tiles)
    source: str = ""  # the configured path, when boundaries are drawn
    centers: dict[str, list[float]] = field(default_factory=dict)  # adcode → [lon, lat] of the label


def _round(value: float) -> float:
    return round(value, 5)


def tile_geojson() -> dict[str, Any]:
    """The 12 tiles as a GeoJSON FeatureCollection: a square Polygon per county, properties adcode, name and cp
    (the label point, which ECharts reads)."""
    features = []
    for code, (column, row) in TILES.items():
        west = WEST + column * STEP
        north = NORTH - row * STEP * ASPECT
        east, south = west + SIDE, north - SIDE * ASPECT
        ring = [[west, north], [east, north], [east, south], [west, south], [west, north]]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": code,
                    "name": COUNTY_NAMES[code],
                    "cp": [_round((west + east) / 2), _round((north + south) / 2)],
                },
                "geometry": {"type": "Polygon", "coordinates": [[[_round(x), _round(y)] for x, y in ring]]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a ring's area centroid (shoelace); a degenerate ring gives its vertices' mean."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def label_point(geometry: dict[str, Any]) -> list[float]:
    """Where a county's name goes: the centroid of its largest outer ring (ECharts would use the middle of the
    bounding box, which for a bent county can lie outside it)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    best = max(
        (_ring_centroid([list(p[:2]) for p in polygon[0]]) for polygon in polygons), key=lambda c: c[0]
    )
    return [_round(best[1]), _round(best[2])]


class InvalidGeometry(ValueError):
    pass


def _validate(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InvalidGeometry("不是 GeoJSON 要素集合（FeatureCollection）")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidGeometry("没有任何要素（features）")
    seen: set[str] = set()
    for index, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        code = str(properties.get("adcode", ""))
        if code not in COUNTY_CODES:
            raise InvalidGeometry(f"第{index}个要素的 adcode「{code}」不是大理州的县（市）区划代码")
        if geometry.get("type") not in ("Polygon", "MultiPolygon") or not geometry.get("coordinates"):
            raise InvalidGeometry(
                f"第{index}个要素（{COUNTY_NAMES[code]}）不是多边形（Polygon/MultiPolygon）"
            )
        if code in seen:
            raise InvalidGeometry(f"{COUNTY_NAMES[code]}出现了不止一次")
        seen.add(code)
    missing = sorted(COUNTY_CODES - seen)
    if missing:
        raise InvalidGeometry("缺少" + "、".join(COUNTY_NAMES[code] for code in missing))
    return data


def _boundaries(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """The file reduced to what the page needs (adcode, name, label point), its coordinates untouched."""
    features, centers = [], {}
    for feature in data["features"]:
        code = str(feature["properties"]["adcode"])
        try:
            center = label_point(feature["geometry"])
        except (TypeError, ValueError, IndexError, KeyError) as error:
            raise InvalidGeometry(f"{COUNTY_NAMES[code]}的坐标无法读取") from error
        centers[code] = center
        features.append(
            {
                "type": "Feature",
                "properties": {"adcode": code, "name": COUNTY_NAMES[code], "cp": center},
                "geometry": feature["geometry"],
            }
        )
    return {"type": "FeatureCollection", "features": features}, centers


def _tiles(error: str = "") -> Geometry:
    geojson = tile_geojson()
    centers = {f["properties"]["adcode"]: f["properties"]["cp"] for f in geojson["features"]}
    return Geometry("tiles", geojson, error=error, centers=centers)


@lru_cache(maxsize=4)
def _read(path: str, modified: int) -> Geometry:
    """The configured file, read and checked once per version of it (the key carries its modification time)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        geojson, centers = _boundaries(_validate(data))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return _fallback(path, f"无法读取（{type(error).__name__}）")
    except InvalidGeometry as error:
        return _fallback(path, str(error))
    return Geometry("boundaries", geojson, source=path, centers=centers)


def _fallback(path: str, why: str) -> Geometry:
    # the page names the setting, not the server's path; the log has both for whoever configured it
    log.warning("县界文件 %s 不可用：%s。地图按示意方块显示。", path, why)
    return _tiles(why)


def configured_path() -> str:
    """The boundary file the settings name (from the environment variable of the same name)."""
    return str(getattr(settings, SETTING, "") or "").strip()


def county_geometry() -> Geometry:
    path = configured_path()
    if not path:
        return _tiles()
    try:
        modified = Path(path).stat().st_mtime_ns
    except OSError:
        return _fallback(path, "文件不存在")
    return _read(path, modified)


# --- the rows of the page, its table and its .xlsx ---------------------------------------------------------


def dashboards_url() -> str:
    """The dashboards' page (built alongside: until its url exists, the dashboards root)."""
    try:
        return reverse("dashboards:home")
    except NoReverseMatch:
        return "/dashboards/"


def county_url(code: str) -> str:
    """The county's dashboard."""
    return f"{dashboards_url()}?place={code}"


def prefecture() -> Division:
    return Division.objects.get(code=PREFECTURE_CODE)


def map_rows(counties: list[MapCounty]) -> list[dict[str, Any]]:
    """One row per county as the script, the table and the workbook read it."""
    return [
        {
            "code": county.code,
            "name": county.name,
            "short": SHORT_NAMES.get(county.code, county.name),
            "value": number(county.value),
            "in_scope": county.in_scope,
            "url": county_url(county.code) if county.in_scope else "",
        }
        for county in counties
    ]


def value_label(measure: Measure) -> str:
    return f"{measure.label}（{measure.unit}）" if measure.unit else measure.label


def map_workbook(*, figure: Figure, measure: Measure, rows: list[dict[str, Any]], as_of: str) -> bytes:
    book = Workbook()
    sheet = book.add_sheet("各县市")
    sheet.cell(0, 0, f"{figure.title} · {measure.label} · 各县（市）· {as_of}", book.bold)
    sheet.cell(1, 0, f"口径：{figure.note}")
    sheet.row(3, 0, ["区划代码", "县（市）", value_label(measure)], book.bold)
    for line, row in enumerate(rows, start=4):
        shown: Any = row["value"] if row["in_scope"] else "不在管辖范围"
        sheet.row(line, 0, [row["code"], row["name"], shown])
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 18)
    return book.finish()


def county_map_export(
    *,
    actor: User,
    run: AggregateRun | None,
    figure: Figure,
    measure: Measure,
    counties: list[MapCounty],
) -> bytes:
    """The map's numbers as .xlsx, audited as the figures' exports are (the place is the map)."""
    as_of = f"数据截至{run.as_of:%Y-%m-%d}" if run else "尚未统计"
    content = map_workbook(figure=figure, measure=measure, rows=map_rows(counties), as_of=as_of)
    export_record(
        actor=actor,
        run=run,
        division=actor.jurisdiction,
        new={"figure": figure.key, "place": "map", "measure": measure.key},
    )
    return content
