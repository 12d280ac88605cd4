"""A figure's numbers as .xlsx: the same payload the chart and the table read (so the three never disagree),
one sheet by place (按地区) and, for a figure kept month by month, one over time (按月); each with its 口径 line
and units in the header. Written through common/xlsx.py (no text can become a formula); audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhenxing.audit import services as audit
from zhenxing.common.xlsx import Sheet, Workbook
from zhenxing.dashboards.payload import figure_payload
from zhenxing.dashboards.selectors import FigureData

if TYPE_CHECKING:
    from zhenxing.accounts.models import User
    from zhenxing.dashboards.models import AggregateRun
    from zhenxing.divisions.models import Division


def _header(payload: dict[str, Any], first: str) -> list[str]:
    return [
        first,
        *(f"{m['label']}（{m['unit']}）" if m["unit"] else m["label"] for m in payload["measures"]),
    ]


def _preamble(book: Workbook, sheet: Sheet, payload: dict[str, Any], subtitle: str) -> int:
    sheet.cell(0, 0, f"{payload['title']} · {payload['place']['name']} · {subtitle}", book.bold)
    sheet.cell(1, 0, f"口径：{payload['note']}")
    return 3


def figure_workbook(payload: dict[str, Any], *, as_of: str) -> bytes:
    book = Workbook()
    places = book.add_sheet("按地区")
    window = payload["window"]
    span = f"{window[0]}至{window[-1]}" if len(window) > 1 else (window[0] if window else f"数据截至{as_of}")
    line = _preamble(book, places, payload, span)
    places.row(line, 0, ["区划代码", *_header(payload, "地区")], book.bold)
    for row in payload["rows"]:
        line += 1
        places.row(line, 0, [row["code"], row["name"], *row["values"]])
    line += 1
    total = payload["total"]
    places.row(line, 0, [total["code"], f"{total['name']}（合计）", *total["values"]], book.bold)
    places.set_column(0, 0, 14)
    places.set_column(1, 1, 18)
    places.set_column(2, 1 + len(payload["measures"]), 14)
    if payload["periodic"]:
        step = payload["step"]
        months = book.add_sheet(f"按{step}")
        line = _preamble(book, months, payload, f"{payload['place']['name']}合计逐{step}")
        months.row(line, 0, _header(payload, f"{step}份"), book.bold)
        for point in payload["over_time"]:
            line += 1
            months.row(line, 0, [point["period"], *point["values"]])
        months.set_column(0, 0, 12)
        months.set_column(1, len(payload["measures"]), 14)
    return book.finish()


def export_record(
    *, actor: User, run: AggregateRun | None, division: Division | None, new: dict[str, Any]
) -> None:
    """Audit a download of kept numbers (a figure's or the map's): which run, figure and place."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="dashboards.export",
            target=("dashboards.aggregaterun", str(run.pk) if run else "*"),
            division=division,
            new=new,
        )


def figure_export(*, actor: User, run: AggregateRun | None, data: FigureData) -> bytes:
    """The figure's .xlsx for the reader, audited as dashboards.export (which figure, which place)."""
    payload = figure_payload(data)
    content = figure_workbook(payload, as_of=run.as_of.isoformat() if run else "")
    export_record(
        actor=actor, run=run, division=data.place, new={"figure": data.figure.key, "place": data.place.code}
    )
    return content
