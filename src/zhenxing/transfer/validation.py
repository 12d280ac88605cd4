"""Row-by-row validation of an uploaded 台账. Every problem is reported with sheet, row and column in
Chinese; ID numbers are validated (P2) and phones checked (P1), and both leave this module only encrypted
(with the ID's blind index) and masked: staged rows hold no plain number."""

from __future__ import annotations

import base64
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from zhenxing.common.xlsx import unquoted
from zhenxing.policy.rules.idnumber import IdNumberError, parse_id_number
from zhenxing.policy.rules.quality import CHECKS, ERROR, PersonFacts, household_issues, person_issues
from zhenxing.registry.identity import protect_id_number
from zhenxing.registry.layout import MEMBER_COLUMNS, MEMBER_SHEET, YEAR_COLUMNS, YEAR_SHEET, YES_NO, Column
from zhenxing.registry.models import Household
from zhenxing.registry.phones import PHONE_MESSAGE, normalised_phone, phone_is_valid, seal_phone
from zhenxing.transfer.reading import SheetRows, iter_records

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


def _clean_record(
    sheet: str, row: int, record: dict[str, Any], problems: list[Problem]
) -> dict[str, Any] | None:
    cleaned: dict[str, Any] = {}
    ok = True
    for name, value in record.items():
        column = COLUMN_BY_FIELD[name]
        try:
            cleaned[name] = clean_cell(column, value)
        except CellError as error:
            problems.append(Problem(sheet, row, column.header, str(error)))
            ok = False
    return cleaned if ok else None


def _protect_identity(row: int, cleaned: dict[str, Any], problems: list[Problem]) -> bool:
    """Validate the ID (P2) against sex and birth date, then replace it by cipher, index and mask."""
    raw = cleaned.pop("id_number")
    try:
        parsed = parse_id_number(raw)
    except IdNumberError as error:
        problems.append(Problem(MEMBER_SHEET, row, "证件号码", error.message))
        return False
    ok = True
    if parsed.birth_date != cleaned["birth_date"]:
        problems.append(
            Problem(
                MEMBER_SHEET,
                row,
                "出生日期",
                f"与证件号码中的出生日期 {parsed.birth_date.isoformat()} 不一致",
            )
        )
        ok = False
    if parsed.sex != cleaned["sex"]:
        problems.append(Problem(MEMBER_SHEET, row, "性别", f"与证件号码第17位所示性别（{parsed.sex}）不一致"))
        ok = False
    protected = protect_id_number(parsed.number)
    cleaned["id_cipher"] = base64.b64encode(protected.encrypted).decode("ascii")
    cleaned["id_index"] = protected.index
    cleaned["id_masked"] = protected.masked
    return ok


def _check_phones(row: int, cleaned: dict[str, Any], problems: list[Problem]) -> None:
    """Blanks and hyphens taken out; the person's phone is checked with the other P1 checks (_facts), the
    household's here, as every writer checks it (registry/phones.py)."""
    cleaned["phone"] = normalised_phone(cleaned["phone"])
    cleaned["contact_phone"] = normalised_phone(cleaned["contact_phone"])
    if not phone_is_valid(cleaned["contact_phone"]):
        problems.append(Problem(MEMBER_SHEET, row, COLUMN_BY_FIELD["contact_phone"].header, PHONE_MESSAGE))


def _seal_phones(cleaned: dict[str, Any]) -> None:
    """Replace the plain phones by cipher (base64, for the JSON of the staged row) and mask."""
    for name in ("phone", "contact_phone"):
        sealed = seal_phone(cleaned.pop(name))
        cipher = sealed.encrypted
        cleaned[f"{name}_cipher"] = base64.b64encode(cipher).decode("ascii") if cipher is not None else None
        cleaned[f"{name}_masked"] = sealed.masked


