"""Reading an uploaded workbook: file-level checks first (a clear Chinese message each), then rows.

Formulas and merged cells are found in the sheet XML itself (an .xlsx is a zip), because a cached formula
result would otherwise be imported as if it were data.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from zhenxing.common.archives import ArchiveError, iter_entry, open_checked_zip
from zhenxing.registry.layout import MEMBER_SHEET, SHEETS, Column

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell ")
_BLANK = frozenset((None, ""))


class WorkbookError(ValueError):
    """The whole file is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class SheetRows:
    name: str
    columns: list[Column | None]  # by position; None for an empty trailing header
    rows: list[tuple[int, list[Any]]]  # (1-based Excel row number, values)


def check_file(data: bytes, *, max_bytes: int) -> None:
    if not data:
        raise WorkbookError("文件是空的")
    if len(data) > max_bytes:
        raise WorkbookError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB，请分批导入"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError("不是 .xlsx 文件（请在 Excel 或 WPS 中“另存为” Excel 工作簿 .xlsx）")
    try:
        archive = open_checked_zip(data)
    except ArchiveError as error:
        raise WorkbookError(str(error)) from error
    sheets = [
        name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")
    ]
    if not sheets:
        raise WorkbookError("不是 .xlsx 工作簿（找不到工作表）")
    for name in sheets:
        _refuse_formulas_and_merges(archive, name)


def _refuse_formulas_and_merges(archive: zipfile.ZipFile, name: str) -> None:
    """Searches a sheet's XML chunk by chunk (a tag may straddle two chunks: keep a short tail)."""
    tail = b""
    try:
        for chunk in iter_entry(archive, name):
            window = tail + chunk
            # the patterns run only where their fixed part occurs (a substring search is many times faster)
            if (b"<f" in window or b":f" in window) and _FORMULA.search(window):
                raise WorkbookError("工作表中含有公式，请先“选择性粘贴为数值”后再导入")
            if b"mergeCell " in window and _MERGE.search(window):
                raise WorkbookError("工作表中含有合并单元格，请取消合并并在每一行填写完整后再导入")
            tail = chunk[-64:]
    except ArchiveError as error:
        raise WorkbookError(str(error)) from error


def read_sheets(data: bytes) -> list[SheetRows]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own types for every broken file
        raise WorkbookError(f"无法读取工作簿：{error}") from error
    if MEMBER_SHEET not in workbook.sheet_names:
        raise WorkbookError(
            f"找不到工作表“{MEMBER_SHEET}”，请使用系统提供的模板（现有工作表：{'、'.join(workbook.sheet_names)}）"
        )
    result = []
    for name, expected in SHEETS.items():
        if name not in workbook.sheet_names:
            continue
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if not values:
            if name == MEMBER_SHEET:
                raise WorkbookError(f"工作表“{name}”是空的")
            continue
        header = [str(cell).strip() if cell not in (None, "") else "" for cell in values[0]]
        while header and header[-1] == "":
            header.pop()
        by_header = {column.header: column for column in expected}
        missing = [c.header for c in expected if c.header not in header and not c.optional]
        unknown = [cell for cell in header if cell and cell not in by_header]
        if missing or unknown:
            parts = ([f"缺少列：{'、'.join(missing)}"] if missing else []) + (
                [f"不认识的列：{'、'.join(unknown)}"] if unknown else []
            )
            raise WorkbookError(f"工作表“{name}”表头不符合模板（{'；'.join(parts)}）")
        columns = [by_header.get(cell) for cell in header]
        width = len(columns)
        rows = [
            (number, row[:width])
            for number, row in enumerate(values[1:], start=2)
            if not _BLANK.issuperset(row)  # a row of empty cells only is skipped
        ]
        result.append(SheetRows(name=name, columns=columns, rows=rows))
    if not result or not result[0].rows:
        raise WorkbookError(f"工作表“{MEMBER_SHEET}”中没有数据行")
    return result


def iter_records(sheet: SheetRows) -> Iterator[tuple[int, dict[str, Any]]]:
    for row_number, values in sheet.rows:
        yield (
            row_number,
            {column.field: value for column, value in zip(sheet.columns, values, strict=False) if column},
        )


def header_normal(text: str) -> str:
    """A column label as compared: blanks out, brackets of either width the same."""
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class LabelledSheet:
    """A sheet whose header row was found by its labels: the row's index, the columns by key, every row."""

    name: str
    header_row: int  # 0-based index in `values`
    columns: dict[str, int]  # column key → position
    values: list[list[Any]]


def labelled_sheets(
    data: bytes, *, max_bytes: int, lookup: dict[str, Any], anchors: tuple[str, ...], search_rows: int = 15
) -> Iterator[LabelledSheet]:
    """The sheets of a workbook people keep by hand (the project library's, the fund ledger's) whose header row —
    within the first `search_rows` — names every `anchors` key: `lookup` maps a normalised label to a column
    with a `key`; columns it does not know are ignored. Checks the file first (check_file); a file calamine
    cannot read is a WorkbookError in Chinese."""
    check_file(data, max_bytes=max_bytes)  # not empty, an .xlsx, no formula, no merged cell
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own types for every broken file
        raise WorkbookError(f"无法读取工作簿：{error}") from error
    for name in book.sheet_names:
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for number, row in enumerate(values[:search_rows]):
            found: dict[str, int] = {}
            for position, cell in enumerate(row):
                column = lookup.get(header_normal(str(cell))) if isinstance(cell, str) else None
                if column is not None and column.key not in found:
                    found[column.key] = position
            if all(anchor in found for anchor in anchors):
                yield LabelledSheet(name, number, found, values)
                break
