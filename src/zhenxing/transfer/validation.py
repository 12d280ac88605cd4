"""Validation of an uploaded 台账. Every problem is reported with sheet, row and column in Chinese, as
before; the cells are cleaned a column at a time (each distinct value of a column once), then the checks
across a row, a household and the file run row by row. ID numbers are validated (P2) and phones checked
(P1), and both leave this module only encrypted (with the ID's blind index) and masked, sealed in one pass
(transfer/sealing.py): staged rows hold no plain number."""

from __future__ import annotations

import datetime
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection

from zhenxing.common.xlsx import unquoted
from zhenxing.policy.rules.idnumber import CHECK_CHARACTERS, WEIGHTS, IdNumberError, parse_id_number
from zhenxing.policy.rules.quality import CHECKS, ERROR, PersonFacts, household_issues, person_issues
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET, YES_NO, Column
from zhenxing.registry.models import Household
from zhenxing.registry.phones import PHONE_MESSAGE, normalised_phone, phone_is_valid
from zhenxing.transfer import sealing
from zhenxing.transfer.reading import SheetRows

COLUMN_BY_FIELD = {column.field: column for column in (*MEMBER_COLUMNS, *YEAR_COLUMNS)}


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Validated:
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    years: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class CellError(ValueError):
    pass


def cell_text(value: Any) -> str:
    """A cell as trimmed text: whole floats as integers, our exports' formula quote taken off, NUL refused."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # our exports put a quote before text a spreadsheet would take for a formula (common/xlsx.py): take it off
    text = unquoted(str(value).strip()).strip()
    if "\x00" in text:
        raise CellError("含有空字符（NUL），请检查该单元格")
    return text


def clean_cell(column: Column, value: Any) -> Any:
    if column.kind == "date":
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        raise CellError("应为日期格式的单元格（不能是文本，例如“1980-01-01”要设置为日期格式）")
    text = cell_text(value)
    if text == "":
        if column.required:
            raise CellError("必填，不能为空")
        if column.default is not None:
            return column.default
        return {"bool": False, "int": None, "money": 0, "list": ""}.get(column.kind, "")
    if column.kind == "text":
        return text
    if column.kind == "choice":
        if text not in column.choices:
            raise CellError(f"“{text}”无效，允许的值：{'、'.join(column.choices)}")
        return text
    if column.kind == "list":
        parts = [
            part.strip() for part in text.replace(",", "、").replace("，", "、").split("、") if part.strip()
        ]
        bad = [part for part in parts if part not in column.choices]
        if bad:
            raise CellError(
                f"“{'、'.join(bad)}”无效，允许的值：{'、'.join(column.choices)}（多项用“、”分隔）"
            )
        return "、".join(choice for choice in column.choices if choice in parts)
    if column.kind == "bool":
        if text not in YES_NO:
            raise CellError("应填“是”或“否”")
        return text == "是"
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise CellError(f"应为数字，收到“{text}”") from error
    if column.kind == "int":
        if number != number.to_integral_value() or not column.low <= number <= column.high:
            raise CellError(f"应为{column.low}到{column.high}之间的整数")
        return int(number)
    if number < 0:
        raise CellError("金额不能为负数")
    if number != number.quantize(Decimal("0.01")):
        raise CellError("金额最多两位小数")
    return int(number * 100)  # money: yuan in the file, fen from here on


def _outcome(column: Column, value: Any) -> Any:
    try:
        return clean_cell(column, value)
    except CellError as error:
        return error


def _text_outcome(column: Column, value: Any) -> Any:
    """clean_cell of a text cell, without its detours for the common case: text with no quote to take off."""
    if type(value) is str:
        text = value.strip()
        if text and text[0] != "'" and "\x00" not in text:
            return text
    return _outcome(column, value)


def clean_column(column: Column, cells: Sequence[Any]) -> tuple[list[Any], list[tuple[int, str]]]:
    """clean_cell over a whole column, each distinct value once (choices, yes/no, numbers and dates repeat down
    a column) and mapped back: (the cleaned values, a CellError in place of a wrong one; (index, message) of
    each wrong cell)."""
    kinds = set(map(type, cells))
    if column.kind == "text" and kinds == {str}:
        # text cells (names, IDs, addresses: mostly distinct) trimmed in one pass; the rare cell that is empty,
        # quoted or holds a NUL sends the column the long way
        stripped = list(map(str.strip, cells))
        joined = "".join(stripped)
        if all(stripped) and "'" not in joined and "\x00" not in joined:
            return stripped, []
    outcome = _text_outcome if column.kind == "text" else _outcome
    keys: Sequence[Any] = cells
    if bool in kinds:
        keys = [(type(value), value) for value in cells]  # in a dict True is 1: keep a TRUE cell apart from 1
        memo = {key: outcome(column, key[1]) for key in set(keys)}
    else:
        memo = {value: outcome(column, value) for value in set(cells)}
    try:
        cleaned = list(map(memo.__getitem__, keys))
    except KeyError:  # a value unequal to itself (NaN) is not found again
        cleaned = [outcome(column, value) for value in cells]
    if not any(type(value) is CellError for value in memo.values()):
        return cleaned, []
    return cleaned, [(index, str(value)) for index, value in enumerate(cleaned) if type(value) is CellError]


@dataclass
class CleanSheet:
    """A sheet cleaned column by column: the Excel row numbers, the cleaned values by field, and the wrong
    cells' problems by row index (in column order)."""

    numbers: list[int]
    columns: dict[str, list[Any]]
    problems: dict[int, list[Problem]]