def _codes_outside_scope(codes: set[str], allowed_village_codes: set[str]) -> set[str]:
    """户编号 already used by a household in neither an allowed village nor moved from one: importing it
    would move that household into the importer's village."""
    taken: set[str] = set()
    ordered = sorted(codes)
    for start in range(0, len(ordered), 2000):
        for code, village, moved_from in Household.objects.filter(
            code__in=ordered[start : start + 2000]
        ).values_list("code", "village_id", "moved_from_id"):
            if village not in allowed_village_codes and moved_from not in allowed_village_codes:
                taken.add(str(code))
    return taken


def _facts(cleaned: dict[str, Any]) -> PersonFacts:
    return PersonFacts(
        sex=cleaned["sex"], birth_date=cleaned["birth_date"], relation=cleaned["relation"], education=cleaned["education"],
        schooling=cleaned["schooling"], health=cleaned["health"], labour=cleaned["labour"], work_place=cleaned["work_place"],
        work_months=cleaned["work_months"] or 0, phone=cleaned["phone"], resident_insurance=cleaned["resident_medical_insurance"],
        employee_insurance=cleaned["employee_medical_insurance"],
    )  # fmt: skip


HOUSEHOLD_FIELDS = ("village_code", "natural_village", "kind", "address", "contact_phone")


def validate(sheets: list[SheetRows], *, today: datetime.date, allowed_village_codes: set[str]) -> Validated:
    result = Validated()
    by_sheet = {sheet.name: sheet for sheet in sheets}
    seen_ids: dict[str, int] = {}
    households: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for row, record in iter_records(by_sheet[MEMBER_SHEET]):
        problems: list[Problem] = []
        cleaned = _clean_record(MEMBER_SHEET, row, record, problems)
        if cleaned is not None:
            _check_phones(row, cleaned, problems)
        if cleaned is not None and _protect_identity(row, cleaned, problems):
            first_row_of_id = seen_ids.setdefault(cleaned["id_index"], row)
            if first_row_of_id != row:
                problems.append(
                    Problem(MEMBER_SHEET, row, "证件号码", f"与第{first_row_of_id}行的证件号码重复")
                )
            if cleaned["village_code"] not in allowed_village_codes:
                problems.append(
                    Problem(
                        MEMBER_SHEET,
                        row,
                        "行政村代码",
                        f"{cleaned['village_code']} 不是您管辖范围内的行政村代码",
                    )
                )
            for code in person_issues(_facts(cleaned), today=today):
                severity, message = CHECKS[code]
                target = problems if severity == ERROR else result.warnings
                target.append(Problem(MEMBER_SHEET, row, "", message))
        if problems:
            result.errors.extend(problems)
        elif cleaned is not None:
            result.members.append((row, cleaned))
            households[cleaned["household_code"]].append((row, cleaned))
    for code in _codes_outside_scope(set(households), allowed_village_codes):
        first_row = households[code][0][0]
        result.errors.append(
            Problem(
                MEMBER_SHEET, first_row, "户编号", f"户编号 {code} 已被您管辖范围以外的农户使用，请核对户编号"
            )
        )
    for code, rows in households.items():
        first_row, first = rows[0]
        for row, other in rows[1:]:
            for name in HOUSEHOLD_FIELDS:
                if other[name] != first[name]:
                    header = COLUMN_BY_FIELD[name].header
                    result.errors.append(
                        Problem(
                            MEMBER_SHEET,
                            row,
                            header,
                            f"同一户（{code}）各行的{header}应一致，与第{first_row}行不同",
                        )
                    )
        for issue in household_issues([_facts(member) for _, member in rows]):
            result.errors.append(
                Problem(MEMBER_SHEET, first_row, "与户主关系", f"户 {code}：{CHECKS[issue][1]}")
            )
    for _, member in result.members:
        _seal_phones(member)
    if YEAR_SHEET in by_sheet:
        seen_years: dict[tuple[str, int], int] = {}
        for row, record in iter_records(by_sheet[YEAR_SHEET]):
            problems = []
            cleaned = _clean_record(YEAR_SHEET, row, record, problems)
            if cleaned is not None:
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
            elif cleaned is not None:
                result.years.append((row, cleaned))
    result.errors.sort(key=lambda p: (p.sheet != MEMBER_SHEET, p.row))
    return result
