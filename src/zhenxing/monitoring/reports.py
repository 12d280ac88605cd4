"""The monitoring report as .xlsx: the roster with status, counts by county and type, by risk type and by
status, and the households whose risk was eliminated in the year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhenxing.common.xlsx import Workbook
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.roster import write_roster_sheet
from zhenxing.policy.vocab import MONITORING_TYPES


def report_workbook(*, monitored: Iterable[Case], report: dict[str, Any], year: int) -> bytes:
    book = Workbook()
    bold = book.bold
    write_roster_sheet(book, "监测对象", list(monitored), with_status=True)
    sheet = book.add_sheet("分县分类型")
    sheet.row(0, 0, ["县（市）", *MONITORING_TYPES, "合计"], bold)
    for row, (_, name, counts) in enumerate(report["by_county"], start=1):
        sheet.row(row, 0, [name, *(counts[t] for t in MONITORING_TYPES), counts["total"]])
    sheet = book.add_sheet("风险类型")
    sheet.row(0, 0, ["风险类型", "户数"], bold)
    for row, (risk, count) in enumerate(report["by_risk"], start=1):
        sheet.row(row, 0, [risk, count])
    sheet = book.add_sheet("监测状态")
    sheet.row(0, 0, ["状态", "户数"], bold)
    for row, (status, count) in enumerate(report["by_status"], start=1):
        sheet.row(row, 0, [status, count])
    write_roster_sheet(book, f"{year}年风险消除", list(report["eliminated"]), with_status=True)
    return book.finish()