def clean_sheet(sheet: SheetRows) -> CleanSheet:
    numbers = [number for number, _ in sheet.rows]
    width = len(sheet.columns)
    rows = [values if len(values) == width else (values + [None] * width)[:width] for _, values in sheet.rows]
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    columns: dict[str, list[Any]] = {}
    problems: dict[int, list[Problem]] = defaultdict(list)
    for column, values in zip(sheet.columns, cells, strict=True):
        if column is None:
            continue
        columns[column.field], wrong = clean_column(column, values)
        for index, message in wrong:
            problems[index].append(Problem(sheet.name, numbers[index], column.header, message))
    return CleanSheet(numbers, columns, dict(problems))


def _parsed_id(text: str) -> tuple[str, datetime.date, str] | IdNumberError:
    """(number, birth date, sex) of a valid ID number, or why it is not (P2, policy/rules/idnumber). The usual
    18-character number is checked here without building the policy's dataclass; anything else goes to
    parse_id_number itself, which also words every message."""
    if len(text) == 18 and text[:17].isdigit() and text[17] in "0123456789Xx":
        number = text.upper()
        try:
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        total = sum(map(operator.mul, map(int, number[:17]), WEIGHTS))
        if birth is not None and birth.year >= 1880 and CHECK_CHARACTERS[total % 11] == number[17]:
            return number, birth, "男" if int(number[16]) % 2 == 1 else "女"
    try:
        parsed = parse_id_number(text)
    except IdNumberError as error:
        return error
    return parsed.number, parsed.birth_date, parsed.sex


