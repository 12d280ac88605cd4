"""Reading a department's delivery (CSV, .xlsx or JSON) into rows of field → text, and checking each row
against its adapter. Errors are Chinese and name the field; nothing personal is kept in them."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from zhenxing.feeds.adapters import Adapter, Field
from zhenxing.policy.rules.idnumber import IdNumberError, parse_disability_certificate, parse_id_number


class FeedFileError(ValueError):
    pass


def rows_from_upload(name: str, data: bytes) -> list[dict[str, Any]]:
    if not data:
        raise FeedFileError("文件是空的")
    if data.startswith(b"PK\x03\x04"):
        from python_calamine import CalamineWorkbook

        try:
            values = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        except Exception as error:  # calamine's own error types
            raise FeedFileError(f"无法读取 .xlsx：{error}") from error
        header = [str(cell).strip() for cell in values[0]] if values else []
        return [
            dict(zip(header, row, strict=False))
            for row in values[1:]
            if any(cell not in (None, "") for cell in row)
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedFileError("CSV 文件应为 UTF-8 编码") from error
    return [row for row in csv.DictReader(io.StringIO(text)) if any((v or "").strip() for v in row.values())]


def rows_from_json(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise FeedFileError('请求体应为 {"records": [ {...}, ... ]}')
    return [row if isinstance(row, dict) else {} for row in payload["records"]]


def canonical_bytes(rows: list[dict[str, Any]]) -> bytes:
    """What the checksum is taken over: the same records give the same checksum, whatever the format."""
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str).encode()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def clean(field: Field, value: Any) -> Any:
    """The typed value, or ValueError with a Chinese message."""
    if field.kind == "date" and isinstance(value, datetime.datetime | datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    text = _text(value)
    if "\x00" in text:
        raise ValueError("含有空字符")
    if not text:
        if field.required:
            raise ValueError("必填")
        return None
    if field.kind == "id":
        try:
            return parse_id_number(text).number
        except IdNumberError as error:
            raise ValueError(error.message) from error
    if field.kind == "certificate":
        try:
            return parse_disability_certificate(text)
        except IdNumberError as error:
            raise ValueError(error.message) from error
    if field.kind == "date":
        for parse in (datetime.date.fromisoformat, lambda t: datetime.date(int(t[:4]), int(t[5:7]), 1)):
            try:
                return parse(text)
            except (ValueError, IndexError):
                continue
        raise ValueError(f"日期“{text}”应为 YYYY-MM-DD")
    if field.kind == "money":
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise ValueError("应为金额（元）") from error
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValueError("金额应为非负数，最多两位小数")
        return int(amount * 100)
    if field.kind == "int":
        if not text.lstrip("-").isdigit():
            raise ValueError("应为整数")
        return int(text)
    if field.kind == "bool":
        lowered = text.lower()
        if lowered in {"是", "true", "1", "y", "yes"}:
            return True
        if lowered in {"否", "false", "0", "n", "no"}:
            return False
        raise ValueError("应为“是”或“否”")
    if field.kind == "choice" and text not in field.choices:
        raise ValueError(f"“{text}”无效，允许的值：{'、'.join(field.choices)}")
    return text


def clean_row(adapter: Adapter, row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for field in adapter.fields:
        try:
            values[field.name] = clean(field, row.get(field.name))
        except ValueError as error:
            problems.append((field.name, f"{field.label}：{error}"))
    if not problems and not any(values.get(key) for key in adapter.keys):
        problems.append(
            (
                "",
                "缺少用于匹配的字段："
                + " 或 ".join(f.label for f in adapter.fields if f.name in adapter.keys),
            )
        )
    return values, problems
