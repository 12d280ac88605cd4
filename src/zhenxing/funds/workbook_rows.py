"""Reading an uploaded fund ledger workbook (funds/workbook.py's LEDGER_COLUMNS): the file checked as every
upload is (transfer.reading.check_file: an .xlsx by its content, the size limit, no formula, no merged cell),
the header found by its labels, and each row read into a LedgerRow — a cell that cannot be read is a problem
for its column, in Chinese. Nothing here looks at the ledger: funds/imports.py does, through the services."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zhenxing.funds.enums import AllocationLevel, FundSource, SplitStatus
from zhenxing.funds.workbook import BY_KEY, LEDGER_COLUMNS
from zhenxing.projects.workbook import as_date
from zhenxing.transfer.reading import WorkbookError, header_normal, labelled_sheets
from zhenxing.transfer.validation import CellError, cell_text

LEVELS = {
    **{label: code for code, label in AllocationLevel.choices}, **{code: code for code in AllocationLevel.values},
    "中央级": AllocationLevel.CENTRAL, "省": AllocationLevel.PROVINCE, "州": AllocationLevel.PREFECTURE,
    "州级": AllocationLevel.PREFECTURE, "县": AllocationLevel.COUNTY, "县(市)级": AllocationLevel.COUNTY,
}  # fmt: skip
SOURCES = {
    **{label: code for code, label in FundSource.choices},
    **{code: code for code in FundSource.values},
}
YES = {"是": True, "否": False, "Y": True, "N": False, "": False, "1": True, "0": False}
ACTIVE_LABEL = SplitStatus.ACTIVE.label


HEADER_LOOKUP = {
    header_normal(name): column for column in LEDGER_COLUMNS for name in (column.header, *column.aliases)
}


@dataclass(frozen=True)
class LedgerSheet:
    name: str
    rows: list[tuple[int, dict[str, Any]]]  # (1-based Excel row, values by column key)


def read_ledger(data: bytes, *, max_bytes: int, max_rows: int) -> LedgerSheet:
    """The first sheet with a header row naming 文号 and 下达金额（万元）: its data rows by column key. Raises
    WorkbookError, in Chinese, for the whole file."""
    for sheet in labelled_sheets(
        data, max_bytes=max_bytes, lookup=HEADER_LOOKUP, anchors=("doc_number", "line_amount")
    ):
        name, number, columns, values = sheet.name, sheet.header_row, sheet.columns, sheet.values
        missing = [c.header for c in LEDGER_COLUMNS if c.required and c.key not in columns]
        if missing:
            raise WorkbookError(f"工作表“{name}”的表头缺少列：{'、'.join(missing)}")
        rows = []
        for offset, row in enumerate(values[number + 1 :], start=number + 2):
            cells = {key: row[position] if position < len(row) else None for key, position in columns.items()}
            if any(value not in (None, "") for value in cells.values()):
                rows.append((offset, cells))
                if len(rows) > max_rows:
                    raise WorkbookError(f"数据行超过一次导入的上限 {max_rows} 行，请按文号或年度分批导入")
        if not rows:
            raise WorkbookError(f"工作表“{name}”中没有数据行")
        return LedgerSheet(name=name, rows=rows)
    raise WorkbookError(
        "找不到资金台账表头：须有一行列名，含“文号”和“下达金额（万元）”等（可先下载导入模板）"
    )


@dataclass(frozen=True)
class LedgerRow:
    """A row as the services take it; amounts stay as typed (text), parsed by the services (fen_of)."""

    number: int
    doc_number: str
    issued_on: datetime.date | None
    level: str
    budget_year: int | None
    advance: bool
    county: str
    source: str
    line_amount: str
    project_code: str
    split_amount: str
    split_status: str
    paid_on: datetime.date | None
    payee: str
    voucher: str
    payment_amount: str
    reverses: str
    reason: str

    @property
    def has_split(self) -> bool:
        return bool(self.project_code or self.split_amount)

    @property
    def has_payment(self) -> bool:
        return bool(self.paid_on or self.payee or self.voucher or self.payment_amount)


def _amount_text(value: Any) -> str:
    """A cell of 万元 as the text fen_of reads: a number cell as its shortest exact repr (1.0000001 stays
    1.0000001 and is refused for its seventh decimal), text as typed."""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return cell_text(value)


def _year(value: Any) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text.removesuffix("年")):
        raise CellError(f"预算年度应为4位年份，收到“{text}”")
    return int(text.removesuffix("年"))


def parse_row(number: int, cells: dict[str, Any], fail: Callable[[str, str], None]) -> LedgerRow:
    """A row's cells read; each that cannot be read is a problem for its column (then left empty)."""

    def text(key: str) -> str:
        try:
            return cell_text(cells.get(key))
        except CellError as error:
            fail(key, str(error))
            return ""

    def date(key: str) -> datetime.date | None:
        try:
            return as_date(cells.get(key))
        except (ValueError, CellError):
            fail(key, f"应为日期（如 2026-03-01），收到“{cell_text(cells.get(key))}”")
            return None

    def choice(key: str, table: dict[str, Any]) -> Any:
        value = text(key)
        if value and value not in table:
            fail(key, f"“{value}”无效，应为：{'、'.join(k for k in table if not k.isascii())}")
            return None
        return table.get(value)

    def amount(key: str) -> str:
        try:
            return _amount_text(cells.get(key))
        except CellError as error:
            fail(key, str(error))
            return ""

    try:
        budget_year = _year(cells.get("budget_year"))
    except CellError as error:
        fail("budget_year", str(error))
        budget_year = None
    county = text("county")
    if county and not re.fullmatch(r"\d{6}", county):
        fail("county", f"县(市)代码应为6位区划代码（如 532926），收到“{county}”")
    return LedgerRow(
        number=number, doc_number=text("doc_number"), issued_on=date("issued_on"), level=choice("level", LEVELS) or "",
        budget_year=budget_year, advance=bool(choice("advance", YES)), county=county,
        source=choice("source", SOURCES) or "", line_amount=amount("line_amount"), project_code=text("project_code"),
        split_amount=amount("split_amount"), split_status=text("split_status"), paid_on=date("paid_on"),
        payee=text("payee"), voucher=text("voucher"), payment_amount=amount("payment_amount"),
        reverses=text("reverses"), reason=text("reason"),
    )  # fmt: skip


def header(key: str) -> str:
    return BY_KEY[key].header
