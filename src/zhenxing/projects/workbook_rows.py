"""A row of a library workbook (projects/workbook.py's layout) read as a ProjectInput, with the import's own
facts (状态, 审定日期, 项目编号): each cell that cannot be read is a problem for its column, and village and
township names are read back to division codes within the county."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from zhenxing.divisions.codes import prefecture_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import LINKAGE_MECHANISMS
from zhenxing.projects.entry import ProjectInput
from zhenxing.projects.enums import EmergencyKind, FundSource, ProjectLevel, ProjectStatus
from zhenxing.projects.models import ProjectCategory
from zhenxing.projects.workbook import PAIR, TARGET_KEYS, as_date
from zhenxing.transfer.validation import CellError, cell_text

LEVELS = {**{label: code for code, label in ProjectLevel.choices}, "县级": ProjectLevel.COUNTY,
          "乡镇级": ProjectLevel.TOWNSHIP, "县级项目": ProjectLevel.COUNTY, "村级项目": ProjectLevel.VILLAGE,
          "乡级项目": ProjectLevel.TOWNSHIP}  # fmt: skip
STATUSES = {label: code for code, label in ProjectStatus.choices}
LINKAGES = {label: code for code, label in LINKAGE_MECHANISMS.items()}
EMERGENCY_KINDS = {label: code for code, label in EmergencyKind.choices}
YES, NO = "是", "否"

# --- reading a cell (the registry import's reader: formula quotes off, NUL refused) ---
_text = cell_text


def _amount(value: Any) -> str:
    """A 万元 amount as text for wan_to_fen: a number cell at the 15 significant digits a spreadsheet keeps (so
    that 12.300000000000001 is 12.3, while 1.2345678 keeps its seventh decimal and is refused)."""
    if isinstance(value, float):
        return format(value, ".15g")
    return _text(value)


def _whole(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"应为不小于0的整数，收到“{text}”")
    return int(text)


def _yes_no(value: Any) -> bool:
    text = _text(value)
    if text not in ("", YES, NO):
        raise CellError(f"应填“是”或“否”，收到“{text}”")
    return text == YES


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；]", text) if part.strip()]


def _targets(kind: str, value: Any) -> list[tuple[str, str, str]]:
    """ "指标：目标值；指标：目标值" as (kind, indicator, target value); an item without "：" has no value."""
    targets = []
    for item in re.split(r"[;；\n]", _text(value)):
        if item.strip():
            indicator, _, target = re.sub(r"[:：]", PAIR, item.strip(), count=1).partition(PAIR)
            targets.append((kind, indicator.strip(), target.strip()))
    return targets


class Places:
    """Village and township names read back to division codes, within a county; cached for the file."""

    def __init__(self, home: Division) -> None:
        self.home = home
        self._counties: dict[str, Division | None] = {}
        self._villages: dict[tuple[str, str], list[Division]] = {}

    def county(self, text: str) -> Division | None:
        if not text:
            return self.home
        if text not in self._counties:
            self._counties[text] = (
                Division.objects.filter(
                    level=DivisionLevel.COUNTY, code__startswith=prefecture_of(self.home.code)
                )
                .filter(_named(text))
                .first()
            )
        return self._counties[text]

    def villages(self, county: Division, name: str) -> list[Division]:
        key = (county.code, name)
        if key not in self._villages:
            self._villages[key] = list(
                Division.objects.filter(level=DivisionLevel.VILLAGE, code__startswith=county.code)
                .filter(_named(name))
                .select_related("parent")
            )
        return self._villages[key]

    def resolve(self, cells: dict[str, Any], fail: Callable[[str, str], None]) -> list[tuple[str, str]]:
        """The (village code, natural village name) of a row; each name that does not resolve is a problem."""
        county_text = _text(cells.get("county"))
        county = self.county(county_text)
        if county is None:
            fail("county", f"找不到县(市)“{county_text}”")
            return []
        townships = set(_split(_text(cells.get("township"))))
        codes: list[str] = []
        for token in _split(_text(cells.get("village"))):
            if re.fullmatch(r"\d{12}", token):
                codes.append(token)
                continue
            found = self.villages(county, token)
            if townships and len(found) > 1:
                found = [v for v in found if v.parent and {v.parent.name, v.parent.short_name} & townships]
            if not found:
                fail("village", f"{county.name}没有名为“{token}”的行政村")
            elif len(found) > 1:
                fail("village", f"{county.name}有多个名为“{token}”的行政村，请填写乡(镇)或12位行政村代码")
            else:
                codes.append(found[0].code)
        codes = list(dict.fromkeys(codes))
        naturals: dict[str, list[str]] = {code: [] for code in codes}
        names = {v.code: {v.name, v.short_name} for c in codes for v in self._by_code(c)}
        for token in _split(_text(cells.get("natural"))):
            village_name, _, natural = token.rpartition("/")
            if not village_name:
                if len(codes) != 1:
                    fail("natural", "项目有多个行政村时，自然村须写作“行政村/自然村”")
                    continue
                naturals[codes[0]].append(natural)
                continue
            owners = [code for code in codes if village_name in names.get(code, set())]
            if len(owners) != 1:
                fail("natural", f"“{token}”中的行政村“{village_name}”不是本行所填的行政村")
                continue
            naturals[owners[0]].append(natural)
        return [(code, natural) for code in codes for natural in (naturals[code] or [""])]

    def _by_code(self, code: str) -> list[Division]:
        return [v for found in self._villages.values() for v in found if v.code == code] or list(
            Division.objects.filter(code=code)
        )


def _named(text: str) -> Q:
    return Q(name=text) | Q(short_name=text) | Q(code=text)


# --- a row ---


@dataclass
class Row:
    data: ProjectInput
    level: str
    status: str
    decided_on: datetime.date | None
    code: str


def _category(cells: dict[str, Any], categories: list[ProjectCategory]) -> str:
    group, name = _text(cells.get("group")), _text(cells.get("category"))
    found = [c for c in categories if c.name == name and (not group or c.group == group)]
    if not found and not group:
        found = [c for c in categories if c.group == name]
    if len(found) != 1:
        label = f"{group}·{name}" if group and group != name else name
        raise CellError(
            f"项目类别目录中没有“{label}”" if not found else f"“{name}”对应多个类别，请填写项目类别（大类）"
        )
    return found[0].code


def parse_row(cells: dict[str, Any], places: Places, categories: list[ProjectCategory],
           fail: Callable[[str, str], None]) -> Row:  # fmt: skip
    """The row's cells as a ProjectInput and the import's own facts; a cell that cannot be read is a problem
    (and given to check_proposal as empty, whose own problem for that column is then not repeated)."""

    def cell(key: str, read: Callable[[Any], Any], default: Any = None) -> Any:
        try:
            return read(cells.get(key))
        except CellError as error:
            fail(key, str(error))
        except ValueError:
            fail(key, f"应为日期（如 2025-03-01），收到“{_text(cells.get(key))}”")
        return default

    def choice(key: str, table: dict[str, str], default: str = "") -> str:
        text = _text(cells.get(key))
        if not text:
            return default
        if text not in table:
            fail(key, f"“{text}”无效，应为：{'、'.join(table)}")
            return default
        return table[text]

    def category(_: Any) -> str:
        return _category(cells, categories)

    def linkage(value: Any) -> list[str]:
        parts = _split(_text(value))
        unknown = [part for part in parts if part not in LINKAGES]
        if unknown:
            raise CellError(f"不认识的联农带农机制：{'、'.join(unknown)}（可填：{'、'.join(LINKAGES)}）")
        return [LINKAGES[part] for part in parts]

    starts_on = cell("starts_on", as_date)
    year = cell("year", _whole)
    if year is None and isinstance(starts_on, datetime.date):
        year = starts_on.year  # a sheet without 项目年度: the year of its planned start
    emergency = cell("emergency", _yes_no, False)
    data = ProjectInput(
        name=_text(cells.get("name")), year=year, category=cell("category", category, ""),
        places=places.resolve(cells, fail), implementing_unit=_text(cells.get("unit")),
        content=_text(cells.get("content")), scale=_text(cells.get("scale")), starts_on=starts_on,
        ends_on=cell("ends_on", as_date), total=_amount(cells.get("total")),
        sources={s.value: _amount(cells.get(f"source:{s.value}")) for s in FundSource if f"source:{s.value}" in cells},
        targets=[t for kind, key in TARGET_KEYS.items() for t in _targets(kind, cells.get(key))],
        linkage_mechanisms=cell("linkage", linkage, []), linked_tuopin_people=cell("linked_tuopin", _whole),
        linked_monitoring_people=cell("linked_monitoring", _whole),
        to_households=cell("to_households", _yes_no, False), emergency=emergency,
        emergency_kind=choice("emergency_kind", EMERGENCY_KINDS), emergency_reason=_text(cells.get("emergency_reason")),
    )  # fmt: skip
    return Row(
        data=data, level=choice("level", LEVELS), status=choice("status", STATUSES, ProjectStatus.RESERVED),
        decided_on=cell("decided_on", as_date), code=_text(cells.get("code")),
    )  # fmt: skip


def payload_of(row: Row) -> dict[str, Any]:
    data = dataclasses.asdict(row.data)
    for name in ("starts_on", "ends_on"):
        data[name] = data[name].isoformat() if data[name] else None
    return {"data": data, "level": row.level, "status": row.status, "code": row.code,
            "decided_on": row.decided_on.isoformat() if row.decided_on else None}  # fmt: skip


def row_of(payload: dict[str, Any]) -> Row:
    data = dict(payload["data"])
    for name in ("starts_on", "ends_on"):
        data[name] = datetime.date.fromisoformat(data[name]) if data[name] else None
    data["places"] = [tuple(place) for place in data["places"]]
    data["targets"] = [tuple(target) for target in data["targets"]]
    decided = payload["decided_on"]
    return Row(
        data=ProjectInput(**data), level=payload["level"], status=payload["status"], code=payload["code"],
        decided_on=datetime.date.fromisoformat(decided) if decided else None,
    )  # fmt: skip
