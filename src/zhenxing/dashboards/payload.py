"""A figure's numbers as the page's script, the table view and the .xlsx read them: one shape for all three, so
the chart, the table and the download can never disagree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhenxing.common import clock
from zhenxing.dashboards.selectors import FigureData, PlaceValues


def number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _row(figure_data: FigureData, place: PlaceValues, period: str = "") -> dict[str, Any]:
    figure = figure_data.figure
    as_of = figure_data.as_of or clock.today()  # the run's day: the lists show what the number counted
    return {
        "code": place.code,
        "name": place.name,
        "values": [number(place.measures[m.key]) for m in figure.all_measures],
        "links": [figure.drill(place.code, m.key, period, as_of) for m in figure.all_measures],
    }


def figure_payload(data: FigureData) -> dict[str, Any]:
    figure = data.figure
    over_time_link = data.place.code
    as_of = data.as_of or clock.today()
    # a by-place number of one period (a month's stock, a year's money) links to that period's records
    single = data.window[-1] if figure.periodic and figure.place_periods == 1 and data.window else ""
    return {
        "key": figure.key,
        "title": figure.title,
        "note": figure.note,
        "chart": figure.chart,
        "periodic": figure.periodic,
        # the over-time step as a reader says it: 逐月 ('YYYY-MM' periods) or 逐年 ('YYYY')
        "step": "年" if data.periods and len(data.periods[0]) == 4 else "月",
        "window": data.window,
        "place": {"code": data.place.code, "name": data.place.name},
        "measures": [
            {"key": m.key, "label": m.label, "unit": m.unit, "drawn": m in figure.measures}
            for m in figure.all_measures
        ],
        "rows": [_row(data, child, single) for child in data.children],
        "total": _row(data, data.total, single),
        "over_time": [
            {
                "period": point.code,
                "values": [number(point.measures[m.key]) for m in figure.all_measures],
                "links": [
                    figure.drill(over_time_link, m.key, point.code, as_of) for m in figure.all_measures
                ],
            }
            for point in data.over_time
        ],
    }


def shown(value: float | int | None) -> str:
    """A number as the table writes it: thousands separated, a rate to one decimal, '—' for none."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


def _cells(measures: list[dict[str, Any]], values: list[Any], links: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "label": f"{measure['label']}（{measure['unit']}）" if measure["unit"] else measure["label"],
            "value": value,
            "text": shown(value),
            "link": link,
        }
        for measure, value, link in zip(measures, values, links, strict=True)
    ]


def payload_table(payload: dict[str, Any], *, drill_places: bool) -> dict[str, Any]:
    """The payload as the table templates read it: each number with its text and drill link; a place's row
    says whether its name opens that place's own dashboard (a county or township, not a village)."""
    measures = payload["measures"]
    return {
        "rows": [
            {
                "code": row["code"],
                "name": row["name"],
                "drill": drill_places,
                "cells": _cells(measures, row["values"], row["links"]),
            }
            for row in payload["rows"]
        ],
        "total": {
            "code": payload["total"]["code"],
            "name": payload["total"]["name"],
            "cells": _cells(measures, payload["total"]["values"], payload["total"]["links"]),
        },
        "over_time": [
            {"period": point["period"], "cells": _cells(measures, point["values"], point["links"])}
            for point in payload["over_time"]
        ],
    }
