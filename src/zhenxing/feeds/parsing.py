"""Reading a department's delivery (CSV, .xlsx or JSON) into rows of field → text, and checking each row
against its adapter. Errors are Chinese and name the field; nothing personal is kept in them."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from zhenxing.common.archives import ArchiveError, open_checked_zip
from zhenxing.feeds.adapters import Adapter, Field
from zhenxing.policy.rules.idnumber import IdNumberError, parse_disability_certificate, parse_id_number


class FeedFileError(ValueError):
    pass


def rows_from_upload(name: str, data: bytes, *, max_rows: int) -> list[dict[str, Any]]:
    """The rows of an uploaded CSV or .xlsx; refused (FeedFileError) once it holds more than `max_rows`,
    before the rest is parsed. The caller has already refused files over the byte limit."""
    if not data:
        raise FeedFileError("文件是空的")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, max_rows=max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedFileError("CSV 文件应为 UTF-8 编码") from error
    rows: list[dict[str, Any]] = []
    try:
        for row in csv.DictReader(io.StringIO(text)):
            if not any((v or "").strip() if isinstance(v, str) else v for v in row.values()):
                continue
            rows.append(row)
            if len(rows) > max_rows:
                raise FeedFileError(too_many_rows_message(max_rows))
    except csv.Error as error:
        raise FeedFileError(f"CSV 格式有误：{error}") from error
    return rows


def _xlsx_rows(data: bytes, *, max_rows: int) -> list[dict[str, Any]]:
    from python_calamine import CalamineWorkbook

    try:
        open_checked_zip(data)
    except ArchiveError as error:
        raise FeedFileError(str(error)) from error
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        if sheet.total_height > max_rows + 1:
            raise FeedFileError(too_many_rows_message(max_rows))
        values = sheet.to_python()
    except FeedFileError:
        raise
    except Exception as error:  # calamine's own error types
        raise FeedFileError(f"无法读取 .xlsx：{error}") from error
    header = [str(cell).strip() for cell in values[0]] if values else []
    return [
        dict(zip(header, row, strict=False))
        for row in values[1:]
        if any(cell not in (None, "") for cell in row)
    ]


def too_many_rows_message(max_rows: int) -> str:
    return f"一个批次最多 {max_rows:,} 条记录，请分批提交"


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


# A department's records describe the plan's years; a date outside these is a typing error (0001-01-01, 9999).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# No single feed amount comes near 1亿元; the bound keeps every sum of amounts inside a 64-bit integer of fen.
MAX_AMOUNT_YUAN = Decimal(100_000_000)
MAX_TEXT = 200


# plain amounts (digits, at most two decimals, under 1亿元): read without Decimal, the same value in fen
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,8})(?:\.([0-9]{1,2}))?")


def _money_fen(text: str) -> int:
    plain = _PLAIN_AMOUNT.fullmatch(text)
    if plain is not None:
        whole, cents = plain.groups()
        return int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError) as error:
        raise ValueError("应为金额（元）") from error
    if not amount.is_finite():
        raise ValueError("应为金额（元），不能是 NaN 或无穷大")
    if amount < 0 or amount > MAX_AMOUNT_YUAN:
        raise ValueError(f"金额应在 0 到 {MAX_AMOUNT_YUAN:,} 元之间")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额最多两位小数")
    return int(amount * 100)


def _date(text: str) -> datetime.date:
    parsed: datetime.date | None = None
    for parse in (datetime.date.fromisoformat, lambda t: datetime.date(int(t[:4]), int(t[5:7]), 1)):
        try:
            parsed = parse(text[:32])
            break
        except (ValueError, IndexError):
            continue
    if parsed is None:
        raise ValueError(f"日期“{text[:32]}”应为 YYYY-MM-DD")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"日期 {parsed.isoformat()} 不在 {EARLIEST_DATE.year} 到 {LATEST_DATE.year} 年之间")
    return parsed


def clean(field: Field, value: Any) -> Any:
    """The typed value, or ValueError with a Chinese message."""
    if field.kind == "date" and isinstance(value, datetime.datetime | datetime.date):
        return _date((value.date() if isinstance(value, datetime.datetime) else value).isoformat())
    text = _text(value)
    if "\x00" in text:
        raise ValueError("含有空字符")
    if len(text) > MAX_TEXT:
        raise ValueError(f"内容过长（最多 {MAX_TEXT} 个字符）")
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
        return _date(text)
    if field.kind == "county":
        if len(text) != 6 or not text.isdigit():
            raise ValueError(f"“{text}”应为6位县级区划代码")
        return text
    if field.kind == "money":
        return _money_fen(text)
    if field.kind == "int":
        if len(text) > 12 or not text.lstrip("-").isdigit():
            raise ValueError("应为整数")
        number = int(text)
        if not field.low <= number <= field.high:
            raise ValueError(f"应在 {field.low} 到 {field.high} 之间")
        return number
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
    return clean_rows(adapter, [row])[0]


def clean_rows(
    adapter: Adapter, rows: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """`clean_row` of every row, judged column by column: each field's distinct values are checked once (a
    date, a category, the ID of a person with twelve settlements recur), then the rows are put together.
    Verdicts and messages are exactly `clean`'s and come out in the same order."""
    names = [field.name for field in adapter.fields]
    value_columns: list[list[Any]] = []
    problem_columns: list[list[str | None]] = []
    for field in adapter.fields:
        raw = [row.get(field.name) for row in rows]
        verdicts: dict[Any, tuple[Any, str | None]] = {}
        column: list[tuple[Any, str | None]] = []
        for value in raw:
            # text (every CSV cell) is its own key; anything else is keyed with its type, since True == 1 ==
            # 1.0 to a dict but not to `clean`
            key = value if value.__class__ is str else (value.__class__, value)
            try:
                verdict = verdicts.get(key)
            except TypeError:  # unhashable (a list in a JSON record): judged, not kept
                column.append(_verdict(field, value))
                continue
            if verdict is None:
                verdict = verdicts[key] = _verdict(field, value)
            column.append(verdict)
        value_columns.append([value for value, _ in column])
        problem_columns.append([problem for _, problem in column])
    first_key, *other_keys = [names.index(key) for key in adapter.keys]
    out: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
    for values, problems in zip(
        zip(*value_columns, strict=True), zip(*problem_columns, strict=True), strict=True
    ):
        if any(problems):
            out.append(
                (
                    {n: v for n, v, p in zip(names, values, problems, strict=True) if p is None},
                    [(n, p) for n, p in zip(names, problems, strict=True) if p is not None],
                )
            )
        elif not values[first_key] and not any(values[k] for k in other_keys):
            out.append((dict(zip(names, values, strict=True)), [_missing_key(adapter)]))
        else:
            out.append((dict(zip(names, values, strict=True)), []))
    return out


def _verdict(field: Field, value: Any) -> tuple[Any, str | None]:
    try:
        return clean(field, value), None
    except ValueError as error:
        return None, f"{field.label}：{error}"


def _missing_key(adapter: Adapter) -> tuple[str, str]:
    return (
        "",
        "缺少用于匹配的字段：" + " 或 ".join(f.label for f in adapter.fields if f.name in adapter.keys),
    )
