"""Reading the divisions CSV and upserting it. Shared by the data migration and `zhenxing divisions load`,
so it takes the model class as an argument (a migration must use its historical model)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhenxing.divisions.designations import county_flags
from zhenxing.divisions.enums import CODE_LENGTH, PARENT_LEVEL, DivisionLevel
from zhenxing.divisions.naming import short_name

EDITION = "NBS2023"
CSV_COLUMNS = ["code", "name", "level", "parent_code"]


class DivisionFileError(ValueError):
    pass


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def read_rows(path: Path) -> list[DivisionRow]:
    """Read and validate the whole file before anything is written; errors name the line, in Chinese."""
    if not path.exists():
        raise DivisionFileError(f"找不到区划文件 {path}")
    rows: list[DivisionRow] = []
    seen: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != CSV_COLUMNS:
            raise DivisionFileError(f"区划文件表头应为 {','.join(CSV_COLUMNS)}，实际为 {reader.fieldnames}")
        for line, record in enumerate(reader, start=2):
            row = DivisionRow(**{key: (record[key] or "").strip() for key in CSV_COLUMNS})
            if row.level not in DivisionLevel.values:
                raise DivisionFileError(f"第{line}行：未知层级 {row.level!r}")
            if not row.code.isdigit() or len(row.code) != CODE_LENGTH[row.level]:
                raise DivisionFileError(f"第{line}行：{row.level} 的代码应为 {CODE_LENGTH[row.level]} 位数字")
            if row.code in seen:
                raise DivisionFileError(f"第{line}行：代码 {row.code} 重复")
            if not row.name:
                raise DivisionFileError(f"第{line}行：名称为空")
            expected_parent_level = PARENT_LEVEL[row.level]
            if expected_parent_level is None:
                if row.parent_code:
                    raise DivisionFileError(f"第{line}行：州级区划不应有上级代码")
            elif seen.get(row.parent_code) != expected_parent_level or not row.code.startswith(
                row.parent_code
            ):
                raise DivisionFileError(f"第{line}行：上级代码 {row.parent_code} 不存在或层级不符")
            seen[row.code] = row.level
            rows.append(row)
    if not rows:
        raise DivisionFileError("区划文件为空")
    return rows


def upsert_rows(division_model: Any, rows: Iterable[DivisionRow], edition: str = EDITION) -> LoadResult:
    """Insert new divisions and update changed ones; parents come before children in the file."""
    result = LoadResult()
    existing = {division.code: division for division in division_model.objects.all()}
    for row in rows:
        tuopin, key = county_flags(row.code) if row.level == DivisionLevel.COUNTY else (False, False)
        wanted: dict[str, Any] = {
            "name": row.name,
            "short_name": short_name(row.name),
            "level": row.level,
            "parent": existing[row.parent_code] if row.parent_code else None,
            "edition": edition,
            "is_tuopin_county": tuopin,
            "is_key_county": key,
        }
        current = existing.get(row.code)
        if current is None:
            existing[row.code] = division_model.objects.create(code=row.code, **wanted)
            result.created += 1
            continue
        changed = [field for field, value in wanted.items() if getattr(current, field) != value]
        if changed:
            for field in changed:
                setattr(current, field, wanted[field])
            current.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    return result