def _mapped(function: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """function over a column, once per distinct value."""
    memo = {value: function(value) for value in set(values)}
    return list(map(memo.__getitem__, values))


def _codes_outside_scope(codes: set[str], allowed_village_codes: set[str]) -> set[str]:
    """户编号 already used by a household in neither an allowed village nor moved from one: importing it
    would move that household into the importer's village."""
    taken: set[str] = set()
    ordered = sorted(codes)
    if connection.vendor == "postgresql":  # one array parameter, not 100,000 quoted ones
        parts = [Household.objects.extra(where=['"code" = ANY(%s)'], params=[ordered])]
    else:
        parts = [
            Household.objects.filter(code__in=ordered[i : i + 2000]) for i in range(0, len(ordered), 2000)
        ]
    for part in parts:
        for code, village, moved_from in part.values_list("code", "village_id", "moved_from_id"):
            if village not in allowed_village_codes and moved_from not in allowed_village_codes:
                taken.add(str(code))
    return taken


HOUSEHOLD_FIELDS = ("village_code", "natural_village", "kind", "address", "contact_phone")
# the member fields staged as they are; the ID and the phones are staged only sealed
PLAIN_MEMBER_FIELDS = tuple(
    column.field for column in MEMBER_COLUMNS if column.field not in ("id_number", "phone", "contact_phone")
)


SEALED_MEMBER_FIELDS = (
    "id_cipher", "id_index", "id_masked", "phone_cipher", "phone_masked", "contact_phone_cipher", "contact_phone_masked",
)  # fmt: skip


def _facts(columns: dict[str, list[Any]], index: int) -> PersonFacts:
    c = columns
    return PersonFacts(
        sex=c["sex"][index], birth_date=c["birth_date"][index], relation=c["relation"][index], education=c["education"][index],
        schooling=c["schooling"][index], health=c["health"][index], labour=c["labour"][index], work_place=c["work_place"][index],
        work_months=c["work_months"][index] or 0, phone=c["phone"][index],
        resident_insurance=c["resident_medical_insurance"][index], employee_insurance=c["employee_medical_insurance"][index],
    )  # fmt: skip


def validate(sheets: list[SheetRows], *, today: datetime.date, allowed_village_codes: set[str]) -> Validated:
    """Every cell cleaned column by column, then the checks across a row, a household and the file, row by row;
    the valid rows' IDs and phones sealed in one pass (transfer/sealing.py)."""
    result = Validated()
    by_sheet = {sheet.name: sheet for sheet in sheets}
    sheet = clean_sheet(by_sheet[MEMBER_SHEET])
    columns, numbers = sheet.columns, sheet.numbers
    # blanks and hyphens taken out; the person's phone is checked with the other P1 checks (_facts), the
    # household's here, as every writer checks it (registry/phones.py)
    columns["phone"] = _mapped(normalised_phone, columns["phone"])
    columns["contact_phone"] = _mapped(normalised_phone, columns["contact_phone"])
    contact_ok = _mapped(phone_is_valid, columns["contact_phone"])
    ids = [_parsed_id(text) if type(text) is str else None for text in columns["id_number"]]
    births, sexes, villages = columns["birth_date"], columns["sex"], columns["village_code"]
    contact_header = COLUMN_BY_FIELD["contact_phone"].header
    seen_ids: dict[str, int] = {}
    facts: dict[int, PersonFacts] = {}
    valid_ids: list[str] = []
    valid_indexes: list[int] = []
    households: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(numbers):
        wrong_cells = sheet.problems.get(index)
        if wrong_cells is not None:
            result.errors.extend(wrong_cells)
            continue
        problems: list[Problem] = []
        if not contact_ok[index]:
            problems.append(Problem(MEMBER_SHEET, row, contact_header, PHONE_MESSAGE))
        parsed = ids[index]
        if isinstance(parsed, IdNumberError) or parsed is None:
            problems.append(
                Problem(MEMBER_SHEET, row, "证件号码", parsed.message if parsed else "必填，不能为空")
            )
            result.errors.extend(problems)
            continue
        number, birth, sex = parsed
        ok = True
        if birth != births[index]:
            problems.append(
                Problem(MEMBER_SHEET, row, "出生日期", f"与证件号码中的出生日期 {birth.isoformat()} 不一致")
            )
            ok = False
        if sex != sexes[index]:
            problems.append(Problem(MEMBER_SHEET, row, "性别", f"与证件号码第17位所示性别（{sex}）不一致"))
            ok = False
        if ok:
            first_row_of_id = seen_ids.setdefault(number, row)
            if first_row_of_id != row:
                problems.append(
                    Problem(MEMBER_SHEET, row, "证件号码", f"与第{first_row_of_id}行的证件号码重复")
                )
            if villages[index] not in allowed_village_codes:
                problems.append(
                    Problem(
                        MEMBER_SHEET, row, "行政村代码", f"{villages[index]} 不是您管辖范围内的行政村代码"
                    )
                )
            facts[index] = _facts(columns, index)
            for code in person_issues(facts[index], today=today):
                severity, message = CHECKS[code]
                target = problems if severity == ERROR else result.warnings
                target.append(Problem(MEMBER_SHEET, row, "", message))
        if problems:
            result.errors.extend(problems)
        else:
            valid_ids.append(number)
            valid_indexes.append(index)
            households[columns["household_code"][index]].append(index)
    for code in _codes_outside_scope(set(households), allowed_village_codes):
        result.errors.append(
            Problem(
                MEMBER_SHEET,
                numbers[households[code][0]],
                "户编号",
                f"户编号 {code} 已被您管辖范围以外的农户使用，请核对户编号",
            )
        )
    for code, indexes in households.items():
        first = indexes[0]
        for index in indexes[1:]:
            for name in HOUSEHOLD_FIELDS:
                if columns[name][index] != columns[name][first]:
                    header = COLUMN_BY_FIELD[name].header
                    result.errors.append(
                        Problem(
                            MEMBER_SHEET,
                            numbers[index],
                            header,
                            f"同一户（{code}）各行的{header}应一致，与第{numbers[first]}行不同",
                        )
                    )
        for issue in household_issues([facts[index] for index in indexes]):
            result.errors.append(
                Problem(MEMBER_SHEET, numbers[first], "与户主关系", f"户 {code}：{CHECKS[issue][1]}")
            )
    if not result.errors:  # nothing is staged from a file with an error: seal only what will be staged
        result.members = _sealed_members(sheet, valid_indexes, valid_ids)
    if YEAR_SHEET in by_sheet:
        _validate_years(clean_sheet(by_sheet[YEAR_SHEET]), set(households), result)
    result.errors.sort(key=lambda p: (p.sheet != MEMBER_SHEET, p.row))
    return result


def _sealed_members(
    sheet: CleanSheet, indexes: list[int], numbers: list[str]
) -> list[tuple[int, dict[str, Any]]]:
    """The valid rows (`indexes`, in file order, and their normalised ID `numbers`), each ID replaced by cipher,
    blind index and mask, the phones by cipher and mask."""
    columns = sheet.columns
    id_ciphers, id_indexes, id_masks = sealing.protect_ids(numbers)
    phone_ciphers, phone_masks = sealing.seal_phones([columns["phone"][i] for i in indexes])
    contact_ciphers, contact_masks = sealing.seal_phones([columns["contact_phone"][i] for i in indexes])
    every = len(indexes) == len(sheet.numbers)  # the usual case: no row left out, no column to pick from
    picked = [columns[name] if every else [columns[name][i] for i in indexes] for name in PLAIN_MEMBER_FIELDS]
    fields = (*PLAIN_MEMBER_FIELDS, *SEALED_MEMBER_FIELDS)
    records = map(
        dict,
        map(
            zip,
            itertools.repeat(fields),
            zip(
                *picked,
                id_ciphers,
                id_indexes,
                id_masks,
                phone_ciphers,
                phone_masks,
                contact_ciphers,
                contact_masks,
                strict=True,
            ),
        ),
    )
    return list(zip([sheet.numbers[i] for i in indexes], records, strict=True))


def _validate_years(sheet: CleanSheet, households: set[str], result: Validated) -> None:
    columns = sheet.columns
    seen_years: dict[tuple[str, int], int] = {}
    for index, row in enumerate(sheet.numbers):
        wrong_cells = sheet.problems.get(index)
        if wrong_cells is not None:
            result.errors.extend(wrong_cells)
            continue
        cleaned = {name: values[index] for name, values in columns.items()}
        problems = []
        key = (cleaned["household_code"], cleaned["year"])
        first_seen = seen_years.setdefault(key, row)
        if first_seen != row:
            problems.append(Problem(YEAR_SHEET, row, "年度", f"与第{first_seen}行重复"))
        if cleaned["household_code"] not in households:
            problems.append(Problem(YEAR_SHEET, row, "户编号", "在“家庭成员”表中没有这一户"))
        if (cleaned.get("assistance_benefit") or 0) > (cleaned.get("transfer") or 0):
            problems.append(
                Problem(
                    YEAR_SHEET,
                    row,
                    "低保金特困供养金",
                    "低保金、特困供养金是转移性收入的一部分，不能超过转移性收入",
                )
            )
        if problems:
            result.errors.extend(problems)
        else:
            result.years.append((row, cleaned))
