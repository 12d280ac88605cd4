"""A project proposal as entered (a form, the API, an imported workbook row) checked against P14's entry
conditions and the proposer's scope before anything is stored: every problem named by its field, in Chinese."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhenxing.accounts.enums import Role
from zhenxing.accounts.scoping import user_scope
from zhenxing.common.errors import ErrorDetail, InvalidInput
from zhenxing.divisions.codes import county_of
from zhenxing.divisions.enums import DivisionLevel
from zhenxing.divisions.models import Division
from zhenxing.policy.rules.projects import (
    LINKAGE_MECHANISMS,
    ProjectFacts,
    Target,
    entry_problems,
    wan_to_fen,
)
from zhenxing.projects.enums import EmergencyKind, FundSource, ProjectLevel, TargetKind
from zhenxing.projects.models import ProjectCategory
from zhenxing.registry.models import Household, NaturalVillage

if TYPE_CHECKING:
    from zhenxing.accounts.models import User

# the level each role proposes at (P14: village projects at 村申报, the others at their own level) — the one
# role↔level map: who proposes, re-submits, cancels, revises and adjusts a project of a level
LEVEL_OF_ROLE: dict[str, str] = {Role.VILLAGE: ProjectLevel.VILLAGE, Role.TOWNSHIP: ProjectLevel.TOWNSHIP,
                 Role.COUNTY: ProjectLevel.COUNTY, Role.COUNTY_SECTOR: ProjectLevel.COUNTY}  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2021, 2100
# the stored columns' sizes (models/library.py, registry.NaturalVillage): refused by name, not by the database
NATURAL_NAME_MAX, INDICATOR_MAX, TARGET_VALUE_MAX = 60, 100, 60
PEOPLE_MAX = 10_000_000  # a count of people a project links, far above any county's population


@dataclass
class ProjectInput:
    """A proposal as typed: amounts as the 万元 text entered, places as village codes with natural village
    names (empty: the whole village), households by registry id."""

    name: str = ""
    year: int | None = None
    category: str = ""  # ProjectCategory.code
    places: Sequence[tuple[str, str]] = ()
    implementing_unit: str = ""
    content: str = ""
    scale: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    total: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    targets: Sequence[tuple[str, str, str]] = ()  # (kind, indicator, target value)
    linkage_mechanisms: Sequence[str] = ()
    linked_tuopin_people: int | None = None
    linked_monitoring_people: int | None = None
    to_households: bool = False
    household_ids: Sequence[int] = ()
    emergency: bool = False
    emergency_kind: str = ""
    emergency_reason: str = ""


@dataclass
class CheckedProject:
    """What `check_proposal` hands the service to store: the values cleaned, the objects found."""

    values: dict[str, Any]
    category: ProjectCategory
    county: Division
    places: list[tuple[Division, NaturalVillage | None, str]]  # natural village to create when None + name
    sources_fen: dict[str, int]
    targets: list[tuple[str, str, str]]
    households: list[Household]


def _in_scope(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def check_proposal(*, actor: User, data: ProjectInput, level: str | None = None) -> CheckedProject:
    """Every problem with `data` for `actor` at once, as InvalidInput; nothing is written."""
    problems: list[ErrorDetail] = []

    def fail(loc: str, code: str, message: str) -> None:
        problems.append(ErrorDetail(tuple(loc.split(".")), code, message))

    level = level or LEVEL_OF_ROLE.get(actor.role)
    if level is None:
        fail("level", "role", "您的角色不能申报项目")
    if data.year is None or not FIRST_YEAR <= data.year <= LAST_YEAR:
        fail("year", "range", f"项目年度应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间")
    category = ProjectCategory.objects.select_related("sector").filter(code=data.category).first()
    if category is None:
        fail("category", "unknown", "请从项目类别目录中选择类别")
    # places: villages in the proposer's scope, one county; natural villages under their village
    prefixes = list(user_scope(actor).prefixes)
    if actor.role == Role.COUNTY_SECTOR and actor.jurisdiction is not None:
        prefixes = [actor.jurisdiction.code]
    codes = [code.strip() for code, _ in data.places if code.strip()]
    villages = {d.code: d for d in Division.objects.filter(code__in=codes, level=DivisionLevel.VILLAGE)}
    places: list[tuple[Division, NaturalVillage | None, str]] = []
    seen: set[tuple[str, str]] = set()
    for index, (code, natural_name) in enumerate(data.places):
        code = code.strip()
        village = villages.get(code)
        if village is None:
            fail(f"places.{index}", "unknown", f"“{code}”不是一个行政村区划代码")
            continue
        if not _in_scope(code, prefixes):
            fail(f"places.{index}", "out_of_scope", f"{village.name}（{code}）不在您的管辖范围内")
            continue
        if (code, natural_name.strip()) in seen:  # one row per place (ProjectPlace is unique)
            fail(f"places.{index}", "duplicate", f"地点重复：{village.name}{natural_name.strip()}")
            continue
        seen.add((code, natural_name.strip()))
        if len(natural_name.strip()) > NATURAL_NAME_MAX:
            fail(f"places.{index}", "too_long", f"自然村名称最多{NATURAL_NAME_MAX}个字")
            continue
        natural = None
        if natural_name.strip():
            natural = NaturalVillage.objects.filter(village=village, name=natural_name.strip()).first()
        places.append((village, natural, natural_name.strip()))
    counties = {county_of(village.code) for village, _, _ in places}
    if len(counties) > 1:
        fail("places", "counties", "一个项目的地点须在同一个县(市)内")
    county = Division.objects.filter(code=next(iter(counties))).first() if len(counties) == 1 else None
    own_village = actor.jurisdiction.code if actor.role == Role.VILLAGE and actor.jurisdiction else None
    if own_village is not None and any(v.code != own_village for v, _, _ in places):
        fail("places", "village_only", "村级项目的地点只能在本村")
    # money: 万元 to the fen, each source a column
    total_fen: int | None = None
    try:
        total_fen = wan_to_fen(data.total, label="计划总投资")
    except ValueError as error:
        fail("total", "amount", str(error))
    sources_fen: dict[str, int] = {}
    for source, raw in data.sources.items():
        if source not in FundSource.values:
            fail(f"sources.{source}", "unknown", f"不认识的资金来源“{source}”")
            continue
        if not str(raw or "").strip():
            continue
        try:
            amount = wan_to_fen(raw, label=FundSource(source).label)
        except ValueError as error:
            fail(f"sources.{source}", "amount", str(error))
            continue
        if amount:
            sources_fen[source] = amount
    targets = [(k, i.strip(), v.strip()) for k, i, v in data.targets if i.strip() or v.strip()]
    for kind, indicator, value in targets:
        if kind not in TargetKind.values:
            fail("targets", "unknown", f"不认识的绩效指标类型“{kind}”")
        elif len(indicator) > INDICATOR_MAX or len(value) > TARGET_VALUE_MAX:
            fail(
                f"targets.{kind}",
                "too_long",
                f"绩效指标最多{INDICATOR_MAX}个字，目标值最多{TARGET_VALUE_MAX}个字",
            )
    # households of a 到户 project: in the registry, in the user's scope, in the project's villages
    found = [
        household
        for household in Household.objects.filter(pk__in=list(data.household_ids)).select_related("village")
        if _in_scope(household.village.code, prefixes)
    ]  # one answer for "no such household" and "not yours", so that existence does not leak
    missing = set(data.household_ids) - {h.pk for h in found}
    if missing:
        fail(
            "households",
            "unknown",
            f"以下农户不存在或不在您的管辖范围内：{'、'.join(map(str, sorted(missing)))}",
        )
    place_codes = {village.code for village, _, _ in places}
    outside = [f"{h.village.name}农户{h.pk}" for h in found if h.village.code not in place_codes]
    if data.emergency:
        if actor.role != Role.COUNTY:
            fail("emergency", "role", "应急项目由县(市)直接报领导小组审核")
        if data.emergency_kind not in EmergencyKind.values:
            fail("emergency_kind", "required", "请选择突发事件类型（疫情、灾情或其他）")
        if len(data.emergency_reason.strip()) < 4:
            fail("emergency_reason", "required", "请填写走应急程序的理由")
    for key in ("linked_tuopin_people", "linked_monitoring_people"):
        value = getattr(data, key)
        if value is not None and value < 0:
            fail(key, "negative", "人数不能为负数")
        elif value is not None and value > PEOPLE_MAX:
            fail(key, "range", f"人数超出范围（最多{PEOPLE_MAX}人）")
    facts = ProjectFacts(
        name=data.name, category_needs_linkage=bool(category and category.needs_linkage), level=level or "",
        village_codes=sorted(place_codes),
        proposer_village_code=actor.jurisdiction.code if actor.role == Role.VILLAGE and actor.jurisdiction else None,
        implementing_unit=data.implementing_unit, content=data.content, scale=data.scale,
        starts_on=data.starts_on, ends_on=data.ends_on,
        total_fen=total_fen, sources_fen=sources_fen,
        targets=[Target(k, i, v) for k, i, v in targets],
        linkage_mechanisms=list(data.linkage_mechanisms), linked_tuopin_people=data.linked_tuopin_people,
        linked_monitoring_people=data.linked_monitoring_people,
        to_households=data.to_households, household_count=len(found), households_outside=outside,
    )  # fmt: skip
    reported = {(p.loc, p.code) for p in problems}
    for problem in entry_problems(facts):
        if problem.field in ("total",) and any(p.loc == ("total",) for p in problems):
            continue  # the amount's own error says it already
        detail = ErrorDetail(tuple(problem.field.split(".")), problem.code, problem.message)
        if (detail.loc, detail.code) not in reported:
            problems.append(detail)
    if len(data.name) > 200:
        fail("name", "too_long", "项目名称最多200个字")
    if len(data.scale) > 200:
        fail("scale", "too_long", "建设规模最多200个字")
    if len(data.implementing_unit) > 100:
        fail("implementing_unit", "too_long", "实施单位最多100个字")
    if problems or category is None or county is None or total_fen is None:
        raise InvalidInput(problems or [ErrorDetail(("places",), "required", "请填写项目地点（到行政村）")])
    values = {
        "name": data.name.strip(), "year": data.year, "level": level,
        "implementing_unit": data.implementing_unit.strip(), "content": data.content.strip(),
        "scale": data.scale.strip(), "starts_on": data.starts_on, "ends_on": data.ends_on, "total_fen": total_fen,
        "to_households": data.to_households,
        "linkage_mechanisms": [m for m in data.linkage_mechanisms if m in LINKAGE_MECHANISMS],
        "linked_tuopin_people": data.linked_tuopin_people, "linked_monitoring_people": data.linked_monitoring_people,
        "emergency": data.emergency, "emergency_kind": data.emergency_kind if data.emergency else "",
        "emergency_reason": data.emergency_reason.strip() if data.emergency else "",
    }  # fmt: skip
    return CheckedProject(
        values=values, category=category, county=county, places=places, sources_fen=sources_fen,
        targets=targets, households=found if data.to_households else [],
    )  # fmt: skip
