"""Workbooks we write: the blank template, the error report, and exports in the import layout."""

from __future__ import annotations

from zhenxing.common.xlsx import Workbook
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET, Column
from zhenxing.transfer.models import ImportBatch


def template_workbook() -> bytes:
    book = Workbook(constant_memory=True)
    bold = book.add_format({"bold": True, "bg_color": "#FDE8E6"})
    for name, columns in ((MEMBER_SHEET, MEMBER_COLUMNS), (YEAR_SHEET, YEAR_COLUMNS)):
        sheet = book.add_sheet(name)
        for index, column in enumerate(columns):
            sheet.cell(0, index, column.header, bold)
            sheet.set_column(index, index, max(10, len(column.header) * 2))
    help_sheet = book.add_sheet("填写说明")
    help_sheet.row(0, 0, ["工作表", "列", "必填", "填写要求"], bold)
    row = 1
    for name, columns in ((MEMBER_SHEET, MEMBER_COLUMNS), (YEAR_SHEET, YEAR_COLUMNS)):
        for column in columns:
            help_sheet.row(row, 0, [name, column.header, "是" if column.required else "", _rule(column)])
            row += 1
    return book.finish()


def _rule(column: Column) -> str:
    if column.kind == "choice":
        return "取值：" + "、".join(column.choices)
    if column.kind == "list":
        return "一项或多项，用“、”分隔：" + "、".join(column.choices)
    if column.kind == "bool":
        return "填“是”或“否”"
    if column.kind == "date":
        return "日期格式的单元格（不是文本）"
    if column.kind == "int":
        return f"{column.low}到{column.high}的整数"
    if column.kind == "money":
        return "元，最多两位小数，不能为负"
    # common/xlsx.py quotes text that a spreadsheet would run as a formula; the importer takes the quote off
    return "文本（本系统导出的文件中，以 = + - @ 开头的文本前加有单引号 '，导入时自动去掉）"


def errors_workbook(batch: ImportBatch) -> bytes:
    book = Workbook(constant_memory=True)
    sheet = book.add_sheet("错误清单")
    sheet.row(0, 0, ["工作表", "行号", "列", "错误说明"])
    for index, problem in enumerate(batch.errors, start=1):
        sheet.row(index, 0, [problem["sheet"], problem["row"], problem["column"], problem["message"]])
    return book.finish()
